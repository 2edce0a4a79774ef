//! The ticket use cases against the SQLite implementation on an in-memory database.

use chrono::{DateTime, Duration, TimeZone, Utc};
use huifang_domain::sla::{ClockKind, ClockRule, SlaPolicy, Timing};
use huifang_domain::task::TaskSource;
use huifang_domain::ticket::{
    DemandKind, IntakeChannel, Nature, TicketAction, TicketFields, TicketIntake, TicketState,
    TicketUpdate, TimelineEvent,
};
use huifang_domain::{Mutation, RejectCode, Rejected, Role, User};
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::sweep::Found;
use super::{SWEEP_BATCH, create, record_sweep, sweep, update};
use crate::storage::{StoredTicket, TicketQueries};
use crate::store::testing::{add_customer, database};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 10, 30).unwrap()
}

const CUSTOMER: Uuid = Uuid::from_u128(7);

fn user(conn: &Connection, n: u128, role: Role) -> User {
    let u = User {
        id: Uuid::from_u128(n),
        username: format!("u{n}"),
        display_name: format!("用户{n}"),
        role,
        agent_no: String::new(),
    };
    conn.execute(
        "INSERT INTO users (id, username, display_name, role, agent_no, password_hash,
                            created_at)
         VALUES (?1, ?2, ?3, ?4, '', '', '2026-01-01T00:00:00.000000Z')",
        params![u.id.to_string(), u.username, u.display_name, role.as_str()],
    )
    .unwrap();
    u
}

fn intake(customer: Option<Uuid>) -> TicketIntake {
    TicketIntake {
        customer_id: customer,
        reporter: "王女士".into(),
        contact: Some("13812345678".into()),
        channel: IntakeChannel::Hotline,
        nature: Nature::Service,
        sub_problem: "slow_response".into(),
        description: "客服两天没回电话".into(),
        emotion: None,
        demand: DemandKind::Improvement,
        personal_injury: false,
        property_loss: false,
        visit_id: None,
        duplicate_of: None,
    }
}

fn mutation(id: Uuid, kind: &str) -> Mutation {
    Mutation {
        seq: 1,
        id,
        kind: kind.into(),
        at: now(),
        data: serde_json::Value::Null,
    }
}

/// Runs one use case in a transaction of its own, committed as the `Store` does.
fn run<T>(
    conn: &mut Connection,
    f: impl FnOnce(&rusqlite::Transaction) -> crate::error::Result<T>,
) -> T {
    let tx = conn.transaction().unwrap();
    let out = f(&tx).unwrap();
    tx.commit().unwrap();
    out
}

fn open(conn: &mut Connection, by: &User, id: Uuid, intake: &TicketIntake) {
    let m = mutation(id, "ticket.create");
    run(conn, |tx| create(tx, by, &m, intake, now())).unwrap();
}

fn change(conn: &mut Connection, by: &User, id: Uuid, u: TicketUpdate) -> Result<(), Rejected> {
    let m = mutation(id, "ticket.update");
    run(conn, |tx| update(tx, by, &m, &u, now()))
}

fn action(action: TicketAction) -> TicketUpdate {
    TicketUpdate {
        action: Some(action),
        set: TicketFields::default(),
        base: TicketFields::default(),
        note: None,
        waiting_on_customer: None,
    }
}

fn stored(conn: &Connection, id: Uuid) -> StoredTicket {
    conn.ticket(id).unwrap().expect("stored ticket")
}

