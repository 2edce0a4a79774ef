//! Pull: what changed for a user's device since a cursor, within what the device keeps
//! (`huifang_domain::scope`), in change order, in pages bounded in records and in bytes.
//!
//! Every record changed after the cursor that concerns the user comes exactly once: in its
//! kind's list when it is in scope, in `dropped` (its id only) when it left the scope and the
//! device may hold it. The one exception to change order: the customer of every task and
//! ticket on a page comes along with it, whatever its own version, since the cursor cannot
//! tell whether the device has it.
//!
//! A first pull (`since` 0) starts a snapshot at the current change version: the device holds
//! nothing older, so on its later pages only changes after the snapshot can be drops, and
//! what is out of scope is never walked. The last page of any pull moves the cursor to the
//! current change version: everything up to it has been weighed.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use huifang_domain::scope::{MAX_PULL_BYTES, PageRoom, keeps_ticket, recent_since};
use huifang_domain::task::TaskStatus;
use huifang_domain::{Dropped, MAX_PULL, User};
use serde::Serialize;
use serde_json::value::RawValue;
use uuid::Uuid;

use super::tickets;
use crate::error::{AppError, Result};
use crate::storage::{CatalogQueries, CustomerQueries, ScopeQueries, ScopeQuery, TicketQueries};

/// `GET /api/sync/pull`: the shape of `huifang_domain::PullResponse`, each record already
/// serialised (once: its size decided whether it fit on the page).
#[derive(Debug, Serialize)]
pub struct PullPage {
    pub cursor: u64,
    pub customers: Vec<Box<RawValue>>,
    pub tasks: Vec<Box<RawValue>>,
    pub scripts: Vec<Box<RawValue>>,
    pub surveys: Vec<Box<RawValue>>,
    pub settings: Option<Box<RawValue>>,
    pub tickets: Vec<Box<RawValue>>,
    pub dropped: Dropped,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<u64>,
    pub more: bool,
}

/// One change a page may carry, before it is read whole and serialised.
enum Entry {
    Customer(huifang_domain::Customer),
    Task(huifang_domain::task::VisitTask),
    Script(huifang_domain::script::Script),
    Survey(huifang_domain::survey::Survey),
    Settings(huifang_domain::Settings),
    /// In scope: read with its timeline when it goes on the page.
    Ticket(Uuid),
    DropTicket(Uuid),
    DropTask(Uuid),
}

/// A dropped id on the page: a hyphenated UUID in quotes, and a separator.
const DROPPED_ID_BYTES: usize = 36 + 2 + 1;

/// Most ticket candidates one page weighs (see `changes`).
const TICKET_CANDIDATES: usize = 20 * (MAX_PULL + 1);

/// What every pull reads.
pub trait PullStorage: CustomerQueries + CatalogQueries + TicketQueries + ScopeQueries {}

impl<S: CustomerQueries + CatalogQueries + TicketQueries + ScopeQueries> PullStorage for S {}

/// The page after `since` (and, on the later pages of a first pull, its `snapshot`).
pub fn pull<S: PullStorage>(
    s: &S,
    user: &User,
    since: u64,
    snapshot: Option<u64>,
    now: DateTime<Utc>,
) -> Result<PullPage> {
    let current = s.change_version()?;
    let snapshot = snapshot.or((since == 0).then_some(current));
    let q = ScopeQuery {
        user: user.id,
        manager: user.role.can_manage_tickets(),
        since,
        floor: snapshot.map_or(since, |b| b.max(since)),
        recent: recent_since(now),
        limit: MAX_PULL + 1,
    };
    let (entries, horizon) = changes(s, user, q, now)?;
    let mut page = PullPage {
        cursor: since,
        customers: Vec::new(),
        tasks: Vec::new(),
        scripts: Vec::new(),
        surveys: Vec::new(),
        settings: None,
        tickets: Vec::new(),
        dropped: Dropped::default(),
        snapshot: None,
        more: false,
    };
    let mut room = PageRoom::new(MAX_PULL, MAX_PULL_BYTES);
    let mut customers_on_page: HashSet<Uuid> = HashSet::new();
    let mut cut = false;
    for (version, entry) in entries {
        if horizon.is_some_and(|h| version > h) {
            break;
        }
        if !put(s, &mut page, &mut room, &mut customers_on_page, entry)? {
            cut = true;
            break;
        }
        page.cursor = version;
    }
    // Not cut by size but some kind's list was: everything up to its horizon has been weighed
    // (taken or out of scope), the rest waits for the next page.
    if !cut && let Some(h) = horizon {
        cut = true;
        page.cursor = page.cursor.max(h);
    }
    page.more = cut;
    if cut {
        page.snapshot = snapshot;
    } else {
        page.cursor = current.max(since);
    }
    Ok(page)
}

/// Candidate changes by version, and the horizon (see [`changes`]).
type Changes = (Vec<(u64, Entry)>, Option<u64>);

