//! The push use cases against the SQLite implementation on an in-memory database: dispatch
//! and replay, the visit-against-task checks, and the retry a missed customer gets.

use chrono::{DateTime, Duration, TimeZone, Utc};
use huifang_domain::devices::DeviceReport;
use huifang_domain::task::{Priority, RetryReason, TaskSource, TaskStatus, VisitTask};
use huifang_domain::{
    Channel, Mutation, Outcome, PushRequest, PushResponse, Role, User, VisitRecord, VisitType,
};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{auth, sync};
use crate::error::AppError;
use crate::storage::{TaskFilter, TaskQueries, TaskRows};
use crate::store::testing;

/// Monday 2026-11-23 10:30 in Beijing: outside quiet hours.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 30, 0).unwrap()
}

struct World {
    conn: Connection,
    agent: User,
    field: User,
    customer: Uuid,
    other_customer: Uuid,
}

fn world() -> World {
    let mut conn = testing::database(now());
    let (customer, other_customer) = (Uuid::from_u128(0xc1), Uuid::from_u128(0xc2));
    testing::add_customer(&conn, customer);
    testing::add_customer(&conn, other_customer);
    let (agent, field) = write(&mut conn, |tx| {
        let user = |name: &str, role| auth::NewUser {
            username: name.to_owned(),
            display_name: name.to_owned(),
            role,
            agent_no: String::new(),
            password: "x".to_owned(),
        };
        let agent = auth::add_user(tx, &user("agent", Role::Agent), "hash", now()).unwrap();
        let field = auth::add_user(tx, &user("field", Role::Field), "hash", now()).unwrap();
        (agent, field)
    });
    World {
        conn,
        agent,
        field,
        customer,
        other_customer,
    }
}

/// A user's open tasks.
fn open_of(assignee: Uuid) -> TaskFilter {
    TaskFilter {
        status: Some(TaskStatus::Open),
        assignee: Some(assignee),
        ..TaskFilter::default()
    }
}

fn write<T>(conn: &mut Connection, f: impl FnOnce(&Transaction) -> T) -> T {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .unwrap();
    let out = f(&tx);
    tx.commit().unwrap();
    out
}

fn record(customer: Uuid, outcome: Outcome) -> VisitRecord {
    VisitRecord::new(
        customer,
        Channel::Phone,
        VisitType::Satisfaction,
        outcome,
        now() - Duration::minutes(5),
    )
}

fn visit(seq: u64, v: &VisitRecord) -> Mutation {
    Mutation {
        seq,
        id: Uuid::from_u128(0x7000 + u128::from(seq)),
        kind: "visit.record".to_owned(),
        at: now() - Duration::minutes(1),
        data: serde_json::to_value(v).unwrap(),
    }
}

fn push(w: &mut World, user: &User, device: Uuid, mutations: Vec<Mutation>) -> PushResponse {
    let req = PushRequest {
        device_id: device,
        mutations,
    };
    let user = user.clone();
    write(&mut w.conn, |tx| {
        sync::push(tx, &user, &req, &DeviceReport::default(), now())
    })
    .unwrap()
}

fn planned(w: &mut World, assignee: Uuid, customer: Uuid, status: TaskStatus) -> VisitTask {
    let task = VisitTask {
        id: super::new_id(),
        customer_id: customer,
        assignee,
        visit_type: VisitType::Satisfaction,
        planned_channel: Channel::Phone,
        priority: Priority::High,
        due_from: now(),
        due_until: now() + Duration::hours(8),
        attempt: 1,
        source: TaskSource::Plan,
        status,
        note: "计划".to_owned(),
        retry_reason: None,
        version: 0,
    };
    write(&mut w.conn, |tx| tx.insert_task(task, None, now())).unwrap()
}

