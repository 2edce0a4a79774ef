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

/// `GET /api/audit/verify` and `huifang audit verify`: the hash chain of the audit trail
/// recomputed from the first row to the last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVerification {
    /// Every link holds.
    pub intact: bool,
    /// Rows read.
    pub checked: u64,
    /// Rows whose stored chain differs from the one recomputed (an edited row counts once, a
    /// deleted one once, at the row after it).
    pub broken: u64,
    /// The chain of the last row: written down elsewhere, it lets a later check see that
    /// rows were cut off the end, which the chain alone cannot.
    pub head: Option<String>,
    pub first_broken: Option<BrokenLink>,
}

/// The first row whose chain does not follow from its content and the row before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokenLink {
    pub id: u64,
    /// The row before it in id order (`None` for the first row); not `id - 1` when rows are
    /// missing in between.
    pub previous_id: Option<u64>,
    /// The chain recomputed from this row's content and the previous row's stored chain.
    pub expected: String,
    /// The chain stored in the row (`None`: the row was never chained).
    pub stored: Option<String>,
}
