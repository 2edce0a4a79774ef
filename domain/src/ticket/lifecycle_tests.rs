use std::collections::BTreeMap;

use chrono::{Duration, TimeZone};

use super::*;
use crate::auth::Role;
use crate::ticket::testing::{intake, user};
use crate::ticket::vocabulary::{DemandKind, Nature, TicketPriority};
use crate::vocabulary::Emotion;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
}

fn rules() -> (GradingRules, RoutingMap, SlaPolicy) {
    (
        GradingRules::default(),
        RoutingMap::default(),
        SlaPolicy::default(),
    )
}

fn open(intake: &TicketIntake, similar: BTreeMap<u32, u32>) -> Opened {
    let (grading, routing, sla) = rules();
    let rules = OpeningRules {
        grading: &grading,
        routing: &routing,
        sla: &sla,
    };
    open_ticket(
        Uuid::from_u128(9),
        intake,
        similar,
        rules,
        &user(1, Role::Agent),
        at(),
    )
}

#[test]
fn the_lifecycle_allows_only_its_transitions() {
    use TicketAction as A;
    use TicketState as S;
    let ok = [
        (S::New, A::Assign, S::Assigned),
        (S::Assigned, A::Assign, S::Assigned),
        (S::InProgress, A::Assign, S::Assigned),
        (S::Assigned, A::Start, S::InProgress),
        (S::InProgress, A::Resolve, S::Resolved),
        (S::Resolved, A::ScheduleRevisit, S::Revisit),
        (S::Revisit, A::Close, S::Closed),
        (S::Resolved, A::Close, S::Closed),
        (S::Revisit, A::Reopen, S::InProgress),
        (S::Closed, A::Reopen, S::InProgress),
    ];
    for (from, action, to) in ok {
        assert_eq!(from.apply(action), Ok(to), "{from:?} {action:?}");
    }
    let bad = [
        (S::New, A::Start),
        (S::New, A::Resolve),
        (S::Assigned, A::Resolve),
        (S::InProgress, A::Close),
        (S::Closed, A::Assign),
        (S::Closed, A::Close),
        (S::New, A::Reopen),
        (S::Revisit, A::ScheduleRevisit),
    ];
    for (from, action) in bad {
        assert_eq!(from.apply(action), Err(TransitionError { from, action }));
    }
}

#[test]
fn actions_meet_their_clocks() {
    use ClockKind::*;
    use TicketAction as A;
    let table: [(A, &[ClockKind]); 6] = [
        (A::Assign, &[Respond]),
        (A::Start, &[Respond]),
        (A::Resolve, &[Respond, Plan, Progress, Escalate, Resolve]),
        (A::ScheduleRevisit, &[]),
        (A::Close, &[]),
        (A::Reopen, &[]),
    ];
    for (action, kinds) in table {
        assert_eq!(clocks_met_by(action), kinds, "{action:?}");
    }
    let notes: [(TicketState, &[ClockKind]); 6] = [
        (TicketState::New, &[]),
        (TicketState::Assigned, &[Plan]),
        (TicketState::InProgress, &[Plan, Progress]),
        (TicketState::Resolved, &[]),
        (TicketState::Revisit, &[]),
        (TicketState::Closed, &[]),
    ];
    for (state, kinds) in notes {
        assert_eq!(clocks_met_by_note(state), kinds, "{state:?}");
    }
}