#[test]
fn a_push_applies_in_seq_order_stops_at_a_gap_and_answers_a_replay_the_same() {
    let mut w = world();
    let device = Uuid::from_u128(0xd1);
    let agent = w.agent.clone();
    let good = visit(1, &record(w.customer, Outcome::Refused));
    let unknown = visit(2, &record(Uuid::from_u128(0xbad), Outcome::Refused));
    let after_gap = visit(4, &record(w.customer, Outcome::Refused));
    let first = push(
        &mut w,
        &agent,
        device,
        vec![good.clone(), unknown.clone(), after_gap],
    );
    assert_eq!(first.acked_seq, 2);
    let [r] = first.rejected.as_slice() else {
        panic!("one rejection: {:?}", first.rejected);
    };
    assert_eq!(
        (r.seq, r.code.as_str(), r.field.as_deref()),
        (2, "conflict", Some("customer_id"))
    );
    let replay = push(&mut w, &agent, device, vec![good, unknown]);
    assert_eq!(replay, first);

    let field = w.field.clone();
    let req = PushRequest {
        device_id: device,
        mutations: vec![],
    };
    let taken = write(&mut w.conn, |tx| {
        sync::push(tx, &field, &req, &DeviceReport::default(), now())
    });
    assert!(matches!(taken, Err(AppError::DeviceOwned(d)) if d == device));
}

