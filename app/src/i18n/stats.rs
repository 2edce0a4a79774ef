//! Texts of the statistics screen (反馈分类统计表), its risk banner and the period picker.

use chrono::Datelike;
use huifang_domain::period::{Period, PeriodKind};

use super::Lang;

/// The stats entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! stats_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        StatsTitle => "反馈分类统计表", "Feedback statistics";
        PeriodKindLabel => "统计周期", "Period";
        PeriodDateLabel => "日期", "Date";
        PeriodFromLabel => "开始日期", "From";
        PeriodToLabel => "结束日期", "To";
        PeriodPrev => "上一周期", "Previous period";
        PeriodNext => "下一周期", "Next period";
    } };
}

pub fn period_kind_label(lang: Lang, kind: PeriodKind) -> &'static str {
    lang.pick(match kind {
        PeriodKind::Day => ("日", "Day"),
        PeriodKind::Week => ("周", "Week"),
        PeriodKind::Month => ("月", "Month"),
        PeriodKind::Quarter => ("季度", "Quarter"),
        PeriodKind::Year => ("年", "Year"),
        PeriodKind::Custom => ("自定义", "Custom"),
    })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// How a person names the period: 2026年12月 / December 2026, 2026年第49周 (11-30 至 12-06).
pub fn period_label(lang: Lang, p: Period) -> String {
    let (y, first, last) = (p.first.year(), p.first, p.last);
    let md = |d: chrono::NaiveDate| format!("{:02}-{:02}", d.month(), d.day());
    match (lang, p.kind) {
        (_, PeriodKind::Day) => first.to_string(),
        (Lang::Zh, PeriodKind::Week) => {
            let w = first.iso_week();
            format!(
                "{}年第{}周({} 至 {})",
                w.year(),
                w.week(),
                md(first),
                md(last)
            )
        }
        (Lang::En, PeriodKind::Week) => {
            let w = first.iso_week();
            format!(
                "Week {} of {} ({} – {})",
                w.week(),
                w.year(),
                md(first),
                md(last)
            )
        }
        (Lang::Zh, PeriodKind::Month) => format!("{y}年{}月", first.month()),
        (Lang::En, PeriodKind::Month) => format!("{} {y}", MONTHS[first.month0() as usize]),
        (Lang::Zh, PeriodKind::Quarter) => format!("{y}年第{}季度", first.month0() / 3 + 1),
        (Lang::En, PeriodKind::Quarter) => format!("Q{} {y}", first.month0() / 3 + 1),
        (Lang::Zh, PeriodKind::Year) => format!("{y}年"),
        (Lang::En, PeriodKind::Year) => y.to_string(),
        (Lang::Zh, PeriodKind::Custom) => format!("{first} 至 {last}"),
        (Lang::En, PeriodKind::Custom) => format!("{first} – {last}"),
    }
}
