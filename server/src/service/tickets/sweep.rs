//! The breach sweep: every clock that ran out is recorded once, its ticket put in the
//! supervisors' queue and the supervisors' Escalate clock counted as met by that.
//!
//! Each save stores when the sweep must next look at each clock (`breach_check_at`), so the
//! sweep reads only the clocks due by then, in two steps: [`sweep`] reads them and decides
//! on a reader, outside the write lock, and [`record_sweep`] writes what it decided, in one
//! short transaction, for the tickets that have not changed meanwhile (the others are decided
//! again there, from what is stored).

use chrono::{DateTime, Utc};
use huifang_domain::calendar::BusinessCalendar;
use huifang_domain::sla::ClockKind;
use huifang_domain::ticket::{TimelineEntry, TimelineEvent, breach_check_at, breach_is_new};
use uuid::Uuid;

use super::{SYSTEM_NAME, TicketStorage};
use crate::error::Result;
use crate::storage::{DueClock, StoredTicket, TicketAudit, TicketQueries};

/// Due clocks read per step, so one write transaction changes at most this many tickets and
/// pushes never wait long behind the sweep.
pub const SWEEP_BATCH: usize = 200;

/// What the sweep found about one ticket with a clock due.
#[derive(Debug)]
pub enum Found {
    /// Clocks ran out: the ticket with the breaches applied, as it was read (its version).
    Breached(Box<StoredTicket>),
    /// None did (its check was stale: a clock from before the due times were kept, or the
    /// calendar changed): the next check of each clock, by clock key.
    Later {
        ticket: Uuid,
        version: u64,
        checks: Vec<(i64, Option<DateTime<Utc>>)>,
    },
}

/// One step of the sweep.
#[derive(Debug)]
pub struct Sweep {
    pub found: Vec<Found>,
    /// Where the next step reads on; `None`: every due clock has been read.
    pub next: Option<DueClock>,
}

impl StoredTicket {
    /// When the sweep next looks at each clock, parallel to `clocks` (what a save stores).
    pub fn breach_checks(&self, cal: &BusinessCalendar) -> Vec<Option<DateTime<Utc>>> {
        let state = self.ticket.state;
        (self.ticket.clocks.iter().zip(&self.clocks))
            .map(|(c, meta)| breach_check_at(state, c, &meta.rule, cal, meta.breached_at.is_some()))
            .collect()
    }

    /// Records the clocks that ran out by `now` and not yet recorded, each with a timeline
    /// entry by the system, and escalates the ticket; returns whether any did. Closed tickets
    /// are left alone.
    fn record_breaches(&mut self, cal: &BusinessCalendar, now: DateTime<Utc>) -> bool {
        if !self.ticket.state.is_open() {
            return false;
        }
        let mut breached = Vec::new();
        for (c, meta) in self.ticket.clocks.iter().zip(&mut self.clocks) {
            let view = c.view(&meta.rule, cal, now);
            if breach_is_new(c, &view, meta.breached_at.is_some()) {
                meta.breached_at = Some(now);
                breached.push(c.kind);
            }
        }
        if breached.is_empty() {
            return false;
        }
        for kind in breached {
            self.ticket.timeline.push(TimelineEntry {
                at: now,
                by: Uuid::nil(),
                by_name: SYSTEM_NAME.to_owned(),
                event: TimelineEvent::Breached { clock: kind },
            });
        }
        self.escalate(now);
        self.ticket.meet(&[ClockKind::Escalate], now);
        true
    }
}

/// Reads the next `limit` clocks due at `now` after `after` and decides what each of their
/// tickets needs; writes nothing.
pub fn sweep<S: TicketQueries>(
    s: &S,
    now: DateTime<Utc>,
    after: Option<DueClock>,
    limit: usize,
) -> Result<Sweep> {
    let due = s.due_clocks(now, after, limit)?;
    let next = (due.len() >= limit).then(|| due.last().copied()).flatten();
    let mut tickets: Vec<Uuid> = due.iter().map(|d| d.ticket).collect();
    tickets.sort_unstable();
    tickets.dedup();
    if tickets.is_empty() {
        return Ok(Sweep {
            found: Vec::new(),
            next,
        });
    }
    let cal = s.business_calendar()?;
    let mut found = Vec::with_capacity(tickets.len());
    for id in tickets {
        let Some(mut t) = s.ticket(id)? else {
            continue;
        };
        if t.record_breaches(&cal, now) {
            found.push(Found::Breached(Box::new(t)));
        } else {
            let checks = t.breach_checks(&cal);
            found.push(Found::Later {
                ticket: id,
                version: t.ticket.version,
                checks: (t.clocks.iter().zip(checks))
                    .filter_map(|(meta, check)| meta.id.map(|clock| (clock, check)))
                    .collect(),
            });
        }
    }
    Ok(Sweep { found, next })
}

/// Writes what [`sweep`] found. A ticket changed since it was read is decided again from what
/// is stored (its save already stored its clocks' next checks). Returns the tickets
/// escalated.
pub fn record_sweep<S: TicketStorage>(s: &S, found: Vec<Found>, now: DateTime<Utc>) -> Result<u32> {
    let cal = s.business_calendar()?;
    let mut escalated = 0;
    for f in found {
        match f {
            Found::Breached(mut t) => {
                let id = t.ticket.id;
                if s.ticket_version(id)? != Some(t.ticket.version) {
                    let Some(fresh) = s.ticket(id)? else {
                        continue;
                    };
                    *t = fresh;
                    if !t.record_breaches(&cal, now) {
                        continue;
                    }
                }
                s.save_ticket(&mut t, TicketAudit::None, now)?;
                escalated += 1;
            }
            Found::Later {
                ticket,
                version,
                checks,
            } => {
                if s.ticket_version(ticket)? == Some(version) {
                    s.set_breach_checks(&checks)?;
                }
            }
        }
    }
    Ok(escalated)
}
