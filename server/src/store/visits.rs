//! 回访记录 rows: storing a pushed visit and its review, and reading visits back for the
//! review list (supervisors and admins) and customer files.

use chrono::{DateTime, Utc};
use huifang_domain::ticket::{Review, ReviewQueue};
use huifang_domain::{
    Channel, Demand, Emotion, Outcome, VisitList, VisitRecord, VisitSummary, VisitType,
};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use uuid::Uuid;

use super::{
    Conn, Store, audit_change, audit_stored, from_json, parse_ts, parse_uuid, to_json,
    to_json_text, to_sql_int, ts,
};
use crate::error::{AppError, Result};
use crate::service;
use crate::storage::{NewVisit, Newest, ReviewState, VisitFilter, VisitQueries, VisitRows};

impl Store {
    /// One page of visits (see `service::visits::list_visits`).
    pub async fn list_visits(
        &self,
        filter: VisitFilter,
        page: u32,
        per_page: u32,
    ) -> Result<VisitList> {
        self.blocking(move |db| {
            db.read(|conn| service::visits::list_visits(conn, filter, page, per_page))
        })
        .await
    }

    /// Visits and ticket resolutions in one review state (see
    /// `service::visits::review_queue`).
    pub async fn reviews(&self, state: ReviewState) -> Result<ReviewQueue> {
        self.blocking(move |db| db.read(|conn| service::visits::review_queue(conn, state)))
            .await
    }
}

/// `escalated`, `customer`, review wanted, review decision (NULL: pending).
const WHERE: &str = "(?1 = 0 OR v.escalate = 1) AND (?2 IS NULL OR v.customer_id = ?2)
     AND (?3 = 0 OR (?4 IS NULL AND v.review IS NULL)
          OR json_extract(v.review, '$.decision') = ?4)";

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

    fn count_visits(&self, filter: VisitFilter) -> Result<u64> {
        let total: i64 = self.conn().query_row(
            &format!("SELECT COUNT(*) FROM visits v WHERE {WHERE}"),
            params![
                filter.escalated,
                filter.customer.map(|c| c.to_string()),
                filter.review.is_some(),
                filter.review.and_then(ReviewState::decision),
            ],
            |r| r.get(0),
        )?;
        Ok(total.unsigned_abs())
    }

    fn visit_summaries(
        &self,
        filter: VisitFilter,
        order: Newest,
        limit: u64,
        offset: u64,
    ) -> Result<Vec<VisitSummary>> {
        summaries(self.conn(), filter, order, limit, offset)
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
                                     received_at, record_json, task_id, escalate)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                         ?17, ?18, ?19, ?20)
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

fn summaries(
    conn: &Connection,
    filter: VisitFilter,
    order: Newest,
    limit: u64,
    offset: u64,
) -> Result<Vec<VisitSummary>> {
    let order = match order {
        Newest::Received => "v.received_at DESC, v.contacted_at DESC, v.id",
        Newest::Contacted => "v.contacted_at DESC, v.received_at DESC, v.id",
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT v.id, v.customer_id, c.name, u.username, u.display_name,
                v.channel, v.visit_type, v.outcome, v.attempt, v.satisfaction,
                v.emotion, v.verbatim, v.demand, v.follow_up, v.contacted_at,
                v.received_at, v.record_json, v.review
         FROM visits v
         JOIN customers c ON c.id = v.customer_id
         JOIN users u ON u.id = v.user_id
         WHERE {WHERE}
         ORDER BY {order}
         LIMIT ?5 OFFSET ?6"
    ))?;

    stmt.query_map(
        params![
            filter.escalated,
            filter.customer.map(|c| c.to_string()),
            filter.review.is_some(),
            filter.review.and_then(ReviewState::decision),
            i64::try_from(limit).unwrap_or(i64::MAX),
            i64::try_from(offset).unwrap_or(i64::MAX)
        ],
        |r| Ok(summary_from_row(r)),
    )?
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
