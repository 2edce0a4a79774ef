use std::collections::BTreeMap;

use chrono::{Duration, TimeZone};

use super::*;
use crate::review::{Review, ReviewDecision};
use crate::ticket::actions::{ActionInput, UserAction, allowed_actions, build_update};
use crate::ticket::lifecycle::{OpeningRules, open_ticket};
use crate::ticket::testing::{intake, user};
use crate::ticket::vocabulary::{Impact, Nature, TicketPriority};
use crate::ticket::{GradingRules, RoutingMap};

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
}

/// Reported by user 1 (an agent): priority high, Resolve and Escalate clocks running.
fn ticket() -> Ticket {
    let rules = OpeningRules {
        grading: &GradingRules::default(),
        routing: &RoutingMap::default(),
        sla: &SlaPolicy::default(),
    };
    let by = user(1, Role::Agent);
    open_ticket(
        Uuid::from_u128(9),
        &intake(),
        BTreeMap::new(),
        rules,
        &by,
        at(),
    )
    .ticket
}

fn in_state(state: TicketState, assignee: Option<u128>) -> Ticket {
    Ticket {
        state,
        assignee: assignee.map(Uuid::from_u128),
        ..ticket()
    }
}

fn update(action: Option<TicketAction>) -> TicketUpdate {
    TicketUpdate {
        action,
        set: TicketFields::default(),
        base: TicketFields::default(),
        note: None,
        waiting_on_customer: None,
    }
}

fn apply(
    t: &Ticket,
    u: &TicketUpdate,
    by: &User,
    new_assignee: NewAssignee,
) -> Result<Updated, Refusal> {
    let sla = SlaPolicy::default();
    let edit = Edit {
        by,
        edited_at: at() + Duration::minutes(5),
        now: at() + Duration::minutes(10),
        new_assignee,
        sla: &sla,
    };
    apply_update(t, u, &edit)
}

#[test]
fn each_action_moves_the_state_or_is_refused() {
    use TicketAction as A;
    use TicketState as S;
    let boss = user(2, Role::Supervisor);
    let table = [
        (S::Assigned, A::Start, Ok(S::InProgress)),
        (S::InProgress, A::Resolve, Ok(S::Resolved)),
        (S::Resolved, A::ScheduleRevisit, Ok(S::Revisit)),
        (S::Revisit, A::Close, Ok(S::Closed)),
        (S::Closed, A::Reopen, Ok(S::InProgress)),
        (S::InProgress, A::Assign, Ok(S::Assigned)),
        (S::New, A::Start, Err("a New ticket cannot Start")),
        (
            S::InProgress,
            A::Close,
            Err("a InProgress ticket cannot Close"),
        ),
        (S::Closed, A::Assign, Err("a Closed ticket cannot Assign")),
    ];
    for (from, action, want) in table {
        let t = in_state(from, Some(5));
        let mut u = update(Some(action));
        if action == A::Resolve {
            u.set.resolution = Some("已更换压缩机".into());
        }
        let got = apply(&t, &u, &boss, NewAssignee::Unchecked);
        match want {
            Ok(to) => {
                let got = got.unwrap();
                assert_eq!(got.ticket.state, to, "{from:?} {action:?}");
                let last = got.ticket.timeline.last().unwrap();
                assert_eq!(
                    last.event,
                    TimelineEvent::State { from, to },
                    "{from:?} {action:?}"
                );
                assert_eq!((last.by, last.at), (boss.id, at() + Duration::minutes(10)));
                assert_eq!(got.resolved, action == A::Resolve);
                assert_eq!(got.left_revisit, from == S::Revisit);
            }
            Err(message) => {
                let e = got.unwrap_err();
                assert_eq!(
                    (e.kind, e.field, e.message.as_str()),
                    (RefusalKind::Conflict, None, message)
                );
            }
        }
    }
}

