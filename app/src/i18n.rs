//! Every sentence the user reads, in both languages. Components never hold literal text:
//! adding a language means touching only this file.

use chrono::FixedOffset;
use chrono::{DateTime, Utc};
use huifang_domain::script::Audience;
use huifang_domain::sla::{ClockKind, ClockState};
use huifang_domain::survey::{NpsGroup, SurveyProblem};
use huifang_domain::task::{Priority, RetryReason, TaskSource};
use huifang_domain::ticket::{
    DemandKind, Impact, IntakeChannel, Nature, ReviewDecision, RevisitVerdict, TicketPriority,
    TicketState, TimelineEvent, When,
};
use huifang_domain::visit::{MAX_ATTEMPT, MAX_FOLLOW_UP, MAX_VERBATIM};
use huifang_domain::{Channel, Demand, Emotion, Outcome, Role, ValidationKind, VisitType};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// The users are Chinese follow-up centres; English is for visitors and support.
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        [Lang::Zh, Lang::En].into_iter().find(|l| l.code() == s)
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    fn pick(self, (zh, en): (&'static str, &'static str)) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

macro_rules! texts {
    ($($key:ident => $zh:literal, $en:literal;)+) => {
        /// A fixed sentence or label.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Key { $($key),+ }

        impl Key {
            #[cfg(test)]
            pub const ALL: &'static [Key] = &[$(Key::$key),+];

            fn texts(self) -> (&'static str, &'static str) {
                match self { $(Key::$key => ($zh, $en)),+ }
            }
        }
    };
}

