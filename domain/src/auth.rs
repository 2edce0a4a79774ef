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

    /// Whether this role holds `permission` (the one table of who may do what).
    pub fn can(self, permission: Permission) -> bool {
        permission.roles().contains(&self)
    }

    pub fn can_record_visits(self) -> bool {
        self.can(Permission::RecordVisits)
    }

    pub fn can_work_tickets(self) -> bool {
        self.can(Permission::WorkTickets)
    }

    pub fn takes_escalations(self) -> bool {
        self.can(Permission::TakeEscalations)
    }

    pub fn can_plan_tasks(self) -> bool {
        self.can(Permission::PlanTasks)
    }

    pub fn can_reveal_contacts(self) -> bool {
        self.can(Permission::RevealContacts)
    }

    pub fn can_read_all_visits(self) -> bool {
        self.can(Permission::ReadAllVisits)
    }

    pub fn can_manage_tickets(self) -> bool {
        self.can(Permission::ManageTickets)
    }

    pub fn can_decide_reviews(self) -> bool {
        self.can(Permission::DecideReviews)
    }

    pub fn can_edit_rules(self) -> bool {
        self.can(Permission::EditRules)
    }

    pub fn can_read_audit_log(self) -> bool {
        self.can(Permission::ReadAuditLog)
    }

    pub fn can_manage_customers(self) -> bool {
        self.can(Permission::ManageCustomers)
    }

    pub fn can_import_customers(self) -> bool {
        self.can(Permission::ImportCustomers)
    }

    pub fn can_manage_people(self) -> bool {
        self.can(Permission::ManagePeople)
    }

    pub fn can_edit_catalog(self) -> bool {
        self.can(Permission::EditCatalog)
    }

    pub fn can_edit_settings(self) -> bool {
        self.can(Permission::EditSettings)
    }

    pub fn can_read_reports(self) -> bool {
        self.can(Permission::ReadReports)
    }

    pub fn can_export_records(self) -> bool {
        self.can(Permission::ExportRecords)
    }

    pub fn can_plan_improvements(self) -> bool {
        self.can(Permission::PlanImprovements)
    }
}

/// What a role may do. Each permission is named for the work, even where two share their
/// roles today, so a change to one job does not silently change another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Everyone who talks to customers records visits (and registers the feedback they hear).
    RecordVisits,
    /// Being assigned a ticket and working it is front-line work; supervisors step in.
    WorkTickets,
    /// An escalated ticket is the supervisor's to take (assigning one to them meets its
    /// Escalate clock).
    TakeEscalations,
    /// Planning and assigning visit tasks is a supervisor's job (admins stand in).
    PlanTasks,
    /// Seeing a customer's full phone number is for the people who call or visit them.
    RevealContacts,
    /// Reading every stored visit is review work, not front-line work.
    ReadAllVisits,
    /// Seeing every ticket and changing any of it: assignee, grade, category, close, reopen.
    ManageTickets,
    /// Signing off or returning a visit record or a resolution, and the review desk's figures.
    DecideReviews,
    /// Changing the ticket rule sets (grading, deadlines, calendar, routing, revisit targets).
    EditRules,
    /// Reading the audit trail (who changed what) is the administrator's oversight.
    ReadAuditLog,
    /// 客户档案: listing, adding, editing and archiving customers is the back office's.
    ManageCustomers,
    /// Importing a CRM export rewrites customers in bulk: the administrator's.
    ImportCustomers,
    /// Adding users, changing roles, resetting passwords, disabling accounts.
    ManagePeople,
    /// Writing, publishing and retiring call scripts and surveys.
    EditCatalog,
    /// The organisation's settings (company name, time zone, quiet hours, targets).
    EditSettings,
    /// 统计与看板: the statistics table, the dashboards, risk warnings and device health.
    ReadReports,
    /// Exporting records to CSV or Excel takes the centre's data off the server: audited.
    ExportRecords,
    /// Writing the statistics table's suggested actions (话术优化 / 流程改进 / 产品迭代).
    PlanImprovements,
}