#[test]
fn refused_changes_say_why() {
    let boss = user(2, Role::Supervisor);
    let t = in_state(TicketState::InProgress, Some(5));
    let assign = |who| TicketUpdate {
        set: TicketFields {
            assignee: Some(Uuid::from_u128(who)),
            ..TicketFields::default()
        },
        ..update(Some(TicketAction::Assign))
    };
    let wrong_sub = TicketUpdate {
        set: TicketFields {
            nature: Some(Nature::Service),
            ..TicketFields::default()
        },
        ..update(None)
    };
    let table = [
        (
            assign(6),
            NewAssignee::Unknown,
            (
                RefusalKind::Conflict,
                Some("assignee"),
                "unknown user 00000000-0000-0000-0000-000000000006",
            ),
        ),
        (
            assign(6),
            NewAssignee::Found(Role::Admin),
            (
                RefusalKind::Conflict,
                Some("assignee"),
                "role admin does not work tickets",
            ),
        ),
        (
            update(Some(TicketAction::Assign)),
            NewAssignee::Unchecked,
            (
                RefusalKind::Conflict,
                Some("assignee"),
                "assigning needs an assignee",
            ),
        ),
        (
            wrong_sub,
            NewAssignee::Unchecked,
            (
                RefusalKind::Invalid,
                Some("sub_problem"),
                "\"quality_defect\" is not a sub-problem of Service",
            ),
        ),
    ];
    for (u, who, (kind, field, message)) in table {
        let t = if u.set.assignee.is_none() && u.action.is_some() {
            Ticket {
                assignee: None,
                ..t.clone()
            }
        } else {
            t.clone()
        };
        let e = apply(&t, &u, &boss, who).unwrap_err();
        assert_eq!(
            (e.kind, e.field, e.message.as_str()),
            (kind, field, message)
        );
    }
}

#[test]
fn fields_are_merged_into_history_and_a_stale_base_is_flagged() {
    let boss = user(2, Role::Supervisor);
    let mut t = in_state(TicketState::Resolved, Some(5));
    t.resolution = Some("旧的".into());
    t.review = Some(Review {
        decision: ReviewDecision::SignOff,
        by: boss.id,
        comment: String::new(),
        at: at(),
    });
    let u = TicketUpdate {
        set: TicketFields {
            assignee: Some(Uuid::from_u128(6)),
            impact: Some(Impact::Important),
            resolution: Some("新的".into()),
            ..TicketFields::default()
        },
        base: TicketFields {
            assignee: Some(Uuid::from_u128(4)),
            resolution: Some("旧的".into()),
            ..TicketFields::default()
        },
        note: Some("已联系客户".into()),
        ..update(None)
    };
    let got = apply(&t, &u, &boss, NewAssignee::Found(Role::Field))
        .unwrap()
        .ticket;
    let fields: Vec<(&str, bool)> = got
        .history
        .iter()
        .map(|h| (h.field.as_str(), h.concurrent))
        .collect();
    assert_eq!(
        fields,
        [("assignee", true), ("impact", false), ("resolution", false)]
    );
    assert!(
        got.history
            .iter()
            .all(|h| h.by == boss.id && h.at == at() + Duration::minutes(5))
    );
    assert_eq!(got.assignee, Some(Uuid::from_u128(6)));
    assert_eq!(got.grade.impact, Impact::Important);
    assert_eq!(
        got.review, None,
        "a corrected resolution goes back to the supervisor"
    );
    let note = got.timeline.last().unwrap();
    assert_eq!(
        (note.at, &note.event),
        (
            at() + Duration::minutes(5),
            &TimelineEvent::Note {
                text: "已联系客户".into()
            }
        )
    );
}

