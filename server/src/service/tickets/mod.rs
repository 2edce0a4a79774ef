//! 工单 use cases: intake (graded, routed, clocks started; a linked report counted on its
//! ticket), updates merged field by field in arrival order, what follows a resolution, a
//! revisit's answer, a review, breached clocks escalated to the supervisors, and the reads.
//!
//! The rules are the domain's (`huifang_domain::ticket`); these functions look up the facts
//! they need through [`TicketQueries`], call the rules, and write through [`TicketRows`]. A
//! ticket is loaded whole, changed in memory and saved only once every check has passed, so a
//! rejected mutation writes nothing.

mod reads;
mod sweep;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use huifang_domain::people::Person;
use huifang_domain::task::{Priority, TaskSource, TaskStatus, VisitTask};
use huifang_domain::ticket::{
    AfterResolve, Edit, Impact, NewAssignee, OpeningRules, RefusalKind, Resolution, Review,
    RevisitVerdict, Staff, TicketAction, TicketIntake, TicketUpdate, after_resolve, apply_update,
    is_key_customer, may_update, open_ticket, pick_revisitor, repeat_window, report_day,
    reviewable, revisit_kind, revisit_verdict,
};
use huifang_domain::{Mutation, RejectCode, Rejected, User, VisitRecord};
use uuid::Uuid;

pub use reads::{coverage, duplicates, in_review, list, one, pulled};
pub use sweep::{SWEEP_BATCH, record_sweep, sweep};

use super::{new_id, utc_offset};
use crate::error::{AppError, Result};
use crate::storage::{
    CatalogQueries, ClockMeta, CustomerQueries, Rules, StoredTicket, TaskRows, TicketAudit,
    TicketQueries, TicketRows, UserQueries, Verdict,
};

/// Everything the ticket use cases read and write.
pub trait TicketStorage:
    TicketRows + TaskRows + CustomerQueries + UserQueries + CatalogQueries
{
}

impl<S: TicketRows + TaskRows + CustomerQueries + UserQueries + CatalogQueries> TicketStorage
    for S
{
}

/// A revisit is due within this long after the resolution (DOMAIN.md: revisit within 3 days).
const REVISIT_WITHIN: Duration = Duration::days(3);
/// The name on timeline entries the server writes itself (a breached clock).
const SYSTEM_NAME: &str = "系统";

fn reject(seq: u64, code: RejectCode, field: Option<&str>, message: String) -> Rejected {
    Rejected {
        field: field.map(str::to_owned),
        ..Rejected::new(seq, code, message)
    }
}

impl StoredTicket {
    /// Keeps the rules of clocks the domain started, beside them.
    fn started(&mut self, rules: impl IntoIterator<Item = huifang_domain::sla::ClockRule>) {
        self.clocks.extend(rules.into_iter().map(|rule| ClockMeta {
            id: None,
            rule,
            breached_at: None,
        }));
    }

    fn escalate(&mut self, now: DateTime<Utc>) {
        self.escalated_at.get_or_insert(now);
    }

