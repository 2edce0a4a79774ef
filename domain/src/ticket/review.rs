//! A ticket before the supervisors: the review of its resolution and the escalation queue.
//! The server's list queries spell the same predicates in SQL
//! (`server/src/store/tickets.rs`, `list_tickets` and `tickets_by_review`).

use chrono::{DateTime, Utc};

use super::vocabulary::{Impact, TicketState};
use super::wire::{Ticket, TimelineEvent};
use crate::auth::User;
use crate::review::Review;
use crate::sla::ClockView;

/// Only a written resolution can be reviewed: resolved, revisited or closed with one.
pub fn reviewable(t: &Ticket) -> bool {
    t.resolution.is_some()
        && matches!(
            t.state,
            TicketState::Resolved | TicketState::Revisit | TicketState::Closed
        )
}

/// Resolved and not yet decided on.
pub fn awaits_review(t: &Ticket) -> bool {
    reviewable(t) && t.review.is_none()
}

/// In the supervisors' queue: open and urgent, or a clock ran out (`views` are the ticket's
/// clocks as they stand now; a breach already recorded counts too).
pub fn is_escalated(t: &Ticket, views: &[ClockView]) -> bool {
    t.state.is_open()
        && (t.grade.impact == Impact::Urgent
            || views.iter().any(|v| v.breached)
            || t.timeline
                .iter()
                .any(|e| matches!(e.event, TimelineEvent::Breached { .. })))
}

impl Ticket {
    /// Records a supervisor's decision on the resolution, on the timeline too.
    pub fn record_review(&mut self, review: &Review, by: &User, now: DateTime<Utc>) {
        self.review = Some(review.clone());
        self.add_entry(
            now,
            by,
            TimelineEvent::Review {
                decision: review.decision,
                comment: review.comment.clone(),
            },
        );
    }
}