texts! {
    AppName => "回访", "Huifang";
    NavCustomers => "客户", "Customers";
    NavNewVisit => "新建回访", "New visit";
    NavMyVisits => "我的回访", "My visits";
    NavAttention => "待处理", "Needs attention";
    NavAdmin => "回访记录", "All visits";
    NavLogout => "退出登录", "Log out";
    NavMore => "更多", "More";
    NavLabel => "主导航", "Main navigation";
    SwitchConsole => "控制台", "Console";
    SwitchField => "外勤应用", "Field app";
    LangSwitchTo => "English", "中文";
    SyncOnline => "在线", "Online";
    SyncOffline => "离线", "Offline";
    SyncSyncing => "同步中", "Syncing";
    SyncError => "同步出错", "Sync error";
    SyncAuth => "需重新登录", "Log in again";
    SyncNow => "立即同步", "Sync now";
    LastSync => "上次同步", "Last sync";
    Never => "从未", "never";
    ReloginBanner => "登录已过期,请重新登录。未同步的记录仍安全保存在本设备上。", "Your session has expired. Please log in again; unsynced records stay safe on this device.";
    ReloginButton => "重新登录", "Log in again";
    UpdateBanner => "有新版本可用。", "A new version is available.";
    UpdateReload => "重新加载", "Reload";
    StorageFull => "本机存储已满,这条记录没有保存(表单内容仍在)。已同步的记录已自动清理,剩下的都是还没上传的记录:请联网同步,然后再保存。", "Device storage is full: this record was NOT saved (the form keeps its content). Synced copies were already removed to make room; what is left has not reached the server yet. Connect to sync it, then save again.";
    DraftNotSaved => "本机存储已满,草稿无法自动保存。请联网同步还没上传的记录。", "Device storage is full: the draft cannot be autosaved. Connect to sync the records not uploaded yet.";
    StorageUsed => "本机存储已用", "Local storage used";
    StorageTitle => "本机存储", "On this device";
    ShowMore => "显示更多", "Show more";
    PersistGranted => "本机存储已受保护", "Storage is protected";
    PersistDenied => "浏览器可能清理本机存储,请及时同步", "The browser may clear local storage: sync often";
    LoginSubtitle => "客户回访与反馈处理", "Customer follow-up visits";
    Username => "用户名", "Username";
    Password => "密码", "Password";
    LoginSubmit => "登录", "Log in";
    LoginBusy => "正在登录…", "Logging in…";
    LoginInvalid => "用户名或密码错误。", "Wrong username or password.";
    LoginRateLimited => "尝试次数过多,请稍后再试。", "Too many attempts, please wait a moment.";
    LoginOffline => "无法连接服务器。首次登录需要网络。", "Cannot reach the server. Logging in needs the network.";
    LoginFailed => "登录失败,请稍后再试。", "Login failed, please try again later.";
    LoginKeptRecords => "本设备上有未同步的记录,登录后会自动上传。", "This device holds unsynced records; they upload after you log in.";
    CustomersTitle => "客户", "Customers";
    CustomersEmpty => "还没有客户资料。联网同步后会出现在这里。", "No customers yet. They appear here after a sync.";
    Vip => "VIP", "VIP";
    ClassPrefix => "等级", "Class";
    StartVisit => "开始回访", "Start visit";
    NewVisitTitle => "新建回访", "New visit";
    ResendTitle => "修改并重新提交", "Edit and resend";
    FieldCustomer => "客户", "Customer";
    FieldChannel => "回访方式", "Channel";
    FieldVisitType => "回访类型", "Visit type";
    FieldOutcome => "结果", "Outcome";
    FieldAttempt => "第几次回访", "Attempt";
    FieldSatisfaction => "满意度", "Satisfaction";
    FieldEmotion => "情绪", "Emotion";
    FieldVerbatim => "客户原话", "Customer's own words";
    FieldDemand => "期望诉求", "Expected demand";
    FieldFollowUp => "跟进事项", "Follow-up";
    FieldContactedAt => "回访时间", "Contact time";
    Choose => "请选择", "Choose";
    VerbatimHint => "记录客户的原话,不要概括:写“客服未等我说完就挂断电话”,而不是“态度不好”。", "Write what the customer actually said, not a summary: \"the agent hung up before I finished\", not \"rude\".";
    SatisfactionLow => "很不满意", "very unsatisfied";
    SatisfactionHigh => "很满意", "very satisfied";
    Save => "保存", "Save";
    Saving => "正在保存…", "Saving…";
    Saved => "已保存,等待同步", "Saved, waiting to sync";
    ClearForm => "清空", "Clear";
    DraftRestored => "已恢复上次未完成的填写", "Your unfinished entry was restored";
    MyVisitsTitle => "我的回访", "My visits";
    MyVisitsEmpty => "还没有回访记录。", "No visits recorded yet.";
    StatusQueued => "待同步", "Queued";
    StatusSynced => "已同步", "Synced";
    StatusRejected => "需处理", "Rejected";
    AttentionTitle => "待处理", "Needs attention";
    AttentionIntro => "服务器没有接受这些记录。请修改后重新提交,或丢弃。", "The server did not accept these records. Fix and resend them, or discard them.";
    AttentionEmpty => "没有需要处理的记录。", "Nothing needs attention.";
    EditResend => "修改并重新提交", "Edit and resend";
    Discard => "丢弃", "Discard";
    DiscardConfirm => "确认丢弃", "Confirm discard";
    DiscardQuestion => "丢弃后无法恢复,确定吗?", "A discarded record cannot be recovered. Sure?";
    Cancel => "取消", "Cancel";
    AdminTitle => "回访记录", "All visits";
    AdminOffline => "查看全部回访记录需要联网。当前无法连接服务器。", "Reading all visits needs the network, which is not reachable now.";
    AdminEmpty => "服务器上还没有回访记录。", "No visits stored on the server yet.";
    AdminTotalLabel => "共计", "Total";
    Loading => "加载中…", "Loading…";
    Retry => "重试", "Retry";
    Prev => "上一页", "Previous";
    Next => "下一页", "Next";
    AgentLabel => "回访人", "Agent";
    ReceivedLabel => "服务器接收", "Received";
    LogoutTitle => "退出登录", "Log out";
    LogoutSync => "立即同步", "Sync now";
    LogoutKeep => "保留在本设备并退出", "Keep them on this device and log out";
    LogoutKeepHint => "这些记录不会丢失,下次在本设备登录后自动上传。", "They are not lost: they upload after the next login on this device.";
    ErrNetwork => "无法连接服务器", "Cannot reach the server";
    ErrServer => "服务器出错", "Server error";
    ErrDeviceOwned => "此设备已绑定其他用户,无法上传本账号的记录", "This device belongs to another user; records cannot be uploaded";
    ErrStorage => "本机存储出错", "Local storage error";
    ErrGap => "服务器缺少更早的记录,无法继续上传", "The server is missing earlier records; upload cannot continue";
    RejectInvalid => "内容不符合规则", "Breaks a rule";
    RejectForbidden => "无权提交", "Not allowed";
    RejectConflict => "与服务器数据冲突", "Conflicts with server data";
    RejectUnknownKind => "服务器不支持此类型", "Unknown to the server";
    RejectOther => "被服务器拒绝", "Rejected by the server";
    RoleAgent => "电话回访", "Phone agent";
    RoleField => "上门回访", "Field staff";
    RoleSupervisor => "客服主管", "Supervisor";
    RoleAdmin => "管理员", "Admin";
    NotFound => "页面不存在。", "Page not found.";
    NavTasks => "我的任务", "My tasks";
    NavPlan => "安排回访", "Plan a visit";
    NavDrafts => "草稿", "Drafts";
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
    FileTitle => "客户档案", "Customer file";
    FilePastVisits => "历史回访", "Past visits";
    FileNoVisits => "还没有回访记录。", "No past visits.";
    FileNotCached => "本机还没有该客户的档案,联网后自动获取。", "This customer's file is not on the device yet; it loads when online.";
    RevealContact => "显示完整号码", "Show full number";
    RevealOffline => "显示完整号码需要联网", "Showing the full number needs the network";
    RevealFailed => "无法显示号码", "Could not show the number";
    ScriptTitle => "话术", "Script";
    ScriptNone => "此回访类型暂无话术。", "No script for this visit type.";
    ScriptChooseType => "选择回访类型后显示话术。", "Choose a visit type to see its script.";
    AudStandard => "标准", "Standard";
    AudVip => "VIP", "VIP";
    AudElderly => "老年", "Elderly";
    AudAngry => "情绪激动", "Upset";
    ScriptPrev => "上一步", "Previous";
    ScriptNext => "下一步", "Next";
    ScriptLater => "约定的时间", "the agreed time";
    AudienceLabel => "对象", "Audience";
    SurveyRequired => "必答", "required";
    Yes => "是", "Yes";
    No => "否", "No";
    NpsDetractor => "贬损者", "Detractor";
    NpsPassive => "中立者", "Passive";
    NpsPromoter => "推荐者", "Promoter";
    MoodUnhappy => "不满意", "Unhappy";
    MoodNeutral => "一般", "Neutral";
    MoodHappy => "满意", "Happy";
    FieldCallBackAt => "回拨时间", "Call back at";
    SignatureTitle => "客户签名", "Customer signature";
    SignatureHint => "请客户在框内签名", "Ask the customer to sign in the box";
    SignatureClear => "清除签名", "Clear signature";
    PlaceLabel => "位置", "Location";
    PlaceLocating => "正在获取位置…", "Getting the location…";
    PlaceDenied => "未获取位置: 用户拒绝", "No location: permission denied";
    PlaceUnavailable => "未获取位置: 无法定位", "No location: unavailable";
    PlaceRetry => "重新定位", "Locate again";
    PhoneVisit => "电话回访", "Phone visit";
    TimerLabel => "用时", "Time";
    ContactFinished => "结束通话/离开", "Contact finished";
    Escalate => "转接主管", "Escalate to supervisor";
    EscalateHint => "紧急问题:保存后立即同步给主管。", "Urgent: sent to the supervisors as soon as it is saved.";
    Escalated => "已转接", "Escalated";
    EscalationsTitle => "转接主管的回访", "Escalated visits";
    EscalationsEmpty => "没有转接的回访。", "No escalated visits.";
    DraftsTitle => "草稿", "Drafts";
    DraftsEmpty => "没有未完成的草稿。", "No unfinished drafts.";
    DraftResume => "继续填写", "Resume";
    NoCustomer => "未选客户", "No customer";
    NavTickets => "工单", "Tickets";
    NavNewTicket => "新建工单", "New ticket";
    NavSupervise => "工作台", "Workbench";
    Anonymous => "匿名反映", "Anonymous";
    SomeoneElse => "已指派他人", "Someone else";
    TicketsTitle => "工单", "Tickets";
    TicketsEmpty => "没有符合条件的工单。", "No tickets match.";
    FilterMine => "我的", "Mine";
    FilterAll => "全部", "All";
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
    ReportProblem => "反映问题 / 建工单", "Report a problem";
    TicketTitle => "工单详情", "Ticket";
    TicketNotFound => "本机没有这张工单。", "This ticket is not on the device.";
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
    SuperviseTitle => "主管工作台", "Supervision";
    CoverageTitle => "回访覆盖率", "Revisit coverage";
    CoverageResolved => "已解决", "Resolved";
    CoverageRevisited => "已回访", "Revisited";
    CoverageTarget => "目标", "Target";
    CoverageMet => "达标", "On target";
    CoverageBelow => "未达标", "Below target";
    CoverageNoCases => "暂无案例", "No cases";
    CoverageEmpty => "还没有已解决的工单。", "No resolved cases yet.";
    ReviewTitle => "待审核", "Awaiting review";
    ReviewEmpty => "没有待审核的记录。", "Nothing awaits review.";
    ReviewVisits => "回访记录", "Visit records";
    ReviewTickets => "工单处理结果", "Ticket resolutions";
    ReviewComment => "审核意见", "Comment";
    ReviewSignOff => "签署通过", "Sign off";
    ReviewReturn => "退回", "Return";
    ReviewCommentRequired => "退回时请写明需要更正的内容", "Say what to correct when returning";
    ReviewQueued => "审核意见已保存,联网后同步", "Decision saved; it syncs when online";
    SuperviseOffline => "离线:以下为本机数据,联网后刷新。", "Offline: showing what is on this device; refreshes when online.";
    EscalatedQueue => "升级队列", "Escalated queue";
    NavRules => "规则设置", "Rules";
    RulesTitle => "规则设置", "Rules";
    RulesIntro => "工单的定级、时限、工作日历、分派和回访抽样规则。保存后新工单立即按新规则处理,已在计时的时限不变。", "How tickets are graded, clocked, routed and sampled for revisits. New tickets follow a saved change at once; running clocks keep their rule.";
    RulesAdminOnly => "只有管理员可以设置规则。", "Only admins can set the rules.";
    RulesOffline => "规则设置需要联网。当前无法连接服务器。", "The rules need the network, which is not reachable now.";
    RulesSave => "保存", "Save";
    RulesSaving => "正在保存…", "Saving…";
    RulesSaved => "规则已保存", "Rules saved";
    RulesForbidden => "没有权限修改规则。", "You may not change the rules.";
    RulesGrading => "定级规则", "Grading";
    RulesGradingHint => "条件成立时,把影响和优先级提高到至少所选等级;规则从不降低等级。", "When a condition holds, impact and priority are raised to at least the chosen level; rules never lower a grade.";
    RulesCondition => "条件", "Condition";
    RulesMinReports => "至少次数", "At least (reports)";
    RulesDays => "天数", "Within (days)";
    RulesImpactAtLeast => "影响至少", "Impact at least";
    RulesPriorityAtLeast => "优先级至少", "Priority at least";
    RulesUnchanged => "不变", "Unchanged";
    RulesSla => "处理时限", "Deadlines (SLA)";
    RulesSlaHint => "每类时限按工单等级取第一条适用的规则。0 表示立即。", "Per ticket the first rule of each kind that fits its grade applies. 0 means immediately.";
    RulesAppliesTo => "适用:", "Applies to: ";
    RulesAnyGrade => "所有等级", "Any grade";
    RulesHours => "小时", "Hours";
    RulesMinutes => "分钟", "Minutes";
    RulesTiming => "计时方式", "Timing";
    RulesTimingBusiness => "工作时间", "Business hours";
    RulesTimingContinuous => "连续计时", "Around the clock";
    RulesWarnPercent => "预警(已用 %)", "Warn at (% used)";
    RulesCalendar => "工作日历", "Business calendar";
    RulesWorkStart => "上班时间", "Work starts";
    RulesWorkEnd => "下班时间", "Work ends";
    RulesWorkdays => "工作日", "Working days";
    RulesHolidays => "节假日", "Holidays";
    RulesExtraWorkdays => "调休上班日", "Make-up working days";
    RulesAddDate => "添加", "Add";
    RulesRemove => "删除", "Remove";
    RulesNoDates => "暂无", "None";
    RulesRouting => "分派部门", "Routing";
    RulesByNature => "按问题性质", "By nature";
    RulesBySubProblem => "按具体问题(优先)", "By sub-problem (wins)";
    RulesByNatureFallback => "按性质分派", "Route by nature";
    RulesRevisit => "回访抽样", "Revisit targets";
    RulesRevisitHint => "已解决工单中需要回访的比例(%)。", "Share of resolved cases to revisit (%).";
    RulesKeyCustomers => "重点客户(A 类 / VIP)", "Key customers (class A / VIP)";
}