#[test]
fn a_reused_visit_id_is_refused_and_the_audit_row_hashes_the_stored_record() {
    let mut w = world();
    let agent = w.agent.clone();
    let first = visit(1, &record(w.customer, Outcome::Refused));
    let again = Mutation {
        seq: 2,
        ..first.clone()
    };
    let answer = push(
        &mut w,
        &agent,
        Uuid::from_u128(0xd2),
        vec![first.clone(), again],
    );
    assert_eq!(answer.acked_seq, 2);
    let [r] = answer.rejected.as_slice() else {
        panic!("one rejection: {:?}", answer.rejected);
    };
    assert_eq!(
        (r.seq, r.code.as_str(), r.field.as_deref()),
        (2, "conflict", None)
    );

    // One audit row for the one stored visit: who and what, and the hash of the stored text
    // instead of a second copy of it.
    let (stored, hash, user, after): (String, String, String, Option<String>) = w
        .conn
        .query_row(
            "SELECT v.record_json, a.content_sha256, a.user_id, a.after
             FROM visits v JOIN audit_log a ON a.entity = 'visit' AND a.entity_id = v.id
             WHERE v.id = ?1 AND a.action = 'visit.record'",
            [first.id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(hash, hex::encode(Sha256::digest(stored.as_bytes())));
    assert_eq!((user, after), (agent.id.to_string(), None));
    let stored: VisitRecord = serde_json::from_str(&stored).unwrap();
    assert_eq!(stored, record(w.customer, Outcome::Refused));
}

#[test]
fn a_visit_names_only_an_open_task_of_the_pusher_about_its_customer() {
    let mut w = world();
    let (agent, field) = (w.agent.clone(), w.field.clone());
    let (customer, other) = (w.customer, w.other_customer);
    let theirs = planned(&mut w, field.id, customer, TaskStatus::Open);
    let done = planned(&mut w, agent.id, customer, TaskStatus::Done);
    let elsewhere = planned(&mut w, agent.id, other, TaskStatus::Open);
    let mine = planned(&mut w, agent.id, customer, TaskStatus::Open);
    let unknown = Uuid::from_u128(0xdead);
    let table = [
        (
            Some(theirs.id),
            format!("task {} is assigned to someone else", theirs.id),
        ),
        (Some(done.id), format!("task {} is no longer open", done.id)),
        (
            Some(elsewhere.id),
            format!("task {} is about another customer", elsewhere.id),
        ),
        (Some(unknown), format!("unknown task {unknown}")),
    ];
    let mut mutations = Vec::new();
    for (i, (task, _)) in table.iter().enumerate() {
        let v = VisitRecord {
            task_id: *task,
            ..record(customer, Outcome::Refused)
        };
        mutations.push(visit(i as u64 + 1, &v));
    }
    let ok = VisitRecord {
        task_id: Some(mine.id),
        ..record(customer, Outcome::Refused)
    };
    mutations.push(visit(5, &ok));
    let answer = push(&mut w, &agent, Uuid::from_u128(0xd2), mutations);
    assert_eq!(answer.acked_seq, 5);
    assert_eq!(answer.rejected.len(), table.len(), "{:?}", answer.rejected);
    for (r, (_, message)) in answer.rejected.iter().zip(&table) {
        assert_eq!(
            (r.code.as_str(), r.field.as_deref(), &r.message),
            ("conflict", Some("task_id"), message)
        );
    }
    let closed = w.conn.task(mine.id).unwrap().unwrap();
    assert_eq!(closed.status, TaskStatus::Done);
    assert!(closed.version > mine.version);
    assert_eq!(
        w.conn.task(theirs.id).unwrap().unwrap().status,
        TaskStatus::Open
    );
}

#[test]
fn a_missed_customer_gets_a_retry_with_a_reason_code_not_a_sentence() {
    let mut w = world();
    let agent = w.agent.clone();
    let customer = w.customer;
    let task = planned(&mut w, agent.id, customer, TaskStatus::Open);
    let cases = [
        (
            Outcome::NoAnswer,
            Some(RetryReason::NoAnswer),
            "retry:no_answer",
        ),
        (
            Outcome::CallBack,
            Some(RetryReason::CallBack),
            "retry:call_back",
        ),
        (Outcome::Refused, None, ""),
    ];
    for (i, (outcome, reason, column)) in cases.into_iter().enumerate() {
        let seq = i as u64 + 1;
        let v = VisitRecord {
            task_id: (i == 0).then_some(task.id),
            ..record(w.customer, outcome)
        };
        let m = visit(seq, &v);
        let answer = push(&mut w, &agent, Uuid::from_u128(0xd3), vec![m.clone()]);
        assert!(
            answer.rejected.is_empty(),
            "{outcome:?}: {:?}",
            answer.rejected
        );
        let retries: Vec<VisitTask> = w
            .conn
            .tasks(open_of(agent.id), &all_tasks())
            .unwrap()
            .items
            .into_iter()
            .filter(|t| {
                t.source
                    == TaskSource::Retry {
                        previous_visit: m.id,
                    }
            })
            .collect();
        match reason {
            None => assert!(retries.is_empty(), "{outcome:?}: {retries:?}"),
            Some(reason) => {
                let [retry] = retries.as_slice() else {
                    panic!("{outcome:?}: one retry expected: {retries:?}");
                };
                assert_eq!(retry.retry_reason, Some(reason));
                assert_eq!(retry.note, "");
                assert_eq!(retry.attempt, 2);
                assert_eq!(retry.assignee, agent.id);
                assert_eq!(retry.planned_channel, Channel::Phone);
                // The planned task's priority carries over to its retry.
                let priority = if i == 0 {
                    Priority::High
                } else {
                    Priority::Normal
                };
                assert_eq!(retry.priority, priority);
                assert_eq!(testing::note_column(&w.conn, retry.id), column);
            }
        }
    }
    // The last attempt gets no retry.
    let last = VisitRecord {
        attempt: huifang_domain::task::MAX_ATTEMPTS,
        ..record(w.customer, Outcome::NoAnswer)
    };
    let before = w
        .conn
        .tasks(open_of(agent.id), &all_tasks())
        .unwrap()
        .items
        .len();
    push(&mut w, &agent, Uuid::from_u128(0xd3), vec![visit(4, &last)]);
    assert_eq!(
        w.conn
            .tasks(open_of(agent.id), &all_tasks())
            .unwrap()
            .items
            .len(),
        before
    );
}

#[test]
fn a_planned_note_that_looks_like_a_code_stays_a_note() {
    let mut w = world();
    let agent = w.agent.clone();
    let customer = w.customer;
    let mut task = planned(&mut w, agent.id, customer, TaskStatus::Open);
    task.id = super::new_id();
    task.note = "retry:no_answer".to_owned();
    let stored = write(&mut w.conn, |tx| tx.insert_task(task.clone(), None, now())).unwrap();
    let read = w.conn.task(stored.id).unwrap().unwrap();
    assert_eq!(
        (read.note.as_str(), read.retry_reason),
        ("retry:no_answer", None)
    );
}

/// One page holding every task these tests make.
fn all_tasks() -> crate::storage::PageAt {
    crate::storage::PageAt {
        after: None,
        limit: 200,
        cap: 1000,
    }
}
