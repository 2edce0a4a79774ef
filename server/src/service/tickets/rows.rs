//! The storage interface of the ticket use cases: `TicketQueries` reads, `TicketRows` writes,
//! and each write records its own audit row. The SQLite implementation is `store::tickets`.

use chrono::{DateTime, Utc};
use huifang_domain::calendar::BusinessCalendar;
use huifang_domain::sla::{ClockRule, SlaPolicy};
use huifang_domain::task::VisitTask;
use huifang_domain::ticket::{
    GradingRules, IntakeChannel, Nature, RevisitTargets, RoutingMap, Ticket, TicketIntake,
    TicketState,
};
use huifang_domain::{CustomerClass, Role, Settings};
use uuid::Uuid;

use crate::error::Result;

/// A ticket as stored, with what the wire type does not carry.
#[derive(Debug, Clone)]
pub struct StoredTicket {
    /// The intake keeps the full contact; what leaves the server is masked.
    pub ticket: Ticket,
    pub created_by: Uuid,
    /// When it entered the supervisors' queue.
    pub escalated_at: Option<DateTime<Utc>>,
    /// When it was first resolved (revisit coverage counts by it).
    pub resolved_at: Option<DateTime<Utc>>,
    /// Parallel to `ticket.clocks`.
    pub clocks: Vec<ClockMeta>,
    /// How many timeline and history entries are stored; a save adds the ones after them
    /// (both lists are append-only).
    pub saved_timeline: usize,
    pub saved_history: usize,
}

/// What a clock keeps beside its record: the rule it started with and its recorded breach.
#[derive(Debug, Clone)]
pub struct ClockMeta {
    /// The storage's key of the clock; `None` until it is first saved.
    pub id: Option<i64>,
    pub rule: ClockRule,
    pub breached_at: Option<DateTime<Utc>>,
}

impl StoredTicket {
    /// A ticket just opened, not stored yet.
    pub fn new(ticket: Ticket, created_by: Uuid) -> Self {
        StoredTicket {
            ticket,
            created_by,
            escalated_at: None,
            resolved_at: None,
            clocks: Vec::new(),
            saved_timeline: 0,
            saved_history: 0,
        }
    }
}

/// Every ticket rule set, read at once for one decision.
#[derive(Debug, Clone)]
pub struct Rules {
    pub grading: GradingRules,
    pub sla: SlaPolicy,
    pub routing: RoutingMap,
    pub revisit: RevisitTargets,
}

/// `GET /api/tickets` filters.
#[derive(Debug, Clone, Copy, Default)]
pub struct TicketFilter {
    pub state: Option<TicketState>,
    pub assignee: Option<Uuid>,
    pub queue: Option<TicketQueue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketQueue {
    /// Breached clocks, urgent tickets and revisits exhausted: the supervisors' queue.
    Escalated,
    /// Assigned to the asking user.
    Mine,
    /// Resolutions awaiting a supervisor's review.
    Review,
}

/// One page of `GET /api/tickets` as the storage is asked for it.
#[derive(Debug, Clone, Copy)]
pub struct TicketPage {
    pub filter: TicketFilter,
    /// Only tickets assigned to or reported by this user; `None`: every ticket.
    pub visible_to: Option<Uuid>,
    /// The asking user, for [`TicketQueue::Mine`].
    pub asker: Uuid,
    pub page: u32,
    pub per_page: u32,
}

/// How a ticket change goes to the audit trail.
#[derive(Debug, Clone, Copy)]
pub enum TicketAudit<'a> {
    /// No row: the server's own breach sweep.
    None,
    /// `ticket.create`.
    Created { by: Uuid },
    /// Another report counted on the ticket (`ticket.report`).
    Reported {
        by: Uuid,
        report: Uuid,
        channel: IntakeChannel,
    },
    /// A change (`ticket.update`, `ticket.revisit`, `review.decide`) with the ticket before.
    Changed {
        action: &'static str,
        by: Uuid,
        before: &'a Ticket,
    },
}

/// What the ticket use cases read.
pub trait TicketQueries {
    fn ticket(&self, id: Uuid) -> Result<Option<StoredTicket>>;
    fn ticket_rules(&self) -> Result<Rules>;
    fn business_calendar(&self) -> Result<BusinessCalendar>;
    /// The organisation's settings (quiet hours, UTC offset), when there are any.
    fn ticket_settings(&self) -> Result<Option<Settings>>;
    /// Whether a report (the mutation id of a `ticket.create`) is already counted.
    fn report_known(&self, id: Uuid) -> Result<bool>;
    /// Reports of this sub-problem at or after `since`, on any ticket and channel.
    fn reports_since(&self, sub_problem: &str, since: DateTime<Utc>) -> Result<u32>;
    /// A registered customer's class and VIP flag; `None`: no such customer.
    fn customer_class(&self, id: Uuid) -> Result<Option<(Option<CustomerClass>, bool)>>;
    fn user_role(&self, id: Uuid) -> Result<Option<Role>>;
    /// Who recorded a visit.
    fn visit_author(&self, visit: Uuid) -> Result<Option<Uuid>>;
    /// Tickets with a clock neither met nor recorded as breached, closed ones left out.
    fn tickets_with_running_clocks(&self) -> Result<Vec<Uuid>>;
    /// A page of the list and the number of tickets matching its filter.
    fn ticket_page(&self, q: TicketPage) -> Result<(u64, Vec<StoredTicket>)>;
    /// Tickets changed after `since`, by version, at most `limit`.
    fn tickets_since(
        &self,
        visible_to: Option<Uuid>,
        since: u64,
        limit: usize,
    ) -> Result<Vec<StoredTicket>>;
    /// Resolutions by review decision (`None`: no decision yet), newest change first.
    fn tickets_by_review(&self, decision: Option<&str>, limit: u32) -> Result<Vec<StoredTicket>>;
    /// Open tickets of this sub-problem created at or after `since`, newest first, at most 50.
    fn open_tickets_about(
        &self,
        sub_problem: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<StoredTicket>>;
    /// The nature and revisit count of tickets of registered customers first resolved in
    /// `[from, to)`.
    fn resolved_between(&self, from: DateTime<Utc>, to: DateTime<Utc>)
    -> Result<Vec<(Nature, u8)>>;
}

/// What the ticket use cases write.
pub trait TicketRows: TicketQueries {
    /// Writes the ticket under a new change version (so pulls deliver it), its clocks, the
    /// timeline and history entries added since it was loaded, and the audit row.
    fn save_ticket(
        &self,
        t: &mut StoredTicket,
        audit: TicketAudit<'_>,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Counts a report (`id`: its mutation id) of `intake` on `ticket`.
    fn add_report(
        &self,
        id: Uuid,
        ticket: Uuid,
        intake: &TicketIntake,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Stores a revisit task (`task.create` in the audit trail).
    fn add_revisit_task(&self, task: VisitTask, by: Uuid, now: DateTime<Utc>) -> Result<()>;
    /// Cancels the open revisit tasks of a ticket (`task.cancel` each).
    fn cancel_revisit_tasks(&self, ticket: Uuid, by: Uuid, now: DateTime<Utc>) -> Result<()>;
}
