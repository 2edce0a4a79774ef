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
use huifang_domain::catalog::CatalogKind;
use huifang_domain::customer_book::{ContactSearch, CustomerFields, CustomerProfile};
use huifang_domain::import::ImportMapping;
use huifang_domain::people::Person;
use huifang_domain::planning::{PlanCustomer, PlanOutcome, Selection};
use huifang_domain::recurring::{RecurringPolicy, StoredPolicy};
use huifang_domain::scope::{CustomerLookup, TicketFacts};
use huifang_domain::script::Script;
use huifang_domain::sla::{ClockRule, SlaPolicy};
use huifang_domain::stats::SuggestedAction;
use huifang_domain::survey::Survey;
use huifang_domain::task::{TaskStatus, VisitTask};
use huifang_domain::ticket::{
    GradingRules, IntakeChannel, Nature, Review, RevisitTargets, RoutingMap, Ticket, TicketIntake,
    TicketState,
};
use huifang_domain::{
    Cursor, Customer, CustomerClass, ListTotal, Mutation, Rejected, Role, Settings, User,
    VisitRecord, VisitSummary, VisitType,
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
    /// Any of these (none: every action).
    pub actions: Vec<String>,
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
    pub visit_type: Option<VisitType>,
    /// The customer's class.
    pub class: Option<CustomerClass>,
    /// Tasks whose window starts at or after this instant.
    pub due_from: Option<DateTime<Utc>>,
    /// Tasks whose window starts before this instant.
    pub due_to: Option<DateTime<Utc>>,
}

/// A device as the push protocol knows it: whose it is and the last seq it processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Device {
    pub owner: Uuid,
    pub last_seq: u64,
}

/// What a push leaves on its device's row.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub last_seq: u64,
    /// Rejections stored by this push (replays not counted again).
    pub new_rejections: u64,
    pub report: huifang_domain::devices::DeviceReport,
    pub at: DateTime<Utc>,
}

/// Devices and the rejections of their mutations (the exactly-once bookkeeping of push).
pub trait DeviceRows {
    fn device(&self, id: Uuid) -> Result<Option<Device>>;
    fn add_device(&self, id: Uuid, owner: Uuid, now: DateTime<Utc>) -> Result<()>;
    /// The end of a push: the seq processed up to, and what the device reported (one UPDATE
    /// of its row, see `store::devices`).
    fn pushed(&self, id: Uuid, done: &Pushed) -> Result<()>;
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
    /// The answer to the survey's NPS question, if it asks one (for the dashboards).
    pub nps: Option<u8>,
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

pub trait SettingsRows: CatalogQueries {
    /// Replaces the settings whole under a new change version, which it returns (devices pull
    /// them again), audited with before and after.
    fn save_settings(&self, settings: &Settings, by: Uuid, now: DateTime<Utc>) -> Result<u64>;
}

/// An account as a login sees it.
#[derive(Debug, Clone)]
pub struct Account {
    pub user: User,
    pub password_hash: String,
    pub disabled: bool,
    pub must_change_password: bool,
}

/// A session's account and when the session expires.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub user: User,
    pub expires_at: DateTime<Utc>,
    pub disabled: bool,
    pub must_change_password: bool,
}

/// A catalog item's draft as stored (`crate::store::catalog_edit`).
#[derive(Debug, Clone)]
pub struct DraftRow {
    pub id: Uuid,
    pub title: String,
    pub visit_type: Option<String>,
    /// The `Script` / `Survey` being edited, as JSON.
    pub body: serde_json::Value,
    pub draft_rev: u64,
    pub published_rev: u64,
    /// Display name of who saved it last.
    pub saved_by: Option<String>,
    pub saved_at: DateTime<Utc>,
}

/// One published version of a catalog item (newest first where listed).
#[derive(Debug, Clone)]
pub struct VersionRow {
    pub id: Uuid,
    pub version: u32,
    pub title: String,
    pub visit_type: Option<String>,
    pub published_at: DateTime<Utc>,
    /// Display name of who published it; `None` for seeded content.
    pub published_by: Option<String>,
    pub retired_at: Option<DateTime<Utc>>,
}

/// The editor's side of the catalog: drafts, version lists, retiring.
pub trait CatalogEditQueries {
    /// Every draft of one kind (a catalog is dozens of items; bounded by `limit`).
    fn catalog_drafts(&self, kind: CatalogKind, limit: usize) -> Result<Vec<DraftRow>>;
    /// The newest version of every published item of one kind, at most `limit`.
    fn catalog_latest(&self, kind: CatalogKind, limit: usize) -> Result<Vec<VersionRow>>;
    fn catalog_draft(&self, kind: CatalogKind, id: Uuid) -> Result<Option<DraftRow>>;
    /// Every version of one item, newest first.
    fn catalog_versions(&self, kind: CatalogKind, id: Uuid) -> Result<Vec<VersionRow>>;
}