pub fn t(lang: Lang, key: Key) -> &'static str {
    lang.pick(key.texts())
}

pub fn role_label(lang: Lang, role: Role) -> &'static str {
    t(
        lang,
        match role {
            Role::Agent => Key::RoleAgent,
            Role::Field => Key::RoleField,
            Role::Supervisor => Key::RoleSupervisor,
            Role::Admin => Key::RoleAdmin,
        },
    )
}

pub fn channel_label(lang: Lang, v: Channel) -> &'static str {
    lang.pick(match v {
        Channel::Phone => ("电话", "Phone"),
        Channel::OnSite => ("上门", "On site"),
        Channel::Chat => ("在线", "Online chat"),
        Channel::Email => ("邮件", "Email"),
        Channel::Sms => ("短信", "SMS"),
    })
}

pub fn visit_type_label(lang: Lang, v: VisitType) -> &'static str {
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

pub fn outcome_label(lang: Lang, v: Outcome) -> &'static str {
    lang.pick(match v {
        Outcome::Reached => ("已接通", "Reached"),
        Outcome::NoAnswer => ("无人接听", "No answer"),
        Outcome::Refused => ("拒绝", "Refused"),
        Outcome::WrongNumber => ("号码错误", "Wrong number"),
        Outcome::CallBack => ("约定回拨", "Call back later"),
    })
}

pub fn emotion_label(lang: Lang, v: Emotion) -> &'static str {
    lang.pick(match v {
        Emotion::Calm => ("平静", "Calm"),
        Emotion::Agitated => ("激动", "Agitated"),
        Emotion::Angry => ("愤怒", "Angry"),
        Emotion::Satisfied => ("满意", "Satisfied"),
        Emotion::Neutral => ("一般", "Neutral"),
        Emotion::Unsatisfied => ("不满意", "Unsatisfied"),
    })
}

pub fn demand_label(lang: Lang, v: Demand) -> &'static str {
    lang.pick(match v {
        Demand::Exchange => ("换货", "Exchange"),
        Demand::Compensation => ("赔偿", "Compensation"),
        Demand::Apology => ("道歉", "Apology"),
        Demand::Explanation => ("解释说明", "Explanation"),
        Demand::None => ("无", "None"),
    })
}

