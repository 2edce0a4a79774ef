//! The words of the exports in the reader's language, worded as the app shows them
//! (`app/src/i18n/visits.rs`, `tickets.rs`), so a spreadsheet reads like the console.

use huifang_domain::sla::{ClockKind, ClockState};
use huifang_domain::stats::ActionKind;
use huifang_domain::ticket::{Impact, Nature, TicketPriority, TicketState};
use huifang_domain::{Channel, VisitType, WireName};

use super::Lang;

impl Lang {
    pub(super) fn pick<T>(self, (zh, en): (T, T)) -> T {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

pub fn channel(lang: Lang, v: Channel) -> &'static str {
    lang.pick(match v {
        Channel::Phone => ("电话", "Phone"),
        Channel::OnSite => ("上门", "On site"),
        Channel::Chat => ("在线", "Online chat"),
        Channel::Email => ("邮件", "Email"),
        Channel::Sms => ("短信", "SMS"),
    })
}

pub fn visit_type(lang: Lang, v: VisitType) -> &'static str {
    lang.pick(match v {
        VisitType::Complaint => ("投诉回访", "Complaint follow-up"),
        VisitType::Repair => ("维修回访", "Repair follow-up"),
        VisitType::Event => ("活动回访", "Event follow-up"),
        VisitType::AfterSales => ("售后回访", "After-sales follow-up"),
        VisitType::Satisfaction => ("满意度回访", "Satisfaction survey"),
        VisitType::VisitCheck => ("拜访回访", "Visit check"),
        VisitType::Activation => ("新客户激活", "New-customer activation"),
        VisitType::Care => ("节日关怀", "Holiday care"),
    })
}

pub fn nature(lang: Lang, n: Nature) -> &'static str {
    lang.pick(n.names())
}

/// A sub-problem of the catalog by its key; one the catalog does not know is shown as kept.
pub fn sub_problem(lang: Lang, key: &str) -> String {
    Nature::sub_problem_names(key)
        .map_or_else(|| key.to_owned(), |names| lang.pick(names).to_owned())
}

/// A nature's wire name (the statistics table carries it as text).
pub fn nature_key(lang: Lang, key: &str) -> String {
    match Nature::from_wire_name(key) {
        Some(n) => nature(lang, n).to_owned(),
        None => key.to_owned(),
    }
}

pub fn impact(lang: Lang, i: Impact) -> &'static str {
    lang.pick(match i {
        Impact::General => ("一般", "General"),
        Impact::Important => ("重要", "Important"),
        Impact::Urgent => ("紧急", "Urgent"),
    })
}

pub fn priority(lang: Lang, p: TicketPriority) -> &'static str {
    lang.pick(match p {
        TicketPriority::Low => ("低", "Low"),
        TicketPriority::Medium => ("中", "Medium"),
        TicketPriority::High => ("高", "High"),
    })
}

pub fn ticket_state(lang: Lang, s: TicketState) -> &'static str {
    lang.pick(match s {
        TicketState::New => ("新建", "New"),
        TicketState::Assigned => ("已分派", "Assigned"),
        TicketState::InProgress => ("处理中", "In progress"),
        TicketState::Resolved => ("已解决", "Resolved"),
        TicketState::Revisit => ("待回访", "Revisit"),
        TicketState::Closed => ("已关闭", "Closed"),
    })
}

pub fn clock_kind(lang: Lang, k: ClockKind) -> &'static str {
    lang.pick(match k {
        ClockKind::Respond => ("响应", "Respond"),
        ClockKind::Plan => ("出具方案", "Plan"),
        ClockKind::Progress => ("进度反馈", "Progress report"),
        ClockKind::Escalate => ("升级主管", "Escalate"),
        ClockKind::Resolve => ("解决", "Resolve"),
    })
}

pub fn clock_state(lang: Lang, s: ClockState) -> &'static str {
    lang.pick(match s {
        ClockState::Running => ("进行中", "Running"),
        ClockState::Warning => ("即将到期", "Due soon"),
        ClockState::Paused => ("已暂停", "Paused"),
        ClockState::Breached => ("已超时", "Breached"),
        ClockState::Met => ("已达成", "Met"),
    })
}

pub fn action_kind(lang: Lang, k: ActionKind) -> &'static str {
    lang.pick(match k {
        ActionKind::Script => ("话术优化", "Script"),
        ActionKind::Process => ("流程改进", "Process"),
        ActionKind::Product => ("产品迭代", "Product"),
    })
}
