//! 回访记录: recording a pushed visit (checked against stored data, closing its task,
//! answering its ticket, scheduling the next attempt), reviewing it (主管审核), and reading
//! visits back for supervisors.

use chrono::{DateTime, Utc};
use huifang_domain::dashboard::nps_answer;
use huifang_domain::task::{
    Priority, TaskSource, TaskStatus, VisitTask, check_visit_task, next_attempt,
};
use huifang_domain::ticket::{Review, ReviewQueue};
use huifang_domain::{Mutation, RejectCode, Rejected, User, VisitList, VisitRecord};
use uuid::Uuid;

use super::sync::PushStorage;
use super::{new_id, utc_offset};
use crate::error::Result;
use crate::storage::{
    Newest, PageAt, ReviewState, TicketQueries, Verdict, VisitFilter, VisitQueries, VisitRows,
};

/// Most records of each kind `GET /api/reviews` lists: a supervisor's desk, not an export.
pub const REVIEW_LIMIT: u32 = 200;

fn conflict(m: &Mutation, field: Option<&str>, message: String) -> Rejected {
    Rejected {
        field: field.map(str::to_owned),
        ..Rejected::new(m.seq, RejectCode::Conflict, message)
    }
}

/// `visit.record`, after the domain's own checks (`Mutation::check`): the customer must be
/// known, the script and survey versions it names must exist and fit
/// (`VisitRecord::check_refs`), a task it names must be the pusher's open task about that
/// customer (`task::check_visit_task`), and the id must be new (found by the insert itself,
/// so a record failing an earlier check is rejected for that one).
pub fn record_visit<S: PushStorage>(
    s: &S,
    user: &User,
    device: Uuid,
    m: &Mutation,
    v: &VisitRecord,
    now: DateTime<Utc>,
) -> Verdict {
    if !s.customer_exists(v.customer_id)? {
        return Ok(Err(conflict(
            m,
            Some("customer_id"),
            format!("unknown customer {}", v.customer_id),
        )));
    }
    let script = match &v.script {
        Some(used) => s.script_version(used.script_id, used.version)?,
        None => None,
    };
    let survey = match &v.survey {
        Some(answered) => s.survey_version(answered.survey_id, answered.version)?,
        None => None,
    };
    if let Err(r) = v.check_refs(m.seq, script.as_ref(), survey.as_ref()) {
        return Ok(Err(r));
    }
    let task = match v.task_id {
        Some(id) => {
            let task = s.task(id)?;
            if let Err(e) = check_visit_task(id, task.as_ref(), user.id, v.customer_id) {
                return Ok(Err(conflict(m, Some("task_id"), e.to_string())));
            }
            task
        }
        None => None,
    };
    let inserted = s.insert_visit(crate::storage::NewVisit {
        mutation: m,
        device,
        user: user.id,
        record: v,
        nps: match (&survey, &v.survey) {
            (Some(survey), Some(answered)) => nps_answer(survey, &answered.answers),
            _ => None,
        },
        received_at: now,
    })?;
    if !inserted {
        return Ok(Err(conflict(
            m,
            None,
            format!("a visit with id {} already exists", m.id),
        )));
    }
    if let Some(task) = &task {
        s.complete_task(task, m.id, user.id, now)?;
        if let TaskSource::Ticket { ticket_id } = task.source {
            super::tickets::revisit_answered(s, user, m.id, v, ticket_id, now)?;
        }
    }
    schedule_retry(s, user, m.id, v, task.as_ref(), now)?;
    Ok(Ok(()))
}

/// A visit that did not reach the customer (no answer, or asked to call back) gets its next
/// attempt as a new phone task for the pusher, outside quiet hours, until
/// `domain::task::MAX_ATTEMPTS`; the visit's task, if any, is done either way (一事一记: the
/// attempt is recorded, the retry is a task of its own). The attempt count is the higher of
/// the record's and the task's, so a device that forgot to carry it over cannot restart the
/// count and call a customer forever. The task says why by a code (`retry_reason`), which
/// each device words in its own language.
pub fn schedule_retry<S: PushStorage>(
    s: &S,
    user: &User,
    visit: Uuid,
    v: &VisitRecord,
    task: Option<&VisitTask>,
    now: DateTime<Utc>,
) -> Result<Option<VisitTask>> {
    let Some((_, settings)) = s.settings()? else {
        return Ok(None);
    };
    let attempt = task.map_or(v.attempt, |t| t.attempt.max(v.attempt));
    let Some(next) = next_attempt(
        v.outcome,
        attempt,
        v.contacted_at,
        v.call_back_at,
        &settings.quiet_hours,
        utc_offset(&settings)?,
    ) else {
        return Ok(None);
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
        note: String::new(),
        retry_reason: Some(next.reason),
        version: 0,
    };
    s.insert_task(retry, Some(user.id), now).map(Some)
}

/// `review.decide` on a visit record. A later decision replaces an earlier one (a returned
/// record is signed off once corrected); the audit trail keeps both.
pub fn review_visit<S: VisitRows>(
    s: &S,
    user: &User,
    m: &Mutation,
    visit: Uuid,
    review: &Review,
    now: DateTime<Utc>,
) -> Verdict {
    let Some(before) = s.visit_review(visit)? else {
        return Ok(Err(conflict(
            m,
            Some("target"),
            format!("unknown visit {visit}"),
        )));
    };
    s.set_visit_review(visit, review, before.as_ref(), user.id, now)?;
    Ok(Ok(()))
}

/// One page of visits, newest first: by arrival at the server, then by contact time (a
/// device that was offline for a week delivers old contacts; they show up as news).
pub fn list_visits<S: VisitQueries>(s: &S, filter: VisitFilter, at: &PageAt) -> Result<VisitList> {
    let page = s.visit_page(filter, at)?;
    Ok(VisitList {
        visits: page.items,
        total: page.total,
        next: page.next.map(|c| c.encode()),
    })
}

/// Visits and ticket resolutions in one review state (pending: no decision yet), newest
/// first, at most [`REVIEW_LIMIT`] of each.
pub fn review_queue<S: VisitQueries + TicketQueries>(
    s: &S,
    state: ReviewState,
) -> Result<ReviewQueue> {
    let filter = VisitFilter {
        review: Some(state),
        ..VisitFilter::default()
    };
    Ok(ReviewQueue {
        visits: s.visit_summaries(filter, Newest::Received, REVIEW_LIMIT)?,
        tickets: super::tickets::in_review(s, state, REVIEW_LIMIT)?,
    })
}
