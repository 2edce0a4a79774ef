//! 回访记录 rows: storing a pushed visit and its review, and reading visits back for the
//! review list (supervisors and admins) and customer files.

use chrono::{DateTime, Utc};
use huifang_domain::ticket::{Review, ReviewQueue};
use huifang_domain::{
    Channel, Cursor, Demand, Emotion, Outcome, VisitList, VisitRecord, VisitSummary, VisitType,
};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use uuid::Uuid;

use super::paging::{self, Filters, text};
use super::{
    Conn, Store, audit_change, audit_stored, from_json, parse_ts, parse_uuid, to_json,
    to_json_text, to_sql_int, ts,
};
use crate::error::{AppError, Result};
use crate::service;
use crate::storage::{
    NewVisit, Newest, Page, PageAt, ReviewState, VisitFilter, VisitQueries, VisitRows,
};

impl Store {
    /// One page of visits (see `service::visits::list_visits`).
    pub async fn list_visits(&self, filter: VisitFilter, at: PageAt) -> Result<VisitList> {
        self.blocking(move |db| db.read(|conn| service::visits::list_visits(conn, filter, &at)))
            .await
    }

    /// Visits and ticket resolutions in one review state (see
    /// `service::visits::review_queue`).
    pub async fn reviews(&self, state: ReviewState) -> Result<ReviewQueue> {
        self.blocking(move |db| db.read(|conn| service::visits::review_queue(conn, state)))
            .await
    }
}

/// Only the filters asked for, each leading an index of migration 0007 (`visits_*_received`).
/// A customer's visits are few, so with a customer the other terms are kept off the indexes
/// (a unary `+`): SQLite has no statistics to tell that `review_state = 'pending'` matches
/// nearly every visit.
fn filters(filter: VisitFilter) -> Filters {
    let mut f = Filters::default();
    let other = if filter.customer.is_some() { "+" } else { "" };
    if filter.escalated {
        f.term(&format!("{other}v.escalate = 1"));
    }
    if let Some(c) = filter.customer {
        f.bind("v.customer_id = ?", [text(c.to_string())]);
    }
    if let Some(r) = filter.review {
        f.bind(&format!("{other}v.review_state = ?"), [text(r.column())]);
    }
    f
}

impl<C: Conn> VisitQueries for C {
    fn visit_review(&self, id: Uuid) -> Result<Option<Option<serde_json::Value>>> {
        let found: Option<Option<String>> = self
            .conn()
            .query_row(
                "SELECT review FROM visits WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        found
            .map(|review| {
                review
                    .map(|b| from_json::<serde_json::Value>(&b, "visit review"))
                    .transpose()
            })
            .transpose()
    }

    fn visit_page(&self, filter: VisitFilter, at: &PageAt) -> Result<Page<VisitSummary>> {
        let conn = self.conn();
        let after = paging::after(at, 3)?;
        let f = filters(filter);
        let total = paging::count(
            conn,
            &format!("SELECT 1 FROM visits v {}", f.sql()),
            f.params(),
            at.cap,
        )?;
        let rows = summaries(conn, f, Newest::Received, after.as_ref(), at.limit + 1)?;
        Ok(paging::page(rows, at.limit, total))
    }

    fn visit_summaries(
        &self,
        filter: VisitFilter,
        order: Newest,
        limit: u32,
    ) -> Result<Vec<VisitSummary>> {
        let rows = summaries(self.conn(), filters(filter), order, None, limit)?;
        Ok(rows.into_iter().map(|(v, _)| v).collect())
    }
}

impl VisitRows for Transaction<'_> {
    fn insert_visit(&self, visit: NewVisit<'_>) -> Result<bool> {
        let (m, v) = (visit.mutation, visit.record);
        // Serialised once: the row keeps this text, the audit trail its hash.
        let record = to_json_text(v)?;
        // The id's uniqueness is checked by the insert itself (its primary key), not by a
        // lookup before it.
        let inserted = self
            .prepare_cached(
                "INSERT INTO visits (id, device_id, seq, user_id, customer_id, channel,
                                     visit_type, outcome, attempt, satisfaction, emotion,
                                     verbatim, demand, follow_up, contacted_at, recorded_at,
                                     received_at, record_json, task_id, escalate, nps)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                         ?17, ?18, ?19, ?20, ?21)
                 ON CONFLICT (id) DO NOTHING",
            )?
            .execute(params![
                m.id.to_string(),
                visit.device.to_string(),
                to_sql_int(m.seq),
                visit.user.to_string(),
                v.customer_id.to_string(),
                v.channel.as_str(),
                v.visit_type.as_str(),
                v.outcome.as_str(),
                v.attempt,
                v.satisfaction,
                v.emotion.map(|e| e.as_str()),
                v.verbatim,
                v.demand.map(|d| d.as_str()),
                v.follow_up,
                ts(v.contacted_at),
                ts(m.at),
                ts(visit.received_at),
                record,
                v.task_id.map(|t| t.to_string()),
                v.escalate,
                visit.nps,
            ])?;
        if inserted == 0 {
            return Ok(false);
        }
        audit_stored(
            self,
            visit.received_at,
            Some(visit.user),
            &m.kind,
            ("visit", m.id),
            &record,
        )?;
        Ok(true)
    }

    fn set_visit_review(
        &self,
        visit: Uuid,
        review: &Review,
        before: Option<&serde_json::Value>,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let after = to_json(review)?;
        self.execute(
            "UPDATE visits SET review = ?2 WHERE id = ?1",
            params![visit.to_string(), after.to_string()],
        )?;
        audit_change(
            self,
            now,
            Some(by),
            "review.decide",
            ("visit", visit),
            before,
            &after,
        )
    }
}

