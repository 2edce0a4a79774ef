//! SLA clocks (时限): every deadline a ticket runs against, on the business calendar or
//! around the clock, with pauses while waiting on the customer. Every clock of a ticket is
//! shown, not only the next one.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::BusinessCalendar;
use crate::ticket::vocabulary::{Impact, TicketPriority};
use crate::wire::wire_enum;

wire_enum!(
    /// The deadlines a ticket runs against.
    ClockKind {
        /// Someone takes the ticket in hand (urgent: immediately).
        Respond => "respond",
        /// A plan is written (important: within 12 h).
        Plan => "plan",
        /// Progress is reported to the customer (medium priority: within 48 h).
        Progress => "progress",
        /// The supervisor has it (high priority: within 24 h).
        Escalate => "escalate",
        /// It is resolved (general: within 24 h).
        Resolve => "resolve",
    }
);

wire_enum!(
    /// Whether a clock counts working time only or every minute.
    Timing {
        Business => "business",
        /// Safety and big losses do not wait for Monday.
        Continuous => "continuous",
    }
);

/// One deadline rule: for tickets of this impact and/or priority (None: any), the clock of
/// `kind` allows `minutes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockRule {
    pub kind: ClockKind,
    #[serde(default)]
    pub impact: Option<Impact>,
    #[serde(default)]
    pub priority: Option<TicketPriority>,
    pub minutes: u32,
    pub timing: Timing,
    /// The clock turns to "warning" when this share of its time is used.
    pub warn_percent: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaPolicy {
    pub rules: Vec<ClockRule>,
}

impl Default for SlaPolicy {
    /// DOMAIN.md "Ticket deadlines" and "Priorities".
    fn default() -> Self {
        let rule = |kind, impact, priority, hours: u32, timing| ClockRule {
            kind,
            impact,
            priority,
            minutes: hours * 60,
            timing,
            warn_percent: 75,
        };
        SlaPolicy {
            rules: vec![
                rule(
                    ClockKind::Resolve,
                    Some(Impact::General),
                    None,
                    24,
                    Timing::Business,
                ),
                rule(
                    ClockKind::Plan,
                    Some(Impact::Important),
                    None,
                    12,
                    Timing::Business,
                ),
                ClockRule {
                    minutes: 30,
                    ..rule(
                        ClockKind::Respond,
                        Some(Impact::Urgent),
                        None,
                        0,
                        Timing::Continuous,
                    )
                },
                rule(
                    ClockKind::Escalate,
                    None,
                    Some(TicketPriority::High),
                    24,
                    Timing::Continuous,
                ),
                rule(
                    ClockKind::Progress,
                    None,
                    Some(TicketPriority::Medium),
                    48,
                    Timing::Business,
                ),
            ],
        }
    }
}

impl SlaPolicy {
    /// Refuses policies the evaluator cannot honour. A zero-minute clock is allowed:
    /// "immediately" is a real deadline.
    pub fn check(&self) -> Result<(), String> {
        const YEAR_MINUTES: u32 = 366 * 24 * 60;
        for r in &self.rules {
            if r.minutes > YEAR_MINUTES {
                return Err(format!("a {:?} clock allows at most a year", r.kind));
            }
            if !(1..=100).contains(&r.warn_percent) {
                return Err(format!("the {:?} warning is at 1–100 %", r.kind));
            }
        }
        Ok(())
    }

    /// The rules that apply to a ticket of this grade, one per clock kind (the first rule of
    /// a kind wins, so admins order specific rules before general ones).
    pub fn clocks_for(&self, impact: Impact, priority: TicketPriority) -> Vec<&ClockRule> {
        let mut out: Vec<&ClockRule> = Vec::new();
        for r in &self.rules {
            let fits =
                r.impact.is_none_or(|i| i == impact) && r.priority.is_none_or(|p| p == priority);
            if fits && !out.iter().any(|o| o.kind == r.kind) {
                out.push(r);
            }
        }
        out
    }
}

/// A stretch of time the clock stood still (waiting on the customer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pause {
    pub from: DateTime<Utc>,
    /// `None` while still paused.
    pub to: Option<DateTime<Utc>>,
}