pub trait CatalogEditRows: CatalogEditQueries + CatalogQueries {
    /// Writes the draft at revision `row.draft_rev` (insert or replace), audited with the
    /// draft before it.
    fn save_catalog_draft(
        &self,
        kind: CatalogKind,
        row: &DraftRow,
        before: Option<&serde_json::Value>,
        by: Uuid,
    ) -> Result<()>;
    /// Notes that revision `rev` of the draft is published.
    fn mark_draft_published(&self, kind: CatalogKind, id: Uuid, rev: u64) -> Result<()>;
    /// Stores a new published version (checked again by the store), audited.
    fn insert_script_version(&self, s: &Script, by: Uuid, now: DateTime<Utc>) -> Result<()>;
    fn insert_survey_version(&self, s: &Survey, by: Uuid, now: DateTime<Utc>) -> Result<()>;
    /// Marks the newest version retired (`Some`) or live again (`None`) under a new change
    /// version, so devices pull the change; audited.
    fn set_retired(
        &self,
        kind: CatalogKind,
        id: Uuid,
        retired_at: Option<DateTime<Utc>>,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
}

/// Users, their password hashes, sessions and failed logins.
pub trait UserQueries {
    fn user(&self, id: Uuid) -> Result<Option<User>>;
    /// Enabled users by role (all when `None`), by display name.
    fn users(&self, role: Option<Role>) -> Result<Vec<User>>;
    /// The account a login names, with its password hash.
    fn login_account(&self, username: &str) -> Result<Option<Account>>;
    /// How many failures `key` has at or after `since` (attempts still being checked
    /// included), and the oldest of them.
    fn failures(&self, key: &str, since: DateTime<Utc>) -> Result<(u64, Option<DateTime<Utc>>)>;
    /// The account of a session token hash and when the session expires.
    fn session(&self, token_hash: &str) -> Result<Option<SessionRow>>;
    /// Every account, disabled ones too, by display name (the People list).
    fn people(&self) -> Result<Vec<Person>>;
    fn person(&self, id: Uuid) -> Result<Option<Person>>;
    /// How many enabled admins there are besides `id`.
    fn other_enabled_admins(&self, id: Uuid) -> Result<u64>;
}

pub trait UserRows: UserQueries {
    /// `Err(UsernameTaken)` when the name is in use; audited as done `by` (`None`: the
    /// command line or the demo seed).
    fn insert_user(
        &self,
        user: &User,
        password_hash: &str,
        must_change_password: bool,
        by: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Stores `after`'s role, display name and agent number; audited with both states.
    fn update_person(
        &self,
        before: &Person,
        after: &Person,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// A new password hash. Audited as `action` (never the hash).
    fn set_password(
        &self,
        id: Uuid,
        password_hash: &str,
        must_change_password: bool,
        by: (Uuid, &str),
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Disables (`Some(at)`) or enables (`None`) the account; audited.
    fn set_disabled(
        &self,
        before: &Person,
        disabled_at: Option<DateTime<Utc>>,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Ends the sessions of `user`, all but `keep` when given.
    fn end_sessions(&self, user: Uuid, keep: Option<&str>) -> Result<()>;
    fn record_login(&self, user: Uuid, at: DateTime<Utc>) -> Result<()>;
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
    /// Tickets of this sub-problem (the statistics' drill-down).
    pub sub_problem: Option<&'static str>,
    /// Created in `[from, to)`.
    pub created: Option<(DateTime<Utc>, DateTime<Utc>)>,
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
    /// task of theirs changed after `floor` (closed ones to drop), and tasks reassigned away
    /// from them after `floor` (to drop as well).
    fn scoped_tasks(&self, q: ScopeQuery) -> Result<Vec<VisitTask>>;
    /// By version, at most `limit`: customers changed after `floor` that the user acts on (an
    /// open task of theirs, a ticket assigned to or reported by them, for managers any open
    /// ticket). Contacts masked.
    fn scoped_customers(&self, q: ScopeQuery) -> Result<Vec<Customer>>;
    /// Customers found by a lookup, by name, at most `limit`. Contacts masked.
    fn find_customers(&self, lookup: &CustomerLookup, limit: u32) -> Result<Vec<Customer>>;
}

/// What a planner's change does to a task (`service::plans`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskEdit<'a> {
    Change,
    Cancel { reason: &'a str },
}

/// What bulk and recurring planning read (`service::plans`, `service::recurring`).
pub trait PlanQueries {
    /// Live (not archived) customers the selection finds, never-visited and longest-unvisited
    /// first, at most `limit`; `before` is the start of `last_visit_before` as an instant.
    fn select_customers(
        &self,
        sel: &Selection,
        before: Option<DateTime<Utc>>,
        limit: usize,
    ) -> Result<Vec<PlanCustomer>>;
    /// Whether the customer has an open task of this visit type.
    fn has_open_task(&self, customer: Uuid, visit_type: VisitType) -> Result<bool>;
    /// The windows' starts of `assignee`'s open tasks starting in `[from, to)`.
    fn open_task_starts(
        &self,
        assignee: Uuid,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>>;
    /// A bulk plan stored under `id`: its request and outcome (JSON).
    fn stored_plan(&self, id: Uuid) -> Result<Option<(serde_json::Value, PlanOutcome)>>;
    fn recurring_policy(&self) -> Result<StoredPolicy>;
    /// Live customers of `class` visited at or before `due_before` (or never), without a
    /// recurring task for `period` nor an open task of `visit_type`, longest-unvisited first.
    fn recurring_due(
        &self,
        class: CustomerClass,
        due_before: DateTime<Utc>,
        period: &str,
        visit_type: VisitType,
        limit: usize,
    ) -> Result<Vec<PlanCustomer>>;
    /// Who recorded the customer's newest visit.
    fn last_visitor(&self, customer: Uuid) -> Result<Option<Uuid>>;
}

pub trait PlanRows: PlanQueries {
    /// Stores `after` (a changed `before`) under a new change version and audits it; a
    /// reassignment is remembered so the former assignee's device drops the task.
    fn edit_task(
        &self,
        before: &VisitTask,
        after: VisitTask,
        edit: TaskEdit<'_>,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<VisitTask>;
    fn save_plan(
        &self,
        request: &serde_json::Value,
        outcome: &PlanOutcome,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Replaces the policy if it is still at `version`; `None` when it is not.
    fn save_policy(
        &self,
        policy: &RecurringPolicy,
        version: u64,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<StoredPolicy>>;
    /// Marks `day` (local) as run; `false` if a run already claimed it.
    fn claim_run_day(&self, day: &str, now: DateTime<Utc>) -> Result<bool>;
    fn finish_run_day(&self, day: &str, created: u32) -> Result<()>;
    /// Records the customer's recurring task of `period`; `false` (nothing written) if the
    /// customer already has one.
    fn claim_period(&self, customer: Uuid, period: &str, task: Uuid) -> Result<bool>;
}

/// `GET /api/customer-book` searches and filters; all present ones must hold.
#[derive(Debug, Clone, Default)]
pub struct BookFilter {
    /// The start of the name.
    pub name: Option<String>,
    pub contact: Option<ContactSearch>,
    /// Exact.
    pub external_id: Option<String>,
    /// Exact.
    pub tag: Option<String>,
    pub class: Option<CustomerClass>,
    pub vip: Option<bool>,
    /// Exact.
    pub region: Option<String>,
    /// Last visited before this instant, or never.
    pub last_visit_before: Option<DateTime<Utc>>,
    /// Archived customers instead of active ones.
    pub archived: bool,
}

/// 客户档案 as the console's customer book reads it.
pub trait CustomerBookQueries {
    /// The customer with the contact masked.
    fn customer_profile(&self, id: Uuid) -> Result<Option<CustomerProfile>>;
    /// A page of the book: in name order; oldest visit first when `last_visit_before` is
    /// asked; by customer id for a tag.
    fn customer_book_page(&self, filter: &BookFilter, at: &PageAt)
    -> Result<Page<CustomerProfile>>;
    /// The customer whose contact this is (as stored, whole).
    fn contact_holder(&self, contact: &str) -> Result<Option<Uuid>>;
    fn external_id_holder(&self, external_id: &str) -> Result<Option<Uuid>>;
    /// `None` for an unknown customer.
    fn customer_archived(&self, id: Uuid) -> Result<Option<bool>>;
}

/// Customer book changes, each under a new change version (devices holding the customer pull
/// it again) and with its audit row (contacts masked).
pub trait CustomerBookRows: CustomerBookQueries {
    /// Adds a customer with these (checked, normalized) fields.
    fn insert_book_customer(
        &self,
        fields: &CustomerFields,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Uuid>;
    /// Replaces every field of a customer (`before`: as it was, for the audit trail).
    fn update_book_customer(
        &self,
        before: &CustomerProfile,
        fields: &CustomerFields,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
    fn set_customer_archived(
        &self,
        before: &CustomerProfile,
        archived: bool,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
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

/// What the statistics and the risk warnings read: the `report_days` rollup, one typical
/// quote per row and the suggested actions (`store::stats`).
pub trait StatsQueries: TicketQueries {
    /// The intake descriptions of a few tickets of `sub_problem` created in `[from, to)`,
    /// the latest first.
    fn quotes(
        &self,
        sub_problem: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<String>>;
    /// The action stored for `(period_key, sub_problem)`.
    fn stats_action(&self, period_key: &str, sub_problem: &str) -> Result<Option<SuggestedAction>>;
}

/// The write side of the suggested actions.
pub trait StatsRows: StatsQueries {
    fn save_stats_action(
        &self,
        period_key: &str,
        sub_problem: &str,
        action: &SuggestedAction,
        before: Option<&SuggestedAction>,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
}
