//! The ticket as it travels: the record the server keeps and the device shows, its timeline,
//! and the shapes of the ticket reads.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::change::FieldChange;
use super::grading::Grade;
use super::intake::TicketIntake;
use super::revisit::RevisitVerdict;
use super::vocabulary::{Department, IntakeChannel, TicketState};
use crate::review::{Review, ReviewDecision};
use crate::sla::{ClockKind, ClockRecord, ClockView};
use crate::visit::VisitSummary;

/// One line of a ticket's append-only timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub by: Uuid,
    pub by_name: String,
    pub event: TimelineEvent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TimelineEvent {
    Note {
        text: String,
    },
    State {
        from: TicketState,
        to: TicketState,
    },
    /// Another report of the same problem was linked to this ticket.
    Report {
        channel: IntakeChannel,
    },
    Revisit {
        visit_id: Uuid,
        verdict: RevisitVerdict,
    },
    /// A clock ran out and the ticket went to the supervisors' queue.
    Breached {
        clock: ClockKind,
    },
    Review {
        decision: ReviewDecision,
        comment: String,
    },
}

/// 工单 as the server keeps it and the device shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: Uuid,
    pub state: TicketState,
    /// Contact masked.
    pub intake: TicketIntake,
    pub grade: Grade,
    pub department: Option<Department>,
    pub assignee: Option<Uuid>,
    pub resolution: Option<String>,
    pub waiting_on_customer: bool,
    pub clocks: Vec<ClockRecord>,
    pub timeline: Vec<TimelineEntry>,
    /// Every overwritten field value, oldest first.
    pub history: Vec<FieldChange>,
    /// Reports merged into this ticket, this one included.
    pub reports: u32,
    /// How many revisits have asked the customer so far.
    pub revisits: u8,
    pub review: Option<Review>,
    pub created_at: DateTime<Utc>,
    pub version: u64,
}

/// `GET /api/tickets/{id}`: the ticket with every clock evaluated at the server's time,
/// in the order of `ticket.clocks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketView {
    pub ticket: Ticket,
    pub clocks: Vec<ClockView>,
}

/// `GET /api/tickets`: one page, newest change first (`crate::paging`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketList {
    pub tickets: Vec<TicketView>,
    pub total: crate::paging::ListTotal,
    /// The cursor of the next page (`?after=`); `None` on the last page.
    pub next: Option<String>,
}

/// `GET /api/reviews`: what awaits (or got) a supervisor's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewQueue {
    pub visits: Vec<VisitSummary>,
    pub tickets: Vec<Ticket>,
}
