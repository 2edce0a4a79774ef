//! What a user can do to a ticket from its page, and the `ticket.update` each action sends.
//! Which actions are offered follows from the lifecycle and from [`may_update`], the rule the
//! server applies, so the page never offers what the server would refuse.

use uuid::Uuid;

use super::change::{TicketFields, TicketUpdate};
use super::update::may_update;
use super::vocabulary::{TicketAction, TicketState};
use super::wire::Ticket;
use crate::auth::Role;
use crate::wire::wire_enum;

wire_enum!(
    /// One step a user takes on a ticket.
    UserAction {
        Assign => "assign",
        Start => "start",
        Note => "note",
        Wait => "wait",
        Resume => "resume",
        Resolve => "resolve",
        Reopen => "reopen",
        Close => "close",
    }
);

/// The order the page offers the actions in: the lifecycle's next step first, the note last.
const OFFERED: [UserAction; 8] = [
    UserAction::Assign,
    UserAction::Start,
    UserAction::Wait,
    UserAction::Resume,
    UserAction::Resolve,
    UserAction::Close,
    UserAction::Reopen,
    UserAction::Note,
];

impl UserAction {
    pub fn lifecycle(self) -> Option<TicketAction> {
        match self {
            UserAction::Assign => Some(TicketAction::Assign),
            UserAction::Start => Some(TicketAction::Start),
            UserAction::Resolve => Some(TicketAction::Resolve),
            UserAction::Reopen => Some(TicketAction::Reopen),
            UserAction::Close => Some(TicketAction::Close),
            UserAction::Note | UserAction::Wait | UserAction::Resume => None,
        }
    }

    /// Waiting on the customer is toggled while the ticket is worked on.
    fn fits(self, t: &Ticket) -> bool {
        let in_progress = t.state == TicketState::InProgress;
        match self {
            UserAction::Wait => in_progress && !t.waiting_on_customer,
            UserAction::Resume => in_progress && t.waiting_on_customer,
            other => other.lifecycle().is_none_or(|a| t.state.apply(a).is_ok()),
        }
    }
}

/// The actions the lifecycle ([`TicketState::apply`]) and [`may_update`] allow `me` in
/// `role`: those who manage tickets assign, close and reopen; the assignee (or a manager)
/// works the ticket; whoever works or reported it may add a note.
pub fn allowed_actions(t: &Ticket, role: Role, me: Uuid) -> Vec<UserAction> {
    OFFERED
        .into_iter()
        .filter(|a| a.fits(t))
        .filter(|a| {
            let probe = build_update(t, *a, &ActionInput::default());
            may_update(t, t.reported_by(), role, me, &probe).is_ok()
        })
        .collect()
}

/// What the user typed for an action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionInput {
    pub assignee: Option<Uuid>,
    pub resolution: String,
    pub note: String,
}

/// The `ticket.update` an action sends. `base` holds the values the user saw of every field
/// it sets, so the server can tell a crossing edit from another device.
pub fn build_update(t: &Ticket, action: UserAction, input: &ActionInput) -> TicketUpdate {
    let mut set = TicketFields::default();
    let mut base = TicketFields::default();
    let note = Some(input.note.trim().to_owned()).filter(|n| !n.is_empty());
    let mut waiting = None;
    match action {
        UserAction::Assign => {
            set.assignee = input.assignee;
            base.assignee = t.assignee;
        }
        UserAction::Resolve => {
            set.resolution = Some(input.resolution.trim().to_owned());
            base.resolution = t.resolution.clone();
        }
        UserAction::Wait => waiting = Some(true),
        UserAction::Resume => waiting = Some(false),
        _ => {}
    }
    TicketUpdate {
        action: action.lifecycle(),
        set,
        base,
        note,
        waiting_on_customer: waiting,
    }
}
