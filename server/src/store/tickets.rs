//! 工单 in SQLite: the ticket tables read and written for the use cases of
//! `service::tickets` (the SQL of `TicketQueries` and `TicketRows`), and the `Store` methods
//! the handlers and the push call, one transaction each.

use chrono::{DateTime, NaiveDate, Utc};
use huifang_domain::calendar::BusinessCalendar;
use huifang_domain::sla::ClockRecord;
use huifang_domain::task::TaskSource;
use huifang_domain::ticket::{
    CoverageRow, DuplicateQuery, FieldChange, Nature, Review, Ticket, TicketIntake, TicketList,
    TicketView, TimelineEntry,
};
use huifang_domain::{Cursor, User, WireName};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde_json::{Value, json};
use uuid::Uuid;

use super::paging::{self, Filters, text};
use super::{
    Conn, Store, audit, audit_change, from_json, from_sql_int, next_version, parse_ts, parse_uuid,
    rules, to_json, to_sql_int, ts,
};
use crate::error::{AppError, Result};
use crate::service::tickets as service;
use crate::storage::{
    ClockMeta, DueClock, Page, PageAt, ReviewState, Rules, StoredTicket, TicketAudit, TicketFilter,
    TicketPage, TicketQueries, TicketQueue, TicketRows,
};

/// A closed-set value read back from its column.
fn stored_name<T: WireName>(s: &str) -> Result<T> {
    T::from_wire_name(s).ok_or_else(|| AppError::Internal(format!("bad stored value {s:?}")))
}

const COLUMNS: &str = "id, state, intake, grade, department, assignee, created_by, resolution, \
                       waiting, reports, revisits, review, escalated_at, resolved_at, \
                       created_at, version";

