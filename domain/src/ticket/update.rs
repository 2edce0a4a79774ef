//! A change to a ticket (`ticket.update`): who may make it, and what it does. The server
//! applies it for real; the device lays its queued changes over its copy with the same
//! function, so what a user sees offline is what the server will most likely keep.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::change::{FieldChange, TicketFields, TicketUpdate, merge_field};
use super::lifecycle::{clocks_met_by, clocks_met_by_note};
use super::vocabulary::{TicketAction, TicketState};
use super::wire::{Ticket, TimelineEvent};
use crate::auth::{Role, User};
use crate::sla::{ClockKind, ClockRule, SlaPolicy};

/// Why a change is refused, in the terms of a rejected mutation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// The user may not make this change.
    Forbidden,
    /// The ticket (or the user it names) does not allow it as it stands.
    Conflict,
    /// The change contradicts itself.
    Invalid,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    pub kind: RefusalKind,
    pub field: Option<&'static str>,
    pub message: String,
}

impl Refusal {
    fn new(kind: RefusalKind, field: Option<&'static str>, message: String) -> Self {
        Refusal {
            kind,
            field,
            message,
        }
    }
}

/// What the caller knows of the user a change assigns the ticket to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewAssignee {
    /// Not looked up (the device): taken as given, the server checks it.
    Unchecked,
    /// No such user.
    Unknown,
    Found(Role),
}

/// Who makes a change, when, and under which deadlines.
#[derive(Debug, Clone, Copy)]
pub struct Edit<'a> {
    pub by: &'a User,
    /// When the user made the change (device time): notes and history carry it.
    pub edited_at: DateTime<Utc>,
    /// When it takes effect: state changes and clocks carry it.
    pub now: DateTime<Utc>,
    pub new_assignee: NewAssignee,
    pub sla: &'a SlaPolicy,
}

/// A ticket after a change, with what the caller keeps beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Updated {
    pub ticket: Ticket,
    /// The rules of the clocks the change started, in the order they were appended.
    pub started: Vec<ClockRule>,
    /// The change resolved the ticket: a revisit or the closure follows.
    pub resolved: bool,
    /// The ticket was waiting for a revisit and no longer is: that revisit is moot.
    pub left_revisit: bool,
}

/// Field and agent staff work the tickets assigned to them (notes, waiting, start, resolve,
/// the resolution text) and may add notes to the ones they reported; the rest is for those
/// who manage tickets.
pub fn may_update(
    ticket: &Ticket,
    reporter: Option<Uuid>,
    role: Role,
    me: Uuid,
    u: &TicketUpdate,
) -> Result<(), Refusal> {
    if role.can_manage_tickets() {
        return Ok(());
    }
    let forbidden = |message| Err(Refusal::new(RefusalKind::Forbidden, None, message));
    let only_note =
        u.action.is_none() && u.set == TicketFields::default() && u.waiting_on_customer.is_none();
    if ticket.assignee != Some(me) {
        return if only_note && reporter == Some(me) {
            Ok(())
        } else {
            forbidden(format!("ticket {} is not assigned to you", ticket.id))
        };
    }
    let other_fields = TicketFields {
        resolution: None,
        ..u.set.clone()
    };
    if other_fields != TicketFields::default() {
        return forbidden(
            "only a supervisor changes assignee, department, grade or category".into(),
        );
    }
    match u.action {
        None | Some(TicketAction::Start | TicketAction::Resolve) => Ok(()),
        Some(a) => forbidden(format!("only a supervisor may {}", a.as_str())),
    }
}

