//! Reading stored visits back (review work: supervisors and admins).

use huifang_domain::{
    Channel, Demand, Emotion, Outcome, VisitList, VisitRecord, VisitSummary, VisitType,
};
use rusqlite::{Row, params};

use super::{Store, parse_ts, parse_uuid};
use crate::error::{AppError, Result};

impl Store {
    /// One page of visits, newest first: by arrival at the server, then by contact time (a
    /// device that was offline for a week delivers old contacts; they show up as news).
    pub async fn list_visits(&self, page: u32, per_page: u32) -> Result<VisitList> {
        self.blocking(move |db| {
            db.read(|conn| {
                let total: i64 = conn.query_row("SELECT COUNT(*) FROM visits", [], |r| r.get(0))?;
                let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
                let mut stmt = conn.prepare(
                    "SELECT v.id, v.customer_id, c.name, u.username, u.display_name,
                            v.channel, v.visit_type, v.outcome, v.attempt, v.satisfaction,
                            v.emotion, v.verbatim, v.demand, v.follow_up, v.contacted_at,
                            v.received_at
                     FROM visits v
                     JOIN customers c ON c.id = v.customer_id
                     JOIN users u ON u.id = v.user_id
                     ORDER BY v.received_at DESC, v.contacted_at DESC, v.id
                     LIMIT ?1 OFFSET ?2",
                )?;
                let visits = stmt
                    .query_map(params![per_page, offset], |r| Ok(summary_from_row(r)))?
                    .map(|row| row?)
                    .collect::<Result<Vec<_>>>()?;
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
}

fn summary_from_row(r: &Row) -> Result<VisitSummary> {
    Ok(VisitSummary {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        customer_id: parse_uuid(&r.get::<_, String>(1)?)?,
        customer_name: r.get(2)?,
        agent_username: r.get(3)?,
        agent_name: r.get(4)?,
        record: VisitRecord {
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
        },
        received_at: parse_ts(&r.get::<_, String>(15)?)?,
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
