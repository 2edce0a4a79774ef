//! The 客户沟通记录表 (customer communication record), one line per visit, in the handbook's
//! columns. 问题类型 is the visit's type (投诉回访, 维修回访…): it is what every visit has; the
//! sub-problems of the tickets a visit raised are in the ticket export.

use chrono::{DateTime, FixedOffset, Utc};

use super::{Cell, Lang, labels};
use crate::store::VisitExportRow;

/// The headers, in the handbook's wording for zh-CN.
pub fn visit_headers(lang: Lang) -> [&'static str; 11] {
    lang.pick((
        [
            "序号",
            "客户姓名",
            "联系方式(脱敏)",
            "沟通时间",
            "沟通渠道",
            "问题类型",
            "沟通话术摘要",
            "客户反馈内容(原话)",
            "满意度评分(1-5分)",
            "跟进事项",
            "负责客服",
        ],
        [
            "No.",
            "Customer",
            "Contact (masked)",
            "Time",
            "Channel",
            "Problem type",
            "Script used",
            "Customer's words",
            "Satisfaction (1-5)",
            "Follow-up",
            "Agent",
        ],
    ))
}

/// Column widths (characters) for the XLSX.
pub const VISIT_WIDTHS: [f64; 11] = [
    7.0, 12.0, 16.0, 17.0, 9.0, 12.0, 22.0, 40.0, 9.0, 30.0, 12.0,
];

/// The organisation's local time of day, to the minute.
pub fn local_time(at: DateTime<Utc>, utc_offset_minutes: i32) -> String {
    let offset = FixedOffset::east_opt(utc_offset_minutes * 60)
        .unwrap_or(FixedOffset::east_opt(0).expect("UTC"));
    at.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The cells of the `number`th visit (from 1).
pub fn visit_cells(
    number: u64,
    v: &VisitExportRow,
    lang: Lang,
    utc_offset_minutes: i32,
) -> Vec<Cell> {
    let script = v
        .script
        .as_ref()
        .map(|(title, version)| format!("{title} (v{version})"));
    vec![
        Cell::Int(number as i64),
        v.customer.as_str().into(),
        v.contact.as_str().into(),
        local_time(v.contacted_at, utc_offset_minutes).into(),
        labels::channel(lang, v.channel).into(),
        labels::visit_type(lang, v.visit_type).into(),
        script.into(),
        v.verbatim.as_str().into(),
        v.satisfaction.into(),
        v.follow_up.as_str().into(),
        v.agent.as_str().into(),
    ]
}
