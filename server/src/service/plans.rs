//! 回访计划: planners change tasks (reassign, move the window, cancel) and plan many visits at
//! once. The spreading rule is the domain's (`planning::spread`); this module reads what it
//! needs, applies it and writes the result, all in the caller's unit of work.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, SubsecRound, Utc};
use huifang_domain::User;
use huifang_domain::planning::{
    Candidate, DayLoad, MAX_PLAN_TASKS, PREVIEW_ROWS, PlanCustomer, PlanOutcome, PlanRequest,
    PlannedRow, SkipReason, Skipped, TaskCancel, TaskChange, spread,
};
use huifang_domain::recurring::{PolicyUpdate, StoredPolicy};
use huifang_domain::task::{QuietHours, TaskSource, TaskStatus, VisitTask};
use uuid::Uuid;

use super::{new_id, utc_offset};
use crate::error::{AppError, Result};
use crate::storage::{CatalogQueries, PlanQueries, PlanRows, TaskEdit, TaskRows, UserQueries};

fn invalid(e: huifang_domain::ValidationError) -> AppError {
    AppError::bad_request(e.message, Some(e.field))
}

/// The organisation's local time and quiet hours.
pub fn local_rules<S: CatalogQueries>(s: &S) -> Result<(FixedOffset, QuietHours)> {
    let (_, settings) = s
        .settings()?
        .ok_or_else(|| AppError::Internal("no settings stored".into()))?;
    Ok((utc_offset(&settings)?, settings.quiet_hours))
}

/// The instant a local day starts.
pub fn day_start(day: NaiveDate, offset: FixedOffset) -> Result<DateTime<Utc>> {
    day.and_time(NaiveTime::MIN)
        .and_local_timezone(offset)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| AppError::Internal(format!("no local midnight on {day}")))
}

/// The task a planner may still change: it exists, is open and is at the version they saw.
fn open_task<S: TaskRows>(s: &S, id: Uuid, version: u64) -> Result<VisitTask> {
    let task = s.task(id)?.ok_or(AppError::NotFound)?;
    if task.status != TaskStatus::Open {
        return Err(AppError::Conflict(format!("task {id} is no longer open")));
    }
    if task.version != version {
        return Err(AppError::Conflict(format!(
            "task {id} changed meanwhile (version {} now, {version} sent)",
            task.version
        )));
    }
    Ok(task)
}

/// Someone who does visits and may log in: the only people a task may be given to.
fn visitor<S: UserQueries>(s: &S, id: Uuid, field: &str) -> Result<User> {
    match s.user(id)? {
        Some(u) if !u.role.can_record_visits() => Err(AppError::bad_request(
            format!("role {} does not do visits", u.role.as_str()),
            Some(field),
        )),
        Some(_) if s.person(id)?.is_some_and(|p| p.disabled_at.is_some()) => Err(
            AppError::bad_request(format!("user {id} is disabled"), Some(field)),
        ),
        Some(u) => Ok(u),
        None => Err(AppError::bad_request(
            format!("unknown user {id}"),
            Some(field),
        )),
    }
}

/// `PATCH /api/tasks/{id}`: reassigns an open task and/or moves its window.
pub fn change_task<S>(
    s: &S,
    by: &User,
    id: Uuid,
    change: &TaskChange,
    now: DateTime<Utc>,
) -> Result<VisitTask>
where
    S: TaskRows + PlanRows + UserQueries + CatalogQueries,
{
    let (offset, _) = local_rules(s)?;
    let task = open_task(s, id, change.version)?;
    let (due_from, due_until) = change.window(&task, now, offset).map_err(invalid)?;
    let assignee = match change.assignee {
        Some(a) => visitor(s, a, "assignee")?.id,
        None => task.assignee,
    };
    let after = VisitTask {
        assignee,
        due_from: due_from.trunc_subsecs(6),
        due_until: due_until.trunc_subsecs(6),
        ..task.clone()
    };
    s.edit_task(&task, after, TaskEdit::Change, by.id, now)
}

/// `POST /api/tasks/{id}/cancel`.
pub fn cancel_task<S>(
    s: &S,
    by: &User,
    id: Uuid,
    cancel: &TaskCancel,
    now: DateTime<Utc>,
) -> Result<VisitTask>
where
    S: TaskRows + PlanRows,
{
    cancel.validate().map_err(invalid)?;
    let task = open_task(s, id, cancel.version)?;
    let after = VisitTask {
        status: TaskStatus::Cancelled,
        ..task.clone()
    };
    let reason = cancel.reason.trim();
    s.edit_task(&task, after, TaskEdit::Cancel { reason }, by.id, now)
}

/// Each person's open tasks per local day in `[first, first + days)`.
pub fn day_loads<S: PlanQueries>(
    s: &S,
    staff: &[Uuid],
    first: NaiveDate,
    days: u32,
    offset: FixedOffset,
) -> Result<BTreeMap<(NaiveDate, Uuid), u32>> {
    let (from, to) = (
        day_start(first, offset)?,
        day_start(first + Duration::days(i64::from(days)), offset)?,
    );
    let mut load = BTreeMap::new();
    for person in staff {
        for start in s.open_task_starts(*person, from, to)? {
            let day = start.with_timezone(&offset).date_naive();
            *load.entry((day, *person)).or_default() += 1;
        }
    }
    Ok(load)
}

/// A plan worked out: what it answers and the tasks it makes.
struct Worked {
    outcome: PlanOutcome,
    tasks: Vec<VisitTask>,
}

