//! What a device keeps (issue 10): a pull hands each user what they act on, in pages bounded
//! in bytes, drops what left their scope, and the customer lookup finds the rest.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use huifang_domain::scope::MAX_PULL_BYTES;
use huifang_domain::{MAX_PULL, PullResponse};
use huifang_tests::{Session, TestServer, new_id};
use reqwest::StatusCode;
use rusqlite::{Transaction, params};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

/// Room for the page's own fields (cursor, list names, `more`, the snapshot).
const ENVELOPE: usize = 256;

fn next_version(tx: &Transaction) -> i64 {
    tx.query_row(
        "UPDATE server_version SET value = value + 1 WHERE id = 1 RETURNING value",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// How a cloned ticket stands.
struct Shape<'a> {
    state: &'a str,
    assignee: Uuid,
    escalated: bool,
    resolution: Option<&'a str>,
    last_activity: DateTime<Utc>,
}

/// A copy of `template` (a stored ticket) under a new id and change version, as `shape`.
fn clone_ticket(tx: &Transaction, template: Uuid, shape: &Shape) -> Uuid {
    let id = new_id();
    let version = next_version(tx);
    tx.execute(
        "INSERT INTO tickets (id, state, intake, customer_id, nature, sub_problem, grade, impact,
                              priority, department, assignee, created_by, resolution, waiting,
                              reports, revisits, review, escalated_at, resolved_at, created_at,
                              version, last_activity)
         SELECT ?1, ?2, intake, customer_id, nature, sub_problem, grade, impact, priority,
                department, ?3, created_by, ?4, waiting, reports, revisits, NULL, ?5, NULL,
                created_at, ?6, ?7
         FROM tickets WHERE id = ?8",
        params![
            id.to_string(),
            shape.state,
            shape.assignee.to_string(),
            shape.resolution,
            shape.escalated.then(|| ts(shape.last_activity)),
            version,
            ts(shape.last_activity),
            template.to_string()
        ],
    )
    .unwrap();
    id
}

fn add_customers(tx: &Transaction, n: usize) -> HashSet<Uuid> {
    (0..n)
        .map(|i| {
            let id = new_id();
            let version = next_version(tx);
            tx.execute(
                "INSERT INTO customers (id, name, class, vip, contact, summary, version)
                 VALUES (?1, ?2, 'C', 0, ?3, '', ?4)",
                params![
                    id.to_string(),
                    format!("客户{i}"),
                    format!("139{i:08}"),
                    version
                ],
            )
            .unwrap();
            id
        })
        .collect()
}

/// A first pull followed to its end, and the bytes of every page as sent.
async fn measured_pull(session: &Session) -> (Vec<usize>, PullResponse) {
    let mut sizes = Vec::new();
    let mut path = "/api/sync/pull?since=0".to_owned();
    let mut all: Option<PullResponse> = None;
    loop {
        let res = session.get(&path).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body = res.bytes().await.unwrap();
        sizes.push(body.len());
        let page: PullResponse = serde_json::from_slice(&body).unwrap();
        let snapshot = page
            .snapshot
            .map_or(String::new(), |s| format!("&snapshot={s}"));
        path = format!("/api/sync/pull?since={}{snapshot}", page.cursor);
        let more = page.more;
        all = Some(match all {
            None => page,
            Some(mut all) => {
                all.customers.extend(page.customers);
                all.tasks.extend(page.tasks);
                all.scripts.extend(page.scripts);
                all.surveys.extend(page.surveys);
                all.settings = page.settings.or(all.settings);
                all.tickets.extend(page.tickets);
                all.dropped.tickets.extend(page.dropped.tickets);
                all.dropped.tasks.extend(page.dropped.tasks);
                all.cursor = page.cursor;
                all.more = page.more;
                all
            }
        });
        if !more {
            return (sizes, all.unwrap());
        }
    }
}

