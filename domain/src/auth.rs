//! Users, roles and the login exchange.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Who does what (DOMAIN.md "Who uses it").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 电话回访: phone / online agent.
    Agent,
    /// 上门回访: field staff with a tablet.
    Field,
    /// 客服主管: plans, reviews, signs off.
    Supervisor,
    /// 数据分析 / 管理员: scripts, users, rules, dashboards.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Agent, Role::Field, Role::Supervisor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Field => "field",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Everyone who talks to customers records visits; supervisors step in on escalations.
    pub fn can_record_visits(self) -> bool {
        matches!(self, Role::Agent | Role::Field | Role::Supervisor)
    }

    /// Planning and assigning visit tasks is a supervisor's job (admins stand in).
    pub fn can_plan_tasks(self) -> bool {
        matches!(self, Role::Supervisor | Role::Admin)
    }

    /// Seeing a customer's full phone number is for the people who call or visit them.
    pub fn can_reveal_contacts(self) -> bool {
        matches!(self, Role::Agent | Role::Field | Role::Supervisor)
    }

    /// Reading every stored visit is review work, not front-line work.
    pub fn can_read_all_visits(self) -> bool {
        matches!(self, Role::Supervisor | Role::Admin)
    }
}

/// Usernames are short handles typed on a tablet keyboard.
pub const MAX_USERNAME: usize = 64;
/// argon2 hashes any length, but an unbounded password is a cheap denial of service.
pub const MAX_PASSWORD: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// 工号: the agent number the call script speaks (`{agent_no}`).
    pub agent_no: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    pub user: User,
    /// When the session stops being accepted; the app asks for a new login after it.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_wire_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn permissions_follow_the_job() {
        let table = [
            (Role::Agent, true, false, false, true),
            (Role::Field, true, false, false, true),
            (Role::Supervisor, true, true, true, true),
            (Role::Admin, false, true, true, false),
        ];
        for (role, record, read_all, plan, reveal) in table {
            assert_eq!(role.can_record_visits(), record, "{role:?} record");
            assert_eq!(role.can_read_all_visits(), read_all, "{role:?} read all");
            assert_eq!(role.can_plan_tasks(), plan, "{role:?} plan");
            assert_eq!(role.can_reveal_contacts(), reveal, "{role:?} reveal");
        }
    }
}
