//! Push (the outbox's batches: order, gaps, replays, rejections, limits) and pull (what a
//! device is sent, and in what pages).

use huifang_domain::task::{QuietHours, TaskStatus};
use huifang_domain::{MAX_BATCH, MAX_PULL, Mutation};
use huifang_tests::{TestServer, error_of, expect_error, new_id};
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::json;

#[tokio::test]
async fn a_replayed_batch_stores_the_visit_once_and_gets_the_same_answer() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let customer = field.a_customer().await;
    let device = new_id();
    let batch = [
        field.visit(1, customer),
        field.mutation(2, "visit.record", json!({"x": 1})),
    ];
    let first = field.push(device, &batch).await.unwrap();
    assert_eq!(first.acked_seq, 2);
    assert_eq!(first.rejected.len(), 1);
    for _ in 0..2 {
        assert_eq!(field.push(device, &batch).await.unwrap(), first);
    }
    assert_eq!(server.pushed_visits().await, 1);
}

#[tokio::test]
async fn a_batch_overlapping_an_acknowledged_one_applies_only_the_new_part() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let customer = field.a_customer().await;
    let device = new_id();
    let all: Vec<_> = (1..=4).map(|seq| field.visit(seq, customer)).collect();
    assert_eq!(field.push(device, &all[..2]).await.unwrap().acked_seq, 2);
    let answer = field.push(device, &all[1..]).await.unwrap();
    assert_eq!(answer.acked_seq, 4);
    assert!(answer.rejected.is_empty(), "{:?}", answer.rejected);
    assert_eq!(server.pushed_visits().await, 4);
}

#[tokio::test]
async fn a_gap_stops_processing_and_acked_seq_says_where() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let customer = field.a_customer().await;
    let device = new_id();
    let visits = |seqs: &[u64]| -> Vec<Mutation> {
        seqs.iter().map(|&seq| field.visit(seq, customer)).collect()
    };
    let answer = field.push(device, &visits(&[1, 2, 4])).await.unwrap();
    assert_eq!(answer.acked_seq, 2, "seq 3 is missing: 4 must wait");
    assert_eq!(server.pushed_visits().await, 2);

    let only_later = field.push(device, &visits(&[5])).await.unwrap();
    assert_eq!(only_later.acked_seq, 2);
    assert_eq!(server.pushed_visits().await, 2);

    let filled = field.push(device, &visits(&[3, 4])).await.unwrap();
    assert_eq!(filled.acked_seq, 4);
    assert_eq!(server.pushed_visits().await, 4);
}

#[tokio::test]
async fn an_invalid_mutation_is_rejected_with_its_field_and_the_next_one_still_applies() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let customer = field.a_customer().await;
    let mut data = field.visit_data(customer);
    data["satisfaction"] = json!(9);
    let bad = field.mutation(1, "visit.record", data);
    let good = field.visit(2, customer);
    let answer = field.push_fresh(&[bad, good.clone()]).await;
    assert_eq!(
        answer.acked_seq, 2,
        "a rejected mutation counts as processed"
    );
    assert_eq!(answer.rejected.len(), 1);
    let r = &answer.rejected[0];
    assert_eq!((r.seq, r.code.as_str()), (1, "invalid"));
    assert_eq!(r.field.as_deref(), Some("satisfaction"));
    assert!(!r.message.is_empty());
    assert_eq!(
        server.pushed_visits().await,
        1,
        "nothing of the rejected one is stored"
    );
    let list = server.supervisor().await.visits(None, 50).await;
    assert_eq!(list.visits[0].id, good.id);
}

#[tokio::test]
async fn an_unknown_kind_is_rejected() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let customer = server.a_customer().await;
    let unknown = field.mutation(1, "visit.delete", field.visit_data(customer));
    let answer = field.push_fresh(&[unknown]).await;
    assert_eq!(answer.acked_seq, 1);
    assert_eq!(answer.rejected[0].code, "unknown_kind");
    assert_eq!(server.pushed_visits().await, 0);
}

