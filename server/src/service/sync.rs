//! Push: apply a device's mutations exactly once, each through its use case (pull is
//! `service::pull`).

use chrono::{DateTime, Utc};
use huifang_domain::devices::DeviceReport;
use huifang_domain::ticket::{Review, ReviewRequest, ReviewTarget};
use huifang_domain::{Change, Mutation, PushRequest, PushResponse, User};
use uuid::Uuid;

use super::tickets::{self, TicketStorage};
use super::visits;
use crate::error::{AppError, Result};
use crate::storage::{DeviceRows, Pushed, Verdict, VisitRows};

/// Everything a push may write.
pub trait PushStorage: DeviceRows + VisitRows + TicketStorage {}

impl<S: DeviceRows + VisitRows + TicketStorage> PushStorage for S {}

/// Applies a checked envelope (see `PushRequest::check_envelope`). Mutations at or below the
/// device's last processed seq are skipped (a replay changes nothing and gets the same
/// `rejected` entries back); the first gap stops processing, so `acked_seq` tells the device
/// which seq the server expects next. A rejected mutation is processed all the same (recorded
/// as a rejection, nothing of it written), so a queue never jams. What the device reported
/// about itself (device health) goes on its row with the new seq.
pub fn push<S: PushStorage>(
    s: &S,
    user: &User,
    req: &PushRequest,
    report: &DeviceReport,
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
    let mut new_rejections = 0;
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
            new_rejections += 1;
        }
        acked = m.seq;
    }
    s.pushed(
        device,
        &Pushed {
            last_seq: acked,
            new_rejections,
            report: report.clone(),
            at: now,
        },
    )?;
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
