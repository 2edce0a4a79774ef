//! What a device keeps (issue 10): which tickets a pull hands a user, when a ticket leaves
//! the device, how a pull page is cut, and how a customer lookup reads its query.
//!
//! A device holds what its user acts on; the rest of the history is read online on demand.
//! The server decides with [`keeps_ticket`] (from the ticket's stored facts) and the device
//! lets a settled ticket age out with [`ages_out`] (from its own copy), so both sides agree.

use chrono::{DateTime, Duration, Utc};

use crate::auth::Role;
use crate::error::{ValidationError, ValidationKind};
use crate::ticket::{Ticket, TicketState};

/// A settled ticket that concerns the user stays on the device this long after its last
/// activity, so "what I closed this week" still opens offline.
pub const RECENT_DAYS: i64 = 7;

/// Most bytes of records one pull page carries (each record's JSON, plus a separator); a
/// single record bigger than this still goes, alone.
pub const MAX_PULL_BYTES: usize = 256 * 1024;

/// What decides whether a ticket belongs on a user's device, as the server stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketFacts {
    /// Not closed.
    pub open: bool,
    /// Assigned to the user.
    pub assigned: bool,
    /// Reported (created) by the user.
    pub reported: bool,
    /// In the supervisors' queue (entered it and not closed since).
    pub escalated: bool,
    /// A resolution waiting for a supervisor's decision.
    pub awaits_review: bool,
    /// The newest timeline or history entry (or the creation).
    pub last_activity: DateTime<Utc>,
}

/// The supervisors' queues on a manager's device: only the entries that moved in the last
/// shift. A busy centre's queues run to thousands (the generated centre of docs/benchmarks.md
/// has 4 k escalated tickets and 57 k resolutions awaiting review, 170 MB with their
/// timelines); the queue screens read the whole queues online.
pub const QUEUE_HOURS: i64 = 12;

/// Whether a user's device keeps a ticket: what they work on (open and assigned to or
/// reported by them), what they touched lately, and for those who manage tickets what moved
/// lately in the escalated queue and among the resolutions awaiting review. Closed history,
/// the queues' older entries and other people's settled tickets are read online.
pub fn keeps_ticket(role: Role, f: &TicketFacts, now: DateTime<Utc>) -> bool {
    let concerns = f.assigned || f.reported;
    let recent = f.last_activity >= recent_since(now);
    let queued = (f.open && f.escalated) || f.awaits_review;
    let moved = f.last_activity >= now - Duration::hours(QUEUE_HOURS);
    concerns && (f.open || recent) || role.can_manage_tickets() && queued && moved
}

/// The start of the "changed recently" window.
pub fn recent_since(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(RECENT_DAYS)
}

impl Ticket {
    /// The newest entry of the timeline or the history, or the creation.
    pub fn last_activity(&self) -> DateTime<Utc> {
        self.timeline
            .iter()
            .map(|e| e.at)
            .chain(self.history.iter().map(|h| h.at))
            .fold(self.created_at, DateTime::max)
    }
}

/// Whether a ticket the device holds has left every user's scope by time alone (no change
/// brings it to a pull): closed and quiet for [`RECENT_DAYS`]. A review still pending does
/// not keep it: the review screen reads its queue online.
pub fn ages_out(t: &Ticket, now: DateTime<Utc>) -> bool {
    t.state == TicketState::Closed && t.last_activity() < recent_since(now)
}

/// Room left on a pull page: records are taken in change order while they fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRoom {
    pub items: usize,
    pub bytes: usize,
    taken: usize,
}

impl PageRoom {
    pub fn new(items: usize, bytes: usize) -> Self {
        PageRoom {
            items,
            bytes,
            taken: 0,
        }
    }

    /// Takes a record of `size` bytes if it fits; the first record always fits, so one
    /// bigger than the whole page still goes alone.
    pub fn take(&mut self, size: usize) -> bool {
        let fits = self.taken == 0 || (self.items > 0 && size <= self.bytes);
        if fits {
            self.items = self.items.saturating_sub(1);
            self.bytes = self.bytes.saturating_sub(size);
            self.taken += 1;
        }
        fits
    }
}

/// Fewest digits of a contact's end a lookup takes: fewer would match a crowd.
pub const MIN_CONTACT_DIGITS: usize = 4;

/// `GET /api/customers?q=`: what the typed text is looked up as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerLookup {
    /// The start of the name.
    NamePrefix(String),
    /// The last digits of the contact.
    ContactEnd(String),
}

impl CustomerLookup {
    /// Digits only (at least [`MIN_CONTACT_DIGITS`]) are the end of a phone number; anything
    /// else is the start of a name.
    pub fn parse(q: &str) -> Result<Self, ValidationError> {
        let q = q.trim();
        if q.is_empty() {
            return Err(ValidationError::new(
                "q",
                ValidationKind::Required,
                "type a name or the end of a number",
            ));
        }
        if q.chars().all(|c| c.is_ascii_digit()) {
            if q.len() < MIN_CONTACT_DIGITS {
                return Err(ValidationError::new(
                    "q",
                    ValidationKind::OutOfRange,
                    format!("type at least {MIN_CONTACT_DIGITS} digits of the number"),
                ));
            }
            return Ok(CustomerLookup::ContactEnd(q.to_owned()));
        }
        Ok(CustomerLookup::NamePrefix(q.to_owned()))
    }

