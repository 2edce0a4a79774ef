//! The storage interface the use cases (`crate::service`) run on: rows and queries, one pair
//! of traits per area, and nothing about what a push or a login means.
//!
//! `*Queries` traits only read; `*Rows` traits write, and each write records its own audit
//! row (every change goes to the audit trail, so a backend cannot forget it). The SQLite
//! implementations are in `crate::store`: reads on any connection, writes on a transaction
//! the caller opened, so a use case is all or nothing. A PostgreSQL backend implements the
//! same traits and reuses every service unchanged.

use chrono::{DateTime, NaiveDate, Utc};
use huifang_domain::audit::AuditEntry;
use huifang_domain::calendar::BusinessCalendar;
use huifang_domain::customer_book::CustomerFields;
use huifang_domain::import::ImportMapping;
use huifang_domain::scope::{CustomerLookup, TicketFacts};
use huifang_domain::script::Script;
use huifang_domain::sla::{ClockRule, SlaPolicy};
use huifang_domain::survey::Survey;
use huifang_domain::task::{TaskStatus, VisitTask};
use huifang_domain::ticket::{
    GradingRules, IntakeChannel, Nature, Review, RevisitTargets, RoutingMap, Ticket, TicketIntake,
    TicketState,
};
use huifang_domain::{
    Cursor, Customer, ListTotal, Mutation, Rejected, Role, Settings, User, VisitRecord,
    VisitSummary,
};
use uuid::Uuid;

use crate::error::Result;

/// The verdict on one pushed mutation. The outer `Result` is a storage failure (the whole
/// push rolls back); the inner one says whether the mutation was applied or rejected.
pub type Verdict = Result<std::result::Result<(), Rejected>>;

/// `GET /api/visits` filters.
#[derive(Debug, Clone, Copy, Default)]
pub struct VisitFilter {
    /// Only visits escalated to the supervisors (转接主管).
    pub escalated: bool,
    pub customer: Option<Uuid>,
    pub review: Option<ReviewState>,
}

/// Where a visit record or a ticket resolution stands in 主管审核.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    Pending,
    SignedOff,
    Returned,
}

impl ReviewState {
    /// The value of the `review_state` columns: the stored decision, or `pending` while
    /// there is none.
    pub fn column(self) -> &'static str {
        match self {
            ReviewState::Pending => "pending",
            ReviewState::SignedOff => "sign_off",
            ReviewState::Returned => "return",
        }
    }
}

/// Where a page of a list starts and how much it holds (`huifang_domain::paging`).
#[derive(Debug, Clone, Default)]
pub struct PageAt {
    /// The cursor the previous page handed out, as the client sent it back.
    pub after: Option<String>,
    pub limit: u32,
    /// Most rows the total counts (`huifang_domain::paging::TOTAL_CAP`).
    pub cap: u64,
}

/// One page of a list: its rows, the matching rows counted up to the cap, and where the next
/// page starts (`None`: this is the last).
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: ListTotal,
    pub next: Option<Cursor>,
}

/// `GET /api/audit` filters.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub user: Option<Uuid>,
    pub action: Option<String>,
    pub entity: Option<String>,
    /// Only with `entity`.
    pub entity_id: Option<String>,
    /// At or after.
    pub from: Option<DateTime<Utc>>,
    /// Before.
    pub to: Option<DateTime<Utc>>,
}

/// The audit trail, read (it is written by each `*Rows` change).
pub trait AuditQueries {
    /// Newest first.
    fn audit_page(&self, filter: &AuditFilter, at: &PageAt) -> Result<Page<AuditEntry>>;
}

/// How a list of visits is ordered, newest first.
#[derive(Debug, Clone, Copy)]
pub enum Newest {
    /// By arrival at the server: what a reviewer has not seen yet comes first.
    Received,
    /// By when the contact happened: a customer's history.
    Contacted,
}

/// `GET /api/tasks` filters.
#[derive(Debug, Clone, Copy, Default)]
pub struct TaskFilter {
    pub status: Option<TaskStatus>,
    pub assignee: Option<Uuid>,
}

/// A device as the push protocol knows it: whose it is and the last seq it processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Device {
    pub owner: Uuid,
    pub last_seq: u64,
}

