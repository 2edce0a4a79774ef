//! Push (apply a device's mutations exactly once) and pull (what changed since a cursor).

use chrono::{DateTime, Utc};
use huifang_domain::script::Script;
use huifang_domain::survey::Survey;
use huifang_domain::task::{Priority, TaskSource, TaskStatus, VisitTask, next_attempt};
use huifang_domain::ticket::{Review, ReviewRequest, ReviewTarget, Ticket};
use huifang_domain::{
    Change, Customer, MAX_PULL, Mutation, Outcome, PullResponse, PushRequest, PushResponse,
    RejectCode, Rejected, Settings, User, VisitRecord,
};
use rusqlite::{OptionalExtension, Transaction, params};
use uuid::Uuid;

use super::customers::customers_since;
use super::tasks::{self, tasks_since};
use super::{
    Store, audit, catalog, from_sql_int, new_id, tickets, to_json, to_sql_int, ts, visits,
};
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

    /// Everything changed for `user` after `since`, oldest change first, at most [`MAX_PULL`]
    /// items across all kinds: customers (every role sees every customer for now), the
    /// user's tasks, the current script and survey versions, and the settings. All kinds
    /// share one change counter, so the cursor is the version of the last item returned and
    /// everything after the cut comes with the next page.
    pub async fn pull(&self, user: User, since: u64) -> Result<PullResponse> {
        self.blocking(move |db| {
            db.read(|conn| {
                // Each kind is cut at MAX_PULL + 1 on its own; merged and cut again below,
                // nothing at or before the final cursor can have been left out.
                let limit = MAX_PULL + 1;
                let mut items: Vec<(u64, Item)> = Vec::new();
                items.extend(
                    customers_since(conn, since, limit)?
                        .into_iter()
                        .map(|c| (c.version, Item::Customer(c))),
                );
                items.extend(
                    tasks_since(conn, user.id, since, limit)?
                        .into_iter()
                        .map(|t| (t.version, Item::Task(t))),
                );
                items.extend(
                    catalog::scripts_since(conn, since, limit)?
                        .into_iter()
                        .map(|(v, s)| (v, Item::Script(s))),
                );
                items.extend(
                    catalog::surveys_since(conn, since, limit)?
                        .into_iter()
                        .map(|(v, s)| (v, Item::Survey(s))),
                );
                if let Some((v, s)) = catalog::settings(conn)?.filter(|(v, _)| *v > since) {
                    items.push((v, Item::Settings(s)));
                }
                items.extend(
                    tickets::tickets_since(conn, &user, since, limit)?
                        .into_iter()
                        .map(|t| (t.version, Item::Ticket(Box::new(t)))),
                );
                items.sort_by_key(|(v, _)| *v);
                let more = items.len() > MAX_PULL;
                items.truncate(MAX_PULL);
                let mut page = PullResponse {
                    cursor: items.last().map_or(since, |(v, _)| *v),
                    customers: Vec::new(),
                    tasks: Vec::new(),
                    scripts: Vec::new(),
                    surveys: Vec::new(),
                    settings: None,
                    tickets: Vec::new(),
                    more,
                };
                for (_, item) in items {
                    match item {
                        Item::Customer(c) => page.customers.push(c),
                        Item::Task(t) => page.tasks.push(t),
                        Item::Script(s) => page.scripts.push(s),
                        Item::Survey(s) => page.surveys.push(s),
                        Item::Settings(s) => page.settings = Some(s),
                        Item::Ticket(t) => page.tickets.push(*t),
                    }
                }
                Ok(page)
            })
        })
        .await
    }
}

/// One pulled record of any kind, to cut a page across kinds in change order.
enum Item {
    Customer(Customer),
    Task(VisitTask),
    Script(Script),
    Survey(Survey),
    Settings(Settings),
    /// Boxed: a ticket with its timeline dwarfs the other kinds.
    Ticket(Box<Ticket>),
}

pub(super) fn push(
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
        Change::TicketCreate(intake) => tickets::create(tx, user, m, &intake, now),
        Change::TicketUpdate(update) => tickets::update(tx, user, m, &update, now),
        Change::ReviewDecide(request) => decide(tx, user, m, &request, now),
    }
}

