//! 回访任务 planned by a supervisor, and the lists of them each role may read.

use chrono::{DateTime, SubsecRound, Utc};
use huifang_domain::User;
use huifang_domain::task::{NewTask, TaskSource, TaskStatus, VisitTask, visible_assignee};
use uuid::Uuid;

use crate::error::{AppError, Result};
use crate::storage::{CustomerBookQueries, TaskFilter, TaskRows, UserQueries};

/// What `POST /api/tasks` did: a retried request finds its task already there.
#[derive(Debug, Clone)]
pub enum TaskSaved {
    Created(VisitTask),
    Existing(VisitTask),
}

/// Checks a planned task before it reaches the storage; stored timestamps have microseconds,
/// so they are trimmed here, and a replay then compares equal.
pub fn prepare(new: NewTask) -> Result<NewTask> {
    new.validate()
        .map_err(|e| AppError::bad_request(e.message, Some(e.field)))?;
    Ok(NewTask {
        due_from: new.due_from.trunc_subsecs(6),
        due_until: new.due_until.trunc_subsecs(6),
        ..new
    })
}

/// Plans a task (`new` from [`prepare`]). The id is client-made, so the same request sent
/// twice creates one task; the same id with other content is a conflict, never a silent
/// overwrite. The customer must exist and the assignee must be someone who does visits.
pub fn create_task<S>(s: &S, by: &User, new: &NewTask, now: DateTime<Utc>) -> Result<TaskSaved>
where
    S: TaskRows + CustomerBookQueries + UserQueries,
{
    if let Some(existing) = s.task(new.id)? {
        return if existing.source == TaskSource::Plan && as_new(&existing) == *new {
            Ok(TaskSaved::Existing(existing))
        } else {
            Err(AppError::Conflict(format!(
                "task {} already exists with other content",
                new.id
            )))
        };
    }
    match s.customer_archived(new.customer_id)? {
        None => {
            return Err(AppError::bad_request(
                format!("unknown customer {}", new.customer_id),
                Some("customer_id"),
            ));
        }
        // Archived customers keep their history but get no new visits.
        Some(true) => return Err(AppError::CustomerArchived(new.customer_id)),
        Some(false) => {}
    }
    match s.user(new.assignee)? {
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
        retry_reason: None,
        version: 0,
    };
    s.insert_task(task, Some(by.id), now)
        .map(TaskSaved::Created)
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

/// The filter `user` may list tasks with (`task::visible_assignee`): planners any, the rest
/// only their own.
pub fn filter_for(
    user: &User,
    status: Option<TaskStatus>,
    assignee: Option<Uuid>,
) -> Result<TaskFilter> {
    let assignee = visible_assignee(user.role, user.id, assignee)
        .map_err(|e| AppError::Forbidden(e.to_string()))?;
    Ok(TaskFilter {
        status,
        assignee,
        ..TaskFilter::default()
    })
}
