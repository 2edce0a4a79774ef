//! The rows of the exports (issue 12), read by a keyset walk in pages on one read connection:
//! however many rows a period holds, only a page of them is in memory at a time, and no
//! write lock is taken. Contacts are masked here, so the full number never leaves the store.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use huifang_domain::sla::{ClockKind, ClockState};
use huifang_domain::ticket::Ticket;
use huifang_domain::{Channel, VisitType, WireName, mask_contact};
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::{Store, parse_ts, ts};
use crate::error::{AppError, Result};
use crate::storage::TicketQueries;

/// Rows read per statement: large enough that the per-statement cost vanishes, small enough
/// that a page is a few hundred kilobytes.
const PAGE: i64 = 1000;

/// The visits of `GET /api/exports/visits`: contacted in `[start, end)`, narrowed by the
/// optional filters.
#[derive(Debug, Clone)]
pub struct VisitExportQuery {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub agent: Option<Uuid>,
    pub visit_type: Option<VisitType>,
    pub channel: Option<Channel>,
}

/// One line of the 客户沟通记录表.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitExportRow {
    pub contacted_at: DateTime<Utc>,
    pub customer: String,
    /// Masked (`mask_contact`).
    pub contact: String,
    pub channel: Channel,
    pub visit_type: VisitType,
    /// The call script followed: its title and version.
    pub script: Option<(String, u32)>,
    pub verbatim: String,
    pub satisfaction: Option<u8>,
    pub follow_up: String,
    pub agent: String,
}

/// A ticket's SLA clock as exported: its record and where it stands at the export's `now`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportClock {
    pub kind: ClockKind,
    pub state: ClockState,
    pub started_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub met_at: Option<DateTime<Utc>>,
    /// When the breach sweep recorded it out of time.
    pub breached_at: Option<DateTime<Utc>>,
}

/// One ticket of `GET /api/exports/tickets`, its contact masked.
#[derive(Debug, Clone)]
pub struct TicketExportRow {
    pub ticket: Ticket,
    pub assignee: Option<String>,
    pub clocks: Vec<ExportClock>,
}

/// The reading side of an export, on one read connection of the blocking pool.
pub struct ExportReader<'a> {
    conn: &'a Connection,
}

/// Visits in `[?1, ?2)` after the key (`?3`, `?4`) in `visits_contacted` order; the filters
/// are optional (NULL: any).
const VISIT_PAGE: &str = "SELECT v.id, v.contacted_at, c.name, c.contact, v.channel, v.visit_type,
        s.title, s.version, v.verbatim, v.satisfaction, v.follow_up, u.display_name
   FROM visits v
   JOIN customers c ON c.id = v.customer_id
   JOIN users u ON u.id = v.user_id
   LEFT JOIN scripts s ON s.id = json_extract(v.record_json, '$.script.script_id')
                      AND s.version = json_extract(v.record_json, '$.script.version')
  WHERE (v.contacted_at, v.id) > (?3, ?4) AND v.contacted_at < ?2 AND v.contacted_at >= ?1
    AND (?5 IS NULL OR v.user_id = ?5)
    AND (?6 IS NULL OR v.visit_type = ?6)
    AND (?7 IS NULL OR v.channel = ?7)
  ORDER BY v.contacted_at, v.id
  LIMIT ?8";

/// Tickets created in `[?1, ?2)` after the key (`?3`, `?4`), in `tickets_created` order.
const TICKET_PAGE: &str = "SELECT id, created_at FROM tickets
  WHERE (created_at, id) > (?3, ?4) AND created_at < ?2 AND created_at >= ?1
  ORDER BY created_at, id
  LIMIT ?5";

fn stored<T: WireName>(s: &str) -> Result<T> {
    T::from_wire_name(s).ok_or_else(|| AppError::Internal(format!("bad stored value {s:?}")))
}