#[test]
fn each_change_meets_starts_and_pauses_its_clocks() {
    use ClockKind::*;
    let boss = user(2, Role::Supervisor);
    let now = at() + Duration::minutes(10);
    let met = |t: &Ticket| -> Vec<ClockKind> {
        t.clocks
            .iter()
            .filter(|c| c.met_at == Some(now))
            .map(|c| c.kind)
            .collect()
    };
    // Start meets Respond (the ticket has none): nothing of Resolve/Escalate.
    let started = apply(
        &in_state(TicketState::Assigned, Some(5)),
        &update(Some(TicketAction::Start)),
        &boss,
        NewAssignee::Unchecked,
    )
    .unwrap();
    assert_eq!(met(&started.ticket), []);
    // Resolving meets every clock.
    let mut resolve = update(Some(TicketAction::Resolve));
    resolve.set.resolution = Some("已处理".into());
    let mut waiting = in_state(TicketState::InProgress, Some(5));
    waiting.set_waiting(true, at());
    let resolved = apply(&waiting, &resolve, &boss, NewAssignee::Unchecked).unwrap();
    assert_eq!(met(&resolved.ticket), [Resolve, Escalate]);
    assert!(
        !resolved.ticket.waiting_on_customer,
        "resolving ends the wait"
    );
    // Assigning to a supervisor meets Escalate.
    let mut to_boss = update(Some(TicketAction::Assign));
    to_boss.set.assignee = Some(boss.id);
    let got = apply(
        &in_state(TicketState::New, None),
        &to_boss,
        &boss,
        NewAssignee::Found(Role::Supervisor),
    )
    .unwrap();
    assert_eq!(met(&got.ticket), [Escalate]);
    // A raised grade starts the clocks it adds; none is restarted.
    let mut raise = update(None);
    raise.set.impact = Some(Impact::Urgent);
    let got = apply(
        &in_state(TicketState::InProgress, Some(5)),
        &raise,
        &boss,
        NewAssignee::Unchecked,
    )
    .unwrap();
    let kinds: Vec<ClockKind> = got.started.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [Respond]);
    assert_eq!(got.ticket.clocks.len(), 3);
    // Reopening restarts the Resolve clock.
    let got = apply(
        &in_state(TicketState::Closed, Some(5)),
        &update(Some(TicketAction::Reopen)),
        &boss,
        NewAssignee::Unchecked,
    )
    .unwrap();
    let kinds: Vec<ClockKind> = got.started.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [Resolve]);
    // Waiting pauses the open clocks.
    let mut wait = update(None);
    wait.waiting_on_customer = Some(true);
    let got = apply(
        &in_state(TicketState::InProgress, Some(5)),
        &wait,
        &boss,
        NewAssignee::Unchecked,
    )
    .unwrap();
    assert!(got.ticket.clocks.iter().all(|c| c.pauses.len() == 1));
    // A note on a worked ticket meets Plan and Progress by state: none here, the grade has neither.
    let mut note = update(None);
    note.note = Some("进展".into());
    let got = apply(
        &in_state(TicketState::InProgress, Some(5)),
        &note,
        &boss,
        NewAssignee::Unchecked,
    )
    .unwrap();
    assert_eq!(met(&got.ticket), []);
    let _ = TicketPriority::Low;
}

#[test]
fn who_may_change_what() {
    let (reporter, worker, other, boss) = (1, 5, 8, 2);
    let t = in_state(TicketState::InProgress, Some(worker));
    let note = TicketUpdate {
        note: Some("n".into()),
        ..update(None)
    };
    let resolve = TicketUpdate {
        set: TicketFields {
            resolution: Some("r".into()),
            ..TicketFields::default()
        },
        ..update(Some(TicketAction::Resolve))
    };
    let regrade = TicketUpdate {
        set: TicketFields {
            impact: Some(Impact::Urgent),
            ..TicketFields::default()
        },
        ..update(None)
    };
    let close = update(Some(TicketAction::Close));
    let wait = TicketUpdate {
        waiting_on_customer: Some(true),
        ..update(None)
    };
    let not_yours = "ticket 00000000-0000-0000-0000-000000000009 is not assigned to you";
    let table = [
        (Role::Supervisor, boss, &regrade, None),
        (Role::Admin, boss, &close, None),
        (Role::Field, worker, &resolve, None),
        (Role::Field, worker, &wait, None),
        (Role::Field, worker, &note, None),
        (
            Role::Field,
            worker,
            &regrade,
            Some("only a supervisor changes assignee, department, grade or category"),
        ),
        (
            Role::Field,
            worker,
            &close,
            Some("only a supervisor may close"),
        ),
        (Role::Agent, reporter, &note, None),
        (Role::Agent, reporter, &wait, Some(not_yours)),
        (Role::Agent, other, &note, Some(not_yours)),
    ];
    for (role, me, u, want) in table {
        let got = may_update(&t, t.reported_by(), role, Uuid::from_u128(me), u);
        match want {
            None => assert_eq!(got, Ok(()), "{role:?} {me} {u:?}"),
            Some(m) => {
                let e = got.unwrap_err();
                assert_eq!(
                    (e.kind, e.message.as_str()),
                    (RefusalKind::Forbidden, m),
                    "{role:?} {me}"
                );
            }
        }
    }
}

