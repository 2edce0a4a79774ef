//! Push (apply a device's mutations exactly once, each through its use case) and pull (what
//! changed since a cursor, across every kind, in change order).

use chrono::{DateTime, Utc};
use huifang_domain::script::Script;
use huifang_domain::survey::Survey;
use huifang_domain::task::VisitTask;
use huifang_domain::ticket::{Review, ReviewRequest, ReviewTarget, Ticket};
use huifang_domain::{
    Change, Customer, MAX_PULL, Mutation, PullResponse, PushRequest, PushResponse, Settings, User,
};
use uuid::Uuid;

use super::tickets::{self, TicketStorage};
use super::visits;
use crate::error::{AppError, Result};
use crate::storage::{
    CatalogQueries, CustomerQueries, DeviceRows, TaskQueries, TicketQueries, Verdict, VisitRows,
};

/// Everything a push may write.
pub trait PushStorage: DeviceRows + VisitRows + TicketStorage {}

impl<S: DeviceRows + VisitRows + TicketStorage> PushStorage for S {}

/// Applies a checked envelope (see `PushRequest::check_envelope`). Mutations at or below the
/// device's last processed seq are skipped (a replay changes nothing and gets the same
/// `rejected` entries back); the first gap stops processing, so `acked_seq` tells the device
/// which seq the server expects next. A rejected mutation is processed all the same (recorded
/// as a rejection, nothing of it written), so a queue never jams.
pub fn push<S: PushStorage>(
    s: &S,
    user: &User,
    req: &PushRequest,
    now: DateTime<Utc>,
) -> Result<PushResponse> {
    let device = req.device_id;
    let mut acked = match s.device(device)? {
        Some(d) if d.owner != user.id => return Err(AppError::DeviceOwned(device)),
        Some(d) => d.last_seq,
        None => {
            s.add_device(device, user.id, now)?;
            0
        }
    };
    let mut rejected = Vec::new();
    for m in &req.mutations {
        if m.seq <= acked {
            rejected.extend(s.rejection(device, m.seq)?);
            continue;
        }
        if m.seq != acked + 1 {
            break;
        }
        if let Err(r) = apply(s, user, device, m, now)? {
            s.add_rejection(device, &r, now)?;
            rejected.push(r);
        }
        acked = m.seq;
    }
    s.set_last_seq(device, acked)?;
    Ok(PushResponse {
        acked_seq: acked,
        rejected,
    })
}

/// One mutation: the domain's check (role, shape, time), then its use case.
fn apply<S: PushStorage>(
    s: &S,
    user: &User,
    device: Uuid,
    m: &Mutation,
    now: DateTime<Utc>,
) -> Verdict {
    let change = match m.check(user.role, now) {
        Ok(change) => change,
        Err(r) => return Ok(Err(r)),
    };
    match change {
        Change::VisitRecord(record) => visits::record_visit(s, user, device, m, &record, now),
        Change::TicketCreate(intake) => tickets::create(s, user, m, &intake, now),
        Change::TicketUpdate(update) => tickets::update(s, user, m, &update, now),
        Change::ReviewDecide(request) => decide(s, user, m, &request, now),
    }
}

/// `review.decide`: the reviewer and the time are the server's, never the device's.
fn decide<S: PushStorage>(
    s: &S,
    user: &User,
    m: &Mutation,
    req: &ReviewRequest,
    now: DateTime<Utc>,
) -> Verdict {
    let review = Review {
        decision: req.decision,
        by: user.id,
        comment: req.comment.clone(),
        at: now,
    };
    match req.target {
        ReviewTarget::Visit(id) => visits::review_visit(s, user, m, id, &review, now),
        ReviewTarget::Ticket(id) => tickets::review(s, user, m, id, &review, now),
    }
}

/// One pulled record of any kind, to cut a page across kinds in change order.
enum Item {
    Customer(Customer),
    Task(VisitTask),
    Script(Script),
    Survey(Survey),
    Settings(Settings),
    /// Boxed: a ticket with its timeline dwarfs the other kinds.
    Ticket(Box<Ticket>),
}

/// Everything changed for `user` after `since`, oldest change first, at most [`MAX_PULL`]
/// items across all kinds: customers (every role sees every customer for now), the user's
/// tasks, the current script and survey versions, the settings and the tickets the user may
/// see. All kinds share one change counter, so the cursor is the version of the last item
/// returned and everything after the cut comes with the next page.
pub fn pull<S>(s: &S, user: &User, since: u64) -> Result<PullResponse>
where
    S: CustomerQueries + TaskQueries + CatalogQueries + TicketQueries,
{
    // Each kind is cut at MAX_PULL + 1 on its own; merged and cut again below, nothing at or
    // before the final cursor can have been left out.
    let limit = MAX_PULL + 1;
    let mut items: Vec<(u64, Item)> = Vec::new();
    items.extend(
        s.customers_since(since, limit)?
            .into_iter()
            .map(|c| (c.version, Item::Customer(c))),
    );
    items.extend(
        s.tasks_since(user.id, since, limit)?
            .into_iter()
            .map(|t| (t.version, Item::Task(t))),
    );
    items.extend(
        s.scripts_since(since, limit)?
            .into_iter()
            .map(|(v, s)| (v, Item::Script(s))),
    );
    items.extend(
        s.surveys_since(since, limit)?
            .into_iter()
            .map(|(v, s)| (v, Item::Survey(s))),
    );
    if let Some((v, settings)) = s.settings()?.filter(|(v, _)| *v > since) {
        items.push((v, Item::Settings(settings)));
    }
    items.extend(
        tickets::pulled(s, user, since, limit)?
            .into_iter()
            .map(|t| (t.version, Item::Ticket(Box::new(t)))),
    );
    items.sort_by_key(|(v, _)| *v);
    let more = items.len() > MAX_PULL;
    items.truncate(MAX_PULL);
    let mut page = PullResponse {
        cursor: items.last().map_or(since, |(v, _)| *v),
        customers: Vec::new(),
        tasks: Vec::new(),
        scripts: Vec::new(),
        surveys: Vec::new(),
        settings: None,
        tickets: Vec::new(),
        more,
    };
    for (_, item) in items {
        match item {
            Item::Customer(c) => page.customers.push(c),
            Item::Task(t) => page.tasks.push(t),
            Item::Script(s) => page.scripts.push(s),
            Item::Survey(s) => page.surveys.push(s),
            Item::Settings(s) => page.settings = Some(s),
            Item::Ticket(t) => page.tickets.push(*t),
        }
    }
    Ok(page)
}