#[tokio::test]
async fn an_admin_pushing_a_visit_is_rejected_as_forbidden() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let customer = server.a_customer().await;
    let answer = admin.push_fresh(&[admin.visit(1, customer)]).await;
    assert_eq!(answer.acked_seq, 1);
    assert_eq!(answer.rejected[0].code, "forbidden");
    assert_eq!(server.pushed_visits().await, 0);
}

#[tokio::test]
async fn a_visit_for_an_unknown_customer_is_rejected_as_a_conflict() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let answer = field.push_fresh(&[field.visit(1, new_id())]).await;
    assert_eq!(answer.acked_seq, 1);
    let r = &answer.rejected[0];
    assert_eq!(r.code, "conflict");
    assert_eq!(r.field.as_deref(), Some("customer_id"));
    assert_eq!(server.pushed_visits().await, 0);
}

#[tokio::test]
async fn a_visit_id_used_twice_is_rejected_as_a_conflict() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let first = field.visit(1, server.a_customer().await);
    let again = Mutation {
        seq: 2,
        ..first.clone()
    };
    let answer = field.push_fresh(&[first, again]).await;
    assert_eq!(answer.acked_seq, 2);
    assert_eq!(answer.rejected.len(), 1);
    assert_eq!(
        (answer.rejected[0].seq, answer.rejected[0].code.as_str()),
        (2, "conflict")
    );
    assert_eq!(server.pushed_visits().await, 1);
}

#[tokio::test]
async fn a_device_id_used_by_another_user_is_refused() {
    let server = TestServer::in_process();
    let customer = server.a_customer().await;
    let device = new_id();
    let field = server.field().await;
    field
        .push(device, &[field.visit(1, customer)])
        .await
        .unwrap();
    let agent = server.agent().await;
    let (status, body) = agent
        .push(device, &[agent.visit(2, customer)])
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "device_owned");
    assert_eq!(server.pushed_visits().await, 1);
}

#[tokio::test]
async fn a_badly_ordered_or_oversized_batch_is_refused_whole() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let customer = server.a_customer().await;
    let (status, body) = field
        .push(
            new_id(),
            &[field.visit(2, customer), field.visit(1, customer)],
        )
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "bad_request");
    assert_eq!(body["error"]["field"], "mutations");

    let too_many: Vec<_> = (1..=MAX_BATCH as u64 + 1)
        .map(|seq| field.mutation(seq, "visit.record", json!({})))
        .collect();
    let (status, _) = field.push(new_id(), &too_many).await.unwrap_err();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(server.pushed_visits().await, 0);
}

#[tokio::test]
async fn a_body_over_the_limit_gets_a_413_json_error() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let padding = "x".repeat(5 * 1024 * 1024);
    let body = json!({"device_id": new_id(), "mutations": [], "padding": padding});
    let res = field
        .post("/api/sync/push")
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[tokio::test]
async fn malformed_json_and_a_wrong_content_type_get_a_400_json_error() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let cases = [
        ("application/json", "{\"device_id\": "),
        ("text/plain", "{}"),
    ];
    for (content_type, body) in cases {
        let res = field
            .post("/api/sync/push")
            .header(CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::BAD_REQUEST,
            "{content_type} {body}"
        );
        let err = error_of(res).await;
        assert_eq!(err.error.code, "bad_request");
        assert!(!err.error.message.is_empty());
    }
}

#[tokio::test]
async fn pull_returns_masked_contacts_and_an_advancing_cursor() {
    let server = TestServer::in_process();
    let agent = server.agent().await;
    let first = agent.pull(0).await;
    assert!(!first.more);
    assert!(!first.customers.is_empty());
    for c in &first.customers {
        let digits = c
            .contact_masked
            .chars()
            .filter(char::is_ascii_digit)
            .count();
        assert!(
            digits <= 7,
            "{} leaks its contact: {}",
            c.name,
            c.contact_masked
        );
    }
    let newest = first.tasks.iter().map(|t| t.version).max().unwrap();
    assert!(first.cursor >= newest);

    let again = agent.pull(first.cursor).await;
    assert!(again.customers.is_empty() && again.tasks.is_empty());
    assert_eq!(again.cursor, first.cursor, "the cursor never goes back");
}

