//! The audit trail read back for admins (`GET /api/audit`); each `*Rows` write adds its rows.

use huifang_domain::Cursor;
use huifang_domain::audit::{AuditEntry, AuditList, AuditVerification};
use rusqlite::types::Value;

use super::paging::{self, Filters, text};
use super::{Conn, Store, parse_ts, parse_uuid, ts};
use crate::error::Result;
use crate::storage::{AuditFilter, AuditQueries, Page, PageAt};

impl Store {
    /// Recomputes the audit trail's hash chain on a read connection, on a blocking thread: the
    /// writer goes on meanwhile (WAL), and one verification runs at a time.
    pub async fn audit_verify(&self) -> Result<AuditVerification> {
        self.blocking(|db| {
            let _one_at_a_time = super::lock(&db.verifying);
            db.read(super::audit_chain::verify)
        })
        .await
    }

    /// A page of the audit trail, newest first.
    pub async fn audit_list(&self, filter: AuditFilter, at: PageAt) -> Result<AuditList> {
        let page = self
            .blocking(move |db| db.read(|conn| conn.audit_page(&filter, &at)))
            .await?;
        Ok(AuditList {
            entries: page.items,
            total: page.total,
            next: page.next.map(|c| c.encode()),
        })
    }
}

/// Only the filters asked for; each of user, action(s) and entity leads an index whose last
/// column is the rowid (`id`), so the newest-first walk follows it (migration 0007).
fn filters(f: &AuditFilter) -> Filters {
    let mut out = Filters::default();
    if let Some(u) = f.user {
        out.bind("a.user_id = ?", [text(u.to_string())]);
    }
    match f.actions.as_slice() {
        [] => {}
        [action] => out.bind("a.action = ?", [text(action.as_str())]),
        // Each looked up in the action index; the few rows of the quick filters' actions
        // (reveals, exports, settings) are then put newest first.
        several => out.bind(
            &format!("a.action IN ({})", vec!["?"; several.len()].join(", ")),
            several.iter().map(|a| text(a.as_str())),
        ),
    }
    if let Some(entity) = &f.entity {
        out.bind("a.entity = ?", [text(entity.as_str())]);
    }
    if let Some(id) = &f.entity_id {
        out.bind("a.entity_id = ?", [text(id.as_str())]);
    }
    if let Some(from) = f.from {
        out.bind("a.at >= ?", [text(ts(from))]);
    }
    if let Some(to) = f.to {
        out.bind("a.at < ?", [text(ts(to))]);
    }
    out
}

/// A stored `before`/`after`: JSON as written; anything else (a digest) is kept as a string.
fn state(raw: Option<String>) -> Option<serde_json::Value> {
    raw.map(|s| serde_json::from_str(&s).unwrap_or(serde_json::Value::String(s)))
}

impl<C: Conn> AuditQueries for C {
    fn audit_page(&self, filter: &AuditFilter, at: &PageAt) -> Result<Page<AuditEntry>> {
        let conn = self.conn();
        let after = paging::after(at, 1)?
            .map(|c| paging::int_part(&c, 0))
            .transpose()?;
        let mut f = filters(filter);
        let total = paging::count(
            conn,
            &format!("SELECT 1 FROM audit_log a {}", f.sql()),
            f.params(),
            at.cap,
        )?;
        if let Some(id) = after {
            f.bind("a.id < ?", [Value::Integer(id)]);
        }
        let mut stmt = conn.prepare(&format!(
            "SELECT a.id, a.at, a.user_id, u.display_name, a.action, a.entity, a.entity_id,
                    a.before, a.after
             FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
             {}
             ORDER BY a.id DESC LIMIT {}",
            f.sql(),
            at.limit + 1
        ))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(f.params()), |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, Option<String>>(8)?,
                ))
            })?
            .map(|row| {
                let (id, at, user, name, action, entity, entity_id, before, after) = row?;
                let entry = AuditEntry {
                    id: id.unsigned_abs(),
                    at: parse_ts(&at)?,
                    user_id: user.as_deref().map(parse_uuid).transpose()?,
                    user_name: name,
                    action,
                    entity,
                    entity_id,
                    before: state(before),
                    after: state(after),
                };
                Ok((entry, Cursor(vec![id.to_string()])))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(paging::page(rows, at.limit, total))
    }
}

/// What an export took off the server, for the audit trail: who (the row's user), what
/// (`kind`: `visits`, `tickets`, `stats`), which period, in which format, how many rows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExportAudit {
    pub kind: &'static str,
    pub period: huifang_domain::period::Period,
    pub format: &'static str,
    pub rows: u64,
    /// The filters beside the period, as the request gave them.
    pub filters: serde_json::Value,
}

impl Store {
    /// Records a finished export (action `export`, entity `export`, a fresh id per export).
    pub async fn audit_export(
        &self,
        by: uuid::Uuid,
        export: ExportAudit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        let after = super::to_json(&export)?;
        self.write(move |tx| {
            super::audit(
                tx,
                now,
                Some(by),
                "export",
                "export",
                crate::service::new_id(),
                &after,
            )
        })
        .await
    }
}