/// The bytes the records of a pull take, each as the server serialises it, with a separator.
fn record_bytes(p: &PullResponse) -> usize {
    fn sum<T: Serialize>(items: &[T]) -> usize {
        items
            .iter()
            .map(|i| serde_json::to_string(i).unwrap().len() + 1)
            .sum()
    }
    sum(&p.customers)
        + sum(&p.tasks)
        + sum(&p.scripts)
        + sum(&p.surveys)
        + sum(&p.tickets)
        + p.settings
            .as_ref()
            .map_or(0, |s| sum(std::slice::from_ref(s)))
        + (p.dropped.tickets.len() + p.dropped.tasks.len()) * 39
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> Uuid) -> HashSet<Uuid> {
    items.iter().map(id).collect()
}

#[tokio::test]
async fn a_supervisors_first_pull_holds_only_what_they_act_on() {
    let server = TestServer::in_process();
    let agent = server.agent().await;
    let supervisor = server.supervisor().await;
    let template = server.hotline_ticket(&agent, "service", "attitude").await;
    let demo_scope = ids(&supervisor.pull_all(0).await.tickets, |t| t.id);
    let now = server.now();
    let (old, lately) = (now - TimeDelta::days(30), now - TimeDelta::days(2));
    // The queues' entries stay on a manager's device for a shift after they last moved.
    let fresh = now - TimeDelta::hours(6);
    let (me, other) = (supervisor.user.id, agent.user.id);
    let mut kept = HashSet::new();
    let mut outside = HashSet::new();
    let strangers = {
        let mut db = server.db();
        let tx = db.transaction().unwrap();
        for i in 0..400 {
            let shape = |state, assignee, escalated, resolution, last_activity| Shape {
                state,
                assignee,
                escalated,
                resolution,
                last_activity,
            };
            let (shape, keep) = match i % 20 {
                0 => (shape("assigned", me, false, None, old), true),
                1 => (shape("in_progress", other, true, None, fresh), true),
                2 => (shape("resolved", other, false, Some("已处理"), fresh), true),
                3 => (shape("closed", me, false, None, lately), true),
                4 => (shape("closed", me, false, None, old), false),
                5 => (shape("closed", other, true, None, old), false),
                6..=12 => (shape("closed", other, false, None, old), false),
                13 => (shape("in_progress", other, true, None, lately), false),
                14 => (
                    shape("resolved", other, false, Some("已处理"), lately),
                    false,
                ),
                _ => (shape("in_progress", other, false, None, lately), false),
            };
            let id = clone_ticket(&tx, template, &shape);
            if keep {
                kept.insert(id);
            } else {
                outside.insert(id);
            }
        }
        let strangers = add_customers(&tx, 300);
        tx.commit().unwrap();
        strangers
    };

    let (sizes, pulled) = measured_pull(&supervisor).await;
    let got = ids(&pulled.tickets, |t| t.id);
    assert_eq!(got.len(), pulled.tickets.len(), "no ticket twice");
    let want: HashSet<Uuid> = kept.union(&demo_scope).copied().collect();
    assert_eq!(got, want, "the scoped tickets, and only them");
    assert!(got.is_disjoint(&outside));
    assert!(pulled.dropped.tickets.is_empty() && pulled.dropped.tasks.is_empty());

    let customers = ids(&pulled.customers, |c| c.id);
    assert!(
        customers.is_disjoint(&strangers),
        "no customer out of scope"
    );
    let brought: HashSet<Uuid> = pulled
        .tickets
        .iter()
        .filter_map(|t| t.intake.customer_id)
        .chain(pulled.tasks.iter().map(|t| t.customer_id))
        .collect();
    assert!(
        brought.is_subset(&customers),
        "each record's customer comes along"
    );

    let total: usize = sizes.iter().sum();
    let bound = record_bytes(&pulled) + sizes.len() * ENVELOPE;
    assert!(
        total <= bound,
        "{total} bytes against {bound} for the scoped records"
    );
}

