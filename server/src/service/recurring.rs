//! 定期回访: once a day the server creates the recurring tasks that are due
//! (`huifang_domain::recurring`).
//!
//! Who gets them: the person who recorded the customer's newest visit if they still do visits
//! as field or agent staff, otherwise the one with the fewest tasks that day among them
//! (ties in a fixed order, so the load evens out); nobody beyond the policy's daily cap,
//! existing tasks counted (`planning::spread`, over the coming [`RECURRING_DAYS`]). Customers
//! who do not fit are left for the next day's run.
//!
//! Idempotent twice over: the local day is claimed first (one run a day, whichever server
//! gets there first) and each task claims its customer's period key (one task per customer
//! and period, whatever happens to the day's claim).

use std::collections::HashMap;

use chrono::{DateTime, SubsecRound, Utc};
use huifang_domain::CustomerClass;
use huifang_domain::planning::{Candidate, spread};
use huifang_domain::recurring::{due_before, period_key};
use huifang_domain::task::{Priority, TaskSource, TaskStatus, VisitTask};
use uuid::Uuid;

use super::new_id;
use super::plans::{day_loads, local_rules};
use crate::error::Result;
use crate::storage::{CatalogQueries, PlanRows, TaskRows, UserQueries};

/// Most tasks one day's run creates, so a first run on a large customer book stays short
/// (the rest follow on the next days).
pub const RECURRING_RUN_MAX: usize = 2_000;
/// The days a run spreads its tasks over, today first.
pub const RECURRING_DAYS: u32 = 7;

/// Runs the day's recurring planning unless it already ran today; returns the tasks created.
pub fn run<S>(s: &S, now: DateTime<Utc>) -> Result<u32>
where
    S: PlanRows + TaskRows + UserQueries + CatalogQueries,
{
    let (offset, quiet) = local_rules(s)?;
    let today = now.with_timezone(&offset).date_naive();
    let day = today.to_string();
    let mut staff: Vec<Uuid> = s
        .users(None)?
        .into_iter()
        .filter(|u| u.role.can_record_visits() && !u.role.can_plan_tasks())
        .map(|u| u.id)
        .collect();
    staff.sort();
    let policy = s.recurring_policy()?.policy;
    // Without staff or periods the day stays unclaimed: a policy set or people added later
    // today get its run within the hour.
    if staff.is_empty() || !policy.is_on() || !s.claim_run_day(&day, now)? {
        return Ok(0);
    }
    let mut candidates = Vec::new();
    let mut periods: HashMap<Uuid, String> = HashMap::new();
    for class in [
        CustomerClass::A,
        CustomerClass::B,
        CustomerClass::C,
        CustomerClass::D,
    ] {
        let Some(every) = policy.every_months.of(class) else {
            continue;
        };
        let room = RECURRING_RUN_MAX - candidates.len();
        if room == 0 {
            break;
        }
        let key = period_key(every, now, offset);
        let due = s.recurring_due(class, due_before(every, now), &key, policy.visit_type, room)?;
        for c in due {
            candidates.push(Candidate {
                customer: c.customer_id,
                preferred: s.last_visitor(c.customer_id)?,
            });
            periods.insert(c.customer_id, key.clone());
        }
    }
    let load = day_loads(s, &staff, today, RECURRING_DAYS, offset)?;
    let placed = spread(
        &candidates,
        &staff,
        &load,
        policy.daily_cap,
        today,
        RECURRING_DAYS,
        now,
        &quiet,
        offset,
    );
    let mut created = 0;
    for a in placed.assignments {
        let id = new_id();
        let Some(key) = periods.get(&a.customer) else {
            continue;
        };
        if !s.claim_period(a.customer, key, id)? {
            continue;
        }
        let task = VisitTask {
            id,
            customer_id: a.customer,
            assignee: a.assignee,
            visit_type: policy.visit_type,
            planned_channel: policy.planned_channel,
            priority: Priority::Normal,
            due_from: a.due_from.trunc_subsecs(6),
            due_until: a.due_until.trunc_subsecs(6),
            attempt: 1,
            source: TaskSource::Plan,
            status: TaskStatus::Open,
            note: String::new(),
            retry_reason: None,
            version: 0,
        };
        s.insert_task(task, None, now)?;
        created += 1;
    }
    s.finish_run_day(&day, created)?;
    Ok(created)
}