/// The label of a wire field, for messages that name it. Unknown fields (a newer server)
/// fall back to the wire name rather than to nothing.
pub fn field_label(lang: Lang, field: &str) -> String {
    let key = match field {
        "customer_id" => Key::FieldCustomer,
        "channel" => Key::FieldChannel,
        "visit_type" => Key::FieldVisitType,
        "outcome" => Key::FieldOutcome,
        "attempt" => Key::FieldAttempt,
        "satisfaction" => Key::FieldSatisfaction,
        "emotion" => Key::FieldEmotion,
        "verbatim" => Key::FieldVerbatim,
        "demand" => Key::FieldDemand,
        "follow_up" => Key::FieldFollowUp,
        "contacted_at" => Key::FieldContactedAt,
        "call_back_at" => Key::FieldCallBackAt,
        "signature" => Key::SignatureTitle,
        "place" => Key::PlaceLabel,
        "script" => Key::ScriptTitle,
        "escalate" => Key::Escalate,
        "duration_secs" => Key::TimerLabel,
        "sub_problem" => Key::IntakeSubProblem,
        "description" => Key::IntakeDescription,
        "reporter" => Key::IntakeReporter,
        "contact" => Key::IntakeContact,
        "resolution" => Key::TicketResolution,
        "note" => Key::ActNoteLabel,
        "comment" => Key::ReviewComment,
        other => return other.to_owned(),
    };
    t(lang, key).to_owned()
}

/// A broken rule as a sentence. The few rules whose generic wording would confuse get their
/// own sentence; the rest say "<field>: <what is wrong>".
pub fn validation_message(lang: Lang, field: &str, kind: ValidationKind) -> String {
    use ValidationKind::*;
    let limit = match (field, kind) {
        ("attempt", OutOfRange) => Some((
            "回访次数须在 1 到",
            "The attempt must be between 1 and",
            MAX_ATTEMPT as usize,
        )),
        ("verbatim", TooLong) => Some(("客户原话最多", "At most", MAX_VERBATIM)),
        ("follow_up", TooLong) => Some(("跟进事项最多", "At most", MAX_FOLLOW_UP)),
        _ => None,
    };
    if let Some((zh, en, n)) = limit {
        return match (lang, field) {
            (Lang::Zh, "attempt") => format!("{zh} {n} 之间"),
            (Lang::Zh, _) => format!("{zh} {n} 字"),
            (Lang::En, "attempt") => format!("{en} {n}"),
            (Lang::En, _) => format!("{en} {n} characters"),
        };
    }
    let specific = match (field, kind) {
        ("outcome", NotAllowed) => Some((
            "上门回访不能选择“号码错误”",
            "An on-site visit cannot have a wrong number",
        )),
        ("satisfaction", Required) => Some((
            "已接通时请选择满意度(1–5)",
            "Choose a satisfaction score (1–5) when the customer was reached",
        )),
        ("emotion", Required) => Some((
            "已接通时请选择客户情绪",
            "Choose the customer's emotion when they were reached",
        )),
        ("verbatim", Required) => Some((
            "已接通时请记录客户原话",
            "Record the customer's own words when they were reached",
        )),
        ("signature", Required) => Some((
            "上门回访已见到客户时,请客户签名",
            "An on-site visit that reached the customer needs their signature",
        )),
        ("signature", TooLong) => Some((
            "签名太长,请清除后重签",
            "The signature is too long: clear it and sign again",
        )),
        ("place", Required) => Some((
            "上门回访需记录位置(或注明无法定位),请稍候或重新定位",
            "An on-site visit records its location (or why there is none): wait or locate again",
        )),
        ("call_back_at", Required) => Some(("请选择回拨时间", "Choose when to call back")),
        ("call_back_at", OutOfRange) => Some((
            "回拨时间须晚于回访时间",
            "The call-back time must be after the contact",
        )),
        ("contacted_at", InFuture) => Some((
            "回访时间不能晚于现在",
            "The contact time cannot be in the future",
        )),
        (_, NotAllowed) => Some((
            "未接通客户时不应填写此项",
            "Leave this empty when the customer was not reached",
        )),
        _ => None,
    };
    if let Some(pair) = specific {
        return lang.pick(pair).to_owned();
    }
    let what = lang.pick(match kind {
        Required => ("必填", "required"),
        TooLong => ("内容过长", "too long"),
        OutOfRange => ("超出范围", "out of range"),
        NotAllowed => ("不允许", "not allowed"),
        InFuture => ("时间不能在将来", "cannot be in the future"),
    });
    let sep = lang.pick((":", ": "));
    format!("{}{sep}{what}", field_label(lang, field))
}

/// The heading of the visit form's error summary.
pub fn error_summary_title(lang: Lang, count: usize) -> String {
    match (lang, count) {
        (Lang::Zh, _) => format!("还有 {count} 项需要填写或修改,才能保存:"),
        (Lang::En, 1) => "1 thing to fix before saving:".to_owned(),
        (Lang::En, _) => format!("{count} things to fix before saving:"),
    }
}

/// The server's machine code of a rejected mutation, for people.
pub fn reject_code_label(lang: Lang, code: &str) -> &'static str {
    t(
        lang,
        match code {
            "invalid" => Key::RejectInvalid,
            "forbidden" => Key::RejectForbidden,
            "conflict" => Key::RejectConflict,
            "unknown_kind" => Key::RejectUnknownKind,
            _ => Key::RejectOther,
        },
    )
}

/// "刚刚 / 3 分钟前": coarse on purpose, the user needs "is this fresh", not a timestamp.
/// A time ahead of `now` (clock drift between devices) reads as "just now".
pub fn relative_time(lang: Lang, then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds().max(0);
    let (n, zh, en) = match secs {
        0..60 => return t_just_now(lang).to_owned(),
        60..3600 => (secs / 60, "分钟前", "min ago"),
        3600..86400 => (secs / 3600, "小时前", "h ago"),
        _ => (secs / 86400, "天前", "d ago"),
    };
    match lang {
        Lang::Zh => format!("{n} {zh}"),
        Lang::En => format!("{n} {en}"),
    }
}

fn t_just_now(lang: Lang) -> &'static str {
    lang.pick(("刚刚", "just now"))
}