#[test]
fn actions_follow_the_lifecycle_and_the_role() {
    use UserAction::*;
    let (me, sup, stranger) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(4));
    let mut waiting = in_state(TicketState::InProgress, Some(1));
    waiting.waiting_on_customer = true;
    // (ticket, role, who) → actions
    let table = [
        (
            in_state(TicketState::New, None),
            Role::Agent,
            me,
            vec![Note],
        ),
        (
            in_state(TicketState::New, None),
            Role::Agent,
            stranger,
            vec![],
        ),
        (
            in_state(TicketState::New, None),
            Role::Supervisor,
            sup,
            vec![Assign, Note],
        ),
        (
            in_state(TicketState::Assigned, Some(1)),
            Role::Agent,
            me,
            vec![Start, Note],
        ),
        (
            in_state(TicketState::InProgress, Some(1)),
            Role::Agent,
            me,
            vec![Wait, Resolve, Note],
        ),
        (waiting, Role::Agent, me, vec![Resume, Resolve, Note]),
        (
            in_state(TicketState::InProgress, Some(1)),
            Role::Admin,
            sup,
            vec![Assign, Wait, Resolve, Note],
        ),
        (
            in_state(TicketState::Revisit, Some(1)),
            Role::Agent,
            me,
            vec![Note],
        ),
        (
            in_state(TicketState::Revisit, Some(1)),
            Role::Supervisor,
            sup,
            vec![Close, Reopen, Note],
        ),
        (
            in_state(TicketState::Closed, Some(1)),
            Role::Supervisor,
            sup,
            vec![Reopen, Note],
        ),
    ];
    for (i, (t, role, who, want)) in table.into_iter().enumerate() {
        assert_eq!(allowed_actions(&t, role, who), want, "case {i}");
    }
}

#[test]
fn an_update_carries_what_the_user_saw_as_its_base() {
    let mut t = in_state(TicketState::InProgress, Some(1));
    t.resolution = Some("旧的处理结果".into());
    let u = build_update(
        &t,
        UserAction::Resolve,
        &ActionInput {
            resolution: "已更换压缩机".into(),
            ..ActionInput::default()
        },
    );
    assert_eq!(u.action, Some(TicketAction::Resolve));
    assert_eq!(u.set.resolution.as_deref(), Some("已更换压缩机"));
    assert_eq!(u.base.resolution.as_deref(), Some("旧的处理结果"));
    assert!(u.validate().is_ok());
    let empty = build_update(&t, UserAction::Resolve, &ActionInput::default());
    assert_eq!(empty.validate().unwrap_err().field, "resolution");
    let wait = build_update(&t, UserAction::Wait, &ActionInput::default());
    assert_eq!((wait.action, wait.waiting_on_customer), (None, Some(true)));
    let note = build_update(
        &t,
        UserAction::Note,
        &ActionInput {
            note: " 已联系 ".into(),
            ..ActionInput::default()
        },
    );
    assert_eq!(note.note.as_deref(), Some("已联系"));
}