    /// Whether a customer (as the device holds it, contact masked) matches, for searching the
    /// device before the server: the masked contact keeps the last four digits.
    pub fn matches(&self, name: &str, contact_masked: &str) -> bool {
        match self {
            CustomerLookup::NamePrefix(p) => name.starts_with(p.as_str()),
            CustomerLookup::ContactEnd(d) => {
                let tail = &d[d.len() - MIN_CONTACT_DIGITS..];
                contact_masked.ends_with(tail)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
    }

    fn facts(open: bool, assigned: bool, reported: bool, days_ago: i64) -> TicketFacts {
        TicketFacts {
            open,
            assigned,
            reported,
            escalated: false,
            awaits_review: false,
            last_activity: now() - Duration::days(days_ago),
        }
    }

    #[test]
    fn each_role_keeps_what_it_acts_on() {
        let escalated = |open, days| TicketFacts {
            escalated: true,
            ..facts(open, false, false, days)
        };
        let in_review = |days| TicketFacts {
            awaits_review: true,
            ..facts(false, false, false, days)
        };
        let cases = [
            // (role, facts, kept)
            (Role::Field, facts(true, true, false, 100), true),
            (Role::Field, facts(true, false, true, 100), true),
            (Role::Field, facts(false, true, false, 3), true),
            (Role::Field, facts(false, true, false, 7), true),
            (Role::Field, facts(false, true, false, 8), false),
            (Role::Field, facts(true, false, false, 0), false),
            (Role::Field, escalated(true, 0), false),
            (Role::Agent, in_review(0), false),
            (Role::Supervisor, facts(true, true, false, 100), true),
            (Role::Supervisor, facts(true, false, false, 0), false),
            (Role::Supervisor, facts(false, false, false, 0), false),
            (Role::Supervisor, facts(false, true, false, 30), false),
            (Role::Supervisor, escalated(true, 0), true),
            (Role::Supervisor, escalated(true, 1), false),
            (Role::Supervisor, escalated(true, 2), false),
            (Role::Supervisor, escalated(false, 0), false),
            (Role::Supervisor, in_review(0), true),
            (Role::Supervisor, in_review(2), false),
            (Role::Admin, escalated(true, 0), true),
            (Role::Admin, in_review(1), false),
            (Role::Admin, in_review(30), false),
            (Role::Admin, facts(false, false, true, 2), true),
        ];
        for (i, (role, f, kept)) in cases.into_iter().enumerate() {
            assert_eq!(
                keeps_ticket(role, &f, now()),
                kept,
                "case {i}: {role:?} {f:?}"
            );
        }
    }

    #[test]
    fn only_a_quiet_closed_ticket_ages_out() {
        use crate::ticket::testing::ticket;
        let mut t = ticket();
        t.created_at = now() - Duration::days(30);
        t.timeline.clear();
        t.history.clear();
        t.state = TicketState::Closed;
        t.review = None;
        t.resolution = None;
        assert!(ages_out(&t, now()));
        let mut recent = t.clone();
        recent.created_at = now() - Duration::days(2);
        assert!(!ages_out(&recent, now()));
        let mut open = t.clone();
        open.state = TicketState::InProgress;
        assert!(!ages_out(&open, now()));
        let mut waiting = t.clone();
        waiting.resolution = Some("已更换".into());
        assert!(ages_out(&waiting, now()), "a pending review is read online");
    }

    #[test]
    fn a_page_takes_records_while_they_fit_and_a_big_one_alone() {
        let cases: [(usize, usize, &[usize], usize); 6] = [
            // (items, bytes, sizes, taken)
            (3, 100, &[10, 10, 10, 10], 3),
            (10, 25, &[10, 10, 10], 2),
            (10, 25, &[10, 15, 1], 2),
            (10, 25, &[300, 1], 1),
            (10, 25, &[10, 300, 1], 1),
            (10, 25, &[], 0),
        ];
        for (i, (items, bytes, sizes, want)) in cases.into_iter().enumerate() {
            let mut room = PageRoom::new(items, bytes);
            let taken = sizes.iter().take_while(|&&s| room.take(s)).count();
            assert_eq!(taken, want, "case {i}");
        }
    }

    #[test]
    fn a_lookup_is_a_name_start_or_a_numbers_end() {
        let cases: [(&str, Result<CustomerLookup, &str>); 6] = [
            ("王", Ok(CustomerLookup::NamePrefix("王".into()))),
            (" 王女士 ", Ok(CustomerLookup::NamePrefix("王女士".into()))),
            ("5678", Ok(CustomerLookup::ContactEnd("5678".into()))),
            (
                "13812345678",
                Ok(CustomerLookup::ContactEnd("13812345678".into())),
            ),
            ("567", Err("q")),
            ("  ", Err("q")),
        ];
        for (q, want) in cases {
            match (CustomerLookup::parse(q), want) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "{q:?}"),
                (Err(e), Err(field)) => assert_eq!(e.field, field, "{q:?}"),
                (got, want) => panic!("{q:?}: {got:?} vs {want:?}"),
            }
        }
        let name = CustomerLookup::parse("王").unwrap();
        assert!(name.matches("王女士", "138****5678"));
        assert!(!name.matches("李先生", "138****5678"));
        let digits = CustomerLookup::parse("345678").unwrap();
        assert!(digits.matches("李先生", "138****5678"));
        assert!(!digits.matches("李先生", "138****5679"));
    }
}