/// `oldest_age` is absent when only rejected records remain (they wait for the user, not
/// for the network).
pub fn unsynced_notice(lang: Lang, count: usize, oldest_age: Option<&str>) -> String {
    match (lang, oldest_age) {
        (Lang::Zh, Some(age)) => format!("未同步:{count} 条,最早一条保存于 {age}"),
        (Lang::Zh, None) => format!("未同步:{count} 条"),
        (Lang::En, Some(age)) => format!("Unsynced: {count}, oldest saved {age}"),
        (Lang::En, None) => format!("Unsynced: {count}"),
    }
}

/// Other people's records waiting on a shared tablet, by `(name, count)`: the one logged in
/// cannot sync them, so they need to know whom to ask.
pub fn other_users_notice(lang: Lang, users: &[(&str, usize)]) -> String {
    match lang {
        Lang::Zh => {
            let parts: Vec<String> = users
                .iter()
                .map(|(name, n)| format!("{name} 的 {n} 条"))
                .collect();
            format!(
                "此设备上还有 {}未同步记录,需本人登录后同步",
                parts.join("、")
            )
        }
        Lang::En => {
            let mut parts: Vec<String> = users
                .iter()
                .enumerate()
                .map(|(i, (name, n))| match (i, n) {
                    (0, 1) => format!("1 unsynced record of {name}"),
                    (0, _) => format!("{n} unsynced records of {name}"),
                    _ => format!("{n} of {name}"),
                })
                .collect();
            let last = parts.pop().unwrap_or_default();
            let list = if parts.is_empty() {
                last
            } else {
                format!("{} and {last}", parts.join(", "))
            };
            let (verb, who) = match users {
                [(_, 1)] => ("it syncs", "that user logs"),
                [_] => ("they sync", "that user logs"),
                _ => ("they sync", "each user logs"),
            };
            format!("This device holds {list}; {verb} when {who} in")
        }
    }
}

/// Shown once pruning synced copies could not keep usage down: what fills the device now
/// is work that has not reached the server.
pub fn storage_warning(lang: Lang, percent: u32) -> String {
    match lang {
        Lang::Zh => format!(
            "本机存储已用 {percent}%。已同步的记录会自动清理,占用空间的是还没上传的记录:请尽快联网同步。"
        ),
        Lang::En => format!(
            "Device storage is {percent}% full. Synced copies are removed automatically; what fills it is records not uploaded yet: connect and sync soon."
        ),
    }
}

/// The retention rule in words, for the storage panel.
pub fn storage_kept(lang: Lang, days: i64, visits: usize, high: u32) -> String {
    match lang {
        Lang::Zh => format!(
            "已同步的记录在本机保留 {days} 天,最多保留最近 {visits} 条;存储用到 {high}% 时先清理最旧的已同步记录。未同步、待处理的记录和草稿不会被清理。"
        ),
        Lang::En => format!(
            "Synced records stay on this device for {days} days, the newest {visits} at most; at {high}% usage the oldest synced ones go first. Unsynced records, those needing attention and drafts are never removed."
        ),
    }
}

/// What the device holds now, for the storage panel.
pub fn storage_holdings(lang: Lang, percent: u32, h: &crate::store::Holdings) -> String {
    match lang {
        Lang::Zh => format!(
            "已用 {percent}% · 已同步 {} 条 · 待同步 {} 条 · 待处理 {} 条 · 草稿 {} 份 · 客户档案 {} 份",
            h.synced, h.queued, h.rejected, h.drafts, h.files
        ),
        Lang::En => format!(
            "{percent}% used · {} synced · {} queued · {} needing attention · {} drafts · {} customer files",
            h.synced, h.queued, h.rejected, h.drafts, h.files
        ),
    }
}

/// Under a long list: how many of how many are shown.
pub fn shown_of(lang: Lang, shown: usize, total: usize) -> String {
    match lang {
        Lang::Zh => format!("显示 {shown} / 共 {total} 条"),
        Lang::En => format!("Showing {shown} of {total}"),
    }
}

pub fn logout_unsynced(lang: Lang, count: usize) -> String {
    match lang {
        Lang::Zh => format!("本设备上还有 {count} 条记录没有上传到服务器。"),
        Lang::En => format!("{count} records on this device have not reached the server."),
    }
}

pub fn page_of(lang: Lang, page: u32, pages: u32) -> String {
    match lang {
        Lang::Zh => format!("第 {page} / {pages} 页"),
        Lang::En => format!("Page {page} of {pages}"),
    }
}

pub fn attempt_label(lang: Lang, attempt: u8) -> String {
    match lang {
        Lang::Zh => format!("第 {attempt} 次"),
        Lang::En => format!("attempt {attempt}"),
    }
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

pub fn audience_label(lang: Lang, a: Audience) -> &'static str {
    t(
        lang,
        match a {
            Audience::Standard => Key::AudStandard,
            Audience::Vip => Key::AudVip,
            Audience::Elderly => Key::AudElderly,
            Audience::Angry => Key::AudAngry,
        },
    )
}

pub fn nps_label(lang: Lang, g: NpsGroup) -> &'static str {
    t(
        lang,
        match g {
            NpsGroup::Detractor => Key::NpsDetractor,
            NpsGroup::Passive => Key::NpsPassive,
            NpsGroup::Promoter => Key::NpsPromoter,
        },
    )
}

pub fn mood_label(lang: Lang, n: u8) -> &'static str {
    t(
        lang,
        match n {
            1 => Key::MoodUnhappy,
            2 => Key::MoodNeutral,
            _ => Key::MoodHappy,
        },
    )
}

/// A time in the organisation's local time, short: `11-24 10:00`.
pub fn clock(at: DateTime<Utc>, offset: FixedOffset) -> String {
    at.with_timezone(&offset).format("%m-%d %H:%M").to_string()
}

/// A due window `11-24 09:00–12:00`, or across days `11-24 09:00 – 11-25 12:00`.
pub fn window(from: DateTime<Utc>, until: DateTime<Utc>, offset: FixedOffset) -> String {
    let (f, u) = (from.with_timezone(&offset), until.with_timezone(&offset));
    if f.date_naive() == u.date_naive() {
        format!("{}–{}", f.format("%m-%d %H:%M"), u.format("%H:%M"))
    } else {
        format!("{} – {}", f.format("%m-%d %H:%M"), u.format("%m-%d %H:%M"))
    }
}

pub fn quiet_warning(lang: Lang, next: &str) -> String {
    match lang {
        Lang::Zh => format!("现在是免打扰时段,请勿打扰客户。下一个可联系时间:{next}"),
        Lang::En => format!("This is a quiet time: do not disturb customers. Next allowed: {next}"),
    }
}

