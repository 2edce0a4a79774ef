//! Texts of the statistics screen (反馈分类统计表), its risk banner and the period picker.

use chrono::Datelike;
use huifang_domain::period::{Period, PeriodKind};
use huifang_domain::stats::ActionKind;

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
        StatsColPeriod => "周期", "Period";
        StatsColNature => "反馈类型", "Feedback type";
        StatsColSubProblem => "具体问题", "Sub-problem";
        StatsColCount => "数量", "Count";
        StatsColShare => "占比", "Share";
        StatsColQuote => "典型原话", "Typical quote";
        StatsColAction => "建议措施", "Suggested action";
        StatsColDepartment => "责任部门", "Department";
        StatsTotal => "合计", "Total";
        StatsOffline => "统计需要联网,当前无法连接服务器。", "The statistics need the network, which is not reachable now.";
        StatsEmpty => "该周期没有反馈。", "No feedback in this period.";
        StatsSortBy => "按此列排序", "Sort by this column";
        StatsActionKind => "措施类型", "Action type";
        StatsActionText => "措施内容", "Action";
        StatsActionState => "状态", "State";
        StatsActionOpen => "进行中", "Open";
        StatsActionDone => "已完成", "Done";
        StatsActionSave => "保存措施", "Save action";
        StatsActionSaved => "已保存", "Saved";
        StatsActionStale => "他人刚修改了此措施,已显示最新内容,请核对后再保存。", "Someone changed this action meanwhile; the latest is shown, check it and save again.";
        StatsActionInvalid => "请填写措施内容(最多 500 字)。", "Write the action (up to 500 characters).";
        StatsActionSince => "始于", "Since";
        StatsActionNone => "未填写", "None yet";
        StatsDrillHint => "查看这些工单", "Show these tickets";
        RiskTitle => "风险预警", "Risk warnings";
        DrillFilter => "筛选", "Filter";
        DrillRemove => "清除筛选", "Remove the filter";
        RiskSpikeFactor => "激增倍数(近 7 天对比前 4 周周均)", "Spike factor (last 7 days against the weekly average of the 4 weeks before)";
        RiskCsatDrop => "满意度下降预警(百分点)", "CSAT drop warning (percentage points)";
        RiskRulesTitle => "风险预警阈值", "Risk warning thresholds";
        RiskRulesHint => "重复反映阈值取自上面的“重复反映”规则。", "The repeat threshold is the repeat rule's above.";
        RiskRulesInvalid => "激增倍数须在 1.1–10 之间,满意度下降须在 0.5–100 个百分点之间。", "The spike factor must be 1.1–10 and the CSAT drop 0.5–100 points.";
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

pub fn action_kind_label(lang: Lang, kind: ActionKind) -> &'static str {
    lang.pick(match kind {
        ActionKind::Script => ("话术优化", "Script"),
        ActionKind::Process => ("流程改进", "Process"),
        ActionKind::Product => ("产品迭代", "Product"),
    })
}

/// A change against the previous period as an arrow and a difference, and as words for a
/// screen reader: `("▲ 3", "比上期增加 3")`.
pub fn change_text(lang: Lang, now: f64, before: f64, unit: &str) -> (String, String) {
    let diff = now - before;
    let shown = if unit.is_empty() {
        format!("{}", diff.abs().round())
    } else {
        format!("{:.1}{unit}", diff.abs())
    };
    let (arrow, zh, en) = if diff > 0.0005 {
        ("▲", "比上期增加", "up by")
    } else if diff < -0.0005 {
        ("▼", "比上期减少", "down by")
    } else {
        return (
            "–".into(),
            lang.pick(("与上期持平", "same as the previous period"))
                .into(),
        );
    };
    let spoken = match lang {
        Lang::Zh => format!("{zh} {shown}"),
        Lang::En => format!("{en} {shown} against the previous period"),
    };
    (format!("{arrow} {shown}"), spoken)
}

/// One spike in the banner's words.
pub fn spike_text(lang: Lang, sub_problem: &str, reports: u64, weekly_average: f64) -> String {
    let sub = super::sub_problem_label(lang, sub_problem);
    match lang {
        Lang::Zh => format!("{sub}:近 7 天 {reports} 次反映(前 4 周周均 {weekly_average:.1} 次)"),
        Lang::En => format!(
            "{sub}: {reports} reports in the last 7 days (weekly average before: {weekly_average:.1})"
        ),
    }
}

pub fn csat_drop_text(lang: Lang, csat: f64, previous: f64) -> String {
    match lang {
        Lang::Zh => format!(
            "本周满意度 {csat:.1}%,上周 {previous:.1}%,下降 {:.1} 个百分点",
            previous - csat
        ),
        Lang::En => format!(
            "This week's CSAT {csat:.1}% against {previous:.1}% last week: down {:.1} points",
            previous - csat
        ),
    }
}

/// The drill-down chip of the ticket list: `具体问题:态度问题 · 2026年11月`.
pub fn drill_chip(lang: Lang, sub_problem: &str, period: Option<Period>) -> String {
    let sub = super::sub_problem_label(lang, sub_problem);
    match period {
        Some(p) => format!("{sub} · {}", period_label(lang, p)),
        None => sub,
    }
}
