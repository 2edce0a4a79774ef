//! 工单生命周期: the states a ticket goes through, how it is opened, how another report of it
//! is counted, what a revisit's answer does, and which deadlines each step starts and meets.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::grading::GradingRules;
use super::intake::TicketIntake;
use super::revisit::{MAX_REVISITS, RevisitVerdict};
use super::routing::RoutingMap;
use super::vocabulary::{Impact, IntakeChannel, TicketAction, TicketState};
use super::wire::{Ticket, TimelineEntry, TimelineEvent};
use crate::auth::User;
use crate::calendar::BusinessCalendar;
use crate::sla::{ClockKind, ClockRecord, ClockRule, ClockView, Pause, SlaPolicy};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {from:?} ticket cannot {action:?}")]
pub struct TransitionError {
    pub from: TicketState,
    pub action: TicketAction,
}

impl TicketState {
    /// The lifecycle new → assigned → in progress → resolved → revisit → closed, with
    /// reassignment while open and reopen after resolution.
    pub fn apply(self, action: TicketAction) -> Result<TicketState, TransitionError> {
        use TicketAction as A;
        use TicketState as S;
        let next = match (self, action) {
            (S::New | S::Assigned | S::InProgress, A::Assign) => S::Assigned,
            (S::Assigned, A::Start) => S::InProgress,
            (S::InProgress, A::Resolve) => S::Resolved,
            (S::Resolved, A::ScheduleRevisit) => S::Revisit,
            (S::Resolved | S::Revisit, A::Close) => S::Closed,
            (S::Resolved | S::Revisit | S::Closed, A::Reopen) => S::InProgress,
            (from, action) => return Err(TransitionError { from, action }),
        };
        Ok(next)
    }
}

/// The deadlines a lifecycle action meets (docs/api.md "Clocks"): taking the ticket in hand
/// answers it, and a resolution meets every clock that leads up to it.
pub fn clocks_met_by(action: TicketAction) -> &'static [ClockKind] {
    use ClockKind::*;
    match action {
        TicketAction::Assign | TicketAction::Start => &[Respond],
        TicketAction::Resolve => &[Respond, Plan, Progress, Escalate, Resolve],
        TicketAction::ScheduleRevisit | TicketAction::Close | TicketAction::Reopen => &[],
    }
}

/// The deadlines a note meets on a ticket someone works, by the state it is in after the
/// change: a note on an assigned ticket is its plan, and while in progress also a progress
/// report.
pub fn clocks_met_by_note(state: TicketState) -> &'static [ClockKind] {
    match state {
        TicketState::Assigned => &[ClockKind::Plan],
        TicketState::InProgress => &[ClockKind::Plan, ClockKind::Progress],
        _ => &[],
    }
}

/// The rule sets a new ticket is graded, routed and timed by.
#[derive(Debug, Clone, Copy)]
pub struct OpeningRules<'a> {
    pub grading: &'a GradingRules,
    pub routing: &'a RoutingMap,
    pub sla: &'a SlaPolicy,
}

/// A ticket just opened, with what the caller keeps beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub ticket: Ticket,
    /// The rule of each clock in `ticket.clocks`, in order.
    pub clock_rules: Vec<ClockRule>,
    /// DOMAIN.md: urgent cases notify the supervisor at once.
    pub escalate: bool,
}

/// Opens a ticket for a report (意见登记): graded by the rules with `similar_reports` (the
/// server's count of earlier reports per repeat window; the device passes none), routed,
/// its grade's clocks started, state new. The intake is kept as given (the contact too);
/// a ticket opened is never itself a link to another one.
pub fn open_ticket(
    id: Uuid,
    intake: &TicketIntake,
    similar_reports: BTreeMap<u32, u32>,
    rules: OpeningRules,
    by: &User,
    at: DateTime<Utc>,
) -> Opened {
    let grade = rules.grading.grade(&intake.facts(similar_reports));
    let department = rules
        .routing
        .route(intake.nature, &intake.sub_problem)
        .map(str::to_owned);
    let mut ticket = Ticket {
        id,
        state: TicketState::New,
        intake: TicketIntake {
            duplicate_of: None,
            ..intake.clone()
        },
        grade,
        department,
        assignee: None,
        resolution: None,
        waiting_on_customer: false,
        clocks: Vec::new(),
        timeline: Vec::new(),
        history: Vec::new(),
        reports: 1,
        revisits: 0,
        review: None,
        created_at: at,
        version: 0,
    };
    let clock_rules = ticket.start_missing_clocks(rules.sla, at);
    ticket.add_entry(
        at,
        by,
        TimelineEvent::Report {
            channel: intake.channel,
        },
    );
    Opened {
        escalate: ticket.grade.impact == Impact::Urgent,
        ticket,
        clock_rules,
    }
}

/// A breach to record now: the clock ran out (`view`, computed on read) while still running,
/// and its breach is not on record yet (`recorded`), so each breach escalates once.
pub fn breach_is_new(clock: &ClockRecord, view: &ClockView, recorded: bool) -> bool {
    clock.met_at.is_none() && !recorded && view.breached
}

/// When the server's breach sweep must next look at a clock of a ticket in `state`: the
/// instant from which [`breach_is_new`] would hold for it at the latest, or `None` while no
/// breach can be new without the ticket changing first (met, breach on record, ticket closed,
/// or paused with time left). Every save stores it, so the sweep reads only the clocks due.
pub fn breach_check_at(
    state: TicketState,
    clock: &ClockRecord,
    rule: &ClockRule,
    cal: &BusinessCalendar,
    recorded: bool,
) -> Option<DateTime<Utc>> {
    if recorded || !state.is_open() {
        return None;
    }
    clock.runs_out_at(rule, cal)
}