/// Every candidate change after the cursor, in change order, and the horizon: the version
/// after which some kind's list was cut at its limit, so nothing beyond it may go on this
/// page (a later page brings it).
fn changes<S: PullStorage>(
    s: &S,
    user: &User,
    q: ScopeQuery,
    now: DateTime<Utc>,
) -> Result<Changes> {
    let mut horizon: Option<u64> = None;
    let mut cut_at = |versions: &[u64], limit: usize| {
        if versions.len() >= limit
            && let Some(&last) = versions.last()
        {
            horizon = Some(horizon.map_or(last, |h: u64| h.min(last)));
        }
    };
    let mut entries: Vec<(u64, Entry)> = Vec::new();

    // A ticket's facts are a few bytes and most candidates of a manager's queues are out of
    // scope (older than a shift): weighing many per page keeps a first pull to a few pages.
    let tickets = s.scoped_tickets(ScopeQuery {
        limit: TICKET_CANDIDATES,
        ..q
    })?;
    cut_at(
        &tickets.iter().map(|t| t.version).collect::<Vec<_>>(),
        TICKET_CANDIDATES,
    );
    for t in tickets {
        if keeps_ticket(user.role, &t.facts, now) {
            entries.push((t.version, Entry::Ticket(t.id)));
        } else if t.version > q.floor {
            entries.push((t.version, Entry::DropTicket(t.id)));
        }
    }
    let tasks = s.scoped_tasks(q)?;
    cut_at(
        &tasks.iter().map(|t| t.version).collect::<Vec<_>>(),
        q.limit,
    );
    for t in tasks {
        // A task reassigned away comes back through its move: the device drops it.
        if t.status == TaskStatus::Open && t.assignee == user.id {
            entries.push((t.version, Entry::Task(t)));
        } else if t.version > q.floor {
            entries.push((t.version, Entry::DropTask(t.id)));
        }
    }
    let customers = s.scoped_customers(q)?;
    cut_at(
        &customers.iter().map(|c| c.version).collect::<Vec<_>>(),
        q.limit,
    );
    entries.extend(
        customers
            .into_iter()
            .map(|c| (c.version, Entry::Customer(c))),
    );
    let scripts = s.scripts_since(q.since, q.limit)?;
    cut_at(
        &scripts.iter().map(|(v, _)| *v).collect::<Vec<_>>(),
        q.limit,
    );
    entries.extend(scripts.into_iter().map(|(v, x)| (v, Entry::Script(x))));
    let surveys = s.surveys_since(q.since, q.limit)?;
    cut_at(
        &surveys.iter().map(|(v, _)| *v).collect::<Vec<_>>(),
        q.limit,
    );
    entries.extend(surveys.into_iter().map(|(v, x)| (v, Entry::Survey(x))));
    if let Some((v, settings)) = s.settings()?.filter(|(v, _)| *v > q.since) {
        entries.push((v, Entry::Settings(settings)));
    }
    entries.sort_by_key(|(v, _)| *v);
    Ok((entries, horizon))
}

fn raw<T: Serialize>(value: &T) -> Result<Box<RawValue>> {
    serde_json::value::to_raw_value(value)
        .map_err(|e| AppError::Internal(format!("serialising a pulled record: {e}")))
}

/// A record's bytes on the page: its JSON and a separator.
fn size(v: &RawValue) -> usize {
    v.get().len() + 1
}

/// Puts one entry on the page if it fits (with its customer, when it brings one the page does
/// not have yet); `false` when the page is full.
fn put<S: PullStorage>(
    s: &S,
    page: &mut PullPage,
    room: &mut PageRoom,
    customers_on_page: &mut HashSet<Uuid>,
    entry: Entry,
) -> Result<bool> {
    // The customer a task or ticket brings along (not yet on the page), serialised.
    let along = |id: Option<Uuid>| -> Result<Option<(Uuid, Box<RawValue>)>> {
        match id {
            Some(id) if !customers_on_page.contains(&id) => match s.customer(id)? {
                Some(c) => Ok(Some((id, raw(&c)?))),
                None => Ok(None),
            },
            _ => Ok(None),
        }
    };
    match entry {
        Entry::Customer(c) => {
            if customers_on_page.contains(&c.id) {
                return Ok(true);
            }
            let v = raw(&c)?;
            if !room.take(size(&v)) {
                return Ok(false);
            }
            customers_on_page.insert(c.id);
            page.customers.push(v);
        }
        Entry::Task(t) => {
            let v = raw(&t)?;
            let customer = along(Some(t.customer_id))?;
            let extra = customer.as_ref().map_or(0, |(_, c)| size(c));
            if !room.take(size(&v) + extra) {
                return Ok(false);
            }
            page.tasks.push(v);
            if let Some((id, c)) = customer {
                customers_on_page.insert(id);
                page.customers.push(c);
            }
        }
        Entry::Ticket(id) => {
            let Some(t) = tickets::pulled(s, id)? else {
                return Ok(true);
            };
            let v = raw(&t)?;
            let customer = along(t.intake.customer_id)?;
            let extra = customer.as_ref().map_or(0, |(_, c)| size(c));
            if !room.take(size(&v) + extra) {
                return Ok(false);
            }
            page.tickets.push(v);
            if let Some((id, c)) = customer {
                customers_on_page.insert(id);
                page.customers.push(c);
            }
        }
        Entry::Script(x) => {
            let v = raw(&x)?;
            if !room.take(size(&v)) {
                return Ok(false);
            }
            page.scripts.push(v);
        }
        Entry::Survey(x) => {
            let v = raw(&x)?;
            if !room.take(size(&v)) {
                return Ok(false);
            }
            page.surveys.push(v);
        }
        Entry::Settings(x) => {
            let v = raw(&x)?;
            if !room.take(size(&v)) {
                return Ok(false);
            }
            page.settings = Some(v);
        }
        Entry::DropTicket(id) => {
            if !room.take(DROPPED_ID_BYTES) {
                return Ok(false);
            }
            page.dropped.tickets.push(id);
        }
        Entry::DropTask(id) => {
            if !room.take(DROPPED_ID_BYTES) {
                return Ok(false);
            }
            page.dropped.tasks.push(id);
        }
    }
    Ok(true)
}