#[test]
fn a_ticket_opens_graded_routed_and_timed() {
    // (intake, repeats in 7 days, impact, priority, department, clocks, escalated)
    let calm = TicketIntake {
        emotion: Some(Emotion::Calm),
        nature: Nature::Service,
        sub_problem: "attitude".into(),
        demand: DemandKind::Emotional,
        ..intake()
    };
    let table = [
        (
            intake(),
            0,
            Impact::General,
            TicketPriority::High,
            "quality",
            vec![ClockKind::Resolve, ClockKind::Escalate],
            false,
        ),
        (
            calm.clone(),
            0,
            Impact::General,
            TicketPriority::Low,
            "operations",
            vec![ClockKind::Resolve],
            false,
        ),
        (
            calm.clone(),
            5,
            Impact::Important,
            TicketPriority::Medium,
            "operations",
            vec![ClockKind::Plan, ClockKind::Progress],
            false,
        ),
        (
            TicketIntake {
                personal_injury: true,
                ..calm
            },
            0,
            Impact::Urgent,
            TicketPriority::High,
            "operations",
            vec![ClockKind::Respond, ClockKind::Escalate],
            true,
        ),
    ];
    for (i, (intake, repeats, impact, priority, dept, clocks, escalate)) in
        table.into_iter().enumerate()
    {
        let similar = if repeats > 0 {
            BTreeMap::from([(7, repeats)])
        } else {
            BTreeMap::new()
        };
        let o = open(&intake, similar);
        let t = &o.ticket;
        assert_eq!(
            (t.grade.impact, t.grade.priority),
            (impact, priority),
            "case {i}"
        );
        assert_eq!(t.department.as_deref(), Some(dept), "case {i}");
        let kinds: Vec<ClockKind> = t.clocks.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, clocks, "case {i}");
        let rule_kinds: Vec<ClockKind> = o.clock_rules.iter().map(|r| r.kind).collect();
        assert_eq!(rule_kinds, clocks, "case {i}");
        assert!(
            t.clocks
                .iter()
                .all(|c| c.started_at == at() && c.pauses.is_empty())
        );
        assert_eq!(o.escalate, escalate, "case {i}");
        assert_eq!(
            (t.state, t.reports, t.created_at),
            (TicketState::New, 1, at())
        );
        assert_eq!(t.reported_by(), Some(Uuid::from_u128(1)));
    }
}

#[test]
fn an_opened_ticket_is_never_itself_a_link() {
    let linked = TicketIntake {
        duplicate_of: Some(Uuid::from_u128(3)),
        ..intake()
    };
    let t = open(&linked, BTreeMap::new()).ticket;
    assert_eq!(t.intake.duplicate_of, None);
    assert_eq!(
        t.intake.contact, linked.contact,
        "the contact is kept as given"
    );
}

#[test]
fn another_report_counts_on_an_open_ticket_only() {
    let by = user(2, Role::Field);
    let table = [
        (TicketState::New, true),
        (TicketState::InProgress, true),
        (TicketState::Revisit, true),
        (TicketState::Closed, false),
    ];
    for (state, counted) in table {
        let mut t = open(&intake(), BTreeMap::new()).ticket;
        t.state = state;
        let later = at() + Duration::hours(1);
        assert_eq!(
            t.add_report(IntakeChannel::Hotline, &by, later),
            counted,
            "{state:?}"
        );
        assert_eq!(t.reports, if counted { 2 } else { 1 }, "{state:?}");
        assert_eq!(t.timeline.len(), if counted { 2 } else { 1 }, "{state:?}");
        if counted {
            let last = t.timeline.last().unwrap();
            assert_eq!((last.by, last.at), (by.id, later));
            assert_eq!(
                last.event,
                TimelineEvent::Report {
                    channel: IntakeChannel::Hotline
                }
            );
        }
    }
}

#[test]
fn waiting_pauses_open_clocks_and_a_clock_started_meanwhile() {
    let mut t = open(&intake(), BTreeMap::new()).ticket;
    t.clocks[1].met_at = Some(at());
    let later = at() + Duration::hours(2);
    t.set_waiting(true, later);
    assert_eq!(t.clocks[0].pauses.len(), 1);
    assert!(t.clocks[1].pauses.is_empty(), "a met clock does not pause");
    let restarted = t
        .restart_resolve_clock(&SlaPolicy::default(), later)
        .unwrap();
    assert_eq!(restarted.kind, ClockKind::Resolve);
    assert_eq!(t.clocks[2].pauses[0].to, None, "started paused");
    t.set_waiting(false, later + Duration::hours(1));
    assert!(
        t.clocks
            .iter()
            .all(|c| c.pauses.iter().all(|p| p.to.is_some()))
    );
}