#[tokio::test]
async fn pages_are_cut_by_bytes_and_a_record_bigger_than_a_page_goes_alone() {
    let server = TestServer::in_process();
    let agent = server.agent().await;
    let field = server.field().await;
    let template = server.hotline_ticket(&agent, "service", "attitude").await;
    let now = server.now();
    let mut big = HashSet::new();
    {
        let mut db = server.db();
        let tx = db.transaction().unwrap();
        for i in 0..40 {
            let shape = Shape {
                state: "in_progress",
                assignee: field.user.id,
                escalated: false,
                resolution: None,
                last_activity: now,
            };
            let id = clone_ticket(&tx, template, &shape);
            // 20 KB of description each, one of 300 KB: more than a page on its own.
            let len = if i == 20 { 300_000 } else { 20_000 };
            tx.execute(
                "UPDATE tickets SET intake = json_set(intake, '$.description', ?2) WHERE id = ?1",
                params![id.to_string(), "修".repeat(len / 3)],
            )
            .unwrap();
            big.insert(id);
        }
        tx.commit().unwrap();
    }
    let (sizes, pulled) = measured_pull(&field).await;
    assert!(sizes.len() >= 4, "{sizes:?}");
    for (i, size) in sizes.iter().enumerate() {
        assert!(
            *size <= MAX_PULL_BYTES + ENVELOPE || *size > 300_000,
            "page {i}: {size} bytes"
        );
    }
    assert!(
        sizes.iter().any(|s| *s > 300_000),
        "the big one came, alone"
    );
    let got = ids(&pulled.tickets, |t| t.id);
    assert_eq!(got.len(), pulled.tickets.len(), "no ticket twice");
    assert!(big.is_subset(&got), "every ticket came");
}

