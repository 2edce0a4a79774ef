//! 回访任务: planned visits, their lifecycle (open → done by a visit, or cancelled) and the
//! retries the server schedules after an attempt that did not reach the customer.

use chrono::{DateTime, SubsecRound, Utc};
use huifang_domain::task::{NewTask, Priority, TaskSource, TaskStatus, VisitTask};
use huifang_domain::{Channel, User, VisitType};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use uuid::Uuid;

use super::auth::user_by_id;
use super::{
    Store, audit, audit_change, from_json, from_sql_int, next_version, parse_ts, parse_uuid,
    to_json, to_sql_int, ts,
};
use crate::error::{AppError, Result};

/// `GET /api/tasks` filters.
#[derive(Debug, Clone, Copy, Default)]
pub struct TaskFilter {
    pub status: Option<TaskStatus>,
    pub assignee: Option<Uuid>,
}

/// What `POST /api/tasks` did: a retried request finds its task already there.
#[derive(Debug, Clone)]
pub enum TaskSaved {
    Created(VisitTask),
    Existing(VisitTask),
}

impl Store {
    /// Plans a task. The id is client-made, so the same request sent twice creates one task;
    /// the same id with other content is a conflict, never a silent overwrite.
    pub async fn create_task(
        &self,
        by: User,
        new: NewTask,
        now: DateTime<Utc>,
    ) -> Result<TaskSaved> {
        new.validate()
            .map_err(|e| AppError::bad_request(e.message, Some(e.field)))?;
        // Stored timestamps have microseconds; trimming first makes a replay compare equal.
        let new = NewTask {
            due_from: new.due_from.trunc_subsecs(6),
            due_until: new.due_until.trunc_subsecs(6),
            ..new
        };
        self.blocking(move |db| {
            db.write(|tx| {
                if let Some(existing) = task(tx, new.id)? {
                    return if existing.source == TaskSource::Plan && as_new(&existing) == new {
                        Ok(TaskSaved::Existing(existing))
                    } else {
                        Err(AppError::Conflict(format!(
                            "task {} already exists with other content",
                            new.id
                        )))
                    };
                }
                let customer_known: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM customers WHERE id = ?1)",
                    [new.customer_id.to_string()],
                    |r| r.get(0),
                )?;
                if !customer_known {
                    return Err(AppError::bad_request(
                        format!("unknown customer {}", new.customer_id),
                        Some("customer_id"),
                    ));
                }
                match user_by_id(tx, new.assignee)? {
                    Some(u) if u.role.can_record_visits() => {}
                    Some(u) => {
                        return Err(AppError::bad_request(
                            format!("role {} does not do visits", u.role.as_str()),
                            Some("assignee"),
                        ));
                    }
                    None => {
                        return Err(AppError::bad_request(
                            format!("unknown user {}", new.assignee),
                            Some("assignee"),
                        ));
                    }
                }
                let task = VisitTask {
                    id: new.id,
                    customer_id: new.customer_id,
                    assignee: new.assignee,
                    visit_type: new.visit_type,
                    planned_channel: new.planned_channel,
                    priority: new.priority,
                    due_from: new.due_from,
                    due_until: new.due_until,
                    attempt: 1,
                    source: TaskSource::Plan,
                    status: TaskStatus::Open,
                    note: new.note.clone(),
                    version: 0,
                };
                insert_task(tx, task, Some(by.id), now).map(TaskSaved::Created)
            })
        })
        .await
    }

    /// Tasks by due time (then id), filtered.
    pub async fn list_tasks(&self, filter: TaskFilter) -> Result<Vec<VisitTask>> {
        self.blocking(move |db| {
            db.read(|conn| {
                let mut stmt = conn.prepare(&format!(
                    "SELECT {COLUMNS} FROM tasks
                     WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR assignee = ?2)
                     ORDER BY due_from, id"
                ))?;

                stmt.query_map(
                    params![
                        filter.status.map(status_str),
                        filter.assignee.map(|a| a.to_string())
                    ],
                    |r| Ok(task_from_row(r)),
                )?
                .map(|row| row?)
                .collect()
            })
        })
        .await
    }
}

/// The request a stored planned task answers, to tell a replay from a reused id.
fn as_new(t: &VisitTask) -> NewTask {
    NewTask {
        id: t.id,
        customer_id: t.customer_id,
        assignee: t.assignee,
        visit_type: t.visit_type,
        planned_channel: t.planned_channel,
        priority: t.priority,
        due_from: t.due_from,
        due_until: t.due_until,
        note: t.note.clone(),
    }
}