pub fn next_attempt_text(lang: Lang, attempt: u8, when: &str, channel: Channel) -> String {
    let how = channel_label(lang, channel);
    match lang {
        Lang::Zh => format!("将安排第 {attempt} 次回访({how}),时间 {when} 起"),
        Lang::En => format!("Attempt {attempt} ({how}) will be scheduled from {when}"),
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

pub fn no_more_attempts(lang: Lang) -> &'static str {
    lang.pick((
        "已达最多回访次数,不再安排重访",
        "No more attempts will be scheduled",
    ))
}

pub fn cached_at(lang: Lang, when: &str) -> String {
    match lang {
        Lang::Zh => format!("离线:显示缓存于 {when} 的档案"),
        Lang::En => format!("Offline: showing the file cached {when}"),
    }
}

pub fn record_reminder(lang: Lang, minutes: i64, limit: u32) -> String {
    match lang {
        Lang::Zh => format!("联系已结束 {minutes} 分钟,记录应在 {limit} 分钟内完成,请尽快保存。"),
        Lang::En => format!(
            "The contact ended {minutes} min ago; records are due within {limit} min. Save soon."
        ),
    }
}

pub fn choose_up_to(lang: Lang, max: usize) -> String {
    match lang {
        Lang::Zh => format!("最多选 {max} 项"),
        Lang::En => format!("choose up to {max}"),
    }
}

/// What is wrong with one survey answer, naming the question.
pub fn survey_problem(lang: Lang, question: &str, p: &SurveyProblem) -> String {
    use SurveyProblem::*;
    let what = match (lang, p) {
        (Lang::Zh, Required) => "请回答此题".to_owned(),
        (Lang::En, Required) => "an answer is required".to_owned(),
        (Lang::Zh, OutOfRange { min, max }) => format!("请选择 {min} 到 {max}"),
        (Lang::En, OutOfRange { min, max }) => format!("choose {min} to {max}"),
        (Lang::Zh, TooFew(n)) => format!("至少选 {n} 项"),
        (Lang::En, TooFew(n)) => format!("choose at least {n}"),
        (_, TooMany(n)) => choose_up_to(lang, *n),
        (Lang::Zh, TooLong(n)) => format!("最多 {n} 字"),
        (Lang::En, TooLong(n)) => format!("at most {n} characters"),
        (Lang::Zh, _) => "回答无效,请重新作答".to_owned(),
        (Lang::En, _) => "the answer is not valid: answer again".to_owned(),
    };
    match lang {
        Lang::Zh => format!("“{question}”:{what}"),
        Lang::En => format!("\"{question}\": {what}"),
    }
}

/// What a queued change is, for the needs-attention list.
pub fn mutation_kind_label(lang: Lang, kind: &str) -> String {
    let pair = match kind {
        "ticket.create" => ("新建工单", "New ticket"),
        "ticket.update" => ("工单修改", "Ticket change"),
        "review.decide" => ("审核意见", "Review decision"),
        other => return other.to_owned(),
    };
    lang.pick(pair).to_owned()
}

pub fn nature_label(lang: Lang, n: Nature) -> &'static str {
    lang.pick(match n {
        Nature::Product => ("产品", "Product"),
        Nature::Service => ("服务", "Service"),
        Nature::Experience => ("体验", "Experience"),
    })
}

/// Labels of [`Nature::sub_problems`]; an unknown key (a newer server) shows as itself.
pub fn sub_problem_label(lang: Lang, key: &str) -> String {
    let pair = match key {
        "quality_defect" => ("质量缺陷", "Quality defect"),
        "function" => ("功能问题", "Function"),
        "design" => ("设计问题", "Design"),
        "slow_response" => ("响应慢", "Slow response"),
        "shirking" => ("推诿", "Shirking"),
        "attitude" => ("服务态度", "Attitude"),
        "logistics_delay" => ("物流延迟", "Logistics delay"),
        "damaged_packaging" => ("包装破损", "Damaged packaging"),
        "complicated_process" => ("流程繁琐", "Complicated process"),
        other => return other.to_owned(),
    };
    lang.pick(pair).to_owned()
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

/// Names of the default grading rules' keys; any other key (an admin's own rule, a newer
/// server's) shows as itself. The names leave out the thresholds and grades, which admins
/// change on the rules screen.
pub fn rule_label(lang: Lang, key: &str) -> String {
    let pair = match key {
        "injury_or_loss" => ("人身伤害或财产损失", "Injury or property loss"),
        "repeated_5_in_7_days" => ("同一问题多次反映", "Same problem reported repeatedly"),
        "strong_complaint" => ("强烈投诉", "Strong complaint"),
        "affects_use" => ("产品问题影响使用", "Product problem affects use"),
        other => return other.to_owned(),
    };
    lang.pick(pair).to_owned()
}

/// The departments tickets are routed to (DOMAIN.md "Routing"), in the order the routing
/// pickers offer them.
pub const DEPARTMENTS: [&str; 3] = ["quality", "operations", "supply_chain"];

/// Names of [`DEPARTMENTS`]; any other department shows as itself.
pub fn department_label(lang: Lang, d: &str) -> String {
    let pair = match d {
        "quality" => ("质量/产品部", "Quality / product"),
        "operations" => ("运营部", "Operations"),
        "supply_chain" => ("供应链", "Supply chain"),
        other => return other.to_owned(),
    };
    lang.pick(pair).to_owned()
}

pub fn verdict_label(lang: Lang, v: RevisitVerdict) -> &'static str {
    lang.pick(match v {
        RevisitVerdict::Satisfied => ("回访满意,关闭", "Revisit: satisfied, closed"),
        RevisitVerdict::Unsatisfied => ("回访不满意,重新打开", "Revisit: unsatisfied, reopened"),
        RevisitVerdict::NotReached => ("回访未接通", "Revisit: not reached"),
    })
}

