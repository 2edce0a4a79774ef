//! Texts of the visits feature: the visit form with script and survey, drafts, my visits,
//! needs attention, and the names of a visit record's fields and rules.

use huifang_domain::script::Audience;
use huifang_domain::survey::{NpsGroup, SurveyProblem};
use huifang_domain::visit::{MAX_ATTEMPT, MAX_FOLLOW_UP, MAX_VERBATIM};
use huifang_domain::{Channel, Demand, Emotion, Outcome, ValidationKind, VisitType};

use super::{Key, Lang, t};

/// The visits entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! visits_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        DraftNotSaved => "本机存储已满,草稿无法自动保存。请联网同步还没上传的记录。", "Device storage is full: the draft cannot be autosaved. Connect to sync the records not uploaded yet.";
        StorageTitle => "本机存储", "On this device";
        ShowMore => "显示更多", "Show more";
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
        RejectInvalid => "内容不符合规则", "Breaks a rule";
        RejectForbidden => "无权提交", "Not allowed";
        RejectConflict => "与服务器数据冲突", "Conflicts with server data";
        RejectUnknownKind => "服务器不支持此类型", "Unknown to the server";
        RejectOther => "被服务器拒绝", "Rejected by the server";
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
        Escalate => "转接主管", "Escalate to supervisor";
        EscalateHint => "紧急问题:保存后立即同步给主管。", "Urgent: sent to the supervisors as soon as it is saved.";
        Escalated => "已转接", "Escalated";
        DraftsTitle => "草稿", "Drafts";
        DraftsEmpty => "没有未完成的草稿。", "No unfinished drafts.";
        DraftResume => "继续填写", "Resume";
        NoCustomer => "未选客户", "No customer";
        ReportProblem => "反映问题 / 建工单", "Report a problem";
    } };
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

pub fn attempt_label(lang: Lang, attempt: u8) -> String {
    match lang {
        Lang::Zh => format!("第 {attempt} 次"),
        Lang::En => format!("attempt {attempt}"),
    }
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

pub fn next_attempt_text(lang: Lang, attempt: u8, when: &str, channel: Channel) -> String {
    let how = channel_label(lang, channel);
    match lang {
        Lang::Zh => format!("将安排第 {attempt} 次回访({how}),时间 {when} 起"),
        Lang::En => format!("Attempt {attempt} ({how}) will be scheduled from {when}"),
    }
}

pub fn no_more_attempts(lang: Lang) -> &'static str {
    lang.pick((
        "已达最多回访次数,不再安排重访",
        "No more attempts will be scheduled",
    ))
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
