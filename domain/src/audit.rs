//! The audit trail as admins read it (`GET /api/audit`): who changed what and when.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One row of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Increasing in the order the rows were written; the list is newest first by it.
    pub id: u64,
    pub at: DateTime<Utc>,
    /// `None` for operator actions from the command line and the server's own.
    pub user_id: Option<Uuid>,
    /// The user's display name today (`None` with `user_id`).
    pub user_name: Option<String>,
    /// What happened: a mutation kind (`visit.record`, `ticket.update`…) or a server action
    /// (`contact.reveal`, `task.create`, `settings.update`…).
    pub action: String,
    /// The kind of record changed (`visit`, `ticket`, `task`, `customer`…) and its id.
    pub entity: String,
    pub entity_id: String,
    /// The state before the change (`None` for a creation) and after, as the server recorded
    /// them.
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// `GET /api/audit`: one page, newest first (`crate::paging`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditList {
    pub entries: Vec<AuditEntry>,
    pub total: crate::paging::ListTotal,
    /// The cursor of the next page (`?after=`); `None` on the last page.
    pub next: Option<String>,
}