fn decide(
    tx: &Transaction,
    user: &User,
    m: &Mutation,
    req: &ReviewRequest,
    now: DateTime<Utc>,
) -> Result<Result<(), Rejected>> {
    let review = Review {
        decision: req.decision,
        by: user.id,
        comment: req.comment.clone(),
        at: now,
    };
    match req.target {
        ReviewTarget::Visit(id) => visits::review_visit(tx, user, m, id, &review, now),
        ReviewTarget::Ticket(id) => tickets::review(tx, user, m, id, &review, now),
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
    let reject = |code, field: Option<&str>, message: String| {
        Ok(Err(Rejected {
            field: field.map(str::to_owned),
            ..Rejected::new(m.seq, code, message)
        }))
    };
    let customer_known: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM customers WHERE id = ?1)",
        [v.customer_id.to_string()],
        |r| r.get(0),
    )?;
    if !customer_known {
        return reject(
            RejectCode::Conflict,
            Some("customer_id"),
            format!("unknown customer {}", v.customer_id),
        );
    }
    let id_taken: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM visits WHERE id = ?1)",
        [m.id.to_string()],
        |r| r.get(0),
    )?;
    if id_taken {
        return reject(
            RejectCode::Conflict,
            None,
            format!("a visit with id {} already exists", m.id),
        );
    }
    let script = match &v.script {
        Some(used) => catalog::script_version(tx, used.script_id, used.version)?,
        None => None,
    };
    let survey = match &v.survey {
        Some(answered) => catalog::survey_version(tx, answered.survey_id, answered.version)?,
        None => None,
    };
    if let Err(r) = v.check_refs(m.seq, script.as_ref(), survey.as_ref()) {
        return Ok(Err(r));
    }
    let task = match v.task_id {
        Some(id) => match tasks::task(tx, id)? {
            Some(t) if t.assignee != user.id => {
                return reject(
                    RejectCode::Conflict,
                    Some("task_id"),
                    format!("task {id} is assigned to someone else"),
                );
            }
            Some(t) if t.status != TaskStatus::Open => {
                return reject(
                    RejectCode::Conflict,
                    Some("task_id"),
                    format!("task {id} is no longer open"),
                );
            }
            Some(t) if t.customer_id != v.customer_id => {
                return reject(
                    RejectCode::Conflict,
                    Some("task_id"),
                    format!("task {id} is about another customer"),
                );
            }
            Some(t) => Some(t),
            None => {
                return reject(
                    RejectCode::Conflict,
                    Some("task_id"),
                    format!("unknown task {id}"),
                );
            }
        },
        None => None,
    };
    let record = to_json(v)?;
    tx.execute(
        "INSERT INTO visits (id, device_id, seq, user_id, customer_id, channel, visit_type,
                             outcome, attempt, satisfaction, emotion, verbatim, demand, follow_up,
                             contacted_at, recorded_at, received_at, record_json, task_id,
                             escalate)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20)",
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
            record.to_string(),
            v.task_id.map(|t| t.to_string()),
            v.escalate,
        ],
    )?;
    audit(tx, now, Some(user.id), &m.kind, "visit", m.id, &record)?;
    if let Some(task) = &task {
        tasks::complete_task(tx, task, m.id, user.id, now)?;
        if let TaskSource::Ticket { ticket_id } = task.source {
            tickets::revisit_answered(tx, user, m.id, v, ticket_id, now)?;
        }
    }
    schedule_retry(tx, user, m.id, v, task.as_ref(), now)?;
    Ok(Ok(()))
}

/// A visit that did not reach the customer (no answer, or asked to call back) gets its next
/// attempt as a new phone task for the pusher, outside quiet hours, until
/// `domain::task::MAX_ATTEMPTS`; the visit's task, if any, is done either way (一事一记: the
/// attempt is recorded, the retry is a task of its own). The attempt count is the higher of
/// the record's and the task's, so a device that forgot to carry it over cannot restart the
/// count and call a customer forever.
fn schedule_retry(
    tx: &Transaction,
    user: &User,
    visit: Uuid,
    v: &VisitRecord,
    task: Option<&VisitTask>,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some((_, settings)) = catalog::settings(tx)? else {
        return Ok(());
    };
    let attempt = task.map_or(v.attempt, |t| t.attempt.max(v.attempt));
    let Some(next) = next_attempt(
        v.outcome,
        attempt,
        v.contacted_at,
        v.call_back_at,
        &settings.quiet_hours,
        catalog::offset(&settings)?,
    ) else {
        return Ok(());
    };
    let note = match v.outcome {
        Outcome::CallBack => format!("第 {} 次回访:客户约定回拨", next.attempt),
        _ => format!("第 {} 次回访:上次无人接听", next.attempt),
    };
    let retry = VisitTask {
        id: new_id(),
        customer_id: v.customer_id,
        assignee: user.id,
        visit_type: v.visit_type,
        planned_channel: next.channel,
        priority: task.map_or(Priority::Normal, |t| t.priority),
        due_from: next.due_from,
        due_until: next.due_until,
        attempt: next.attempt,
        // The retry of a ticket's revisit is still that ticket's revisit: its answer must
        // close or reopen the ticket.
        source: match task.map(|t| &t.source) {
            Some(ticket @ TaskSource::Ticket { .. }) => ticket.clone(),
            _ => TaskSource::Retry {
                previous_visit: visit,
            },
        },
        status: TaskStatus::Open,
        note,
        version: 0,
    };
    tasks::insert_task(tx, retry, Some(user.id), now)?;
    Ok(())
}