pub fn review_decision_label(lang: Lang, d: ReviewDecision) -> &'static str {
    lang.pick(match d {
        ReviewDecision::SignOff => ("主管已签署", "Signed off"),
        ReviewDecision::Return => ("主管退回", "Returned"),
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

/// 周一…周日, Monday first (the calendar's order).
pub fn weekday_label(lang: Lang, index: usize) -> &'static str {
    const ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    lang.pick((ZH[index % 7], EN[index % 7]))
}

/// A grading condition in words.
pub fn when_text(lang: Lang, w: &When) -> String {
    let nested = |w: &When| match w {
        When::Any(_) | When::All(_) => format!("({})", when_text(lang, w)),
        _ => when_text(lang, w),
    };
    match w {
        When::PersonalInjury => lang.pick(("有人身伤害", "personal injury")).to_owned(),
        When::PropertyLoss => lang.pick(("有财产损失", "property loss")).to_owned(),
        When::Nature(n) => match lang {
            Lang::Zh => format!("问题性质为{}", nature_label(lang, *n)),
            Lang::En => format!("nature is {}", nature_label(lang, *n).to_lowercase()),
        },
        When::SubProblem(p) => match lang {
            Lang::Zh => format!("具体问题为{}", sub_problem_label(lang, p)),
            Lang::En => format!(
                "sub-problem is {}",
                sub_problem_label(lang, p).to_lowercase()
            ),
        },
        When::Emotion(e) => match lang {
            Lang::Zh => format!("客户情绪为{}", emotion_label(lang, *e)),
            Lang::En => format!("customer is {}", emotion_label(lang, *e).to_lowercase()),
        },
        When::Demand(d) => match lang {
            Lang::Zh => format!("诉求为{}", demand_kind_label(lang, *d)),
            Lang::En => format!("demand is {}", demand_kind_label(lang, *d).to_lowercase()),
        },
        When::Repeated { min, days } => match lang {
            Lang::Zh => format!("{days} 天内同一具体问题被反映至少 {min} 次"),
            Lang::En => {
                format!("the same sub-problem reported at least {min} times in {days} days")
            }
        },
        When::Any(all) => {
            let sep = lang.pick((" 或 ", " or "));
            all.iter().map(nested).collect::<Vec<_>>().join(sep)
        }
        When::All(all) => {
            let sep = lang.pick((" 且 ", " and "));
            all.iter().map(nested).collect::<Vec<_>>().join(sep)
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn every_key_has_text_in_both_languages() {
        for &key in Key::ALL {
            for lang in [Lang::Zh, Lang::En] {
                assert!(!t(lang, key).trim().is_empty(), "{key:?} {lang:?}");
            }
        }
        assert_eq!(t(Lang::Zh, Key::NavMyVisits), "我的回访");
        assert_eq!(t(Lang::En, Key::NavMyVisits), "My visits");
    }

    #[test]
    fn every_enum_value_has_a_label_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            let labels: Vec<&str> = Channel::ALL
                .iter()
                .map(|v| channel_label(lang, *v))
                .chain(VisitType::ALL.iter().map(|v| visit_type_label(lang, *v)))
                .chain(Outcome::ALL.iter().map(|v| outcome_label(lang, *v)))
                .chain(Emotion::ALL.iter().map(|v| emotion_label(lang, *v)))
                .chain(Demand::ALL.iter().map(|v| demand_label(lang, *v)))
                .chain(Role::ALL.iter().map(|v| role_label(lang, *v)))
                .collect();
            assert!(labels.iter().all(|l| !l.is_empty()), "{lang:?}");
        }
        assert_eq!(visit_type_label(Lang::Zh, VisitType::Complaint), "投诉回访");
        assert_eq!(outcome_label(Lang::En, Outcome::NoAnswer), "No answer");
    }

    #[test]
    fn every_ticket_value_has_a_label_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            for &n in Nature::ALL {
                assert!(!nature_label(lang, n).is_empty());
                for sp in n.sub_problems() {
                    assert_ne!(sub_problem_label(lang, sp), *sp, "{sp} {lang:?}");
                }
            }
            for i in [Impact::General, Impact::Important, Impact::Urgent] {
                assert!(!impact_label(lang, i).is_empty());
            }
        }
        assert_eq!(sub_problem_label(Lang::Zh, "attitude"), "服务态度");
        assert_eq!(sub_problem_label(Lang::En, "new_kind"), "new_kind");
        assert_eq!(minutes_text(Lang::Zh, 200), "3 小时 20 分");
        assert_eq!(minutes_text(Lang::En, 60), "1 h");
        assert_eq!(
            timeline_text(
                Lang::Zh,
                &TimelineEvent::State {
                    from: TicketState::Resolved,
                    to: TicketState::InProgress
                }
            ),
            "已解决 → 处理中"
        );
    }

    #[test]
    fn every_rule_and_department_has_a_name_in_both_languages_and_others_show_their_key() {
        use huifang_domain::ticket::{GradingRules, RoutingMap};
        let routing = RoutingMap::default();
        let routed = routing
            .by_nature
            .values()
            .chain(routing.by_sub_problem.values());
        for d in routed {
            assert!(DEPARTMENTS.contains(&d.as_str()), "{d} is not offered");
        }
        for (key, zh, en) in GradingRules::default()
            .rules
            .iter()
            .map(|r| {
                (
                    r.key.as_str(),
                    rule_label(Lang::Zh, &r.key),
                    rule_label(Lang::En, &r.key),
                )
            })
            .chain(DEPARTMENTS.iter().map(|&d| {
                (
                    d,
                    department_label(Lang::Zh, d),
                    department_label(Lang::En, d),
                )
            }))
        {
            assert_ne!(zh, key);
            assert_ne!(en, key);
            assert_ne!(zh, en, "{key}");
            assert!(!zh.is_ascii(), "{key}: {zh}");
        }
        assert_eq!(department_label(Lang::Zh, "operations"), "运营部");
        assert_eq!(
            rule_label(Lang::En, "injury_or_loss"),
            "Injury or property loss"
        );
        for lang in [Lang::Zh, Lang::En] {
            assert_eq!(rule_label(lang, "night_calls"), "night_calls");
            assert_eq!(department_label(lang, "legal"), "legal");
        }
    }

    #[test]
    fn grading_conditions_read_as_words_in_both_languages() {
        let w = When::Any(vec![
            When::Repeated { min: 2, days: 7 },
            When::All(vec![When::PersonalInjury, When::Nature(Nature::Product)]),
        ]);
        assert_eq!(
            when_text(Lang::Zh, &w),
            "7 天内同一具体问题被反映至少 2 次 或 (有人身伤害 且 问题性质为产品)"
        );
        assert_eq!(
            when_text(Lang::En, &w),
            "the same sub-problem reported at least 2 times in 7 days or (personal injury and nature is product)"
        );
        assert_eq!(weekday_label(Lang::Zh, 6), "周日");
        assert_eq!(weekday_label(Lang::En, 0), "Mon");
    }

    #[test]
    fn the_error_summary_counts_its_problems() {
        assert_eq!(
            error_summary_title(Lang::Zh, 6),
            "还有 6 项需要填写或修改,才能保存:"
        );
        assert_eq!(
            error_summary_title(Lang::En, 1),
            "1 thing to fix before saving:"
        );
        assert_eq!(
            error_summary_title(Lang::En, 2),
            "2 things to fix before saving:"
        );
    }

    #[test]
    fn validation_messages_name_the_field_in_the_chosen_language() {
        use ValidationKind::*;
        assert_eq!(
            validation_message(Lang::Zh, "verbatim", Required),
            "已接通时请记录客户原话"
        );
        assert_eq!(
            validation_message(Lang::Zh, "channel", Required),
            "回访方式:必填"
        );
        assert_eq!(
            validation_message(Lang::En, "customer_id", Required),
            "Customer: required"
        );
        assert_eq!(
            validation_message(Lang::Zh, "verbatim", TooLong),
            "客户原话最多 2000 字"
        );
        assert_eq!(
            validation_message(Lang::En, "attempt", OutOfRange),
            "The attempt must be between 1 and 9"
        );
        assert_eq!(
            validation_message(Lang::En, "mood", OutOfRange),
            "mood: out of range"
        );
        let fields = [
            "customer_id",
            "channel",
            "visit_type",
            "outcome",
            "attempt",
            "satisfaction",
            "emotion",
            "verbatim",
            "demand",
            "follow_up",
            "contacted_at",
        ];
        for field in fields {
            for kind in [Required, TooLong, OutOfRange, NotAllowed, InFuture] {
                let zh = validation_message(Lang::Zh, field, kind);
                let en = validation_message(Lang::En, field, kind);
                assert!(!zh.is_empty() && !en.is_empty());
                assert_ne!(zh, en, "{field} {kind:?}");
            }
        }
    }

    #[test]
    fn relative_times_are_coarse_and_never_negative() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        let table = [
            (Duration::seconds(-30), "刚刚", "just now"),
            (Duration::seconds(0), "刚刚", "just now"),
            (Duration::seconds(59), "刚刚", "just now"),
            (Duration::seconds(60), "1 分钟前", "1 min ago"),
            (Duration::minutes(3), "3 分钟前", "3 min ago"),
            (Duration::minutes(59), "59 分钟前", "59 min ago"),
            (Duration::hours(2), "2 小时前", "2 h ago"),
            (Duration::days(3), "3 天前", "3 d ago"),
        ];
        for (ago, zh, en) in table {
            assert_eq!(relative_time(Lang::Zh, now - ago, now), zh, "{ago:?}");
            assert_eq!(relative_time(Lang::En, now - ago, now), en, "{ago:?}");
        }
    }

    #[test]
    fn the_unsynced_notice_gives_the_age_when_there_is_one() {
        assert_eq!(
            unsynced_notice(Lang::Zh, 3, Some("5 分钟前")),
            "未同步:3 条,最早一条保存于 5 分钟前"
        );
        assert_eq!(unsynced_notice(Lang::En, 1, None), "Unsynced: 1");
    }

    #[test]
    fn the_other_users_notice_names_each_owner_and_count() {
        assert_eq!(
            other_users_notice(Lang::Zh, &[("李明", 2)]),
            "此设备上还有 李明 的 2 条未同步记录,需本人登录后同步"
        );
        assert_eq!(
            other_users_notice(Lang::En, &[("李明", 2)]),
            "This device holds 2 unsynced records of 李明; they sync when that user logs in"
        );
        assert_eq!(
            other_users_notice(Lang::En, &[("李明", 1)]),
            "This device holds 1 unsynced record of 李明; it syncs when that user logs in"
        );
        assert_eq!(
            other_users_notice(Lang::Zh, &[("李明", 2), ("张伟", 1)]),
            "此设备上还有 李明 的 2 条、张伟 的 1 条未同步记录,需本人登录后同步"
        );
        assert_eq!(
            other_users_notice(Lang::En, &[("李明", 2), ("张伟", 1), ("Ann", 3)]),
            "This device holds 2 unsynced records of 李明, 1 of 张伟 and 3 of Ann; \
             they sync when each user logs in"
        );
    }

    #[test]
    fn languages_round_trip_through_their_codes() {
        for lang in [Lang::Zh, Lang::En] {
            assert_eq!(Lang::parse(lang.code()), Some(lang));
            assert_eq!(lang.other().other(), lang);
        }
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(
            reject_code_label(Lang::En, "conflict"),
            "Conflicts with server data"
        );
        assert_eq!(
            reject_code_label(Lang::En, "teapot"),
            "Rejected by the server"
        );
    }

    #[test]
    fn field_visit_texts_exist_in_both_languages() {
        let cst = FixedOffset::east_opt(8 * 3600).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
        assert_eq!(clock(at, cst), "11-23 09:00");
        assert_eq!(
            window(at, at + Duration::hours(3), cst),
            "11-23 09:00–12:00"
        );
        assert_eq!(
            window(at, at + Duration::days(1), cst),
            "11-23 09:00 – 11-24 09:00"
        );
        assert_eq!(
            survey_problem(Lang::Zh, "哪方面让您不满意?", &SurveyProblem::Required),
            "“哪方面让您不满意?”:请回答此题"
        );
        assert_eq!(
            survey_problem(Lang::En, "Why?", &SurveyProblem::TooMany(2)),
            "\"Why?\": choose up to 2"
        );
        assert_eq!(nps_label(Lang::Zh, NpsGroup::Promoter), "推荐者");
        assert_eq!(audience_label(Lang::En, Audience::Angry), "Upset");
        assert_eq!(
            next_attempt_text(Lang::Zh, 2, "11-23 11:00", Channel::Phone),
            "将安排第 2 次回访(电话),时间 11-23 11:00 起"
        );
        assert_eq!(
            retry_note(Lang::Zh, 2, RetryReason::NoAnswer),
            "第 2 次回访:上次无人接听"
        );
        assert_eq!(
            retry_note(Lang::Zh, 3, RetryReason::CallBack),
            "第 3 次回访:客户约定回拨"
        );
        for lang in [Lang::Zh, Lang::En] {
            for p in [Priority::High, Priority::Normal, Priority::Low] {
                assert!(!priority_label(lang, p).is_empty());
            }
            for n in 1..=3 {
                assert!(!mood_label(lang, n).is_empty());
            }
            assert_ne!(
                validation_message(lang, "signature", ValidationKind::Required),
                validation_message(lang, "place", ValidationKind::Required)
            );
        }
    }
}
