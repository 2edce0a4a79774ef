//! 回访任务 rows: planned visits, their lifecycle (open → done by a visit, or cancelled) and
//! the retries the server schedules (the use cases are `service::tasks` and
//! `service::visits`).

use chrono::{DateTime, Utc};
use huifang_domain::task::{
    NewTask, Priority, RetryReason, TaskList, TaskSource, TaskStatus, VisitTask,
};
use huifang_domain::{Channel, Cursor, User, VisitType};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use uuid::Uuid;

use super::paging::{self, Filters, text};
use super::{
    Conn, Store, audit, audit_change, from_json, from_sql_int, next_version, parse_ts, parse_uuid,
    to_json, to_sql_int, ts,
};
use crate::error::{AppError, Result};
use crate::service;
use crate::service::tasks::TaskSaved;
use crate::storage::{Page, PageAt, TaskFilter, TaskQueries, TaskRows};

impl Store {
    /// Plans a task (see `service::tasks::create_task`).
    pub async fn create_task(
        &self,
        by: User,
        new: NewTask,
        now: DateTime<Utc>,
    ) -> Result<TaskSaved> {
        let new = service::tasks::prepare(new)?;
        self.write(move |tx| service::tasks::create_task(tx, &by, &new, now))
            .await
    }

    /// A page of tasks by due time (then id), filtered.
    pub async fn list_tasks(&self, filter: TaskFilter, at: PageAt) -> Result<TaskList> {
        let page = self
            .blocking(move |db| db.read(|conn| conn.tasks(filter, &at)))
            .await?;
        Ok(TaskList {
            tasks: page.items,
            total: page.total,
            next: page.next.map(|c| c.encode()),
        })
    }
}

impl<C: Conn> TaskQueries for C {
    fn task(&self, id: Uuid) -> Result<Option<VisitTask>> {
        task(self.conn(), id)
    }

    /// Each combination of assignee, status and visit type leads one `tasks_*due` index
    /// (migrations 0007, 0015), walked in due order; the due window is a range on it and the
    /// class a lookup of each task's customer by key.
    fn tasks(&self, filter: TaskFilter, at: &PageAt) -> Result<Page<VisitTask>> {
        let conn = self.conn();
        let after = paging::after(at, 2)?;
        let mut f = Filters::default();
        if let Some(a) = filter.assignee {
            f.bind("assignee = ?", [text(a.to_string())]);
        }
        if let Some(s) = filter.status {
            f.bind("status = ?", [text(status_str(s))]);
        }
        if let Some(t) = filter.visit_type {
            f.bind("visit_type = ?", [text(t.as_str())]);
        }
        if let Some(from) = filter.due_from {
            f.bind("due_from >= ?", [text(ts(from))]);
        }
        if let Some(to) = filter.due_to {
            f.bind("due_from < ?", [text(ts(to))]);
        }
        if let Some(c) = filter.class {
            f.bind(
                "EXISTS (SELECT 1 FROM customers c WHERE c.id = tasks.customer_id AND c.class = ?)",
                [text(c.as_str())],
            );
        }
        let total = paging::count(
            conn,
            &format!("SELECT 1 FROM tasks {}", f.sql()),
            f.params(),
            at.cap,
        )?;
        if let Some(c) = after {
            f.bind("(due_from, id) > (?, ?)", c.0.into_iter().map(text));
        }
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM tasks {} ORDER BY due_from, id LIMIT {}",
            f.sql(),
            at.limit + 1
        ))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(f.params()), |r| {
                let key = Cursor(vec![r.get(6)?, r.get(0)?]);
                Ok(task_from_row(r).map(|t| (t, key)))
            })?
            .map(|row| row?)
            .collect::<Result<Vec<_>>>()?;
        Ok(paging::page(rows, at.limit, total))
    }
}

impl TaskRows for Transaction<'_> {
    fn insert_task(
        &self,
        task: VisitTask,
        by: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<VisitTask> {
        insert_task(self, task, by, now)
    }

    fn complete_task(
        &self,
        task: &VisitTask,
        visit: Uuid,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        complete_task(self, task, visit, by, now)
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
            note_column(&task),
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

pub(super) const COLUMNS: &str = "id, customer_id, assignee, visit_type, planned_channel, priority, \
                       due_from, due_until, attempt, source, status, note, version";

pub(super) fn task_from_row(r: &Row) -> Result<VisitTask> {
    let text = |i: usize| r.get::<_, String>(i);
    fn known<T>(value: String, parse: impl Fn(&str) -> Option<T>) -> Result<T> {
        parse(&value).ok_or_else(|| AppError::Internal(format!("bad stored task value {value:?}")))
    }
    let mut task = VisitTask {
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
        note: String::new(),
        retry_reason: None,
        version: from_sql_int(r.get(12)?)?,
    };
    let note = text(11)?;
    match retry_code(&task.source, &note) {
        Some(reason) => task.retry_reason = Some(reason),
        None => task.note = note,
    }
    Ok(task)
}

/// The `note` column holds what a planner wrote, or, for a retry the server scheduled, the
/// code of its reason (no new column: the schema stays as it is). A planned task's note is
/// never read as a code, whatever its text.
const RETRY_CODES: [(RetryReason, &str); 2] = [
    (RetryReason::NoAnswer, "retry:no_answer"),
    (RetryReason::CallBack, "retry:call_back"),
];

fn note_column(task: &VisitTask) -> &str {
    match task.retry_reason {
        Some(reason) => RETRY_CODES
            .iter()
            .find(|(r, _)| *r == reason)
            .map_or("", |(_, code)| code),
        None => &task.note,
    }
}

fn retry_code(source: &TaskSource, note: &str) -> Option<RetryReason> {
    if *source == TaskSource::Plan {
        return None;
    }
    RETRY_CODES
        .iter()
        .find(|(_, code)| *code == note)
        .map(|(r, _)| *r)
}

pub(super) fn status_str(s: TaskStatus) -> &'static str {
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
