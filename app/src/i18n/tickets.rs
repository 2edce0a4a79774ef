//! Texts of the tickets feature (工单): list, intake, a ticket's page and its timeline.

use huifang_domain::sla::{ClockKind, ClockState};
use huifang_domain::ticket::{
    DemandKind, Impact, IntakeChannel, Nature, TicketPriority, TicketState, TimelineEvent,
};

use super::{Key, Lang, field_label, review_decision_label, t, verdict_label};

/// The tickets entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! tickets_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        Anonymous => "匿名反映", "Anonymous";
        SomeoneElse => "已指派他人", "Someone else";
        TicketsTitle => "工单", "Tickets";
        TicketsEmpty => "没有符合条件的工单。", "No tickets match.";
        FilterMine => "我的", "Mine";
        FilterAll => "全部", "All";
        TicketsAllOffline => "查看全部工单需要联网。当前无法连接服务器,可查看其他筛选中本机上的工单。", "Listing all tickets needs the network, which is not reachable now. The other filters show the tickets on this device.";
        FilterEscalated => "已升级", "Escalated";
        FilterReview => "待审核", "Awaiting review";
        TicketPendingSync => "待同步", "Not synced";
        TicketReports => "次反映", "reports";
        TicketUnassigned => "未分派", "Unassigned";
        TicketNoDept => "未分配部门", "No department";
        IntakeTitle => "新建工单", "New ticket";
        IntakeFromVisit => "来自回访记录", "From the visit of";
        IntakeReporter => "反映人", "Reported by";
        IntakeAnonymous => "匿名(不留姓名和联系方式)", "Anonymous (no name or contact)";
        IntakeAnonymousHint => "匿名投诉不安排回访,处理结果以书面答复留存。", "Anonymous complaints are not revisited: the written reply is kept as their answer.";
        IntakeContact => "联系方式", "Contact";
        IntakeChannel => "来源渠道", "Channel";
        IntakeNature => "问题性质", "Problem type";
        IntakeSubProblem => "具体问题", "Sub-problem";
        IntakeDescription => "问题描述", "Description";
        IntakeDescriptionHint => "尽量记录客户原话", "In the customer's own words where possible";
        IntakeEmotion => "客户情绪", "Emotion";
        IntakeDemand => "期望诉求", "Expected demand";
        IntakeInjury => "涉及人身伤害", "Personal injury";
        IntakeLoss => "涉及财产损失", "Property loss";
        IntakeSave => "保存工单", "Save ticket";
        IntakeSaved => "工单已保存在本机,联网后自动同步", "Ticket saved on this device; it syncs when online";
        IntakeLinked => "已作为重复反映关联到原工单,联网后同步", "Linked to the existing ticket as another report; it syncs when online";
        SuggestedGrade => "建议定级", "Suggested grade";
        SuggestedGradeHint => "本机按定级规则估算,同步后以服务器为准(服务器还会统计重复反映)。", "Estimated on this device by the grading rules; the server decides on sync (it also counts repeated reports).";
        NoRuleFired => "未触发规则:一般 / 低", "No rule fired: general / low";
        RulesFired => "触发的规则", "Rules that fired";
        DuplicatesTitle => "可能是同一问题", "Possibly the same problem";
        DuplicatesHint => "同一客户近 7 天反映过相同问题。关联后只记录一次并计数。", "The same customer reported this within 7 days. Linking records it once and counts it.";
        DuplicateLink => "关联到此工单", "Link to this ticket";
        DuplicateUnlink => "不关联,新建工单", "Don't link: new ticket";
        DuplicatesOffline => "离线:仅对照本机已有的工单", "Offline: checked against tickets on this device only";
        TicketTitle => "工单详情", "Ticket";
        TicketNotFound => "本机没有这张工单。", "This ticket is not on the device.";
        TicketLoading => "这张工单不在本机上,正在从服务器读取…", "This ticket is not on this device; reading it from the server…";
        TicketOffline => "这张工单不在本机上(本机只保存与您相关的工单)。联网后可以查看。", "This ticket is not on this device (it keeps only the tickets that concern you). Connect to the network to read it.";
        TicketUnavailable => "没有这张工单,或您无权查看。", "There is no such ticket, or you may not see it.";
        TicketIntakeSection => "登记信息", "Intake";
        TicketGradeSection => "定级", "Grade";
        TicketRouting => "处理部门", "Department";
        TicketAssignee => "处理人", "Assignee";
        TicketResolution => "处理结果 / 书面答复", "Resolution / written reply";
        TicketClocks => "时限", "Deadlines";
        TicketNoClocks => "没有计时的时限。", "No deadlines running.";
        TicketTimeline => "处理记录", "Timeline";
        TicketHistory => "修改历史", "Change history";
        TicketHistoryEmpty => "没有被覆盖的修改。", "No overwritten values.";
        TicketConcurrent => "被另一台设备的修改覆盖", "Overwritten by an edit from another device";
        TicketWaiting => "等待客户中(时限暂停)", "Waiting on the customer (clocks paused)";
        TicketPendingChanges => "条修改待同步", "changes not synced yet";
        TicketActions => "操作", "Actions";
        TicketRevisits => "回访次数", "Revisits";
        ClockDue => "截止", "Due";
        ClockUsed => "已用", "Used";
        ActAssign => "分派", "Assign";
        ActStart => "开始处理", "Start";
        ActNote => "添加备注", "Add note";
        ActWait => "等待客户", "Wait on customer";
        ActResume => "恢复处理", "Resume";
        ActResolve => "标记已解决", "Resolve";
        ActReopen => "重新打开", "Reopen";
        ActClose => "关闭", "Close";
        ActNoteLabel => "备注", "Note";
        ActChooseAssignee => "选择处理人", "Choose the assignee";
        ActQueued => "已保存在本机,联网后同步", "Saved on this device; it syncs when online";
        ActNoteRequired => "请填写备注", "Write the note";
        ActAssigneeRequired => "请选择处理人", "Choose the assignee";
        ActUsersOffline => "处理人名单需联网获取一次", "The list of people loads once online";
        ByServer => "系统", "System";
    } };
}