fn load(conn: &Connection, id: Uuid) -> Result<Option<StoredTicket>> {
    let row = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM tickets WHERE id = ?1"),
            [id.to_string()],
            |r| Ok(from_row(r)),
        )
        .optional()?
        .transpose()?;
    let Some(mut s) = row else {
        return Ok(None);
    };
    let key = id.to_string();
    let mut stmt = conn.prepare(
        "SELECT at, by_user, by_name, event FROM ticket_timeline WHERE ticket_id = ?1 ORDER BY id",
    )?;
    s.ticket.timeline = stmt
        .query_map([&key], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .map(|row| {
            let (at, by, by_name, event) = row?;
            Ok(TimelineEntry {
                at: parse_ts(&at)?,
                by: by
                    .as_deref()
                    .map(parse_uuid)
                    .transpose()?
                    .unwrap_or_default(),
                by_name,
                event: from_json(&event, "timeline event")?,
            })
        })
        .collect::<Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT field, old, new, by_user, at, concurrent FROM ticket_history
         WHERE ticket_id = ?1 ORDER BY id",
    )?;
    s.ticket.history = stmt
        .query_map([&key], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })?
        .map(|row| {
            let (field, old, new, by, at, concurrent) = row?;
            Ok(FieldChange {
                field,
                old: from_json(&old, "history value")?,
                new: from_json(&new, "history value")?,
                by: parse_uuid(&by)?,
                at: parse_ts(&at)?,
                concurrent,
            })
        })
        .collect::<Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT id, kind, rule, started_at, met_at, pauses, breached_at FROM ticket_clocks
         WHERE ticket_id = ?1 ORDER BY id",
    )?;
    let clocks = stmt
        .query_map([&key], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?
        .map(|row| {
            let (id, kind, rule, started, met, pauses, breached) = row?;
            Ok((
                ClockRecord {
                    kind: stored_name(&kind)?,
                    started_at: parse_ts(&started)?,
                    met_at: met.as_deref().map(parse_ts).transpose()?,
                    pauses: from_json(&pauses, "clock pauses")?,
                },
                ClockMeta {
                    id: Some(id),
                    rule: from_json(&rule, "clock rule")?,
                    breached_at: breached.as_deref().map(parse_ts).transpose()?,
                },
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    (s.ticket.clocks, s.clocks) = clocks.into_iter().unzip();
    s.saved_timeline = s.ticket.timeline.len();
    s.saved_history = s.ticket.history.len();
    Ok(Some(s))
}

fn from_row(r: &Row) -> Result<StoredTicket> {
    let text = |i: usize| r.get::<_, String>(i);
    let opt = |i: usize| r.get::<_, Option<String>>(i);
    let review: Option<Review> = opt(11)?
        .map(|j| from_json(&j, "ticket review"))
        .transpose()?;
    Ok(StoredTicket {
        ticket: Ticket {
            id: parse_uuid(&text(0)?)?,
            state: stored_name(&text(1)?)?,
            intake: from_json(&text(2)?, "ticket intake")?,
            grade: from_json(&text(3)?, "ticket grade")?,
            department: opt(4)?,
            assignee: opt(5)?.as_deref().map(parse_uuid).transpose()?,
            resolution: opt(7)?,
            waiting_on_customer: r.get(8)?,
            clocks: Vec::new(),
            timeline: Vec::new(),
            history: Vec::new(),
            reports: r.get(9)?,
            revisits: r.get(10)?,
            review,
            created_at: parse_ts(&text(14)?)?,
            version: from_sql_int(r.get(15)?)?,
        },
        created_by: parse_uuid(&text(6)?)?,
        escalated_at: opt(12)?.as_deref().map(parse_ts).transpose()?,
        resolved_at: opt(13)?.as_deref().map(parse_ts).transpose()?,
        clocks: Vec::new(),
        saved_timeline: 0,
        saved_history: 0,
    })
}

/// Writes the ticket under a new change version (so pulls deliver it), its clocks, and the
/// timeline and history entries added since it was loaded.
fn save(tx: &Transaction, s: &mut StoredTicket) -> Result<()> {
    let t = &mut s.ticket;
    t.version = next_version(tx)?;
    tx.execute(
        &format!(
            "INSERT INTO tickets ({COLUMNS}, customer_id, nature, sub_problem, impact, priority)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                     ?17, ?18, ?19, ?20, ?21)
             ON CONFLICT (id) DO UPDATE SET
                 state = excluded.state, intake = excluded.intake, grade = excluded.grade,
                 department = excluded.department, assignee = excluded.assignee,
                 resolution = excluded.resolution, waiting = excluded.waiting,
                 reports = excluded.reports, revisits = excluded.revisits,
                 review = excluded.review, escalated_at = excluded.escalated_at,
                 resolved_at = excluded.resolved_at, version = excluded.version,
                 nature = excluded.nature, sub_problem = excluded.sub_problem,
                 impact = excluded.impact, priority = excluded.priority"
        ),
        params![
            t.id.to_string(),
            t.state.as_str(),
            to_json(&t.intake)?.to_string(),
            to_json(&t.grade)?.to_string(),
            t.department,
            t.assignee.map(|a| a.to_string()),
            s.created_by.to_string(),
            t.resolution,
            t.waiting_on_customer,
            t.reports,
            t.revisits,
            t.review
                .as_ref()
                .map(to_json)
                .transpose()?
                .map(|v| v.to_string()),
            s.escalated_at.map(ts),
            s.resolved_at.map(ts),
            ts(t.created_at),
            to_sql_int(t.version),
            t.intake.customer_id.map(|c| c.to_string()),
            t.intake.nature.as_str(),
            t.intake.sub_problem,
            t.grade.impact.as_str(),
            t.grade.priority.as_str(),
        ],
    )?;
    let key = t.id.to_string();
    let checks = breach_checks(tx, s)?;
    let t = &s.ticket;
    for ((c, meta), check_at) in t.clocks.iter().zip(s.clocks.iter_mut()).zip(checks) {
        let pauses = to_json(&c.pauses)?.to_string();
        match meta.id {
            Some(id) => {
                tx.execute(
                    "UPDATE ticket_clocks SET met_at = ?2, pauses = ?3, breached_at = ?4,
                                              check_at = ?5
                     WHERE id = ?1",
                    params![
                        id,
                        c.met_at.map(ts),
                        pauses,
                        meta.breached_at.map(ts),
                        check_at.map(ts)
                    ],
                )?;
            }
            None => {
                tx.execute(
                    "INSERT INTO ticket_clocks (ticket_id, kind, rule, started_at, met_at,
                                                pauses, breached_at, check_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        key,
                        c.kind.as_str(),
                        to_json(&meta.rule)?.to_string(),
                        ts(c.started_at),
                        c.met_at.map(ts),
                        pauses,
                        meta.breached_at.map(ts),
                        check_at.map(ts)
                    ],
                )?;
                meta.id = Some(tx.last_insert_rowid());
            }
        }
    }
    for e in &t.timeline[s.saved_timeline..] {
        tx.execute(
            "INSERT INTO ticket_timeline (ticket_id, at, by_user, by_name, event)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                key,
                ts(e.at),
                (!e.by.is_nil()).then(|| e.by.to_string()),
                e.by_name,
                to_json(&e.event)?.to_string()
            ],
        )?;
    }
    for h in &t.history[s.saved_history..] {
        tx.execute(
            "INSERT INTO ticket_history (ticket_id, field, old, new, by_user, at, concurrent)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                key,
                h.field,
                h.old.to_string(),
                h.new.to_string(),
                h.by.to_string(),
                ts(h.at),
                h.concurrent
            ],
        )?;
    }
    s.saved_timeline = t.timeline.len();
    s.saved_history = t.history.len();
    Ok(())
}

/// The clocks due for the breach sweep, in the order it reads them (a range of the partial
/// index `ticket_clocks_check`, resumed after the last clock read).
const DUE_CLOCKS: &str = "SELECT check_at, id, ticket_id FROM ticket_clocks
    WHERE check_at IS NOT NULL AND check_at <= ?1 AND (check_at, id) > (?2, ?3)
    ORDER BY check_at, id LIMIT ?4";

/// A repeat window's count: one row per day of it, from the primary key.
const REPORTS_ON_DAYS: &str = "SELECT COALESCE(SUM(reports), 0) FROM report_days
    WHERE sub_problem = ?1 AND day BETWEEN ?2 AND ?3";

/// When the breach sweep next looks at each clock of `s`, parallel to its clocks.
fn breach_checks(conn: &Connection, s: &StoredTicket) -> Result<Vec<Option<DateTime<Utc>>>> {
    if s.clocks.is_empty() {
        return Ok(Vec::new());
    }
    Ok(s.breach_checks(&rules::calendar(conn)?))
}

/// Has the breach sweep look at every clock with a check pending once more (the business
/// calendar changed, moving their due times either way). One write over the running clocks,
/// on an admin's rare change.
pub(super) fn recheck_clocks(tx: &Transaction) -> Result<()> {
    tx.execute(
        "UPDATE ticket_clocks SET check_at = started_at WHERE check_at IS NOT NULL",
        [],
    )?;
    Ok(())
}

/// What the audit trail keeps of a ticket change: the decisions, not the whole timeline.
fn summary(t: &Ticket) -> Value {
    json!({
        "state": t.state,
        "assignee": t.assignee,
        "department": t.department,
        "impact": t.grade.impact,
        "priority": t.grade.priority,
        "nature": t.intake.nature,
        "sub_problem": t.intake.sub_problem,
        "resolution": t.resolution,
        "waiting_on_customer": t.waiting_on_customer,
        "reports": t.reports,
        "revisits": t.revisits,
        "review": t.review,
    })
}

/// Loads the tickets of a list of ids, in that order, skipping any gone meanwhile.
fn load_all(conn: &Connection, ids: Vec<String>) -> Result<Vec<StoredTicket>> {
    ids.iter()
        .filter_map(|id| parse_uuid(id).and_then(|id| load(conn, id)).transpose())
        .collect()
}

fn ids(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> Result<Vec<String>> {
    Ok(conn
        .prepare(sql)?
        .query_map(p, |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The SELECT `select` makes of each arm, joined by UNION, and their parameters in order.
fn union(arms: &[Filters], select: impl Fn(&Filters) -> String) -> (String, Vec<SqlValue>) {
    let sql: Vec<String> = arms
        .iter()
        .map(|a| format!("SELECT * FROM ({})", select(a)))
        .collect();
    let params = arms.iter().flat_map(|a| a.params().to_vec()).collect();
    (sql.join(" UNION "), params)
}

/// `huifang_domain::ticket::reviewable`, word for word the condition of the partial index
/// `tickets_review_queue` (SQLite uses a partial index only for a WHERE that contains it).
const REVIEWABLE: &str = "resolution IS NOT NULL AND state IN ('resolved', 'revisit', 'closed')";

/// The list's filters, only those asked for; the queues are `huifang_domain::ticket::
/// is_escalated` (the server records when a ticket entered it) and `awaits_review`, spelt
/// as their partial indexes are.
///
/// For field staff the arms of the visibility UNION lead by their own column (their tickets
/// are few), so the filters are kept off the indexes there (a unary `+` on each column):
/// SQLite has no statistics to tell which index is the narrow one.
fn ticket_filters(q: &TicketPage) -> Filters {
    let mut f = Filters::default();
    let filter = q.filter;
    let c = if q.visible_to.is_some() { "+" } else { "" };
    if let Some(s) = filter.state {
        f.bind(&format!("{c}state = ?"), [text(s.as_str())]);
    }
    if let Some(a) = filter.assignee {
        f.bind(&format!("{c}assignee = ?"), [text(a.to_string())]);
    }
    if let Some(sp) = filter.sub_problem {
        f.bind(&format!("{c}sub_problem = ?"), [text(sp)]);
    }
    if let Some((from, to)) = filter.created {
        f.bind(
            &format!("{c}created_at >= ? AND {c}created_at < ?"),
            [text(ts(from)), text(ts(to))],
        );
    }
    match filter.queue {
        None => {}
        Some(TicketQueue::Mine) => f.bind(&format!("{c}assignee = ?"), [text(q.asker.to_string())]),
        Some(TicketQueue::Escalated) => {
            f.term(&format!(
                "{c}escalated_at IS NOT NULL AND {c}state != 'closed'"
            ));
        }
        Some(TicketQueue::Review) => f.term(&format!(
            "{c}resolution IS NOT NULL AND {c}state IN ('resolved', 'revisit', 'closed')
             AND {c}review_state = 'pending'"
        )),
    }
    f
}

impl<C: Conn> TicketQueries for C {
    fn ticket(&self, id: Uuid) -> Result<Option<StoredTicket>> {
        load(self.conn(), id)
    }

    fn ticket_rules(&self) -> Result<Rules> {
        rules::rules(self.conn())
    }

    fn business_calendar(&self) -> Result<BusinessCalendar> {
        rules::calendar(self.conn())
    }

    fn report_known(&self, id: Uuid) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM ticket_reports WHERE id = ?1)",
            [id.to_string()],
            |r| r.get(0),
        )?)
    }

    fn reports_on_days(&self, sub_problem: &str, first: NaiveDate, last: NaiveDate) -> Result<u32> {
        Ok(self.conn().query_row(
            REPORTS_ON_DAYS,
            params![sub_problem, first.to_string(), last.to_string()],
            |r| r.get(0),
        )?)
    }

    fn visit_author(&self, visit: Uuid) -> Result<Option<Uuid>> {
        let user: Option<String> = self
            .conn()
            .query_row(
                "SELECT user_id FROM visits WHERE id = ?1",
                [visit.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        user.as_deref().map(parse_uuid).transpose()
    }

    fn due_clocks(
        &self,
        now: DateTime<Utc>,
        after: Option<DueClock>,
        limit: usize,
    ) -> Result<Vec<DueClock>> {
        // Timestamps are fixed-width text, so text order is time order and "" precedes all.
        let (after_at, after_id) = after.map_or((String::new(), 0), |a| (ts(a.check_at), a.clock));
        let rows: Vec<(String, i64, String)> = self
            .conn()
            .prepare(DUE_CLOCKS)?
            .query_map(params![ts(now), after_at, after_id, limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(check_at, clock, ticket)| {
                Ok(DueClock {
                    check_at: parse_ts(&check_at)?,
                    clock,
                    ticket: parse_uuid(&ticket)?,
                })
            })
            .collect()
    }

    fn ticket_version(&self, id: Uuid) -> Result<Option<u64>> {
        self.conn()
            .query_row(
                "SELECT version FROM tickets WHERE id = ?1",
                [id.to_string()],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .map(from_sql_int)
            .transpose()
    }

    fn ticket_page(&self, q: TicketPage, at: &PageAt) -> Result<Page<StoredTicket>> {
        let conn = self.conn();
        let after = paging::after(at, 1)?
            .map(|c| paging::int_part(&c, 0))
            .transpose()?;
        let f = ticket_filters(&q);
        let limit = at.limit + 1;
        // What field staff may see is an OR across two columns, which no one index serves:
        // each side walks its own (`tickets_assignee`, `tickets_created_by`), at most a page.
        let arms: Vec<Filters> = match q.visible_to {
            None => vec![f],
            Some(u) => ["assignee", "created_by"]
                .into_iter()
                .map(|col| {
                    let mut arm = f.clone();
                    arm.bind(&format!("{col} = ?"), [text(u.to_string())]);
                    arm
                })
                .collect(),
        };
        let cap = to_sql_int(at.cap.saturating_add(1));
        let (counted, params) = union(&arms, |a| {
            format!("SELECT id FROM tickets {} LIMIT {cap}", a.sql())
        });
        let total = paging::count(conn, &counted, &params, at.cap)?;
        let from_cursor: Vec<Filters> = arms
            .into_iter()
            .map(|mut a| {
                if let Some(v) = after {
                    a.bind("version < ?", [SqlValue::Integer(v)]);
                }
                a
            })
            .collect();
        let (listed, params) = union(&from_cursor, |a| {
            format!(
                "SELECT id, version FROM tickets {} ORDER BY version DESC LIMIT {limit}",
                a.sql()
            )
        });
        let found = ids(
            conn,
            &format!("{listed} ORDER BY version DESC LIMIT {limit}"),
            rusqlite::params_from_iter(&params),
        )?;
        let rows = load_all(conn, found)?
            .into_iter()
            .map(|t| {
                let key = Cursor(vec![t.ticket.version.to_string()]);
                (t, key)
            })
            .collect();
        Ok(paging::page(rows, at.limit, total))
    }

    /// The WHERE is `huifang_domain::ticket::reviewable` (and `awaits_review` when no
    /// decision is asked), as the partial index `tickets_review_queue` spells it.
    fn tickets_by_review(&self, state: ReviewState, limit: u32) -> Result<Vec<StoredTicket>> {
        let found = ids(
            self.conn(),
            &format!(
                "SELECT id FROM tickets WHERE {REVIEWABLE} AND review_state = ?1
                 ORDER BY version DESC LIMIT ?2"
            ),
            params![state.column(), limit],
        )?;
        load_all(self.conn(), found)
    }

    fn open_tickets_about(
        &self,
        sub_problem: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<StoredTicket>> {
        let found = ids(
            self.conn(),
            "SELECT id FROM tickets
             WHERE sub_problem = ?1 AND created_at >= ?2 AND state != 'closed'
             ORDER BY created_at DESC LIMIT 50",
            params![sub_problem, ts(since)],
        )?;
        load_all(self.conn(), found)
    }

    fn resolved_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(Nature, u8)>> {
        let rows: Vec<(String, u8)> = self
            .conn()
            .prepare(
                "SELECT nature, revisits FROM tickets
                 WHERE resolved_at >= ?1 AND resolved_at < ?2 AND customer_id IS NOT NULL",
            )?
            .query_map(params![ts(from), ts(to)], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(nature, revisits)| Ok((stored_name(&nature)?, revisits)))
            .collect()
    }
}

impl TicketRows for Transaction<'_> {
    fn save_ticket(
        &self,
        t: &mut StoredTicket,
        audit_as: TicketAudit<'_>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        save(self, t)?;
        let id = t.ticket.id;
        match audit_as {
            TicketAudit::None => Ok(()),
            TicketAudit::Created { by } => audit(
                self,
                now,
                Some(by),
                "ticket.create",
                "ticket",
                id,
                &summary(&t.ticket),
            ),
            TicketAudit::Reported {
                by,
                report,
                channel,
            } => audit_change(
                self,
                now,
                Some(by),
                "ticket.report",
                ("ticket", id),
                None,
                &json!({"report": report, "channel": channel, "reports": t.ticket.reports}),
            ),
            TicketAudit::Changed { action, by, before } => audit_change(
                self,
                now,
                Some(by),
                action,
                ("ticket", id),
                Some(&summary(before)),
                &summary(&t.ticket),
            ),
        }
    }

    fn add_report(
        &self,
        id: Uuid,
        ticket: Uuid,
        intake: &TicketIntake,
        by: Uuid,
        now: DateTime<Utc>,
        day: NaiveDate,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO ticket_reports (id, ticket_id, sub_problem, channel, customer_id,
                                         by_user, reported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id.to_string(),
                ticket.to_string(),
                intake.sub_problem,
                intake.channel.as_str(),
                intake.customer_id.map(|c| c.to_string()),
                by.to_string(),
                ts(now)
            ],
        )?;
        self.execute(
            "INSERT INTO report_days (sub_problem, day, reports) VALUES (?1, ?2, 1)
             ON CONFLICT (sub_problem, day) DO UPDATE SET reports = reports + 1",
            params![intake.sub_problem, day.to_string()],
        )?;
        Ok(())
    }

    fn set_breach_checks(&self, checks: &[(i64, Option<DateTime<Utc>>)]) -> Result<()> {
        let mut stmt =
            self.prepare_cached("UPDATE ticket_clocks SET check_at = ?2 WHERE id = ?1")?;
        for (clock, check_at) in checks {
            stmt.execute(params![clock, check_at.map(ts)])?;
        }
        Ok(())
    }

    fn cancel_revisit_tasks(&self, ticket: Uuid, by: Uuid, now: DateTime<Utc>) -> Result<()> {
        let source = to_json(&TaskSource::Ticket { ticket_id: ticket })?.to_string();
        let open = ids(
            self,
            "SELECT id FROM tasks WHERE status = 'open' AND source = ?1",
            [&source],
        )?;
        for id in open {
            let version = next_version(self)?;
            self.execute(
                "UPDATE tasks SET status = 'cancelled', version = ?2 WHERE id = ?1",
                params![id, to_sql_int(version)],
            )?;
            audit_change(
                self,
                now,
                Some(by),
                "task.cancel",
                ("task", parse_uuid(&id)?),
                None,
                &json!({"status": "cancelled", "ticket": ticket}),
            )?;
        }
        Ok(())
    }
}

impl Store {
    /// The breach sweep (`service::tickets::sweep`): reads the clocks that are due on a
    /// reader, without the write lock, then records what ran out in one write per batch of at
    /// most [`service::SWEEP_BATCH`] clocks. Returns the tickets escalated.
    pub async fn check_breaches(&self, now: DateTime<Utc>) -> Result<u32> {
        let mut after = None;
        let mut escalated = 0;
        loop {
            let sweep = self
                .blocking(move |db| {
                    db.read(|conn| service::sweep(conn, now, after, service::SWEEP_BATCH))
                })
                .await?;
            let next = sweep.next;
            if !sweep.found.is_empty() {
                escalated += self
                    .write(move |tx| service::record_sweep(tx, sweep.found, now))
                    .await?;
            }
            match next {
                Some(next) => after = Some(next),
                None => return Ok(escalated),
            }
        }
    }

    pub async fn list_tickets(
        &self,
        user: User,
        filter: TicketFilter,
        at: PageAt,
        now: DateTime<Utc>,
    ) -> Result<TicketList> {
        self.blocking(move |db| db.read(|conn| service::list(conn, &user, filter, &at, now)))
            .await
    }

    /// One ticket with every clock; field and agent staff see their own (assigned or
    /// reported) only.
    pub async fn ticket(&self, user: User, id: Uuid, now: DateTime<Utc>) -> Result<TicketView> {
        self.blocking(move |db| db.read(|conn| service::one(conn, &user, id, now)))
            .await
    }

    /// Open tickets the intake form should offer to link (see `service::tickets::duplicates`).
    pub async fn duplicates(&self, q: DuplicateQuery, now: DateTime<Utc>) -> Result<Vec<Ticket>> {
        self.blocking(move |db| db.read(|conn| service::duplicates(conn, &q, now)))
            .await
    }

    /// Revisit coverage of tickets first resolved in `[from, to)`, per kind of case.
    pub async fn coverage(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<CoverageRow>> {
        self.blocking(move |db| db.read(|conn| service::coverage(conn, from, to)))
            .await
    }
}

#[cfg(test)]
#[path = "tickets_tests.rs"]
mod tests;
