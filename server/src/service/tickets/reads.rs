//! Reading tickets: who sees which, the contact masked on the way out, clocks viewed at `now`.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use huifang_domain::calendar::BusinessCalendar;
use huifang_domain::ticket::{
    Coverage, CoverageRow, DUPLICATE_WINDOW_DAYS, DuplicateKey, DuplicateQuery, Ticket, TicketList,
    TicketView, likely_duplicate, revisit_kind,
};
use huifang_domain::{User, VisitType, mask_contact};
use uuid::Uuid;

use crate::error::{AppError, Result};
use crate::storage::{PageAt, ReviewState, StoredTicket, TicketFilter, TicketPage, TicketQueries};

/// The ticket as it leaves the server: the contact masked.
fn public(mut t: Ticket) -> Ticket {
    t.intake.contact = t.intake.contact.map(|c| mask_contact(&c));
    t
}

fn view_of(t: StoredTicket, cal: &BusinessCalendar, now: DateTime<Utc>) -> TicketView {
    let clocks = t
        .ticket
        .clocks
        .iter()
        .zip(&t.clocks)
        .map(|(c, m)| c.view(&m.rule, cal, now))
        .collect();
    TicketView {
        ticket: public(t.ticket),
        clocks,
    }
}

/// Field staff and agents see the tickets assigned to or reported by them; those who manage
/// tickets see all (`None`).
fn visible_to(user: &User) -> Option<Uuid> {
    (!user.role.can_manage_tickets()).then_some(user.id)
}

/// One page of `GET /api/tickets`, each ticket with its clocks.
pub fn list<S: TicketQueries>(
    s: &S,
    user: &User,
    filter: TicketFilter,
    at: &PageAt,
    now: DateTime<Utc>,
) -> Result<TicketList> {
    let q = TicketPage {
        filter,
        visible_to: visible_to(user),
        asker: user.id,
    };
    let page = s.ticket_page(q, at)?;
    let cal = s.business_calendar()?;
    Ok(TicketList {
        tickets: page
            .items
            .into_iter()
            .map(|t| view_of(t, &cal, now))
            .collect(),
        total: page.total,
        next: page.next.map(|c| c.encode()),
    })
}

/// One ticket with every clock; field and agent staff see their own (assigned or reported)
/// only.
pub fn one<S: TicketQueries>(
    s: &S,
    user: &User,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<TicketView> {
    let t = s.ticket(id)?.ok_or(AppError::NotFound)?;
    let own = t.ticket.assignee == Some(user.id) || t.created_by == user.id;
    if visible_to(user).is_some() && !own {
        return Err(AppError::Forbidden(format!(
            "ticket {id} is neither assigned to nor reported by you"
        )));
    }
    Ok(view_of(t, &s.business_calendar()?, now))
}

/// A ticket as a pull hands it to a device (the pull decided it is in the user's scope).
pub fn pulled<S: TicketQueries>(s: &S, id: Uuid) -> Result<Option<Ticket>> {
    Ok(s.ticket(id)?.map(|t| public(t.ticket)))
}

/// Resolved tickets in one review state, newest change first.
pub fn in_review<S: TicketQueries>(s: &S, state: ReviewState, limit: u32) -> Result<Vec<Ticket>> {
    Ok(s.tickets_by_review(state, limit)?
        .into_iter()
        .map(|t| public(t.ticket))
        .collect())
}

/// Open tickets the intake form should offer to link: the same customer (or contact) and
/// sub-problem within [`DUPLICATE_WINDOW_DAYS`], whatever the channel.
pub fn duplicates<S: TicketQueries>(
    s: &S,
    q: &DuplicateQuery,
    now: DateTime<Utc>,
) -> Result<Vec<Ticket>> {
    let window = Duration::days(DUPLICATE_WINDOW_DAYS);
    let candidates = s.open_tickets_about(&q.sub_problem, now - window)?;
    // Masked on both sides: the form may only know the masked number.
    let asked = q.contact.as_deref().map(mask_contact);
    let key = DuplicateKey {
        customer_id: q.customer_id,
        contact: asked.as_deref(),
        sub_problem: &q.sub_problem,
        reported_at: now,
    };
    let mut out = Vec::new();
    for t in candidates {
        let masked = t.ticket.intake.contact.as_deref().map(mask_contact);
        let other = DuplicateKey {
            customer_id: t.ticket.intake.customer_id,
            contact: masked.as_deref(),
            sub_problem: &t.ticket.intake.sub_problem,
            reported_at: t.ticket.created_at,
        };
        if likely_duplicate(&key, &other, window) {
            out.push(public(t.ticket));
        }
    }
    Ok(out)
}

/// Revisit coverage of tickets first resolved in `[from, to)`, per kind of case, against the
/// targets: every kind with a target, and complaints and repairs always. Cases without a
/// registered customer cannot be revisited and are left out.
pub fn coverage<S: TicketQueries>(
    s: &S,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<CoverageRow>> {
    let targets = s.ticket_rules()?.revisit;
    let rows = s.resolved_between(from, to)?;
    let mut kinds: Vec<VisitType> = targets.percent_by_type.keys().copied().collect();
    for k in [VisitType::Complaint, VisitType::Repair] {
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    kinds.sort();
    let mut counts: BTreeMap<VisitType, (u32, u32)> = BTreeMap::new();
    for (nature, revisits) in rows {
        let e = counts.entry(revisit_kind(nature)).or_default();
        e.0 += 1;
        e.1 += u32::from(revisits > 0);
    }
    Ok(kinds
        .into_iter()
        .map(|k| {
            let (resolved, revisited) = counts.get(&k).copied().unwrap_or_default();
            CoverageRow::new(
                k,
                Coverage {
                    resolved,
                    revisited,
                    target_percent: targets.target(k, false),
                },
            )
        })
        .collect())
}