fn audited(conn: &Connection, action: &str) -> u32 {
    conn.query_row(
        "SELECT COUNT(*) FROM audit_log WHERE action = ?1",
        [action],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_linked_report_counts_on_its_ticket_and_the_fifth_in_a_week_raises_the_grade() {
    let mut conn = database(now());
    add_customer(&conn, CUSTOMER);
    let agent = user(&conn, 1, Role::Agent);
    let first = Uuid::from_u128(100);
    open(&mut conn, &agent, first, &intake(Some(CUSTOMER)));
    assert_eq!(stored(&conn, first).ticket.reports, 1);

    let linked = TicketIntake {
        duplicate_of: Some(first),
        ..intake(Some(CUSTOMER))
    };
    let report = Uuid::from_u128(101);
    open(&mut conn, &agent, report, &linked);
    // A replay of the same report, from another batch, changes nothing.
    open(&mut conn, &agent, report, &linked);
    assert_eq!(stored(&conn, first).ticket.reports, 2);
    assert!(conn.ticket(report).unwrap().is_none());
    assert_eq!(audited(&conn, "ticket.report"), 1);

    // Reports 3, 4 and 5 of the sub-problem within 7 days, each a ticket of its own.
    let fired = |conn: &Connection, id| stored(conn, Uuid::from_u128(id)).ticket.grade.fired;
    for id in 102..=104 {
        open(&mut conn, &agent, Uuid::from_u128(id), &intake(None));
    }
    assert!(!fired(&conn, 103).contains(&"repeated_5_in_7_days".to_owned()));
    assert!(fired(&conn, 104).contains(&"repeated_5_in_7_days".to_owned()));
    assert_eq!(audited(&conn, "ticket.create"), 4);

    let unknown = intake(Some(Uuid::from_u128(999)));
    let m = mutation(Uuid::from_u128(105), "ticket.create");
    let rejected = run(&mut conn, |tx| create(tx, &agent, &m, &unknown, now())).unwrap_err();
    assert_eq!(rejected.code, RejectCode::Conflict.as_str());
    assert_eq!(rejected.field.as_deref(), Some("customer_id"));
}

#[test]
fn an_update_is_refused_writing_nothing_or_applied_with_its_audit_row() {
    let mut conn = database(now());
    let reporter = user(&conn, 1, Role::Agent);
    let other = user(&conn, 2, Role::Agent);
    let field = user(&conn, 3, Role::Field);
    let supervisor = user(&conn, 4, Role::Supervisor);
    let id = Uuid::from_u128(100);
    open(&mut conn, &reporter, id, &intake(None));
    let version = stored(&conn, id).ticket.version;

    let assign = |to| TicketUpdate {
        set: TicketFields {
            assignee: Some(to),
            ..TicketFields::default()
        },
        ..action(TicketAction::Assign)
    };
    let refused = [
        (&other, id, assign(field.id), RejectCode::Forbidden),
        (
            &supervisor,
            Uuid::from_u128(1),
            assign(field.id),
            RejectCode::Conflict,
        ),
        (
            &supervisor,
            id,
            assign(Uuid::from_u128(999)),
            RejectCode::Conflict,
        ),
    ];
    for (by, target, u, code) in refused {
        let r = change(&mut conn, by, target, u).unwrap_err();
        assert_eq!(r.code, code.as_str(), "{}", r.message);
    }
    assert_eq!(stored(&conn, id).ticket.version, version);
    assert_eq!(audited(&conn, "ticket.update"), 0);

    change(&mut conn, &supervisor, id, assign(field.id)).unwrap();
    let t = stored(&conn, id).ticket;
    assert_eq!(t.state, TicketState::Assigned);
    assert_eq!(t.assignee, Some(field.id));
    assert!(t.version > version);
    assert_eq!(audited(&conn, "ticket.update"), 1);
}

/// Opens a ticket, has it assigned to a field worker, started and resolved; `revisits` are
/// set before the resolution, as if that many revisits had failed.
fn resolved(conn: &mut Connection, customer: Option<Uuid>, revisits: u8) -> (Uuid, User) {
    let agent = user(conn, 1, Role::Agent);
    let field = user(conn, 3, Role::Field);
    let supervisor = user(conn, 4, Role::Supervisor);
    let id = Uuid::from_u128(100);
    open(conn, &agent, id, &intake(customer));
    conn.execute(
        "UPDATE tickets SET revisits = ?2 WHERE id = ?1",
        params![id.to_string(), revisits],
    )
    .unwrap();
    let assign = TicketUpdate {
        set: TicketFields {
            assignee: Some(field.id),
            ..TicketFields::default()
        },
        ..action(TicketAction::Assign)
    };
    let resolve = TicketUpdate {
        set: TicketFields {
            resolution: Some("已补发并致歉".into()),
            ..TicketFields::default()
        },
        ..action(TicketAction::Resolve)
    };
    for (by, u) in [
        (&supervisor, assign),
        (&field, action(TicketAction::Start)),
        (&field, resolve),
    ] {
        change(conn, by, id, u).unwrap();
    }
    (id, field)
}

fn revisit_tasks(conn: &Connection, ticket: Uuid) -> Vec<String> {
    let source = serde_json::to_value(TaskSource::Ticket { ticket_id: ticket })
        .unwrap()
        .to_string();
    conn.prepare("SELECT assignee FROM tasks WHERE source = ?1 AND status = 'open'")
        .unwrap()
        .query_map([source], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn a_key_customers_resolution_schedules_a_revisit_task() {
    let mut conn = database(now());
    add_customer(&conn, CUSTOMER);
    conn.execute("UPDATE customers SET class = 'A'", [])
        .unwrap();
    let (id, field) = resolved(&mut conn, Some(CUSTOMER), 0);
    let t = stored(&conn, id);
    assert_eq!(t.ticket.state, TicketState::Revisit);
    assert_eq!(t.resolved_at, Some(now()));
    assert_eq!(revisit_tasks(&conn, id), [field.id.to_string()]);
    assert_eq!(audited(&conn, "task.create"), 1);
}

#[test]
fn a_resolution_without_a_registered_customer_closes() {
    let mut conn = database(now());
    let (id, _) = resolved(&mut conn, None, 0);
    let t = stored(&conn, id);
    assert_eq!(t.ticket.state, TicketState::Closed);
    assert!(revisit_tasks(&conn, id).is_empty());
}

#[test]
fn a_resolution_after_the_last_revisit_goes_to_the_supervisors() {
    let mut conn = database(now());
    add_customer(&conn, CUSTOMER);
    let (id, _) = resolved(
        &mut conn,
        Some(CUSTOMER),
        huifang_domain::ticket::MAX_REVISITS,
    );
    let t = stored(&conn, id);
    assert_eq!(t.ticket.state, TicketState::Resolved);
    assert_eq!(t.escalated_at, Some(now()));
    assert!(revisit_tasks(&conn, id).is_empty());
}

/// Every ticket gets one Resolve clock of `minutes`, counted around the clock.
fn resolve_within(conn: &Connection, minutes: u32) {
    let policy = SlaPolicy {
        rules: vec![ClockRule {
            kind: ClockKind::Resolve,
            impact: None,
            priority: None,
            minutes,
            timing: Timing::Continuous,
            warn_percent: 75,
        }],
    };
    conn.execute(
        "UPDATE ticket_settings SET value = ?1 WHERE key = 'sla'",
        [serde_json::to_string(&policy).unwrap()],
    )
    .unwrap();
}

fn open_at(conn: &mut Connection, by: &User, id: Uuid, intake: &TicketIntake, at: DateTime<Utc>) {
    let m = mutation(id, "ticket.create");
    run(conn, |tx| create(tx, by, &m, intake, at)).unwrap();
}

fn check_at(conn: &Connection, ticket: Uuid) -> Option<String> {
    conn.query_row(
        "SELECT check_at FROM ticket_clocks WHERE ticket_id = ?1",
        [ticket.to_string()],
        |r| r.get(0),
    )
    .unwrap()
}

/// The tickets one sweep at `at` read (in order) and how many it escalated.
fn sweep_at(conn: &mut Connection, at: DateTime<Utc>) -> (Vec<Uuid>, u32) {
    let step = sweep(&*conn, at, None, SWEEP_BATCH).unwrap();
    assert!(step.next.is_none(), "one step reads every due clock here");
    let read = step
        .found
        .iter()
        .map(|f| match f {
            Found::Breached(t) => t.ticket.id,
            Found::Later { ticket, .. } => *ticket,
        })
        .collect();
    let escalated = run(conn, |tx| record_sweep(tx, step.found, at));
    (read, escalated)
}

fn breaches(t: &StoredTicket) -> usize {
    t.ticket
        .timeline
        .iter()
        .filter(|e| matches!(e.event, TimelineEvent::Breached { .. }))
        .count()
}

#[test]
fn the_sweep_reads_only_the_clocks_that_are_due() {
    let mut conn = database(now());
    resolve_within(&conn, 60);
    let agent = user(&conn, 1, Role::Agent);
    let (early, late) = (Uuid::from_u128(100), Uuid::from_u128(101));
    open_at(&mut conn, &agent, early, &intake(None), now());
    open_at(
        &mut conn,
        &agent,
        late,
        &intake(None),
        now() + Duration::minutes(45),
    );
    let ts = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    assert_eq!(
        check_at(&conn, early),
        Some(ts(now() + Duration::minutes(60)))
    );
    assert_eq!(
        check_at(&conn, late),
        Some(ts(now() + Duration::minutes(105)))
    );
    let late_version = stored(&conn, late).ticket.version;

    assert_eq!(
        sweep_at(&mut conn, now() + Duration::minutes(59)),
        (vec![], 0)
    );
    let swept = now() + Duration::minutes(70);
    assert_eq!(sweep_at(&mut conn, swept), (vec![early], 1));
    let t = stored(&conn, early);
    assert_eq!(t.escalated_at, Some(swept));
    assert_eq!(t.clocks[0].breached_at, Some(swept));
    assert_eq!(breaches(&t), 1);
    assert_eq!(
        check_at(&conn, early),
        None,
        "recorded: never looked at again"
    );
    assert_eq!(
        audited(&conn, "ticket.update"),
        0,
        "the sweep writes no audit row"
    );
    let l = stored(&conn, late);
    assert_eq!((l.ticket.version, l.escalated_at), (late_version, None));

    assert_eq!(sweep_at(&mut conn, swept), (vec![], 0), "once");
    assert_eq!(
        sweep_at(&mut conn, now() + Duration::hours(2)),
        (vec![late], 1)
    );
    assert_eq!(breaches(&stored(&conn, early)), 1);
}

#[test]
fn a_paused_clock_is_looked_at_again_only_once_it_resumes() {
    let mut conn = database(now());
    resolve_within(&conn, 60);
    let agent = user(&conn, 1, Role::Agent);
    let supervisor = user(&conn, 4, Role::Supervisor);
    let id = Uuid::from_u128(100);
    open_at(&mut conn, &agent, id, &intake(None), now());
    let at = |m| now() + Duration::minutes(m);
    let set = |conn: &mut Connection, waiting, when| {
        let u = TicketUpdate {
            action: None,
            waiting_on_customer: Some(waiting),
            ..action(TicketAction::Assign)
        };
        let m = mutation(id, "ticket.update");
        run(conn, |tx| update(tx, &supervisor, &m, &u, when)).unwrap();
    };
    set(&mut conn, true, at(20));
    assert_eq!(check_at(&conn, id), None);
    assert_eq!(sweep_at(&mut conn, at(300)), (vec![], 0));
    // Resumed after 4 h 40 min: the 40 minutes left run out at 5 h 40 min.
    set(&mut conn, false, at(300));
    let ts = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    assert_eq!(check_at(&conn, id), Some(ts(at(340))));
    assert_eq!(sweep_at(&mut conn, at(339)), (vec![], 0));
    assert_eq!(sweep_at(&mut conn, at(340)), (vec![id], 1));
}

#[test]
fn a_ticket_changed_after_the_sweep_read_it_keeps_the_change() {
    let mut conn = database(now());
    resolve_within(&conn, 60);
    let agent = user(&conn, 1, Role::Agent);
    let field = user(&conn, 3, Role::Field);
    let supervisor = user(&conn, 4, Role::Supervisor);
    let id = Uuid::from_u128(100);
    open_at(&mut conn, &agent, id, &intake(None), now());
    let swept = now() + Duration::minutes(70);
    let step = sweep(&conn, swept, None, SWEEP_BATCH).unwrap();
    assert!(matches!(step.found[..], [Found::Breached(_)]));
    // Assigned between the sweep's read and its write.
    let assign = TicketUpdate {
        set: TicketFields {
            assignee: Some(field.id),
            ..TicketFields::default()
        },
        ..action(TicketAction::Assign)
    };
    change(&mut conn, &supervisor, id, assign).unwrap();
    assert_eq!(run(&mut conn, |tx| record_sweep(tx, step.found, swept)), 1);
    let t = stored(&conn, id);
    assert_eq!(t.ticket.assignee, Some(field.id), "the assignment stays");
    assert_eq!(t.ticket.state, TicketState::Assigned);
    assert_eq!((breaches(&t), t.escalated_at), (1, Some(swept)));
}

#[test]
fn a_stale_check_is_moved_to_the_due_time_without_changing_the_ticket() {
    let mut conn = database(now());
    resolve_within(&conn, 60);
    let agent = user(&conn, 1, Role::Agent);
    let id = Uuid::from_u128(100);
    open_at(&mut conn, &agent, id, &intake(None), now());
    let version = stored(&conn, id).ticket.version;
    // As the migration leaves a clock that was running before due times were kept.
    conn.execute("UPDATE ticket_clocks SET check_at = started_at", [])
        .unwrap();
    assert_eq!(
        sweep_at(&mut conn, now() + Duration::minutes(5)),
        (vec![id], 0)
    );
    let ts = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    assert_eq!(check_at(&conn, id), Some(ts(now() + Duration::minutes(60))));
    assert_eq!(stored(&conn, id).ticket.version, version, "nothing to pull");
    assert_eq!(
        sweep_at(&mut conn, now() + Duration::minutes(6)),
        (vec![], 0)
    );
}

#[test]
fn repeats_are_counted_over_local_calendar_days() {
    let mut conn = database(now());
    let agent = user(&conn, 1, Role::Agent);
    let beijing = |d, h, m| {
        chrono::FixedOffset::east_opt(8 * 3600)
            .unwrap()
            .with_ymd_and_hms(2026, 11, d, h, m, 0)
            .unwrap()
            .to_utc()
    };
    // now() is Monday the 23rd, 10:10 in Beijing: the 7-day window is the 17th to the 23rd.
    let earlier = [
        // Within 168 hours, but on the 16th: outside.
        beijing(16, 12, 0),
        // Half past midnight on the 17th is the 16th in UTC: inside all the same.
        beijing(17, 0, 30),
        beijing(20, 12, 0),
        beijing(22, 23, 59),
    ];
    for (n, at) in (200..).zip(earlier) {
        open_at(&mut conn, &agent, Uuid::from_u128(n), &intake(None), at);
    }
    let days: Vec<(String, u32)> = conn
        .prepare("SELECT day, reports FROM report_days ORDER BY day")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let want = [
        ("2026-11-16", 1),
        ("2026-11-17", 1),
        ("2026-11-20", 1),
        ("2026-11-22", 1),
    ];
    assert_eq!(days, want.map(|(d, n)| (d.to_owned(), n)));

    let repeated = |conn: &Connection, id| {
        stored(conn, Uuid::from_u128(id))
            .ticket
            .grade
            .fired
            .contains(&"repeated_5_in_7_days".to_owned())
    };
    // Three earlier reports in the window and this one: four.
    open(&mut conn, &agent, Uuid::from_u128(300), &intake(None));
    assert!(!repeated(&conn, 300));
    // A linked report counts too, on its day.
    let linked = TicketIntake {
        duplicate_of: Some(Uuid::from_u128(300)),
        ..intake(None)
    };
    open(&mut conn, &agent, Uuid::from_u128(301), &linked);
    open(&mut conn, &agent, Uuid::from_u128(302), &intake(None));
    assert!(repeated(&conn, 302), "the sixth in the window");
    let today: u32 = conn
        .query_row(
            "SELECT reports FROM report_days WHERE day = '2026-11-23'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(today, 3);
}