#[tokio::test]
async fn a_first_pull_in_pages_drops_what_left_its_scope_meanwhile() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let customer = field.a_customer().await;
    {
        let mut db = server.db();
        let tx = db.transaction().unwrap();
        for _ in 0..600 {
            let version = next_version(&tx);
            tx.execute(
                "INSERT INTO tasks (id, customer_id, assignee, visit_type, planned_channel,
                                    priority, due_from, due_until, attempt, source, status, note,
                                    version, created_at)
                 VALUES (?1, ?2, ?3, 'care', 'phone', 'low', ?4, ?4, 1, '{\"type\":\"plan\"}',
                         'open', '', ?5, ?4)",
                params![
                    new_id().to_string(),
                    customer.to_string(),
                    field.user.id.to_string(),
                    ts(server.now() + TimeDelta::days(1)),
                    version
                ],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let first = field.pull(0).await;
    assert!(first.more && first.snapshot.is_some());
    assert!(first.tasks.len() > 400 && first.tasks.len() <= MAX_PULL);
    // One of the delivered tasks is cancelled before the next page.
    let gone = first.tasks[0].id;
    {
        let mut db = server.db();
        let tx = db.transaction().unwrap();
        let version = next_version(&tx);
        tx.execute(
            "UPDATE tasks SET status = 'cancelled', version = ?2 WHERE id = ?1",
            params![gone.to_string(), version],
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let mut tasks = ids(&first.tasks, |t| t.id);
    let mut page = first;
    let mut dropped = Vec::new();
    while page.more {
        page = field.pull_next(&page).await;
        for t in &page.tasks {
            assert!(tasks.insert(t.id), "task {} twice", t.id);
        }
        dropped.extend(page.dropped.tasks.iter().copied());
    }
    assert_eq!(dropped, [gone]);
    assert!(tasks.len() > 600);
    let again = field.pull(page.cursor).await;
    assert!(again.tasks.is_empty() && again.dropped.tasks.is_empty() && !again.more);
}

#[tokio::test]
async fn what_leaves_a_users_scope_is_dropped_once_on_their_next_pull() {
    let server = TestServer::in_process();
    let (agent, field, supervisor) = (
        server.agent().await,
        server.field().await,
        server.supervisor().await,
    );
    let reassign = |ticket: Uuid, to: Uuid| {
        supervisor.ticket_update(ticket, json!({"action": "assign", "set": {"assignee": to}}))
    };

    let worked = server.hotline_ticket(&agent, "service", "attitude").await;
    server.assign_and_start(worked, &field).await;
    let own = server.hotline_ticket(&agent, "service", "attitude").await;
    server.assign_and_start(own, &supervisor).await;
    let f0 = field.pull_all(0).await;
    let s0 = supervisor.pull_all(0).await;
    assert!(f0.tickets.iter().any(|t| t.id == worked));
    assert!(s0.tickets.iter().any(|t| t.id == own));

    supervisor.apply(&reassign(worked, agent.user.id)).await;
    supervisor.apply(&reassign(own, agent.user.id)).await;
    let f1 = field.pull_all(f0.cursor).await;
    assert_eq!(
        f1.dropped.tickets,
        [worked],
        "reassigned away from the field worker"
    );
    assert!(f1.tickets.iter().all(|t| t.id != worked));
    let s1 = supervisor.pull_all(s0.cursor).await;
    assert_eq!(
        s1.dropped.tickets,
        [own],
        "reassigned away from the supervisor"
    );
    assert!(
        agent
            .pull_all(0)
            .await
            .tickets
            .iter()
            .any(|t| t.id == worked)
    );

    // A task done by a visit, and one cancelled, leave the field device.
    let (done, cancelled) = (f0.tasks[0].clone(), f0.tasks[1].clone());
    let mut data = field.visit_data(done.customer_id);
    data["task_id"] = json!(done.id);
    data["visit_type"] = json!(done.visit_type);
    field.apply(&field.mutation(1, "visit.record", data)).await;
    {
        let mut db = server.db();
        let tx = db.transaction().unwrap();
        let version = next_version(&tx);
        tx.execute(
            "UPDATE tasks SET status = 'cancelled', version = ?2 WHERE id = ?1",
            params![cancelled.id.to_string(), version],
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let f2 = field.pull_all(f1.cursor).await;
    let mut gone = f2.dropped.tasks.clone();
    gone.sort();
    let mut want = vec![done.id, cancelled.id];
    want.sort();
    assert_eq!(gone, want);
    assert!(
        f2.tasks
            .iter()
            .all(|t| t.id != done.id && t.id != cancelled.id)
    );

    let f3 = field.pull_all(f2.cursor).await;
    let s2 = supervisor.pull_all(s1.cursor).await;
    assert!(
        f3.dropped.tasks.is_empty() && f3.dropped.tickets.is_empty(),
        "once"
    );
    assert!(s2.dropped.tickets.is_empty(), "once");
}

#[tokio::test]
async fn the_customer_lookup_finds_by_name_start_or_number_end_masked() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let wang = field.find_customers("王").await;
    assert!(wang.iter().any(|c| c.name == "王女士"), "{wang:?}");
    assert!(wang.iter().all(|c| c.name.starts_with('王')));
    let by_number = field.find_customers("12345678").await;
    assert_eq!(by_number.len(), 1);
    assert_eq!(by_number[0].name, "王女士");
    assert_eq!(by_number[0].contact_masked, "138****5678");
    assert!(field.find_customers("5679").await.is_empty());
    let agent = server.agent().await;
    assert_eq!(agent.find_customers("5678").await, by_number);

    for (who, q, status) in [
        (&field, "567", StatusCode::BAD_REQUEST),
        (&field, "%20", StatusCode::BAD_REQUEST),
    ] {
        assert_eq!(
            who.get_status(&format!("/api/customers?q={q}")).await,
            status
        );
    }
    let admin = server.admin().await;
    assert_eq!(
        admin.get_status("/api/customers?q=5678").await,
        StatusCode::FORBIDDEN
    );
    let many = {
        let mut db = server.db();
        let tx = db.transaction().unwrap();
        add_customers(&tx, 80);
        tx.commit().unwrap();
        field
            .get_ok::<huifang_domain::CustomerMatches>("/api/customers?q=客户&limit=500")
            .await
    };
    assert_eq!(many.customers.len(), 50, "at most 50 a lookup");
    let names: Vec<&str> = many.customers.iter().map(|c| c.name.as_str()).collect();
    assert!(names.is_sorted());
}