#[test]
fn a_revisit_answer_closes_or_reopens_a_ticket_waiting_for_it() {
    let sla = SlaPolicy::default();
    let by = user(2, Role::Field);
    let visit = Uuid::from_u128(77);
    // (state, revisits before, verdict) → (state, restarted, escalate)
    let table = [
        (
            TicketState::Revisit,
            0,
            RevisitVerdict::Satisfied,
            Some((TicketState::Closed, false, false)),
        ),
        (
            TicketState::Revisit,
            0,
            RevisitVerdict::Unsatisfied,
            Some((TicketState::InProgress, true, false)),
        ),
        (
            TicketState::Revisit,
            2,
            RevisitVerdict::Unsatisfied,
            Some((TicketState::InProgress, true, true)),
        ),
        (
            TicketState::Closed,
            0,
            RevisitVerdict::Unsatisfied,
            Some((TicketState::Closed, false, false)),
        ),
        (TicketState::Revisit, 0, RevisitVerdict::NotReached, None),
    ];
    for (i, (state, before, verdict, want)) in table.into_iter().enumerate() {
        let mut t = open(&intake(), BTreeMap::new()).ticket;
        t.state = state;
        t.revisits = before;
        let got = t.record_revisit(visit, verdict, &by, &sla, at()).unwrap();
        match want {
            None => {
                assert_eq!(got, None, "case {i}");
                assert_eq!(t.revisits, before, "case {i}");
            }
            Some((to, restarted, escalate)) => {
                let got = got.unwrap();
                assert_eq!(t.state, to, "case {i}");
                assert_eq!(got.restarted.is_some(), restarted, "case {i}");
                assert_eq!(got.escalate, escalate, "case {i}");
                assert_eq!(t.revisits, before + 1, "case {i}");
                assert!(t.timeline.iter().any(|e| e.event
                    == TimelineEvent::Revisit {
                        visit_id: visit,
                        verdict
                    }));
            }
        }
    }
}

#[test]
fn a_breach_is_recorded_once_and_only_for_a_running_clock() {
    let t = open(&intake(), BTreeMap::new()).ticket;
    let clock = t.clocks[0].clone();
    let met = ClockRecord {
        met_at: Some(at()),
        ..clock.clone()
    };
    let (_, _, sla) = rules();
    let rule = sla
        .rules
        .iter()
        .find(|r| r.kind == clock.kind)
        .unwrap()
        .clone();
    let cal = crate::calendar::BusinessCalendar::default();
    let view = |c: &ClockRecord, days| c.view(&rule, &cal, at() + Duration::days(days));
    // (clock, days after opening, breach already recorded) → new breach
    let table = [
        (&clock, 0, false, false),
        (&clock, 30, false, true),
        (&clock, 30, true, false),
        (&met, 30, false, false),
    ];
    for (i, (c, days, recorded, want)) in table.into_iter().enumerate() {
        assert_eq!(breach_is_new(c, &view(c, days), recorded), want, "case {i}");
    }
}

#[test]
fn the_sweep_looks_at_a_clock_when_a_breach_of_it_would_be_new() {
    let t = open(&intake(), BTreeMap::new()).ticket;
    let clock = t.clocks[0].clone();
    let (_, _, sla) = rules();
    let rule = sla
        .rules
        .iter()
        .find(|r| r.kind == clock.kind)
        .unwrap()
        .clone();
    let cal = crate::calendar::BusinessCalendar::default();
    let runs_out = clock
        .runs_out_at(&rule, &cal)
        .expect("a running clock runs out");
    let met = ClockRecord {
        met_at: Some(at()),
        ..clock.clone()
    };
    // (ticket state, clock, breach recorded) → when to look
    let table = [
        (TicketState::New, &clock, false, Some(runs_out)),
        (TicketState::InProgress, &clock, false, Some(runs_out)),
        (TicketState::Resolved, &clock, false, Some(runs_out)),
        (TicketState::Closed, &clock, false, None),
        (TicketState::New, &clock, true, None),
        (TicketState::New, &met, false, None),
    ];
    for (i, (state, c, recorded, want)) in table.into_iter().enumerate() {
        let check = breach_check_at(state, c, &rule, &cal, recorded);
        assert_eq!(check, want, "case {i}");
        // The sweep's own test (`breach_is_new` on the view, open tickets only) agrees at
        // every instant around the check.
        for hours in [0, 1, 24, 47, 48, 72, 24 * 30] {
            let now = at() + Duration::hours(hours);
            let new = state.is_open() && breach_is_new(c, &c.view(&rule, &cal, now), recorded);
            assert_eq!(
                new,
                check.is_some_and(|at| now >= at),
                "case {i} +{hours} h"
            );
        }
    }
}