pub fn nature_label(lang: Lang, n: Nature) -> &'static str {
    lang.pick(n.names())
}

/// Labels of [`Nature::sub_problems`]; an unknown key (a newer server) shows as itself.
pub fn sub_problem_label(lang: Lang, key: &str) -> String {
    Nature::sub_problem_names(key)
        .map_or_else(|| key.to_owned(), |names| lang.pick(names).to_owned())
}

pub fn impact_label(lang: Lang, i: Impact) -> &'static str {
    lang.pick(match i {
        Impact::General => ("一般", "General"),
        Impact::Important => ("重要", "Important"),
        Impact::Urgent => ("紧急", "Urgent"),
    })
}

pub fn ticket_priority_label(lang: Lang, p: TicketPriority) -> &'static str {
    lang.pick(match p {
        TicketPriority::Low => ("低优先级", "Low priority"),
        TicketPriority::Medium => ("中优先级", "Medium priority"),
        TicketPriority::High => ("高优先级", "High priority"),
    })
}

pub fn ticket_state_label(lang: Lang, s: TicketState) -> &'static str {
    lang.pick(match s {
        TicketState::New => ("新建", "New"),
        TicketState::Assigned => ("已分派", "Assigned"),
        TicketState::InProgress => ("处理中", "In progress"),
        TicketState::Resolved => ("已解决", "Resolved"),
        TicketState::Revisit => ("待回访", "Revisit"),
        TicketState::Closed => ("已关闭", "Closed"),
    })
}

pub fn clock_kind_label(lang: Lang, k: ClockKind) -> &'static str {
    lang.pick(match k {
        ClockKind::Respond => ("响应", "Respond"),
        ClockKind::Plan => ("出具方案", "Plan"),
        ClockKind::Progress => ("进度反馈", "Progress report"),
        ClockKind::Escalate => ("升级主管", "Escalate"),
        ClockKind::Resolve => ("解决", "Resolve"),
    })
}