#[tokio::test]
async fn pull_delivers_the_users_tasks_the_scripts_the_surveys_and_the_settings() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let first = field.pull(0).await;
    let settings = first.settings.expect("settings on a first pull");
    assert_eq!(settings.company, "惠方电器");
    assert_eq!(settings.utc_offset_minutes, 480);
    assert_eq!(settings.quiet_hours, QuietHours::default());
    assert_eq!(first.scripts.len(), 4);
    for s in &first.scripts {
        assert_eq!(s.check(), Ok(()), "{}", s.title);
    }
    assert_eq!(first.surveys.len(), 2);
    for s in &first.surveys {
        assert_eq!(s.check_template(), Ok(()), "{}", s.title);
    }
    assert!(first.tasks.len() >= 4, "{:?}", first.tasks);
    for t in &first.tasks {
        assert_eq!(t.assignee, field.user.id, "only the user's own tasks");
        assert_eq!(t.status, TaskStatus::Open);
    }
    let customers: Vec<_> = first.customers.iter().map(|c| c.id).collect();
    assert!(
        first
            .tasks
            .iter()
            .all(|t| customers.contains(&t.customer_id)),
        "every task's customer comes along, so the visit can be made offline"
    );
    let agent_tasks = server.agent().await.pull(0).await.tasks;
    assert!(agent_tasks.iter().all(|t| !first.tasks.contains(t)));

    let again = field.pull(first.cursor).await;
    assert!(again.tasks.is_empty() && again.scripts.is_empty() && again.surveys.is_empty());
    assert_eq!(again.settings, None, "settings only when they changed");
    assert_eq!(again.cursor, first.cursor);
}

#[tokio::test]
async fn pull_pages_across_all_kinds_and_loses_nothing() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let whole = field.pull(0).await;
    assert!(!whole.more);
    let customer = whole.tasks[0].customer_id;
    {
        let mut db = server.db();
        let tx = db.transaction().unwrap();
        for _ in 0..600 {
            let version: i64 = tx
                .query_row(
                    "UPDATE server_version SET value = value + 1 RETURNING value",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            tx.execute(
                "INSERT INTO tasks (id, customer_id, assignee, visit_type, planned_channel,
                                    priority, due_from, due_until, attempt, source, status, note,
                                    version, created_at)
                 VALUES (?1, ?2, ?3, 'care', 'phone', 'low', ?4, ?4, 1, '{\"type\":\"plan\"}',
                         'open', '', ?5, ?4)",
                rusqlite::params![
                    new_id().to_string(),
                    customer.to_string(),
                    field.user.id.to_string(),
                    "2026-11-30T02:00:00.000000Z",
                    version
                ],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let mut page = field.pull(0).await;
    let mut pages = Vec::new();
    loop {
        let items = page.customers.len()
            + page.tasks.len()
            + page.scripts.len()
            + page.surveys.len()
            + page.tickets.len()
            + usize::from(page.settings.is_some());
        // A task's customer rides along with it, outside the count.
        let records = items - page.customers.len();
        assert!(records <= MAX_PULL, "a page holds at most {MAX_PULL}");
        let more = page.more;
        let next = more.then(|| page.clone());
        pages.push((items, page));
        match next {
            Some(p) => {
                page = field.pull_next(&p).await;
                assert!(page.cursor > p.cursor || !page.more, "the cursor moves on");
            }
            None => break,
        }
    }
    assert_eq!(pages.len(), 2, "600 more tasks and the rest make two pages");
    let all = field.pull_all(0).await;
    assert_eq!(all.tasks.len(), whole.tasks.len() + 600);
    assert_eq!(all.scripts, whole.scripts);
    assert_eq!(all.surveys, whole.surveys);
    assert_eq!(all.settings, whole.settings);
    assert_eq!(all.tickets, whole.tickets);
    let mut ids: Vec<_> = all.tasks.iter().map(|t| t.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.tasks.len(), "no task twice");
}