/// Visits in `order` (newest first, the id breaking ties, so the key is unique), after the
/// cursor `after` if any, at most `limit`, each with its cursor.
fn summaries(
    conn: &Connection,
    mut f: Filters,
    order: Newest,
    after: Option<&Cursor>,
    limit: u32,
) -> Result<Vec<(VisitSummary, Cursor)>> {
    let (key, key_cols) = match order {
        Newest::Received => (
            "v.received_at DESC, v.contacted_at DESC, v.id DESC",
            "(v.received_at, v.contacted_at, v.id)",
        ),
        Newest::Contacted => (
            "v.contacted_at DESC, v.received_at DESC, v.id DESC",
            "(v.contacted_at, v.received_at, v.id)",
        ),
    };
    if let Some(c) = after {
        f.bind(
            &format!("{key_cols} < (?, ?, ?)"),
            c.0.iter().cloned().map(text),
        );
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT v.id, v.customer_id, c.name, u.username, u.display_name,
                v.channel, v.visit_type, v.outcome, v.attempt, v.satisfaction,
                v.emotion, v.verbatim, v.demand, v.follow_up, v.contacted_at,
                v.received_at, v.record_json, v.review
         FROM visits v
         JOIN customers c ON c.id = v.customer_id
         JOIN users u ON u.id = v.user_id
         {}
         ORDER BY {key}
         LIMIT {limit}",
        f.sql()
    ))?;
    stmt.query_map(rusqlite::params_from_iter(f.params()), |r| {
        Ok(summary_from_row(r).and_then(|v| {
            let (id, contacted, received) = (
                r.get::<_, String>(0)?,
                r.get::<_, String>(14)?,
                r.get::<_, String>(15)?,
            );
            let key = match order {
                Newest::Received => vec![received, contacted, id],
                Newest::Contacted => vec![contacted, received, id],
            };
            Ok((v, Cursor(key)))
        }))
    })?
    .map(|row| row?)
    .collect()
}

fn summary_from_row(r: &Row) -> Result<VisitSummary> {
    let record = match r.get::<_, Option<String>>(16)? {
        Some(json) => from_json(&json, "visit record")?,
        None => record_from_columns(r)?,
    };
    Ok(VisitSummary {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        customer_id: parse_uuid(&r.get::<_, String>(1)?)?,
        customer_name: r.get(2)?,
        agent_username: r.get(3)?,
        agent_name: r.get(4)?,
        record,
        received_at: parse_ts(&r.get::<_, String>(15)?)?,
        review: r
            .get::<_, Option<String>>(17)?
            .map(|j| from_json(&j, "visit review"))
            .transpose()?,
    })
}

/// A visit stored before records were kept whole (schema v1) has only these columns.
fn record_from_columns(r: &Row) -> Result<VisitRecord> {
    Ok(VisitRecord {
        attempt: r.get(8)?,
        satisfaction: r.get(9)?,
        emotion: optional_wire(r, 10, Emotion::parse)?,
        verbatim: r.get(11)?,
        demand: optional_wire(r, 12, Demand::parse)?,
        follow_up: r.get(13)?,
        ..VisitRecord::new(
            parse_uuid(&r.get::<_, String>(1)?)?,
            wire(r, 5, Channel::parse)?,
            wire(r, 6, VisitType::parse)?,
            wire(r, 7, Outcome::parse)?,
            parse_ts(&r.get::<_, String>(14)?)?,
        )
    })
}

/// Reads a column stored in a domain enum's wire spelling.
fn wire<T>(r: &Row, col: usize, parse: fn(&str) -> Option<T>) -> Result<T> {
    let s: String = r.get(col)?;
    parse(&s).ok_or_else(|| AppError::Internal(format!("bad stored value {s:?} in column {col}")))
}

fn optional_wire<T>(r: &Row, col: usize, parse: fn(&str) -> Option<T>) -> Result<Option<T>> {
    match r.get::<_, Option<String>>(col)? {
        Some(_) => wire(r, col, parse).map(Some),
        None => Ok(None),
    }
}
