//! Texts of the tasks feature: the task list and planning a visit.

use huifang_domain::task::{Priority, RetryReason, TaskSource};

use super::{Key, Lang, t};

/// The tasks entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! tasks_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        TasksTitle => "我的任务", "My tasks";
        TabToday => "今天", "Today";
        TabOverdue => "已逾期", "Overdue";
        TabUpcoming => "即将到来", "Upcoming";
        TasksEmpty => "这里没有任务。", "No tasks here.";
        PriorityHigh => "高优先级", "High priority";
        PriorityNormal => "普通", "Normal";
        PriorityLow => "低优先级", "Low priority";
        SourcePlan => "回访计划", "Planned";
        SourceRetry => "未接通重访", "Retry";
        SourceTicket => "工单回访", "Ticket revisit";
        QuietContinue => "仍要开始", "Start anyway";
        PlanTitle => "安排回访", "Plan a visit";
        PlanAssignee => "执行人", "Assignee";
        PlanPriority => "优先级", "Priority";
        PlanDueFrom => "开始时间", "Due from";
        PlanDueUntil => "截止时间", "Due by";
        PlanNote => "备注", "Note";
        PlanSubmit => "安排", "Assign";
        PlanDone => "已安排,执行人下次同步后可见", "Planned: the assignee sees it after their next sync";
        PlanOffline => "安排回访需要联网。当前无法连接服务器,请稍后再试。", "Planning a visit needs the network, which is not reachable now. Try again later.";
        PlanFailed => "安排失败,请检查填写内容。", "Could not plan the visit: check the entries.";
        PlanWindow => "截止时间须晚于开始时间", "The due time must come after the start";
    } };
}

pub fn priority_label(lang: Lang, p: Priority) -> &'static str {
    t(
        lang,
        match p {
            Priority::High => Key::PriorityHigh,
            Priority::Normal => Key::PriorityNormal,
            Priority::Low => Key::PriorityLow,
        },
    )
}

pub fn source_label(lang: Lang, s: &TaskSource) -> &'static str {
    t(
        lang,
        match s {
            TaskSource::Plan => Key::SourcePlan,
            TaskSource::Retry { .. } => Key::SourceRetry,
            TaskSource::Ticket { .. } => Key::SourceTicket,
        },
    )
}

pub fn quiet_warning(lang: Lang, next: &str) -> String {
    match lang {
        Lang::Zh => format!("现在是免打扰时段,请勿打扰客户。下一个可联系时间:{next}"),
        Lang::En => format!("This is a quiet time: do not disturb customers. Next allowed: {next}"),
    }
}

/// The text of a retry the server scheduled (`VisitTask::retry_reason`).
pub fn retry_note(lang: Lang, attempt: u8, reason: RetryReason) -> String {
    match (lang, reason) {
        (Lang::Zh, RetryReason::NoAnswer) => format!("第 {attempt} 次回访:上次无人接听"),
        (Lang::Zh, RetryReason::CallBack) => format!("第 {attempt} 次回访:客户约定回拨"),
        (Lang::En, RetryReason::NoAnswer) => format!("Attempt {attempt}: no answer last time"),
        (Lang::En, RetryReason::CallBack) => {
            format!("Attempt {attempt}: the customer asked to be called back")
        }
    }
}