/// What recording a revisit's answer did beyond the ticket itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RevisitRecorded {
    /// The Resolve clock a reopening started.
    pub restarted: Option<ClockRule>,
    /// The revisits are used up: the supervisor decides.
    pub escalate: bool,
}

impl Ticket {
    /// Who reported the ticket: the first timeline entry is the report.
    pub fn reported_by(&self) -> Option<Uuid> {
        self.timeline.first().map(|e| e.by)
    }

    pub fn add_entry(&mut self, at: DateTime<Utc>, by: &User, event: TimelineEvent) {
        self.timeline.push(TimelineEntry {
            at,
            by: by.id,
            by_name: by.display_name.clone(),
            event,
        });
    }

    /// Moves the ticket through its lifecycle; a change of state goes on the timeline.
    pub fn transition(
        &mut self,
        action: TicketAction,
        by: &User,
        now: DateTime<Utc>,
    ) -> Result<(), TransitionError> {
        let from = self.state;
        let to = from.apply(action)?;
        self.state = to;
        if from != to {
            self.add_entry(now, by, TimelineEvent::State { from, to });
        }
        Ok(())
    }

    /// Marks the clocks of these kinds met, those not met already.
    pub fn meet(&mut self, kinds: &[ClockKind], now: DateTime<Utc>) {
        for c in &mut self.clocks {
            if c.met_at.is_none() && kinds.contains(&c.kind) {
                c.met_at = Some(now);
            }
        }
    }

    /// A clock started while the ticket waits on the customer starts paused.
    fn start_clock(&mut self, rule: &ClockRule, now: DateTime<Utc>) -> ClockRule {
        self.clocks.push(ClockRecord {
            kind: rule.kind,
            started_at: now,
            met_at: None,
            pauses: if self.waiting_on_customer {
                vec![Pause {
                    from: now,
                    to: None,
                }]
            } else {
                Vec::new()
            },
        });
        rule.clone()
    }

    /// Starts the clocks the current grade calls for that the ticket does not have yet (a
    /// grade raised by hand or by repetition adds its deadlines; none is restarted). Returns
    /// the rules of the clocks started, in order.
    pub fn start_missing_clocks(
        &mut self,
        policy: &SlaPolicy,
        now: DateTime<Utc>,
    ) -> Vec<ClockRule> {
        let mut started = Vec::new();
        for rule in policy.clocks_for(self.grade.impact, self.grade.priority) {
            if !self.clocks.iter().any(|c| c.kind == rule.kind) {
                started.push(self.start_clock(rule, now));
            }
        }
        started
    }

    /// A reopened ticket must be resolved again in time: the grade's Resolve rule, else the
    /// policy's first Resolve rule.
    pub fn restart_resolve_clock(
        &mut self,
        policy: &SlaPolicy,
        now: DateTime<Utc>,
    ) -> Option<ClockRule> {
        let rule = policy
            .clocks_for(self.grade.impact, self.grade.priority)
            .into_iter()
            .find(|r| r.kind == ClockKind::Resolve)
            .or_else(|| policy.rules.iter().find(|r| r.kind == ClockKind::Resolve))?
            .clone();
        Some(self.start_clock(&rule, now))
    }

    /// Waiting on the customer pauses every clock not met yet; the answer resumes them.
    pub fn set_waiting(&mut self, waiting: bool, now: DateTime<Utc>) {
        if waiting == self.waiting_on_customer {
            return;
        }
        self.waiting_on_customer = waiting;
        for c in self.clocks.iter_mut().filter(|c| c.met_at.is_none()) {
            if waiting {
                c.pauses.push(Pause {
                    from: now,
                    to: None,
                });
            } else if let Some(open) = c.pauses.iter_mut().find(|p| p.to.is_none()) {
                open.to = Some(now);
            }
        }
    }

    /// Another report of the same problem (the user accepted the offered link): counted on
    /// this ticket, with its line on the timeline. A closed ticket takes no more reports (the
    /// report opens a ticket of its own); returns whether it was counted.
    pub fn add_report(&mut self, channel: IntakeChannel, by: &User, at: DateTime<Utc>) -> bool {
        if !self.state.is_open() {
            return false;
        }
        self.reports += 1;
        self.add_entry(at, by, TimelineEvent::Report { channel });
        true
    }

    /// The answer of a revisit: satisfied closes, unsatisfied reopens with a new Resolve clock
    /// (its next resolution schedules the next revisit). A ticket closed or reopened by hand
    /// meanwhile keeps its state; the answer is on record. `None` when the customer was not
    /// reached: nothing is recorded, the visit task's retry takes over.
    pub fn record_revisit(
        &mut self,
        visit_id: Uuid,
        verdict: RevisitVerdict,
        by: &User,
        policy: &SlaPolicy,
        now: DateTime<Utc>,
    ) -> Result<Option<RevisitRecorded>, TransitionError> {
        if verdict == RevisitVerdict::NotReached {
            return Ok(None);
        }
        self.revisits = self.revisits.saturating_add(1);
        self.add_entry(now, by, TimelineEvent::Revisit { visit_id, verdict });
        let mut out = RevisitRecorded::default();
        if self.state == TicketState::Revisit {
            if verdict == RevisitVerdict::Satisfied {
                self.transition(TicketAction::Close, by, now)?;
            } else {
                self.transition(TicketAction::Reopen, by, now)?;
                out.restarted = self.restart_resolve_clock(policy, now);
                out.escalate = self.revisits >= MAX_REVISITS;
            }
        }
        Ok(Some(out))
    }
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