impl Permission {
    pub const ALL: [Permission; 18] = [
        Permission::RecordVisits,
        Permission::WorkTickets,
        Permission::TakeEscalations,
        Permission::PlanTasks,
        Permission::RevealContacts,
        Permission::ReadAllVisits,
        Permission::ManageTickets,
        Permission::DecideReviews,
        Permission::EditRules,
        Permission::ReadAuditLog,
        Permission::ManageCustomers,
        Permission::ImportCustomers,
        Permission::ManagePeople,
        Permission::EditCatalog,
        Permission::EditSettings,
        Permission::ReadReports,
        Permission::ExportRecords,
        Permission::PlanImprovements,
    ];

    fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Permission::RecordVisits | Permission::WorkTickets | Permission::RevealContacts => {
                &[Agent, Field, Supervisor]
            }
            Permission::TakeEscalations => &[Supervisor],
            Permission::PlanTasks
            | Permission::ReadAllVisits
            | Permission::ManageTickets
            | Permission::DecideReviews
            | Permission::ManageCustomers
            | Permission::ReadReports
            | Permission::ExportRecords
            | Permission::PlanImprovements => &[Supervisor, Admin],
            Permission::EditRules
            | Permission::ReadAuditLog
            | Permission::ImportCustomers
            | Permission::ManagePeople
            | Permission::EditCatalog
            | Permission::EditSettings => &[Admin],
        }
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
    /// Logged in with a one-time password: until it is changed (`POST /api/me/password`),
    /// every endpoint but that one, `/api/me` and logout answers `password_change_required`.
    /// Absent from older servers' answers, hence the default.
    #[serde(default)]
    pub must_change_password: bool,
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
        use Permission::*;
        // Agent, Field, Supervisor, Admin.
        let table = [
            (RecordVisits, [true, true, true, false]),
            (WorkTickets, [true, true, true, false]),
            (TakeEscalations, [false, false, true, false]),
            (PlanTasks, [false, false, true, true]),
            (RevealContacts, [true, true, true, false]),
            (ReadAllVisits, [false, false, true, true]),
            (ManageTickets, [false, false, true, true]),
            (DecideReviews, [false, false, true, true]),
            (EditRules, [false, false, false, true]),
            (ReadAuditLog, [false, false, false, true]),
            (ManageCustomers, [false, false, true, true]),
            (ImportCustomers, [false, false, false, true]),
            (ManagePeople, [false, false, false, true]),
            (EditCatalog, [false, false, false, true]),
            (EditSettings, [false, false, false, true]),
            (ReadReports, [false, false, true, true]),
            (ExportRecords, [false, false, true, true]),
            (PlanImprovements, [false, false, true, true]),
        ];
        assert_eq!(table.len(), Permission::ALL.len());
        for (permission, want) in table {
            for (role, want) in Role::ALL.into_iter().zip(want) {
                assert_eq!(role.can(permission), want, "{role:?} {permission:?}");
            }
        }
        type Named = (fn(Role) -> bool, Permission);
        let named: [Named; 10] = [
            (Role::can_record_visits, RecordVisits),
            (Role::can_work_tickets, WorkTickets),
            (Role::takes_escalations, TakeEscalations),
            (Role::can_plan_tasks, PlanTasks),
            (Role::can_reveal_contacts, RevealContacts),
            (Role::can_read_all_visits, ReadAllVisits),
            (Role::can_manage_tickets, ManageTickets),
            (Role::can_decide_reviews, DecideReviews),
            (Role::can_edit_rules, EditRules),
            (Role::can_read_audit_log, ReadAuditLog),
        ];
        for (method, permission) in named {
            for role in Role::ALL {
                assert_eq!(
                    method(role),
                    role.can(permission),
                    "{role:?} {permission:?}"
                );
            }
        }
    }
}
