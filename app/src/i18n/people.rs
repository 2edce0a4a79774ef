//! Texts of People (accounts, for admins), the password screens and the disabled-account
//! banner.

use huifang_domain::people::PasswordProblem;

use super::Lang;

/// The people entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! people_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        PeopleTitle => "人员", "People";
        PeopleAdd => "添加人员", "Add a person";
        PeopleName => "姓名", "Name";
        PeopleRole => "角色", "Role";
        PeopleAgentNo => "工号", "Agent number";
        PeopleState => "状态", "State";
        PeopleLastLogin => "最近登录", "Last login";
        PeopleNever => "从未登录", "Never";
        PeopleEnabled => "正常", "Active";
        PeopleDisabled => "已停用", "Disabled";
        PeopleMustChange => "待改密码", "Must set a password";
        PeopleActions => "操作", "Actions";
        PeopleEdit => "编辑", "Edit";
        PeopleReset => "重置密码", "Reset password";
        PeopleDisable => "停用", "Disable";
        PeopleEnable => "启用", "Enable";
        PeopleConfirmReset => "重置后此人的所有登录立即失效,需用新的一次性密码登录。确定重置?", "All of this person's sessions end now and they log in with a new one-time password. Reset?";
        PeopleConfirmDisable => "停用后此人的登录立即失效,设备上未同步的记录会保留。确定停用?", "This person's sessions stop at once; unsynced records on their device are kept. Disable?";
        PeopleConfirmEnable => "启用后此人需重新登录。确定启用?", "The person logs in again once enabled. Enable?";
        PeopleConfirm => "确定", "Confirm";
        PeopleSave => "保存", "Save";
        PeopleEditTitle => "编辑人员", "Edit person";
        PeopleAddTitle => "添加人员", "Add a person";
        PeoplePasswordOptional => "初始密码(留空则自动生成)", "First password (leave empty to generate one)";
        PeopleOneTime => "一次性密码(只显示这一次,请交给本人;首次登录须修改):", "One-time password (shown only this once; hand it to the person, who must change it at first login):";
        PeopleDone => "完成", "Done";
        PeopleLastAdmin => "至少要保留一位启用的管理员。", "At least one enabled admin must remain.";
        PeopleTaken => "该用户名已被使用。", "This username is taken.";
        PeopleFieldError => "请检查标记的字段。", "Please check the marked field.";
        PeopleOffline => "人员管理需要联网。", "Managing people needs the network.";
        MyPassword => "修改密码", "Change password";
        SetPasswordTitle => "设置您的密码", "Set your password";
        SetPasswordHint => "您使用的是一次性密码。请先设置自己的密码再继续。", "You logged in with a one-time password. Set your own password to go on.";
        CurrentPassword => "当前密码", "Current password";
        NewPassword => "新密码", "New password";
        ConfirmPassword => "再次输入新密码", "New password again";
        PasswordMismatch => "两次输入的新密码不一致。", "The two new passwords differ.";
        PasswordWrong => "当前密码不正确。", "The current password is wrong.";
        PasswordChanged => "密码已修改。其他设备上的登录已退出。", "Password changed. Your other sessions were logged out.";
        PasswordSave => "保存新密码", "Save new password";
        DisabledBanner => "此账号已被停用,无法再同步。本设备上的记录都已保留、不会丢失。请将平板交给主管。", "This account has been disabled and can no longer sync. Every record on this device is kept, nothing is lost. Please hand the tablet to a supervisor.";
        DisabledHandOver => "交给主管登录", "Supervisor log-in";
        LoginDisabled => "此账号已被停用,请联系管理员。", "This account is disabled. Please contact an administrator.";
    }};
}

/// The password rule's verdict, in the reader's language.
pub fn password_problem(lang: Lang, p: PasswordProblem) -> String {
    let min = huifang_domain::people::MIN_PASSWORD;
    match (lang, p) {
        (Lang::Zh, PasswordProblem::TooShort) => format!("密码至少 {min} 个字符。"),
        (Lang::En, PasswordProblem::TooShort) => {
            format!("A password has at least {min} characters.")
        }
        (Lang::Zh, PasswordProblem::TooLong) => "密码太长。".to_owned(),
        (Lang::En, PasswordProblem::TooLong) => "The password is too long.".to_owned(),
        (Lang::Zh, PasswordProblem::SameAsUsername) => "密码不能与用户名相同。".to_owned(),
        (Lang::En, PasswordProblem::SameAsUsername) => {
            "The password may not be the username.".to_owned()
        }
        (Lang::Zh, PasswordProblem::Unchanged) => "新密码不能与当前密码相同。".to_owned(),
        (Lang::En, PasswordProblem::Unchanged) => "The new password is the current one.".to_owned(),
    }
}

/// How many of the disabled user's records stay queued on this device.
pub fn disabled_kept(lang: Lang, queued: usize) -> String {
    match lang {
        Lang::Zh => format!("本设备上仍保留 {queued} 条未同步的记录。"),
        Lang::En => format!("{queued} unsynced records are kept on this device."),
    }
}