pub fn clock_state_label(lang: Lang, s: ClockState) -> &'static str {
    lang.pick(match s {
        ClockState::Running => ("进行中", "Running"),
        ClockState::Warning => ("即将到期", "Due soon"),
        ClockState::Paused => ("已暂停", "Paused"),
        ClockState::Breached => ("已超时", "Breached"),
        ClockState::Met => ("已达成", "Met"),
    })
}

pub fn intake_channel_label(lang: Lang, c: IntakeChannel) -> &'static str {
    lang.pick(match c {
        IntakeChannel::Visit => ("回访发现", "Found on a visit"),
        IntakeChannel::Survey => ("问卷", "Survey"),
        IntakeChannel::Hotline => ("热线", "Hotline"),
        IntakeChannel::App => ("App", "App"),
        IntakeChannel::Shop => ("门店", "Shop"),
        IntakeChannel::SocialMedia => ("社交媒体", "Social media"),
    })
}

pub fn demand_kind_label(lang: Lang, d: DemandKind) -> &'static str {
    lang.pick(match d {
        DemandKind::Compensation => ("赔偿", "Compensation"),
        DemandKind::Improvement => ("改进", "Improvement"),
        DemandKind::Emotional => ("情感安抚", "Emotional"),
    })
}

/// One timeline line, without who and when.
pub fn timeline_text(lang: Lang, e: &TimelineEvent) -> String {
    match e {
        TimelineEvent::Note { text } => text.clone(),
        TimelineEvent::State { from, to } => format!(
            "{} → {}",
            ticket_state_label(lang, *from),
            ticket_state_label(lang, *to)
        ),
        TimelineEvent::Report { channel } => format!(
            "{}{}",
            lang.pick(("登记反映:", "Reported: ")),
            intake_channel_label(lang, *channel)
        ),
        TimelineEvent::Revisit { verdict, .. } => verdict_label(lang, *verdict).to_owned(),
        TimelineEvent::Breached { clock } => format!(
            "{}{}",
            clock_kind_label(lang, *clock),
            lang.pick(("时限已超时,升级主管", " deadline breached: escalated"))
        ),
        TimelineEvent::Review { decision, comment } => {
            let d = review_decision_label(lang, *decision);
            if comment.is_empty() {
                d.to_owned()
            } else {
                format!("{d}{}{comment}", lang.pick((":", ": ")))
            }
        }
    }
}

/// "已用 3 小时 20 分 / 24 小时"
pub fn minutes_text(lang: Lang, minutes: i64) -> String {
    let m = minutes.max(0);
    let (h, r) = (m / 60, m % 60);
    match (lang, h, r) {
        (Lang::Zh, 0, r) => format!("{r} 分"),
        (Lang::Zh, h, 0) => format!("{h} 小时"),
        (Lang::Zh, h, r) => format!("{h} 小时 {r} 分"),
        (Lang::En, 0, r) => format!("{r} min"),
        (Lang::En, h, 0) => format!("{h} h"),
        (Lang::En, h, r) => format!("{h} h {r} min"),
    }
}

/// The field names of a ticket's history.
pub fn ticket_field_label(lang: Lang, field: &str) -> String {
    let key = match field {
        "assignee" => Key::TicketAssignee,
        "department" => Key::TicketRouting,
        "resolution" => Key::TicketResolution,
        "nature" => Key::IntakeNature,
        "sub_problem" => Key::IntakeSubProblem,
        "impact" => return lang.pick(("影响", "Impact")).to_owned(),
        "priority" => return lang.pick(("优先级", "Priority")).to_owned(),
        "description" => Key::IntakeDescription,
        "reporter" => Key::IntakeReporter,
        "contact" => Key::IntakeContact,
        other => return field_label(lang, other),
    };
    t(lang, key).to_owned()
}