/// What a ticket's clock has recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockRecord {
    pub kind: ClockKind,
    pub started_at: DateTime<Utc>,
    #[serde(default)]
    pub met_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub pauses: Vec<Pause>,
}

wire_enum!(
    /// Where a clock stands.
    ClockState {
        Running => "running",
        Warning => "warning",
        Paused => "paused",
        Breached => "breached",
        Met => "met",
    }
);

/// A clock as the user sees it at `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockView {
    pub kind: ClockKind,
    pub state: ClockState,
    /// When it runs out if nothing pauses it again (from now, for a paused clock).
    pub due_at: DateTime<Utc>,
    pub warn_at: DateTime<Utc>,
    /// Clock time used so far (pauses excluded), in minutes.
    pub used_minutes: i64,
    pub budget_minutes: i64,
    /// It ran out before it was met, or has run out and is still open: escalate.
    pub breached: bool,
}

fn measure(timing: Timing, cal: &BusinessCalendar, a: DateTime<Utc>, b: DateTime<Utc>) -> Duration {
    match timing {
        Timing::Business => cal.working_time_between(a, b),
        Timing::Continuous => (b - a).max(Duration::zero()),
    }
}

fn add(timing: Timing, cal: &BusinessCalendar, a: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    match timing {
        Timing::Business => cal.add_working_time(a, d),
        Timing::Continuous => a + d.max(Duration::zero()),
    }
}

/// Where walking a clock's budget through its pauses stops.
enum Spent {
    /// The budget is used up at this instant.
    At(DateTime<Utc>),
    /// A pause still open holds the clock, with `left` of the budget unused.
    Held {
        since: DateTime<Utc>,
        left: Duration,
    },
}

impl ClockRecord {
    /// Walks the pauses in order until `budget` of clock time is used up or an open pause
    /// holds the clock.
    fn spend(&self, budget: Duration, rule: &ClockRule, cal: &BusinessCalendar) -> Spent {
        let mut t = self.started_at;
        let mut left = budget;
        for p in &self.pauses {
            let run = measure(rule.timing, cal, t, p.from.max(t));
            if run >= left {
                return Spent::At(add(rule.timing, cal, t, left));
            }
            left -= run;
            match p.to {
                Some(to) => t = to.max(t),
                None => {
                    return Spent::Held {
                        since: p.from,
                        left,
                    };
                }
            }
        }
        Spent::At(add(rule.timing, cal, t, left))
    }

    /// When `budget` is used up: a pause still open projects the rest from `now`.
    fn deadline(
        &self,
        budget: Duration,
        rule: &ClockRule,
        cal: &BusinessCalendar,
        now: DateTime<Utc>,
    ) -> DateTime<Utc> {
        match self.spend(budget, rule, cal) {
            Spent::At(at) => at,
            Spent::Held { since, left } => add(rule.timing, cal, now.max(since), left),
        }
    }

    /// The instant from which [`ClockRecord::view`] finds this clock breached as it is
    /// recorded now, or `None` if it never will unless the record changes: a met clock, and a
    /// paused one with time left (resuming changes the record, and the answer with it).
    /// A zero budget is out of time from the start, even at night on a business clock.
    pub fn runs_out_at(&self, rule: &ClockRule, cal: &BusinessCalendar) -> Option<DateTime<Utc>> {
        if self.met_at.is_some() {
            return None;
        }
        if rule.minutes == 0 {
            return Some(self.started_at);
        }
        match self.spend(Duration::minutes(i64::from(rule.minutes)), rule, cal) {
            Spent::At(at) => Some(at),
            Spent::Held { .. } => None,
        }
    }