fn work_out<S>(s: &S, req: &PlanRequest, now: DateTime<Utc>) -> Result<Worked>
where
    S: PlanQueries + UserQueries + CatalogQueries,
{
    let (offset, quiet) = local_rules(s)?;
    req.validate(now.with_timezone(&offset).date_naive())
        .map_err(invalid)?;
    let mut staff = Vec::new();
    for person in &req.staff {
        let id = visitor(s, *person, "staff")?.id;
        if !staff.contains(&id) {
            staff.push(id);
        }
    }
    let before = req
        .selection
        .last_visit_before
        .map(|d| day_start(d, offset))
        .transpose()?;
    let found = s.select_customers(&req.selection, before, MAX_PLAN_TASKS + 1)?;
    if found.len() > MAX_PLAN_TASKS {
        return Err(AppError::PlanTooLarge {
            max: MAX_PLAN_TASKS,
        });
    }
    let mut skipped = Vec::new();
    let mut candidates = Vec::new();
    for c in &found {
        if s.has_open_task(c.customer_id, req.visit_type)? {
            skipped.push(Skipped {
                customer: c.clone(),
                reason: SkipReason::OpenTask,
            });
        } else {
            candidates.push(Candidate {
                customer: c.customer_id,
                preferred: None,
            });
        }
    }
    let load = day_loads(s, &staff, req.first_day, req.days, offset)?;
    let spread = spread(
        &candidates,
        &staff,
        &load,
        req.daily_cap,
        req.first_day,
        req.days,
        now,
        &quiet,
        offset,
    );
    let by_id: HashMap<Uuid, &PlanCustomer> = found.iter().map(|c| (c.customer_id, c)).collect();
    let named = |id: &Uuid| -> Result<PlanCustomer> {
        by_id
            .get(id)
            .map(|c| (*c).clone())
            .ok_or_else(|| AppError::Internal(format!("customer {id} left the plan")))
    };
    for id in &spread.unplaced {
        skipped.push(Skipped {
            customer: named(id)?,
            reason: SkipReason::CapsFull,
        });
    }
    let mut planned: BTreeMap<(NaiveDate, Uuid), u32> = BTreeMap::new();
    for a in &spread.assignments {
        *planned.entry((a.day, a.assignee)).or_default() += 1;
    }
    let mut days = Vec::new();
    for d in 0..req.days {
        let day = req.first_day + Duration::days(i64::from(d));
        for person in &staff {
            let existing = load.get(&(day, *person)).copied().unwrap_or(0);
            let add = planned.get(&(day, *person)).copied().unwrap_or(0);
            if existing + add > 0 {
                days.push(DayLoad {
                    day,
                    assignee: *person,
                    existing,
                    planned: add,
                });
            }
        }
    }
    let first = spread
        .assignments
        .iter()
        .take(PREVIEW_ROWS)
        .map(|a| {
            Ok(PlannedRow {
                customer: named(&a.customer)?,
                assignee: a.assignee,
                due_from: a.due_from,
                due_until: a.due_until,
            })
        })
        .collect::<Result<_>>()?;
    let tasks = spread
        .assignments
        .iter()
        .map(|a| VisitTask {
            id: new_id(),
            customer_id: a.customer,
            assignee: a.assignee,
            visit_type: req.visit_type,
            planned_channel: req.planned_channel,
            priority: req.priority,
            due_from: a.due_from.trunc_subsecs(6),
            due_until: a.due_until.trunc_subsecs(6),
            attempt: 1,
            source: TaskSource::Plan,
            status: TaskStatus::Open,
            note: req.note.clone(),
            retry_reason: None,
            version: 0,
        })
        .collect::<Vec<_>>();
    let outcome = PlanOutcome {
        plan_id: req.id,
        selected: u32::try_from(found.len()).unwrap_or(u32::MAX),
        planned: u32::try_from(tasks.len()).unwrap_or(u32::MAX),
        days,
        first,
        skipped,
        created: false,
    };
    Ok(Worked { outcome, tasks })
}

/// `POST /api/plans/preview`: what creating the plan now would do; nothing is written.
pub fn preview<S>(s: &S, req: &PlanRequest, now: DateTime<Utc>) -> Result<PlanOutcome>
where
    S: PlanQueries + UserQueries + CatalogQueries,
{
    Ok(work_out(s, req, now)?.outcome)
}

/// `POST /api/plans`: creates the plan's tasks. The id is client-made: the same request again
/// creates nothing and answers what the first did (`false`: not created now); the same id
/// with another request is a conflict.
pub fn create<S>(
    s: &S,
    by: &User,
    req: &PlanRequest,
    now: DateTime<Utc>,
) -> Result<(PlanOutcome, bool)>
where
    S: PlanRows + TaskRows + UserQueries + CatalogQueries,
{
    let request = serde_json::to_value(req)
        .map_err(|e| AppError::Internal(format!("serialise plan: {e}")))?;
    if let Some((stored, outcome)) = s.stored_plan(req.id)? {
        return if stored == request {
            Ok((outcome, false))
        } else {
            Err(AppError::Conflict(format!(
                "plan {} already exists with another request",
                req.id
            )))
        };
    }
    let Worked { mut outcome, tasks } = work_out(s, req, now)?;
    for task in tasks {
        s.insert_task(task, Some(by.id), now)?;
    }
    outcome.created = true;
    s.save_plan(&request, &outcome, by.id, now)?;
    Ok((outcome, true))
}

/// `PUT /api/plans/recurring`: a save names the version it replaces; another save meanwhile
/// is a conflict, nothing lost.
pub fn save_policy<S: PlanRows>(
    s: &S,
    by: &User,
    update: &PolicyUpdate,
    now: DateTime<Utc>,
) -> Result<StoredPolicy> {
    update.policy.validate().map_err(invalid)?;
    s.save_policy(&update.policy, update.version, by.id, now)?
        .ok_or_else(|| {
            AppError::Conflict("the recurring policy was changed meanwhile; reload it".into())
        })
}
