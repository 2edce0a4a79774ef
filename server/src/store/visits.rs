//! Reading stored visits back: the review list (supervisors and admins) and customer files.

use chrono::{DateTime, Utc};
use huifang_domain::ticket::{Review, ReviewQueue};
use huifang_domain::{
    Channel, Demand, Emotion, Mutation, Outcome, RejectCode, Rejected, User, VisitList,
    VisitRecord, VisitSummary, VisitType,
};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use uuid::Uuid;

use super::{Store, audit_change, from_json, parse_ts, parse_uuid, tickets, to_json};
use crate::error::{AppError, Result};

/// `GET /api/visits` filters.
#[derive(Debug, Clone, Copy, Default)]
pub struct VisitFilter {
    /// Only visits escalated to the supervisors (转接主管).
    pub escalated: bool,
    pub customer: Option<Uuid>,
    pub review: Option<ReviewState>,
}

/// Where a visit record or a ticket resolution stands in 主管审核.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    Pending,
    SignedOff,
    Returned,
}

impl ReviewState {
    /// The stored decision this state means; `None`: no decision yet.
    fn decision(self) -> Option<&'static str> {
        match self {
            ReviewState::Pending => None,
            ReviewState::SignedOff => Some("sign_off"),
            ReviewState::Returned => Some("return"),
        }
    }
}

/// Most records of each kind `GET /api/reviews` lists: a supervisor's desk, not an export.
const REVIEW_LIMIT: u32 = 200;

/// How a list of visits is ordered.
#[derive(Debug, Clone, Copy)]
pub(super) enum Newest {
    /// By arrival at the server: what a reviewer has not seen yet comes first.
    Received,
    /// By when the contact happened: a customer's history.
    Contacted,
}

impl Store {
    /// One page of visits, newest first: by arrival at the server, then by contact time (a
    /// device that was offline for a week delivers old contacts; they show up as news).
    pub async fn list_visits(
        &self,
        filter: VisitFilter,
        page: u32,
        per_page: u32,
    ) -> Result<VisitList> {
        self.blocking(move |db| {
            db.read(|conn| {
                let total: i64 = conn.query_row(
                    &format!("SELECT COUNT(*) FROM visits v WHERE {WHERE}"),
                    params![
                        filter.escalated,
                        filter.customer.map(|c| c.to_string()),
                        filter.review.is_some(),
                        filter.review.and_then(ReviewState::decision),
                    ],
                    |r| r.get(0),
                )?;
                let offset = u64::from(page.saturating_sub(1)) * u64::from(per_page);
                let visits = summaries(conn, filter, Newest::Received, per_page.into(), offset)?;
                Ok(VisitList {
                    visits,
                    total: total.unsigned_abs(),
                    page,
                    per_page,
                })
            })
        })
        .await
    }

    /// Visits and ticket resolutions in one review state (pending: no decision yet), newest
    /// first, at most [`REVIEW_LIMIT`] of each.
    pub async fn reviews(&self, state: ReviewState) -> Result<ReviewQueue> {
        self.blocking(move |db| {
            db.read(|conn| {
                let filter = VisitFilter {
                    review: Some(state),
                    ..VisitFilter::default()
                };
                Ok(ReviewQueue {
                    visits: summaries(conn, filter, Newest::Received, REVIEW_LIMIT.into(), 0)?,
                    tickets: tickets::tickets_by_review(conn, state.decision(), REVIEW_LIMIT)?,
                })
            })
        })
        .await
    }
}

/// `escalated`, `customer`, review wanted, review decision (NULL: pending).
const WHERE: &str = "(?1 = 0 OR v.escalate = 1) AND (?2 IS NULL OR v.customer_id = ?2)
     AND (?3 = 0 OR (?4 IS NULL AND v.review IS NULL)
          OR json_extract(v.review, '$.decision') = ?4)";

/// `review.decide` on a visit record. A later decision replaces an earlier one (a returned
/// record is signed off once corrected); the audit trail keeps both.
pub(super) fn review_visit(
    tx: &Transaction,
    user: &User,
    m: &Mutation,
    visit: Uuid,
    review: &Review,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(), Rejected>> {
    let before: Option<Option<String>> = tx
        .query_row(
            "SELECT review FROM visits WHERE id = ?1",
            [visit.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    let Some(before) = before else {
        return Ok(Err(Rejected {
            field: Some("target".to_owned()),
            ..Rejected::new(
                m.seq,
                RejectCode::Conflict,
                format!("unknown visit {visit}"),
            )
        }));
    };
    let after = to_json(review)?;
    tx.execute(
        "UPDATE visits SET review = ?2 WHERE id = ?1",
        params![visit.to_string(), after.to_string()],
    )?;
    let before = before
        .map(|b| from_json::<serde_json::Value>(&b, "visit review"))
        .transpose()?;
    audit_change(
        tx,
        now,
        Some(user.id),
        "review.decide",
        ("visit", visit),
        before.as_ref(),
        &after,
    )?;
    Ok(Ok(()))
}

pub(super) fn summaries(
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