    /// Evaluates the clock under `rule` at `now`.
    pub fn view(&self, rule: &ClockRule, cal: &BusinessCalendar, now: DateTime<Utc>) -> ClockView {
        let end = self.met_at.unwrap_or(now);
        let paused_now =
            self.met_at.is_none() && self.pauses.last().is_some_and(|p| p.to.is_none());
        let paused: Duration = self
            .pauses
            .iter()
            .map(|p| {
                let to = p.to.unwrap_or(end).min(end);
                measure(rule.timing, cal, p.from.max(self.started_at), to)
            })
            .fold(Duration::zero(), |a, b| a + b);
        let used = measure(rule.timing, cal, self.started_at, end) - paused;
        let budget = Duration::minutes(rule.minutes as i64);
        let warn_budget = Duration::minutes(rule.minutes as i64 * rule.warn_percent as i64 / 100);
        // Met exactly on the deadline is on time; open and at the deadline is out of time.
        let breached = match self.met_at {
            Some(_) => used > budget,
            None => used >= budget,
        };
        let state = match (self.met_at, breached, paused_now) {
            (_, true, _) => ClockState::Breached,
            (Some(_), false, _) => ClockState::Met,
            (None, false, true) => ClockState::Paused,
            (None, false, false) if used >= warn_budget => ClockState::Warning,
            _ => ClockState::Running,
        };
        ClockView {
            kind: self.kind,
            state,
            due_at: self.deadline(budget, rule, cal, now),
            warn_at: self.deadline(warn_budget, rule, cal, now),
            used_minutes: used.num_minutes(),
            budget_minutes: budget.num_minutes(),
            breached,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, TimeZone};

    use crate::testing::bj_nov as bj;

    fn rule(minutes: u32, timing: Timing) -> ClockRule {
        ClockRule {
            kind: ClockKind::Resolve,
            impact: None,
            priority: None,
            minutes,
            timing,
            warn_percent: 75,
        }
    }

    fn clock(
        started_at: DateTime<Utc>,
        met_at: Option<DateTime<Utc>>,
        pauses: Vec<Pause>,
    ) -> ClockRecord {
        ClockRecord {
            kind: ClockKind::Resolve,
            started_at,
            met_at,
            pauses,
        }
    }

    fn pause(from: DateTime<Utc>, to: Option<DateTime<Utc>>) -> Pause {
        Pause { from, to }
    }

    #[test]
    fn business_clocks_run_only_in_working_time() {
        let cal = BusinessCalendar::default();
        let four_hours = rule(4 * 60, Timing::Business);
        // Monday 16:00 + 4 working hours = Tuesday 11:00 (2 h Monday, 2 h Tuesday).
        let c = clock(bj(23, 16, 0), None, vec![]);
        let table = [
            (bj(23, 17, 0), ClockState::Running, 60),
            (bj(23, 23, 0), ClockState::Running, 120),
            (bj(24, 10, 0), ClockState::Warning, 180),
            (bj(24, 11, 0), ClockState::Breached, 240),
            (bj(25, 9, 0), ClockState::Breached, 240 + 7 * 60),
        ];
        for (now, state, used) in table {
            let v = c.view(&four_hours, &cal, now);
            assert_eq!((v.state, v.used_minutes), (state, used), "at {now}");
            assert_eq!(v.due_at, bj(24, 11, 0), "due at {now}");
        }
        assert_eq!(
            c.view(&four_hours, &cal, bj(23, 17, 0)).warn_at,
            bj(24, 10, 0)
        );
    }

    #[test]
    fn a_clock_over_the_weekend_and_a_holiday_waits_for_working_days() {
        let cal = BusinessCalendar {
            holidays: vec![chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()],
            ..BusinessCalendar::default()
        };
        // Friday 17:00 + 2 working hours: Friday 1 h, Monday is a holiday, Tuesday 10:00.
        let c = clock(bj(27, 17, 0), None, vec![]);
        let v = c.view(&rule(120, Timing::Business), &cal, bj(28, 12, 0));
        assert_eq!(
            v.due_at,
            FixedOffset::east_opt(8 * 3600)
                .unwrap()
                .with_ymd_and_hms(2026, 12, 1, 10, 0, 0)
                .unwrap()
                .with_timezone(&Utc)
        );
        assert_eq!(v.state, ClockState::Running);
    }

    #[test]
    fn continuous_clocks_count_every_minute() {
        let cal = BusinessCalendar::default();
        let half_hour = rule(30, Timing::Continuous);
        let c = clock(bj(28, 23, 0), None, vec![]);
        assert_eq!(
            c.view(&half_hour, &cal, bj(28, 23, 10)).state,
            ClockState::Running
        );
        assert_eq!(
            c.view(&half_hour, &cal, bj(28, 23, 25)).state,
            ClockState::Warning
        );
        let v = c.view(&half_hour, &cal, bj(28, 23, 40));
        assert_eq!(
            (v.state, v.breached, v.due_at),
            (ClockState::Breached, true, bj(28, 23, 30))
        );
    }

    #[test]
    fn waiting_on_the_customer_pauses_the_clock_and_moves_the_deadline() {
        let cal = BusinessCalendar::default();
        let two_hours = rule(120, Timing::Business);
        // Started Monday 9:00, paused 10:00–14:00 (waiting on the customer).
        let paused = clock(bj(23, 9, 0), None, vec![pause(bj(23, 10, 0), None)]);
        let v = paused.view(&two_hours, &cal, bj(23, 14, 0));
        assert_eq!((v.state, v.used_minutes), (ClockState::Paused, 60));
        assert_eq!(v.due_at, bj(23, 15, 0), "projected from now");

        let resumed = clock(
            bj(23, 9, 0),
            None,
            vec![pause(bj(23, 10, 0), Some(bj(23, 14, 0)))],
        );
        let v = resumed.view(&two_hours, &cal, bj(23, 14, 20));
        assert_eq!((v.state, v.used_minutes), (ClockState::Running, 80));
        let v = resumed.view(&two_hours, &cal, bj(23, 14, 30));
        assert_eq!((v.state, v.used_minutes), (ClockState::Warning, 90));
        assert_eq!(v.due_at, bj(23, 15, 0));
        let v = resumed.view(&two_hours, &cal, bj(23, 15, 30));
        assert_eq!(v.state, ClockState::Breached);
        assert_eq!(v.used_minutes, 150);
    }

    #[test]
    fn a_met_clock_stays_met_or_shows_it_was_late() {
        let cal = BusinessCalendar::default();
        let two_hours = rule(120, Timing::Business);
        let on_time = clock(bj(23, 9, 0), Some(bj(23, 10, 30)), vec![]);
        let v = on_time.view(&two_hours, &cal, bj(26, 9, 0));
        assert_eq!(
            (v.state, v.breached, v.used_minutes),
            (ClockState::Met, false, 90)
        );
        let late = clock(bj(23, 9, 0), Some(bj(23, 12, 0)), vec![]);
        let v = late.view(&two_hours, &cal, bj(26, 9, 0));
        assert_eq!((v.state, v.breached), (ClockState::Breached, true));
    }

    /// Where each clock runs out, and that `view` agrees: not breached a second before,
    /// breached from that instant on, sampled every 10 minutes over a week from the last
    /// recorded event; a clock that never runs out is never breached in that week.
    #[test]
    fn a_clock_runs_out_where_its_view_turns_breached() {
        let week_cal = BusinessCalendar::default();
        let holiday_cal = BusinessCalendar {
            // Tuesday 24th is a holiday, Saturday 28th a make-up working day.
            holidays: vec![chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()],
            extra_workdays: vec![chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()],
            ..BusinessCalendar::default()
        };
        let business = |m| rule(m, Timing::Business);
        let continuous = |m| rule(m, Timing::Continuous);
        let closed = |a, b| pause(a, Some(b));
        // (clock, rule, calendar, runs out at)
        let table = [
            // Monday 16:00 + 4 working hours: Tuesday 11:00.
            (
                clock(bj(23, 16, 0), None, vec![]),
                business(240),
                &week_cal,
                Some(bj(24, 11, 0)),
            ),
            // The same over Tuesday's holiday: Wednesday 11:00.
            (
                clock(bj(23, 16, 0), None, vec![]),
                business(240),
                &holiday_cal,
                Some(bj(25, 11, 0)),
            ),
            // Friday 17:00 + 2 h: the make-up Saturday 10:00 on one calendar, Monday on the other.
            (
                clock(bj(27, 17, 0), None, vec![]),
                business(120),
                &holiday_cal,
                Some(bj(28, 10, 0)),
            ),
            (
                clock(bj(27, 17, 0), None, vec![]),
                business(120),
                &week_cal,
                Some(bj(30, 10, 0)),
            ),
            // Started at night: counts from the morning; used up exactly at closing.
            (
                clock(bj(23, 22, 0), None, vec![]),
                business(540),
                &week_cal,
                Some(bj(24, 18, 0)),
            ),
            // Continuous clocks ignore the calendar.
            (
                clock(bj(28, 23, 0), None, vec![]),
                continuous(30),
                &week_cal,
                Some(bj(28, 23, 30)),
            ),
            // A closed pause of 4 h (10:00–14:00) moves a 2 h business clock to 15:00.
            (
                clock(
                    bj(23, 9, 0),
                    None,
                    vec![closed(bj(23, 10, 0), bj(23, 14, 0))],
                ),
                business(120),
                &week_cal,
                Some(bj(23, 15, 0)),
            ),
            // Two closed pauses on a continuous clock: 60 + 45 minutes added.
            (
                clock(
                    bj(23, 9, 0),
                    None,
                    vec![
                        closed(bj(23, 9, 10), bj(23, 10, 10)),
                        closed(bj(23, 10, 20), bj(23, 11, 5)),
                    ],
                ),
                continuous(30),
                &week_cal,
                Some(bj(23, 11, 15)),
            ),
            // Paused with time left: it cannot run out until it resumes.
            (
                clock(bj(23, 9, 0), None, vec![pause(bj(23, 10, 0), None)]),
                business(120),
                &week_cal,
                None,
            ),
            // Paused after it ran out (before the sweep saw it): still out of time.
            (
                clock(bj(23, 9, 0), None, vec![pause(bj(23, 11, 30), None)]),
                business(120),
                &week_cal,
                Some(bj(23, 11, 0)),
            ),
            // Met: never.
            (
                clock(bj(23, 9, 0), Some(bj(23, 9, 30)), vec![]),
                business(120),
                &week_cal,
                None,
            ),
            // "Immediately" is out of time from the start, at night too.
            (
                clock(bj(23, 22, 0), None, vec![]),
                business(0),
                &week_cal,
                Some(bj(23, 22, 0)),
            ),
            (
                clock(bj(23, 22, 0), None, vec![pause(bj(23, 22, 0), None)]),
                continuous(0),
                &week_cal,
                Some(bj(23, 22, 0)),
            ),
        ];
        for (i, (c, r, cal, want)) in table.into_iter().enumerate() {
            let at = c.runs_out_at(&r, cal);
            assert_eq!(at, want, "case {i}");
            let last_event = c
                .pauses
                .iter()
                .flat_map(|p| [Some(p.from), p.to])
                .flatten()
                .chain([c.started_at])
                .max()
                .unwrap();
            let breached = |now| c.view(&r, cal, now).breached && c.met_at.is_none();
            if let Some(at) = at {
                if at > last_event {
                    assert!(
                        !breached(at - Duration::seconds(1)),
                        "case {i}: a second early"
                    );
                }
                assert!(breached(at), "case {i}: at the instant");
            }
            let mut now = last_event;
            while now < last_event + Duration::days(7) {
                let expected = at.is_some_and(|at| now >= at);
                assert_eq!(breached(now), expected, "case {i} at {now}");
                now += Duration::minutes(10);
            }
        }
    }

    #[test]
    fn each_grade_gets_its_clocks() {
        let p = SlaPolicy::default();
        let kinds = |i, pr| {
            p.clocks_for(i, pr)
                .iter()
                .map(|r| r.kind)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            kinds(Impact::General, TicketPriority::Low),
            [ClockKind::Resolve]
        );
        assert_eq!(
            kinds(Impact::General, TicketPriority::Medium),
            [ClockKind::Resolve, ClockKind::Progress]
        );
        assert_eq!(
            kinds(Impact::Important, TicketPriority::Medium),
            [ClockKind::Plan, ClockKind::Progress]
        );
        assert_eq!(
            kinds(Impact::Urgent, TicketPriority::High),
            [ClockKind::Respond, ClockKind::Escalate]
        );
    }
}
