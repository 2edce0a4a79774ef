//! People and passwords (issue 11): the accounts an admin manages, the password rule every
//! password set through the API or the command line meets, and the rule that keeps a centre
//! from locking itself out (at least one enabled admin).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::{MAX_PASSWORD, MAX_USERNAME, Role};
use crate::char_len;

/// A password is at least this long. Length is what resists guessing; composition rules make
/// people write `Password1!`. Ten characters is what the centre's handbooks ask of the CRM
/// logins the same staff already use.
pub const MIN_PASSWORD: usize = 10;
/// Display names and agent numbers, in characters.
pub const MAX_DISPLAY_NAME: usize = 64;
pub const MAX_AGENT_NO: usize = 16;

/// Why a new password is refused; the app words it in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    /// The username, in any case, or the username with only spaces around it.
    SameAsUsername,
    /// A new password that is the one it replaces.
    Unchanged,
}

impl PasswordProblem {
    pub fn message(self) -> String {
        match self {
            PasswordProblem::TooShort => {
                format!("a password has at least {MIN_PASSWORD} characters")
            }
            PasswordProblem::TooLong => format!("a password has at most {MAX_PASSWORD} characters"),
            PasswordProblem::SameAsUsername => "a password is not the username".to_owned(),
            PasswordProblem::Unchanged => "the new password is the current one".to_owned(),
        }
    }
}

/// The password rule: what is wrong with `password` as a new password of `username`, if
/// anything. `current` is the password it replaces, when the person typed it.
pub fn password_problem(
    username: &str,
    password: &str,
    current: Option<&str>,
) -> Option<PasswordProblem> {
    let len = char_len(password);
    if len < MIN_PASSWORD {
        return Some(PasswordProblem::TooShort);
    }
    if len > MAX_PASSWORD {
        return Some(PasswordProblem::TooLong);
    }
    if password.trim().to_lowercase() == username.trim().to_lowercase() {
        return Some(PasswordProblem::SameAsUsername);
    }
    if current == Some(password) {
        return Some(PasswordProblem::Unchanged);
    }
    None
}

/// Whether a change to one account leaves the centre an enabled admin: `before` and `after`
/// say whether the account is an enabled admin before and after the change, `others` how many
/// other enabled admins there are.
pub fn keeps_an_admin(before: bool, after: bool, others: u64) -> bool {
    !before || after || others > 0
}

/// An account as the People screen shows it. Never a password or its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub agent_no: String,
    /// When an admin disabled the account; `None` while it may log in.
    #[serde(default)]
    pub disabled_at: Option<DateTime<Utc>>,
    /// Logged in with a one-time password: must set their own before anything else.
    #[serde(default)]
    pub must_change_password: bool,
    #[serde(default)]
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// `GET /api/people`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeopleList {
    pub people: Vec<Person>,
}

/// `POST /api/people`: a new account. Without `password` the server makes a one-time
/// password; either way the person must change it at their first login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    pub role: Role,
    #[serde(default)]
    pub agent_no: String,
    #[serde(default)]
    pub password: Option<String>,
}

/// `PATCH /api/people/{id}`: what is present changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_no: Option<String>,
}

/// `POST /api/people/{id}/reset-password`: without `password` the server makes one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    #[serde(default)]
    pub password: Option<String>,
}

/// The answer to adding an account or resetting its password. `one_time_password` is the
/// password the server made, said this once and stored only as a hash; absent when the admin
/// typed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonWithPassword {
    pub person: Person,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_time_password: Option<String>,
}

/// `POST /api/me/password`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

/// `GET /api/me`: the user, and whether they must change a one-time password first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    #[serde(flatten)]
    pub user: crate::auth::User,
    #[serde(default)]
    pub must_change_password: bool,
}

/// Why the fields of an account are refused: the wire field and a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountProblem {
    UsernameLength,
    UsernameSpaces,
    DisplayNameTooLong,
    AgentNoTooLong,
}