/// Devices and the rejections of their mutations (the exactly-once bookkeeping of push).
pub trait DeviceRows {
    fn device(&self, id: Uuid) -> Result<Option<Device>>;
    fn add_device(&self, id: Uuid, owner: Uuid, now: DateTime<Utc>) -> Result<()>;
    fn set_last_seq(&self, id: Uuid, seq: u64) -> Result<()>;
    /// The rejection stored for an earlier processing of `seq`, to answer a replay the same.
    fn rejection(&self, device: Uuid, seq: u64) -> Result<Option<Rejected>>;
    fn add_rejection(&self, device: Uuid, r: &Rejected, now: DateTime<Utc>) -> Result<()>;
}

/// A visit as it is stored: the record and where and when it came from.
#[derive(Debug, Clone, Copy)]
pub struct NewVisit<'a> {
    pub mutation: &'a Mutation,
    pub device: Uuid,
    pub user: Uuid,
    pub record: &'a VisitRecord,
    pub received_at: DateTime<Utc>,
}

pub trait VisitQueries {
    /// The stored review of a visit: `None` for an unknown visit, `Some(None)` before any
    /// decision. JSON, so the audit trail gets back exactly what was stored.
    fn visit_review(&self, id: Uuid) -> Result<Option<Option<serde_json::Value>>>;
    /// A page of visits, [`Newest::Received`] first.
    fn visit_page(&self, filter: VisitFilter, at: &PageAt) -> Result<Page<VisitSummary>>;
    /// The first `limit` visits in `order`.
    fn visit_summaries(
        &self,
        filter: VisitFilter,
        order: Newest,
        limit: u32,
    ) -> Result<Vec<VisitSummary>>;
}

