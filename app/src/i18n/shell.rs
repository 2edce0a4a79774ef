//! Texts of the frame around every screen: navigation, login and logout, banners, roles.

use huifang_domain::Role;

use super::{Key, Lang, t};

/// The shell entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! shell_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
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
        ReloginBanner => "登录已过期,请重新登录。未同步的记录仍安全保存在本设备上。", "Your session has expired. Please log in again; unsynced records stay safe on this device.";
        ReloginButton => "重新登录", "Log in again";
        UpdateBanner => "有新版本可用。", "A new version is available.";
        UpdateReload => "重新加载", "Reload";
        UpdateAfterSave => "有新版本可用,保存或离开此页后自动更新。", "A new version is ready: it applies when you save or leave this page.";
        OfflinePreparing => "正在准备离线…", "Preparing offline…";
        OfflineReady => "可离线使用", "Ready offline";
        OfflineNotReady => "尚不能离线使用", "Not ready offline";
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
        LogoutTitle => "退出登录", "Log out";
        LogoutSync => "立即同步", "Sync now";
        LogoutKeep => "保留在本设备并退出", "Keep them on this device and log out";
        LogoutKeepHint => "这些记录不会丢失,下次在本设备登录后自动上传。", "They are not lost: they upload after the next login on this device.";
        RoleAgent => "电话回访", "Phone agent";
        RoleField => "上门回访", "Field staff";
        RoleSupervisor => "客服主管", "Supervisor";
        RoleAdmin => "管理员", "Admin";
        NotFound => "页面不存在。", "Page not found.";
        NavTasks => "我的任务", "My tasks";
        NavPlan => "回访计划", "Visit plans";
        NavDrafts => "草稿", "Drafts";
        NavTickets => "工单", "Tickets";
        NavNewTicket => "新建工单", "New ticket";
        NavSupervise => "工作台", "Workbench";
        NavRules => "规则设置", "Rules";
        NavCustomerBook => "客户档案", "Customers";
        NavPeople => "人员", "People";
        NavCatalog => "话术与问卷", "Scripts & surveys";
        NavSettings => "机构设置", "Settings";
        NavStatistics => "反馈统计", "Feedback statistics";
        NavDashboard => "看板", "Dashboards";
        NavDevices => "设备状态", "Devices";
        NavAuditTrail => "操作日志", "Audit trail";
    } };
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

pub fn logout_unsynced(lang: Lang, count: usize) -> String {
    match lang {
        Lang::Zh => format!("本设备上还有 {count} 条记录没有上传到服务器。"),
        Lang::En => format!("{count} records on this device have not reached the server."),
    }
}