    fn transition(&mut self, action: TicketAction, by: &User, now: DateTime<Utc>) -> Result<()> {
        self.ticket
            .transition(action, by, now)
            .map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// The organisation's offset from UTC in minutes: its calendar days are the repeat count's.
fn org_offset<S: CatalogQueries>(s: &S) -> Result<i32> {
    s.settings()?
        .map(|(_, settings)| settings.utc_offset_minutes)
        .ok_or_else(|| AppError::Internal("the settings are missing".into()))
}

/// `ticket.create`. The mutation id is the ticket's id (or, for a linked report, the
/// report's), so a replay from another batch finds it and changes nothing. A report linked to
/// an open ticket is counted there; otherwise the ticket is opened, graded with the number of
/// reports of its sub-problem in each of the grading rules' windows (`repeat_window`: local
/// calendar days, this report included), read from the per-day totals.
pub fn create<S: TicketStorage>(
    s: &S,
    user: &User,
    m: &Mutation,
    intake: &TicketIntake,
    now: DateTime<Utc>,
) -> Verdict {
    if s.report_known(m.id)? {
        return Ok(Ok(()));
    }
    if let Some(customer) = intake.customer_id
        && !s.customer_exists(customer)?
    {
        return Ok(Err(reject(
            m.seq,
            RejectCode::Conflict,
            Some("customer_id"),
            format!("unknown customer {customer}"),
        )));
    }
    let offset = org_offset(s)?;
    let day = report_day(now, offset);
    if let Some(original) = intake.duplicate_of
        && let Some(mut t) = s.ticket(original)?
        && t.ticket.add_report(intake.channel, user, now)
    {
        s.add_report(m.id, original, intake, user.id, now, day)?;
        let audit = TicketAudit::Reported {
            by: user.id,
            report: m.id,
            channel: intake.channel,
        };
        s.save_ticket(&mut t, audit, now)?;
        return Ok(Ok(()));
    }
    let rules = s.ticket_rules()?;
    let mut similar = BTreeMap::new();
    for days in rules.grading.repeat_windows() {
        let (first, last) = repeat_window(now, offset, days);
        let earlier = s.reports_on_days(&intake.sub_problem, first, last)?;
        similar.insert(days, earlier + 1);
    }
    let opening = OpeningRules {
        grading: &rules.grading,
        routing: &rules.routing,
        sla: &rules.sla,
    };
    let opened = open_ticket(m.id, intake, similar, opening, user, now);
    let mut t = StoredTicket::new(opened.ticket, user.id);
    if opened.escalate {
        t.escalate(now);
    }
    t.started(opened.clock_rules);
    s.save_ticket(&mut t, TicketAudit::Created { by: user.id }, now)?;
    s.add_report(m.id, m.id, intake, user.id, now, day)?;
    Ok(Ok(()))
}

/// `ticket.update`: refused unless the domain allows it (`may_update`, then `apply_update`
/// with the new assignee's role looked up); applied, a resolution leads on to a revisit or
/// closure, and leaving the revisit by hand cancels its task.
pub fn update<S: TicketStorage>(
    s: &S,
    user: &User,
    m: &Mutation,
    u: &TicketUpdate,
    now: DateTime<Utc>,
) -> Verdict {
    let Some(mut t) = s.ticket(m.id)? else {
        return Ok(Err(reject(
            m.seq,
            RejectCode::Conflict,
            None,
            format!("unknown ticket {}", m.id),
        )));
    };
    if let Err(refusal) = may_update(&t.ticket, Some(t.created_by), user.role, user.id, u) {
        return Ok(Err(reject(
            m.seq,
            RejectCode::Forbidden,
            None,
            refusal.message,
        )));
    }
    let rules = s.ticket_rules()?;
    let new_assignee = match u.set.assignee {
        None => NewAssignee::Unchecked,
        Some(a) => match s.user(a)? {
            None => NewAssignee::Unknown,
            Some(found) => NewAssignee::Found(found.role),
        },
    };
    let edit = Edit {
        by: user,
        edited_at: m.at,
        now,
        new_assignee,
        sla: &rules.sla,
    };
    let updated = match apply_update(&t.ticket, u, &edit) {
        Ok(updated) => updated,
        Err(refusal) => {
            let code = match refusal.kind {
                RefusalKind::Forbidden => RejectCode::Forbidden,
                RefusalKind::Conflict => RejectCode::Conflict,
                RefusalKind::Invalid => RejectCode::Invalid,
            };
            return Ok(Err(reject(m.seq, code, refusal.field, refusal.message)));
        }
    };
    let before = std::mem::replace(&mut t.ticket, updated.ticket);
    t.started(updated.started);
    if updated.resolved {
        t.resolved_at.get_or_insert(now);
        resolved(s, &mut t, user, &rules, now)?;
    }
    if updated.left_revisit {
        s.cancel_revisit_tasks(t.ticket.id, user.id, now)?;
    }
    let audit = TicketAudit::Changed {
        action: "ticket.update",
        by: user.id,
        before: &before,
    };
    s.save_ticket(&mut t, audit, now)?;
    Ok(Ok(()))
}

/// What follows a resolution (`domain::ticket::after_resolve`), with the facts it needs
/// looked up only when a revisit is possible at all.
fn resolved<S: TicketStorage>(
    s: &S,
    t: &mut StoredTicket,
    by: &User,
    rules: &Rules,
    now: DateTime<Utc>,
) -> Result<()> {
    let intake = &t.ticket.intake;
    let mut facts = Resolution {
        ticket: t.ticket.id,
        nature: intake.nature,
        customer: intake.customer_id,
        anonymous: intake.is_anonymous(),
        revisits: t.ticket.revisits,
        key_customer: false,
        revisitor: None,
    };
    if let Some(customer) = facts.customer
        && facts.revisits < huifang_domain::ticket::MAX_REVISITS
    {
        facts.key_customer = s
            .customer(customer)?
            .is_some_and(|c| is_key_customer(c.class, c.vip));
        facts.revisitor = revisitor(s, t, rules)?;
    }
    match after_resolve(&facts, &rules.revisit) {
        AfterResolve::Escalate => {
            t.escalate(now);
            Ok(())
        }
        AfterResolve::Close => t.transition(TicketAction::Close, by, now),
        AfterResolve::Revisit { customer, assignee } => {
            t.transition(TicketAction::ScheduleRevisit, by, now)?;
            schedule_revisit(s, t, customer, assignee, by, now)
        }
    }
}

/// Who revisits: the rule of the ticket's grade (`domain::ticket::pick_revisitor`), its
/// handlers looked up only when the rule asks for them.
fn revisitor<S: TicketQueries + UserQueries>(
    s: &S,
    t: &StoredTicket,
    rules: &Rules,
) -> Result<Option<Uuid>> {
    let handlers = || -> Result<Vec<Uuid>> {
        let visitor = match t.ticket.intake.visit_id {
            Some(v) => s.visit_author(v)?,
            None => None,
        };
        Ok([t.ticket.assignee, visitor, Some(t.created_by)]
            .into_iter()
            .flatten()
            .collect())
    };
    pick_revisitor(
        rules.revisit.revisitor(t.ticket.grade.impact),
        handlers,
        |id| Ok(s.person(id)?.as_ref().map(staff)),
    )
}

/// What the revisit rules know of an account: its role, and whether an admin disabled it.
pub fn staff(p: &Person) -> Staff {
    Staff {
        role: p.role,
        disabled: p.disabled_at.is_some(),
    }
}

/// The revisit as an ordinary visit task, due outside quiet hours within
/// [`REVISIT_WITHIN`] (at least an hour after it may start).
fn schedule_revisit<S: TicketStorage>(
    s: &S,
    t: &StoredTicket,
    customer: Uuid,
    assignee: Uuid,
    by: &User,
    now: DateTime<Utc>,
) -> Result<()> {
    let due_from = match s.settings()? {
        Some((_, settings)) => settings
            .quiet_hours
            .next_allowed(now, utc_offset(&settings)?),
        None => now,
    };
    let due_until = (now + REVISIT_WITHIN).max(due_from + Duration::hours(1));
    let attempt = t.ticket.revisits + 1;
    let resolution = t.ticket.resolution.as_deref().unwrap_or_default();
    let task = VisitTask {
        id: new_id(),
        customer_id: customer,
        assignee,
        visit_type: revisit_kind(t.ticket.intake.nature),
        planned_channel: huifang_domain::Channel::Phone,
        priority: if t.ticket.grade.impact == Impact::General {
            Priority::Normal
        } else {
            Priority::High
        },
        due_from,
        due_until,
        attempt,
        source: TaskSource::Ticket {
            ticket_id: t.ticket.id,
        },
        status: TaskStatus::Open,
        note: format!(
            "工单第 {attempt} 次回访:确认处理结果是否满意。处理结果:{}",
            resolution.chars().take(200).collect::<String>()
        ),
        retry_reason: None,
        version: 0,
    };
    s.insert_task(task, Some(by.id), now)?;
    Ok(())
}

/// The answer of a revisit (a visit carrying out a task whose source is the ticket):
/// satisfied closes, unsatisfied reopens with a new Resolve clock (its next resolution
/// schedules the next revisit), not reached leaves it to the task's retry.
pub fn revisit_answered<S: TicketStorage>(
    s: &S,
    user: &User,
    visit: Uuid,
    record: &VisitRecord,
    ticket: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let verdict = revisit_verdict(record);
    if verdict == RevisitVerdict::NotReached {
        return Ok(());
    }
    let Some(mut t) = s.ticket(ticket)? else {
        return Ok(());
    };
    let before = t.ticket.clone();
    let recorded = t
        .ticket
        .record_revisit(visit, verdict, user, &s.ticket_rules()?.sla, now)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if let Some(recorded) = recorded {
        t.started(recorded.restarted);
        if recorded.escalate {
            t.escalate(now);
        }
    }
    let audit = TicketAudit::Changed {
        action: "ticket.revisit",
        by: user.id,
        before: &before,
    };
    s.save_ticket(&mut t, audit, now)
}

/// `review.decide` on a ticket: only a written resolution can be reviewed.
pub fn review<S: TicketStorage>(
    s: &S,
    user: &User,
    m: &Mutation,
    ticket: Uuid,
    review: &Review,
    now: DateTime<Utc>,
) -> Verdict {
    let Some(mut t) = s.ticket(ticket)? else {
        return Ok(Err(reject(
            m.seq,
            RejectCode::Conflict,
            Some("target"),
            format!("unknown ticket {ticket}"),
        )));
    };
    if !reviewable(&t.ticket) {
        return Ok(Err(reject(
            m.seq,
            RejectCode::Conflict,
            Some("target"),
            format!("ticket {ticket} has no resolution to review"),
        )));
    }
    let before = t.ticket.clone();
    t.ticket.record_review(review, user, now);
    let audit = TicketAudit::Changed {
        action: "review.decide",
        by: user.id,
        before: &before,
    };
    s.save_ticket(&mut t, audit, now)?;
    Ok(Ok(()))
}