impl AccountProblem {
    pub fn field(self) -> &'static str {
        match self {
            AccountProblem::UsernameLength | AccountProblem::UsernameSpaces => "username",
            AccountProblem::DisplayNameTooLong => "display_name",
            AccountProblem::AgentNoTooLong => "agent_no",
        }
    }

    pub fn message(self) -> String {
        match self {
            AccountProblem::UsernameLength => {
                format!("a username has 1 to {MAX_USERNAME} characters")
            }
            AccountProblem::UsernameSpaces => "a username has no spaces".to_owned(),
            AccountProblem::DisplayNameTooLong => {
                format!("a display name has at most {MAX_DISPLAY_NAME} characters")
            }
            AccountProblem::AgentNoTooLong => {
                format!("an agent number has at most {MAX_AGENT_NO} characters")
            }
        }
    }
}

/// The first problem of a username.
pub fn username_problem(username: &str) -> Option<AccountProblem> {
    if username.is_empty() || char_len(username) > MAX_USERNAME {
        return Some(AccountProblem::UsernameLength);
    }
    if username
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Some(AccountProblem::UsernameSpaces);
    }
    None
}

/// The first problem of a display name and agent number.
pub fn profile_problem(display_name: &str, agent_no: &str) -> Option<AccountProblem> {
    if char_len(display_name) > MAX_DISPLAY_NAME {
        return Some(AccountProblem::DisplayNameTooLong);
    }
    if char_len(agent_no) > MAX_AGENT_NO {
        return Some(AccountProblem::AgentNoTooLong);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_rule() {
        use PasswordProblem::*;
        let long = "长".repeat(MAX_PASSWORD + 1);
        let table: [(&str, &str, Option<&str>, Option<PasswordProblem>); 11] = [
            ("zhao", "", None, Some(TooShort)),
            ("zhao", "123456789", None, Some(TooShort)),
            ("zhao", "1234567890", None, None),
            // Characters, not bytes: nine Chinese characters are 27 bytes and still short.
            ("zhao", "回访回访回访回访回", None, Some(TooShort)),
            ("zhao", "回访回访回访回访回访", None, None),
            ("zhao", &long, None, Some(TooLong)),
            ("xiaozhao01", "xiaozhao01", None, Some(SameAsUsername)),
            ("xiaozhao01", "XiaoZhao01", None, Some(SameAsUsername)),
            ("xiaozhao01", " xiaozhao01 ", None, Some(SameAsUsername)),
            (
                "zhao",
                "old-password",
                Some("old-password"),
                Some(Unchanged),
            ),
            ("zhao", "new-password", Some("old-password"), None),
        ];
        for (username, password, current, want) in table {
            assert_eq!(
                password_problem(username, password, current),
                want,
                "{username:?} {password:?} {current:?}"
            );
        }
    }

    #[test]
    fn a_change_never_leaves_the_centre_without_an_enabled_admin() {
        // (enabled admin before, after, other enabled admins) → allowed
        let table = [
            ((true, false, 0), false),
            ((true, false, 1), true),
            ((true, true, 0), true),
            ((false, false, 0), true),
            ((false, true, 0), true),
        ];
        for ((before, after, others), want) in table {
            assert_eq!(
                keeps_an_admin(before, after, others),
                want,
                "{before} {after} {others}"
            );
        }
    }

    #[test]
    fn account_fields() {
        let table = [
            ("", Some(AccountProblem::UsernameLength)),
            ("zhao li", Some(AccountProblem::UsernameSpaces)),
            ("zhao\tli", Some(AccountProblem::UsernameSpaces)),
            ("zhaoli", None),
        ];
        for (username, want) in table {
            assert_eq!(username_problem(username), want, "{username:?}");
        }
        assert_eq!(
            username_problem(&"z".repeat(MAX_USERNAME + 1)),
            Some(AccountProblem::UsernameLength)
        );
        assert_eq!(profile_problem("赵丽", "F203"), None);
        assert_eq!(
            profile_problem(&"名".repeat(MAX_DISPLAY_NAME + 1), ""),
            Some(AccountProblem::DisplayNameTooLong)
        );
        assert_eq!(
            profile_problem("", &"1".repeat(MAX_AGENT_NO + 1)),
            Some(AccountProblem::AgentNoTooLong)
        );
    }

    #[test]
    fn an_old_client_reads_a_person_without_the_new_fields() {
        let json = serde_json::json!({
            "id": Uuid::nil(), "username": "zhao", "display_name": "赵", "role": "field",
            "agent_no": "", "created_at": "2026-11-23T02:30:00Z"
        });
        let person: Person = serde_json::from_value(json).unwrap();
        assert!(!person.must_change_password && person.disabled_at.is_none());
    }
}