pub trait VisitRows: VisitQueries {
    /// Stores a new visit; `false` (and nothing written) when its id is already taken.
    fn insert_visit(&self, visit: NewVisit<'_>) -> Result<bool>;
    /// Replaces a visit's review (`before`: the one replaced, for the audit trail).
    fn set_visit_review(
        &self,
        visit: Uuid,
        review: &Review,
        before: Option<&serde_json::Value>,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
}

pub trait TaskQueries {
    fn task(&self, id: Uuid) -> Result<Option<VisitTask>>;
    /// A page by due time, then id.
    fn tasks(&self, filter: TaskFilter, at: &PageAt) -> Result<Page<VisitTask>>;
}

pub trait TaskRows: TaskQueries {
    /// Stores a new task under the next change version (returned in the task).
    fn insert_task(
        &self,
        task: VisitTask,
        by: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<VisitTask>;
    /// Closes an open task as done by `visit`, under a new change version.
    fn complete_task(
        &self,
        task: &VisitTask,
        visit: Uuid,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
}

pub trait CustomerQueries {
    fn customer_exists(&self, id: Uuid) -> Result<bool>;
    /// The customer with the contact masked.
    fn customer(&self, id: Uuid) -> Result<Option<Customer>>;
    /// The full contact, unmasked.
    fn contact(&self, id: Uuid) -> Result<Option<String>>;
}

pub trait CustomerRows: CustomerQueries {
    /// Records in the audit trail that `by` saw a full contact (only its masked form is kept).
    fn log_contact_reveal(
        &self,
        by: &User,
        customer: Uuid,
        contact_masked: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;
}

/// Settings, scripts and surveys.
pub trait CatalogQueries {
    /// The settings and their change version.
    fn settings(&self) -> Result<Option<(u64, Settings)>>;
    fn script_version(&self, id: Uuid, version: u32) -> Result<Option<Script>>;
    fn survey_version(&self, id: Uuid, version: u32) -> Result<Option<Survey>>;
    /// Current versions changed after `since`, with their change versions, at most `limit`.
    fn scripts_since(&self, since: u64, limit: usize) -> Result<Vec<(u64, Script)>>;
    fn surveys_since(&self, since: u64, limit: usize) -> Result<Vec<(u64, Survey)>>;
}

/// Users, their password hashes, sessions and failed logins.
pub trait UserQueries {
    fn user(&self, id: Uuid) -> Result<Option<User>>;
    /// Users by role (all when `None`), by display name.
    fn users(&self, role: Option<Role>) -> Result<Vec<User>>;
    /// The account a login names, with its password hash.
    fn login_account(&self, username: &str) -> Result<Option<(User, String)>>;
    /// How many failures `key` has at or after `since` (attempts still being checked
    /// included), and the oldest of them.
    fn failures(&self, key: &str, since: DateTime<Utc>) -> Result<(u64, Option<DateTime<Utc>>)>;
    /// The user of a session token hash and when the session expires.
    fn session(&self, token_hash: &str) -> Result<Option<(User, DateTime<Utc>)>>;
}

pub trait UserRows: UserQueries {
    /// `Err(UsernameTaken)` when the name is in use.
    fn insert_user(&self, user: &User, password_hash: &str, now: DateTime<Utc>) -> Result<()>;
    /// Counts a login attempt against `key` while its password is being checked.
    fn add_attempt(&self, key: &str, at: DateTime<Utc>, attempt: Uuid) -> Result<()>;
    /// The attempt's password was wrong: its rows stay, as failures.
    fn settle_failure(&self, attempt: Uuid) -> Result<()>;
    /// The attempt's password was right: its rows go.
    fn forget_attempt(&self, attempt: Uuid) -> Result<()>;
    fn forget_failures_before(&self, at: DateTime<Utc>) -> Result<()>;
    /// Forgets the settled failures of `key`; attempts still being checked stay counted.
    fn forget_failures_of(&self, key: &str) -> Result<()>;
    fn add_session(
        &self,
        token_hash: &str,
        user: Uuid,
        created_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;
    fn forget_sessions_expired_before(&self, at: DateTime<Utc>) -> Result<()>;
    fn delete_session(&self, token_hash: &str) -> Result<()>;
}

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

/// A clock the breach sweep is to look at, and where the sweep's reading stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueClock {
    pub check_at: DateTime<Utc>,
    /// The storage's key of the clock.
    pub clock: i64,
    pub ticket: Uuid,
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

/// Whose `GET /api/tickets` the storage is asked for.
#[derive(Debug, Clone, Copy)]
pub struct TicketPage {
    pub filter: TicketFilter,
    /// Only tickets assigned to or reported by this user; `None`: every ticket.
    pub visible_to: Option<Uuid>,
    /// The asking user, for [`TicketQueue::Mine`].
    pub asker: Uuid,
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

/// What the ticket use cases read beside customers, users and settings.
pub trait TicketQueries {
    fn ticket(&self, id: Uuid) -> Result<Option<StoredTicket>>;
    fn ticket_rules(&self) -> Result<Rules>;
    fn business_calendar(&self) -> Result<BusinessCalendar>;
    /// Whether a report (the mutation id of a `ticket.create`) is already counted.
    fn report_known(&self, id: Uuid) -> Result<bool>;
    /// Reports of this sub-problem counted on the days `first..=last`, on any ticket and
    /// channel.
    fn reports_on_days(&self, sub_problem: &str, first: NaiveDate, last: NaiveDate) -> Result<u32>;
    /// Who recorded a visit.
    fn visit_author(&self, visit: Uuid) -> Result<Option<Uuid>>;
    /// Clocks whose breach check is due at `now`, by check time then clock, after `after`
    /// (the last one a previous call returned), at most `limit`.
    fn due_clocks(
        &self,
        now: DateTime<Utc>,
        after: Option<DueClock>,
        limit: usize,
    ) -> Result<Vec<DueClock>>;
    /// The change version of a ticket, to tell whether it changed since it was read.
    fn ticket_version(&self, id: Uuid) -> Result<Option<u64>>;
    /// A page of the list, newest change first.
    fn ticket_page(&self, q: TicketPage, at: &PageAt) -> Result<Page<StoredTicket>>;
    /// Resolutions in one review state, newest change first.
    fn tickets_by_review(&self, state: ReviewState, limit: u32) -> Result<Vec<StoredTicket>>;
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

/// What the ticket use cases write beside tasks (a revisit is a task).
pub trait TicketRows: TicketQueries {
    /// Writes the ticket under a new change version (so pulls deliver it), its clocks, the
    /// timeline and history entries added since it was loaded, and the audit row.
    fn save_ticket(
        &self,
        t: &mut StoredTicket,
        audit: TicketAudit<'_>,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Counts a report (`id`: its mutation id) of `intake` on `ticket`, made at `now`, on
    /// `day` for the repeat count.
    fn add_report(
        &self,
        id: Uuid,
        ticket: Uuid,
        intake: &TicketIntake,
        by: Uuid,
        now: DateTime<Utc>,
        day: NaiveDate,
    ) -> Result<()>;
    /// Stores when the breach sweep next looks at each clock of a ticket (by clock key),
    /// leaving the ticket itself alone: nothing a user sees changed.
    fn set_breach_checks(&self, checks: &[(i64, Option<DateTime<Utc>>)]) -> Result<()>;
    /// Cancels the open revisit tasks of a ticket (`task.cancel` each).
    fn cancel_revisit_tasks(&self, ticket: Uuid, by: Uuid, now: DateTime<Utc>) -> Result<()>;
}

/// A ticket as a pull weighs it: what `scope::keeps_ticket` decides on, without the timeline.
#[derive(Debug, Clone, Copy)]
pub struct TicketScopeRow {
    pub id: Uuid,
    pub version: u64,
    pub facts: TicketFacts,
}

/// Which tickets a pull considers (see `service::pull`).
#[derive(Debug, Clone, Copy)]
pub struct ScopeQuery {
    pub user: Uuid,
    /// Whether the user manages tickets (the escalated and review queues are theirs).
    pub manager: bool,
    /// In-scope records changed after this version.
    pub since: u64,
    /// Records the device may hold (and so must hear of when they leave scope) changed after
    /// this version; above `since` during a first pull.
    pub floor: u64,
    /// The start of the "changed recently" window.
    pub recent: DateTime<Utc>,
    pub limit: usize,
}

/// What a pull reads beyond the per-kind queries: the scope of a device.
pub trait ScopeQueries {
    /// The last change version given out.
    fn change_version(&self) -> Result<u64>;
    /// By version, at most `limit`: tickets that may be in scope changed after `since`, and
    /// tickets the device may hold changed after `floor` (assigned to, reported by or once
    /// assigned to the user; for managers also any that was in a queue).
    fn scoped_tickets(&self, q: ScopeQuery) -> Result<Vec<TicketScopeRow>>;
    /// By version, at most `limit`: the user's open tasks changed after `since` and every
    /// task of theirs changed after `floor` (closed ones to drop).
    fn scoped_tasks(&self, q: ScopeQuery) -> Result<Vec<VisitTask>>;
    /// By version, at most `limit`: customers changed after `floor` that the user acts on (an
    /// open task of theirs, a ticket assigned to or reported by them, for managers any open
    /// ticket). Contacts masked.
    fn scoped_customers(&self, q: ScopeQuery) -> Result<Vec<Customer>>;
    /// Customers found by a lookup, by name, at most `limit`. Contacts masked.
    fn find_customers(&self, lookup: &CustomerLookup, limit: u32) -> Result<Vec<Customer>>;
}

/// What an import (issue 11) reads: the mapping used last for a header row, and the stored
/// customer an imported row updates.
pub trait ImportQueries {
    /// The mapping of the last import whose header row had this key
    /// (`store::import::header_key`).
    fn remembered_mapping(&self, header_key: &str) -> Result<Option<ImportMapping>>;
    /// The customer a row updates: the one with its external id when it has one, else the
    /// first made with exactly its contact; `None`: the row makes a new customer.
    fn import_match(&self, external_id: Option<&str>, contact: &str) -> Result<Option<Uuid>>;
}

/// An import's writes, all in the caller's one transaction.
pub trait ImportRows: ImportQueries {
    /// Creates a customer, or updates `existing` in the fields the mapping fills (its external
    /// id is never changed), with a new change version and its tags.
    fn upsert_imported(
        &self,
        existing: Option<Uuid>,
        fields: &CustomerFields,
        mapping: &ImportMapping,
        now: DateTime<Utc>,
    ) -> Result<Uuid>;
    /// Remembers the mapping for the header row, and the one audit row of the import: who,
    /// the file and the counts, no row of it.
    fn finish_import(&self, done: &ImportDone, by: &User, now: DateTime<Utc>) -> Result<()>;
}

/// A committed import, as its audit row records it.
#[derive(Debug, Clone)]
pub struct ImportDone {
    pub id: Uuid,
    pub file_name: String,
    pub headers: Vec<String>,
    pub mapping: ImportMapping,
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
}