/// Stores a new task under the next change version (its `version` is set here) and audits it.
pub(super) fn insert_task(
    tx: &Transaction,
    mut task: VisitTask,
    created_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<VisitTask> {
    task.version = next_version(tx)?;
    tx.execute(
        "INSERT INTO tasks (id, customer_id, assignee, visit_type, planned_channel, priority,
                            due_from, due_until, attempt, source, status, note, version,
                            created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            task.id.to_string(),
            task.customer_id.to_string(),
            task.assignee.to_string(),
            task.visit_type.as_str(),
            task.planned_channel.as_str(),
            priority_str(task.priority),
            ts(task.due_from),
            ts(task.due_until),
            task.attempt,
            to_json(&task.source)?.to_string(),
            status_str(task.status),
            task.note,
            to_sql_int(task.version),
            created_by.map(|u| u.to_string()),
            ts(now)
        ],
    )?;
    audit(
        tx,
        now,
        created_by,
        "task.create",
        "task",
        task.id,
        &to_json(&task)?,
    )?;
    Ok(task)
}

/// Closes an open task as done by `visit` (a new change version, so the assignee's next pull
/// delivers it and the device drops it from its lists).
pub(super) fn complete_task(
    tx: &Transaction,
    task: &VisitTask,
    visit: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let version = next_version(tx)?;
    tx.execute(
        "UPDATE tasks SET status = 'done', version = ?2, done_by_visit = ?3 WHERE id = ?1",
        params![task.id.to_string(), to_sql_int(version), visit.to_string()],
    )?;
    let after = VisitTask {
        status: TaskStatus::Done,
        version,
        ..task.clone()
    };
    audit_change(
        tx,
        now,
        Some(by),
        "task.done",
        ("task", task.id),
        Some(&to_json(task)?),
        &to_json(&after)?,
    )
}

pub(super) fn task(conn: &Connection, id: Uuid) -> Result<Option<VisitTask>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM tasks WHERE id = ?1"),
        [id.to_string()],
        |r| Ok(task_from_row(r)),
    )
    .optional()?
    .transpose()
}

/// A user's tasks changed after `since`, by version, at most `limit`. On a first pull only
/// open tasks: a device that never saw a task has nothing to drop.
pub(super) fn tasks_since(
    conn: &Connection,
    assignee: Uuid,
    since: u64,
    limit: usize,
) -> Result<Vec<VisitTask>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM tasks
         WHERE assignee = ?1 AND version > ?2 AND (status = 'open' OR ?2 > 0)
         ORDER BY version LIMIT ?3"
    ))?;

    stmt.query_map(
        params![assignee.to_string(), to_sql_int(since), limit as i64],
        |r| Ok(task_from_row(r)),
    )?
    .map(|row| row?)
    .collect()
}

const COLUMNS: &str = "id, customer_id, assignee, visit_type, planned_channel, priority, \
                       due_from, due_until, attempt, source, status, note, version";

fn task_from_row(r: &Row) -> Result<VisitTask> {
    let text = |i: usize| r.get::<_, String>(i);
    fn known<T>(value: String, parse: impl Fn(&str) -> Option<T>) -> Result<T> {
        parse(&value).ok_or_else(|| AppError::Internal(format!("bad stored task value {value:?}")))
    }
    Ok(VisitTask {
        id: parse_uuid(&text(0)?)?,
        customer_id: parse_uuid(&text(1)?)?,
        assignee: parse_uuid(&text(2)?)?,
        visit_type: known(text(3)?, VisitType::parse)?,
        planned_channel: known(text(4)?, Channel::parse)?,
        priority: known(text(5)?, parse_priority)?,
        due_from: parse_ts(&text(6)?)?,
        due_until: parse_ts(&text(7)?)?,
        attempt: r.get(8)?,
        source: from_json(&text(9)?, "task source")?,
        status: known(text(10)?, parse_status)?,
        note: text(11)?,
        version: from_sql_int(r.get(12)?)?,
    })
}

fn status_str(s: TaskStatus) -> &'static str {
    match s {
        TaskStatus::Open => "open",
        TaskStatus::Done => "done",
        TaskStatus::Cancelled => "cancelled",
    }
}

fn parse_status(s: &str) -> Option<TaskStatus> {
    [TaskStatus::Open, TaskStatus::Done, TaskStatus::Cancelled]
        .into_iter()
        .find(|v| status_str(*v) == s)
}

fn priority_str(p: Priority) -> &'static str {
    match p {
        Priority::High => "high",
        Priority::Normal => "normal",
        Priority::Low => "low",
    }
}

fn parse_priority(s: &str) -> Option<Priority> {
    [Priority::High, Priority::Normal, Priority::Low]
        .into_iter()
        .find(|v| priority_str(*v) == s)
}
