//! Push (apply a device's mutations exactly once) and pull (customers changed since a cursor).

use chrono::{DateTime, Utc};
use huifang_domain::{
    Change, Customer, CustomerClass, MAX_PULL, Mutation, PullResponse, PushRequest, PushResponse,
    RejectCode, Rejected, User, VisitRecord, mask_contact,
};
use rusqlite::{OptionalExtension, Transaction, params};
use uuid::Uuid;

use super::{Store, audit, from_sql_int, parse_uuid, to_sql_int, ts};
use crate::error::{AppError, Result};

impl Store {
    /// Applies a checked envelope (see `PushRequest::check_envelope`) in one `BEGIN IMMEDIATE`
    /// transaction and answers only after the commit is durable. Mutations at or below the
    /// device's last processed seq are skipped (a replay changes nothing and gets the same
    /// `rejected` entries back); the first gap stops processing, so `acked_seq` tells the
    /// device which seq the server expects next.
    pub async fn apply_push(
        &self,
        user: User,
        req: PushRequest,
        now: DateTime<Utc>,
    ) -> Result<PushResponse> {
        self.blocking(move |db| db.write(|tx| push(tx, &user, &req, now)))
            .await
    }

    /// Customers with a version above `since`, oldest change first, at most [`MAX_PULL`].
    /// Every role sees every customer for now; per-user visibility will filter here.
    pub async fn pull(&self, since: u64) -> Result<PullResponse> {
        self.blocking(move |db| {
            db.read(|conn| {
                let mut stmt = conn.prepare(
                    "SELECT id, name, class, vip, contact, summary, version FROM customers
                     WHERE version > ?1 ORDER BY version LIMIT ?2",
                )?;
                let mut customers = stmt
                    .query_map(params![to_sql_int(since), MAX_PULL as i64 + 1], |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, bool>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, String>(5)?,
                            r.get::<_, i64>(6)?,
                        ))
                    })?
                    .map(|row| {
                        let (id, name, class, vip, contact, summary, version) = row?;
                        Ok(Customer {
                            id: parse_uuid(&id)?,
                            name,
                            class: CustomerClass::parse(&class).ok_or_else(|| {
                                AppError::Internal(format!("bad stored class {class:?}"))
                            })?,
                            vip,
                            contact_masked: mask_contact(&contact),
                            summary,
                            version: from_sql_int(version)?,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                let more = customers.len() > MAX_PULL;
                customers.truncate(MAX_PULL);
                let cursor = customers.last().map_or(since, |c| c.version);
                Ok(PullResponse {
                    cursor,
                    customers,
                    tasks: Vec::new(),
                    scripts: Vec::new(),
                    surveys: Vec::new(),
                    settings: None,
                    more,
                })
            })
        })
        .await
    }
}

fn push(
    tx: &Transaction,
    user: &User,
    req: &PushRequest,
    now: DateTime<Utc>,
) -> Result<PushResponse> {
    let device = req.device_id.to_string();
    let owner: Option<(String, i64)> = tx
        .query_row(
            "SELECT user_id, last_seq FROM devices WHERE device_id = ?1",
            [&device],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let mut acked = match owner {
        Some((owner, _)) if owner != user.id.to_string() => {
            return Err(AppError::DeviceOwned(req.device_id));
        }
        Some((_, last_seq)) => from_sql_int(last_seq)?,
        None => {
            tx.execute(
                "INSERT INTO devices (device_id, user_id, last_seq, created_at)
                 VALUES (?1, ?2, 0, ?3)",
                params![device, user.id.to_string(), ts(now)],
            )?;
            0
        }
    };

    let mut rejected = Vec::new();
    for m in &req.mutations {
        if m.seq <= acked {
            rejected.extend(earlier_rejection(tx, &device, m.seq)?);
            continue;
        }
        if m.seq != acked + 1 {
            break;
        }
        if let Err(r) = apply(tx, user, req.device_id, m, now)? {
            tx.execute(
                "INSERT INTO rejections (device_id, seq, code, message, field, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    device,
                    to_sql_int(r.seq),
                    r.code,
                    r.message,
                    r.field,
                    ts(now)
                ],
            )?;
            rejected.push(r);
        }
        acked = m.seq;
    }
    tx.execute(
        "UPDATE devices SET last_seq = ?2 WHERE device_id = ?1",
        params![device, to_sql_int(acked)],
    )?;
    Ok(PushResponse {
        acked_seq: acked,
        rejected,
    })
}

fn earlier_rejection(tx: &Transaction, device: &str, seq: u64) -> Result<Option<Rejected>> {
    Ok(tx
        .query_row(
            "SELECT code, message, field FROM rejections WHERE device_id = ?1 AND seq = ?2",
            params![device, to_sql_int(seq)],
            |r| {
                Ok(Rejected {
                    seq,
                    code: r.get(0)?,
                    message: r.get(1)?,
                    field: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// Applies one mutation. The outer `Result` is a storage failure (the whole push fails and
/// rolls back); the inner one is the verdict on the mutation itself.
fn apply(
    tx: &Transaction,
    user: &User,
    device: Uuid,
    m: &Mutation,
    now: DateTime<Utc>,
) -> Result<Result<(), Rejected>> {
    let change = match m.check(user.role, now) {
        Ok(change) => change,
        Err(r) => return Ok(Err(r)),
    };
    match change {
        Change::VisitRecord(record) => record_visit(tx, user, device, m, &record, now),
    }
}

fn record_visit(
    tx: &Transaction,
    user: &User,
    device: Uuid,
    m: &Mutation,
    v: &VisitRecord,
    now: DateTime<Utc>,
) -> Result<Result<(), Rejected>> {
    let customer_known: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM customers WHERE id = ?1)",
        [v.customer_id.to_string()],
        |r| r.get(0),
    )?;
    if !customer_known {
        return Ok(Err(Rejected {
            field: Some("customer_id".into()),
            ..Rejected::new(
                m.seq,
                RejectCode::Conflict,
                format!("unknown customer {}", v.customer_id),
            )
        }));
    }
    let id_taken: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM visits WHERE id = ?1)",
        [m.id.to_string()],
        |r| r.get(0),
    )?;
    if id_taken {
        return Ok(Err(Rejected::new(
            m.seq,
            RejectCode::Conflict,
            format!("a visit with id {} already exists", m.id),
        )));
    }
    tx.execute(
        "INSERT INTO visits (id, device_id, seq, user_id, customer_id, channel, visit_type,
                             outcome, attempt, satisfaction, emotion, verbatim, demand, follow_up,
                             contacted_at, recorded_at, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        params![
            m.id.to_string(),
            device.to_string(),
            to_sql_int(m.seq),
            user.id.to_string(),
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
            ts(now),
        ],
    )?;
    let after = serde_json::to_value(v).map_err(|e| AppError::Internal(e.to_string()))?;
    audit(tx, now, Some(user.id), &m.kind, "visit", m.id, &after)?;
    Ok(Ok(()))
}