impl ExportReader<'_> {
    /// Calls `each` for every visit of `q` in contact-time order and answers how many there
    /// were; an error of `each` (the client went away) stops the walk.
    pub fn visits(
        &self,
        q: &VisitExportQuery,
        mut each: impl FnMut(VisitExportRow) -> Result<()>,
    ) -> Result<u64> {
        let mut stmt = self.conn.prepare(VISIT_PAGE)?;
        let (start, end) = (ts(q.start), ts(q.end));
        let agent = q.agent.map(|a| a.to_string());
        let visit_type = q.visit_type.map(|t| t.wire_name());
        let channel = q.channel.map(|c| c.wire_name());
        let mut key = (start.clone(), String::new());
        let mut count = 0;
        loop {
            let mut rows = stmt.query(params![
                start, end, key.0, key.1, agent, visit_type, channel, PAGE
            ])?;
            let mut read = 0;
            while let Some(r) = rows.next()? {
                read += 1;
                let contacted: String = r.get(1)?;
                let title: Option<String> = r.get(6)?;
                let version: Option<u32> = r.get(7)?;
                let contact: String = r.get(3)?;
                let row = VisitExportRow {
                    contacted_at: parse_ts(&contacted)?,
                    customer: r.get(2)?,
                    contact: mask_contact(&contact),
                    channel: stored(&r.get::<_, String>(4)?)?,
                    visit_type: stored(&r.get::<_, String>(5)?)?,
                    script: title.zip(version),
                    verbatim: r.get(8)?,
                    satisfaction: r.get(9)?,
                    follow_up: r.get(10)?,
                    agent: r.get(11)?,
                };
                key = (contacted, r.get(0)?);
                each(row)?;
                count += 1;
            }
            if read < PAGE {
                return Ok(count);
            }
        }
    }

    /// Calls `each` for every ticket created in `[start, end)`, oldest first, its clocks
    /// viewed at `now`, and answers how many there were.
    pub fn tickets(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        now: DateTime<Utc>,
        mut each: impl FnMut(TicketExportRow) -> Result<()>,
    ) -> Result<u64> {
        let cal = self.conn.business_calendar()?;
        let mut names: HashMap<Uuid, String> = HashMap::new();
        let mut stmt = self.conn.prepare(TICKET_PAGE)?;
        let (start, end) = (ts(start), ts(end));
        let mut key = (start.clone(), String::new());
        let mut count = 0;
        loop {
            let page: Vec<(String, String)> = stmt
                .query_map(params![start, end, key.0, key.1, PAGE], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            for (id, _) in &page {
                let id = super::parse_uuid(id)?;
                let Some(stored) = self.conn.ticket(id)? else {
                    continue;
                };
                let clocks = stored
                    .ticket
                    .clocks
                    .iter()
                    .zip(&stored.clocks)
                    .map(|(c, m)| {
                        let view = c.view(&m.rule, &cal, now);
                        ExportClock {
                            kind: c.kind,
                            state: view.state,
                            started_at: c.started_at,
                            due_at: view.due_at,
                            met_at: c.met_at,
                            breached_at: m.breached_at,
                        }
                    })
                    .collect();
                let assignee = match stored.ticket.assignee {
                    Some(user) => Some(self.display_name(&mut names, user)?),
                    None => None,
                };
                let mut ticket = stored.ticket;
                ticket.intake.contact = ticket.intake.contact.map(|c| mask_contact(&c));
                each(TicketExportRow {
                    ticket,
                    assignee,
                    clocks,
                })?;
                count += 1;
            }
            let full = page.len() as i64 == PAGE;
            match page.into_iter().last() {
                Some((id, created)) if full => key = (created, id),
                _ => return Ok(count),
            }
        }
    }

    /// A user's display name, looked up once per export (a centre has a few hundred people).
    fn display_name(&self, names: &mut HashMap<Uuid, String>, user: Uuid) -> Result<String> {
        if let Some(name) = names.get(&user) {
            return Ok(name.clone());
        }
        let name: String = self.conn.query_row(
            "SELECT display_name FROM users WHERE id = ?1",
            [user.to_string()],
            |r| r.get(0),
        )?;
        names.insert(user, name.clone());
        Ok(name)
    }
}

impl Store {
    /// Runs `f` with an [`ExportReader`] on the blocking pool: the whole export (reading and
    /// writing the file or feeding the response) happens there, off the async workers.
    pub async fn export_read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&ExportReader<'_>) -> Result<T> + Send + 'static,
    {
        self.blocking(move |db| db.read(|conn| f(&ExportReader { conn })))
            .await
    }
}