/// The JSON of a field value as the history keeps it; these values always serialize.
fn json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Applies a change the user may make ([`may_update`]): fields merged one by one in arrival
/// order (the overwritten value goes to history, flagged when the editor's `base` was stale),
/// the note appended, the action applied, clocks paused, resumed, met and started. A refused
/// change leaves the ticket as it was.
pub fn apply_update(ticket: &Ticket, u: &TicketUpdate, edit: &Edit) -> Result<Updated, Refusal> {
    let conflict = |field, message| Err(Refusal::new(RefusalKind::Conflict, field, message));
    let (by, now) = (edit.by, edit.now);
    let mut t = ticket.clone();
    let was_state = t.state;
    let was_grade = (t.grade.impact, t.grade.priority);

    let (set, base) = (&u.set, &u.base);
    let mut changes: Vec<FieldChange> = Vec::new();
    let mut merge = |field: &str, stored: Value, base: Option<Value>, new: Option<Value>| {
        if let Some(c) = new
            .and_then(|new| merge_field(field, &stored, base.as_ref(), new, by.id, edit.edited_at))
        {
            changes.push(c);
        }
    };
    merge(
        "assignee",
        json(&t.assignee),
        base.assignee.map(|v| json(&v)),
        set.assignee.map(|v| json(&v)),
    );
    merge(
        "department",
        json(&t.department),
        base.department.as_ref().map(json),
        set.department.as_ref().map(json),
    );
    merge(
        "impact",
        json(&t.grade.impact),
        base.impact.map(|v| json(&v)),
        set.impact.map(|v| json(&v)),
    );
    merge(
        "priority",
        json(&t.grade.priority),
        base.priority.map(|v| json(&v)),
        set.priority.map(|v| json(&v)),
    );
    merge(
        "nature",
        json(&t.intake.nature),
        base.nature.map(|v| json(&v)),
        set.nature.map(|v| json(&v)),
    );
    merge(
        "sub_problem",
        json(&t.intake.sub_problem),
        base.sub_problem.as_ref().map(json),
        set.sub_problem.as_ref().map(json),
    );
    merge(
        "resolution",
        json(&t.resolution),
        base.resolution.as_ref().map(json),
        set.resolution.as_ref().map(json),
    );

    let mut to_supervisor = false;
    if let Some(a) = set.assignee {
        match edit.new_assignee {
            NewAssignee::Found(role) if !role.can_work_tickets() => {
                return conflict(
                    Some("assignee"),
                    format!("role {} does not work tickets", role.as_str()),
                );
            }
            NewAssignee::Unknown => return conflict(Some("assignee"), format!("unknown user {a}")),
            NewAssignee::Found(role) => to_supervisor = role.takes_escalations(),
            NewAssignee::Unchecked => {}
        }
        t.assignee = Some(a);
    }
    if let Some(d) = &set.department {
        t.department = Some(d.clone());
    }
    if let Some(i) = set.impact {
        t.grade.impact = i;
    }
    if let Some(p) = set.priority {
        t.grade.priority = p;
    }
    if let Some(n) = set.nature {
        t.intake.nature = n;
    }
    if let Some(sub) = &set.sub_problem {
        t.intake.sub_problem = sub.clone();
    }
    if !t.intake.nature.has_sub_problem(&t.intake.sub_problem) {
        return Err(Refusal::new(
            RefusalKind::Invalid,
            Some("sub_problem"),
            format!(
                "{:?} is not a sub-problem of {:?}",
                t.intake.sub_problem, t.intake.nature
            ),
        ));
    }
    if let Some(r) = &set.resolution {
        if t.resolution.as_ref() != Some(r) {
            // A corrected resolution goes back to the supervisor.
            t.review = None;
        }
        t.resolution = Some(r.clone());
    }
    t.history.extend(changes);

    if let Some(note) = &u.note {
        t.add_entry(
            edit.edited_at,
            by,
            TimelineEvent::Note { text: note.clone() },
        );
    }
    if let Some(action) = u.action {
        if action == TicketAction::Assign && t.assignee.is_none() {
            return conflict(Some("assignee"), "assigning needs an assignee".into());
        }
        if let Err(e) = t.transition(action, by, now) {
            return conflict(None, e.to_string());
        }
    }
    if let Some(waiting) = u.waiting_on_customer {
        t.set_waiting(waiting, now);
    }

    if let Some(action) = u.action {
        t.meet(clocks_met_by(action), now);
    }
    if u.note.is_some() && t.assignee.is_some() {
        t.meet(clocks_met_by_note(t.state), now);
    }
    if to_supervisor {
        t.meet(&[ClockKind::Escalate], now);
    }
    let mut started = Vec::new();
    if (t.grade.impact, t.grade.priority) != was_grade && t.state.is_open() {
        started.extend(t.start_missing_clocks(edit.sla, now));
    }
    let resolved = u.action == Some(TicketAction::Resolve);
    if resolved {
        t.set_waiting(false, now);
    }
    if u.action == Some(TicketAction::Reopen) {
        started.extend(t.restart_resolve_clock(edit.sla, now));
    }
    let left_revisit = was_state == TicketState::Revisit && t.state != TicketState::Revisit;
    Ok(Updated {
        ticket: t,
        started,
        resolved,
        left_revisit,
    })
}

#[cfg(test)]
#[path = "update_tests.rs"]
mod tests;
