//! Every sentence the user reads, in both languages. Components never hold literal text:
//! adding a language means touching only this file.

use chrono::{DateTime, Utc};
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
    StorageFull => "本机存储已满,这条记录没有保存(表单内容仍在)。请联网同步,或删除已同步的旧记录后再保存。", "Device storage is full: this record was NOT saved (the form keeps its content). Sync, or remove old synced records, then save again.";
    DraftNotSaved => "本机存储已满,草稿无法自动保存。", "Device storage is full: the draft cannot be autosaved.";
    StorageUsed => "本机存储已用", "Local storage used";
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

pub fn storage_warning(lang: Lang, percent: u32) -> String {
    match lang {
        Lang::Zh => format!("本机存储已用 {percent}%,请尽快联网同步。"),
        Lang::En => format!("Device storage is {percent}% full: sync soon."),
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
}
