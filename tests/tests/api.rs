//! The HTTP contract (docs/api.md) against a real `huifang` process.
//! Run `cargo build -p huifang-server` first.

use huifang_domain::{ApiError, MAX_BATCH, User};
use huifang_tests::{DEMO_PASSWORD, TestServer, cli_user_add, mutation, new_id, visit, visit_data};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER};
use serde_json::{Value, json};

async fn error_of(res: reqwest::Response) -> ApiError {
    res.json().await.expect("a JSON error body")
}

async fn a_customer(server: &TestServer) -> uuid::Uuid {
    server.login("field").await.customers().await[0].id
}

#[tokio::test]
async fn health_answers_ok_without_a_login() {
    let server = TestServer::start();
    let res = server
        .client
        .get(server.url("/api/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"status": "ok"}));
}

#[tokio::test]
async fn a_demo_user_logs_in_and_the_token_identifies_them() {
    let server = TestServer::start();
    let session = server.login("field").await;
    assert_eq!(session.token.len(), 64, "32 random bytes, hex");
    assert_eq!(session.user.username, "field");
    assert_eq!(session.user.agent_no, "F001");
    let me: User = session
        .get("/api/me")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me, session.user);
}

#[tokio::test]
async fn usernames_are_matched_without_regard_to_case() {
    let server = TestServer::start();
    let res = server.try_login("Field", DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_401() {
    let server = TestServer::start();
    let wrong = server.try_login("field", "not-the-password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let wrong = error_of(wrong).await;
    let unknown = server.try_login("nobody", "not-the-password").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let unknown = error_of(unknown).await;
    assert_eq!(wrong.error.code, "invalid_credentials");
    assert_eq!(
        wrong, unknown,
        "the answer must not tell which usernames exist"
    );
}

#[tokio::test]
async fn repeated_failed_logins_are_rate_limited_even_for_the_right_password() {
    let server = TestServer::start();
    for _ in 0..5 {
        let res = server.try_login("agent", "guess").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = server.try_login("agent", DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = res.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=300).contains(&retry), "Retry-After {retry}");
    assert_eq!(error_of(res).await.error.code, "rate_limited");
    // The limit is per username: another user still gets in.
    server.login("field").await;
}

#[tokio::test]
async fn an_overlong_username_is_a_bad_request() {
    let server = TestServer::start();
    let res = server.try_login(&"x".repeat(65), "pw").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_of(res).await.error.field.as_deref(), Some("username"));
}

#[tokio::test]
async fn api_calls_without_a_token_or_with_a_bogus_token_are_unauthorized() {
    let server = TestServer::start();
    let none = server
        .client
        .get(server.url("/api/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_of(none).await.error.code, "unauthorized");
    let bogus = server
        .client
        .get(server.url("/api/sync/pull"))
        .bearer_auth("0".repeat(64))
        .send()
        .await
        .unwrap();
    assert_eq!(bogus.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_of(bogus).await.error.code, "unauthorized");
}

#[tokio::test]
async fn an_expired_session_is_answered_session_expired() {
    let server = TestServer::start();
    let session = server.login("agent").await;
    let db = rusqlite::Connection::open(&server.db).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    db.execute(
        "UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000000Z'",
        [],
    )
    .unwrap();
    let res = session.get("/api/me").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_of(res).await.error.code, "session_expired");
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let server = TestServer::start();
    let session = server.login("field").await;
    let res = session.post("/api/auth/logout").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = session.get("/api/me").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_of(res).await.error.code, "unauthorized");
}

#[tokio::test]
async fn field_staff_may_not_list_all_visits() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let res = field.get("/api/visits").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_of(res).await.error.code, "forbidden");
}

#[tokio::test]
async fn a_supervisor_lists_pushed_visits_newest_first_in_pages() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let customers = field.customers().await;
    let (device, first, second) = (
        new_id(),
        visit(1, customers[0].id),
        visit(2, customers[1].id),
    );
    field
        .push(device, std::slice::from_ref(&first))
        .await
        .unwrap();
    field
        .push(device, std::slice::from_ref(&second))
        .await
        .unwrap();

    let supervisor = server.login("supervisor").await;
    let list = supervisor.visits(1, 50).await;
    assert_eq!(list.total, 2);
    let ids: Vec<_> = list.visits.iter().map(|v| v.id).collect();
    assert_eq!(ids, [second.id, first.id], "newest first");
    let newest = &list.visits[0];
    assert_eq!(newest.customer_name, customers[1].name);
    assert_eq!(newest.agent_username, "field");
    assert_eq!(newest.agent_name, "李明 (外勤)");
    assert_eq!(newest.record.verbatim, "师傅上门很准时,问题已经解决了");

    let page2 = supervisor.visits(2, 1).await;
    assert_eq!((page2.total, page2.visits.len()), (2, 1));
    assert_eq!(page2.visits[0].id, first.id);
    let res = supervisor
        .get("/api/visits?per_page=201")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_of(res).await.error.field.as_deref(), Some("per_page"));
}

#[tokio::test]
async fn a_replayed_batch_stores_the_visit_once_and_gets_the_same_answer() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let customer = field.customers().await[0].id;
    let device = new_id();
    let batch = [
        visit(1, customer),
        mutation(2, "visit.record", json!({"x": 1})),
    ];
    let first = field.push(device, &batch).await.unwrap();
    assert_eq!(first.acked_seq, 2);
    assert_eq!(first.rejected.len(), 1);
    for _ in 0..2 {
        assert_eq!(field.push(device, &batch).await.unwrap(), first);
    }
    assert_eq!(server.stored_visits().await, 1);
}

#[tokio::test]
async fn a_batch_overlapping_an_acknowledged_one_applies_only_the_new_part() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let customer = field.customers().await[0].id;
    let device = new_id();
    let all: Vec<_> = (1..=4).map(|seq| visit(seq, customer)).collect();
    assert_eq!(field.push(device, &all[..2]).await.unwrap().acked_seq, 2);
    let answer = field.push(device, &all[1..]).await.unwrap();
    assert_eq!(answer.acked_seq, 4);
    assert!(answer.rejected.is_empty(), "{:?}", answer.rejected);
    assert_eq!(server.stored_visits().await, 4);
}

#[tokio::test]
async fn a_gap_stops_processing_and_acked_seq_says_where() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let customer = field.customers().await[0].id;
    let device = new_id();
    let answer = field
        .push(
            device,
            &[visit(1, customer), visit(2, customer), visit(4, customer)],
        )
        .await
        .unwrap();
    assert_eq!(answer.acked_seq, 2, "seq 3 is missing: 4 must wait");
    assert_eq!(server.stored_visits().await, 2);

    let only_later = field.push(device, &[visit(5, customer)]).await.unwrap();
    assert_eq!(only_later.acked_seq, 2);
    assert_eq!(server.stored_visits().await, 2);

    let filled = field
        .push(device, &[visit(3, customer), visit(4, customer)])
        .await
        .unwrap();
    assert_eq!(filled.acked_seq, 4);
    assert_eq!(server.stored_visits().await, 4);
}

#[tokio::test]
async fn an_invalid_mutation_is_rejected_with_its_field_and_the_next_one_still_applies() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let customer = field.customers().await[0].id;
    let mut data = visit_data(customer);
    data["satisfaction"] = json!(9);
    let bad = mutation(1, "visit.record", data);
    let good = visit(2, customer);
    let answer = field.push(new_id(), &[bad, good.clone()]).await.unwrap();
    assert_eq!(
        answer.acked_seq, 2,
        "a rejected mutation counts as processed"
    );
    assert_eq!(answer.rejected.len(), 1);
    let r = &answer.rejected[0];
    assert_eq!((r.seq, r.code.as_str()), (1, "invalid"));
    assert_eq!(r.field.as_deref(), Some("satisfaction"));
    assert!(!r.message.is_empty());
    let list = server.login("supervisor").await.visits(1, 50).await;
    let ids: Vec<_> = list.visits.iter().map(|v| v.id).collect();
    assert_eq!(ids, [good.id], "nothing of the rejected one is stored");
}

#[tokio::test]
async fn an_unknown_kind_is_rejected() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let customer = a_customer(&server).await;
    let answer = field
        .push(
            new_id(),
            &[mutation(1, "visit.delete", visit_data(customer))],
        )
        .await
        .unwrap();
    assert_eq!(answer.acked_seq, 1);
    assert_eq!(answer.rejected[0].code, "unknown_kind");
    assert_eq!(server.stored_visits().await, 0);
}

#[tokio::test]
async fn an_admin_pushing_a_visit_is_rejected_as_forbidden() {
    let server = TestServer::start();
    let admin = server.login("admin").await;
    let customer = a_customer(&server).await;
    let answer = admin.push(new_id(), &[visit(1, customer)]).await.unwrap();
    assert_eq!(answer.acked_seq, 1);
    assert_eq!(answer.rejected[0].code, "forbidden");
    assert_eq!(server.stored_visits().await, 0);
}

#[tokio::test]
async fn a_visit_for_an_unknown_customer_is_rejected_as_a_conflict() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let answer = field.push(new_id(), &[visit(1, new_id())]).await.unwrap();
    assert_eq!(answer.acked_seq, 1);
    let r = &answer.rejected[0];
    assert_eq!(r.code, "conflict");
    assert_eq!(r.field.as_deref(), Some("customer_id"));
    assert_eq!(server.stored_visits().await, 0);
}

#[tokio::test]
async fn a_visit_id_used_twice_is_rejected_as_a_conflict() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let customer = a_customer(&server).await;
    let first = visit(1, customer);
    let again = huifang_domain::Mutation {
        seq: 2,
        ..first.clone()
    };
    let answer = field.push(new_id(), &[first, again]).await.unwrap();
    assert_eq!(answer.acked_seq, 2);
    assert_eq!(answer.rejected.len(), 1);
    assert_eq!(
        (answer.rejected[0].seq, answer.rejected[0].code.as_str()),
        (2, "conflict")
    );
    assert_eq!(server.stored_visits().await, 1);
}

#[tokio::test]
async fn a_device_id_used_by_another_user_is_refused() {
    let server = TestServer::start();
    let customer = a_customer(&server).await;
    let device = new_id();
    server
        .login("field")
        .await
        .push(device, &[visit(1, customer)])
        .await
        .unwrap();
    let (status, body) = server
        .login("agent")
        .await
        .push(device, &[visit(2, customer)])
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "device_owned");
    assert_eq!(server.stored_visits().await, 1);
}

#[tokio::test]
async fn a_badly_ordered_or_oversized_batch_is_refused_whole() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let customer = a_customer(&server).await;
    let (status, body) = field
        .push(new_id(), &[visit(2, customer), visit(1, customer)])
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "bad_request");
    assert_eq!(body["error"]["field"], "mutations");

    let too_many: Vec<_> = (1..=MAX_BATCH as u64 + 1)
        .map(|seq| mutation(seq, "visit.record", json!({})))
        .collect();
    let (status, _) = field.push(new_id(), &too_many).await.unwrap_err();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(server.stored_visits().await, 0);
}

#[tokio::test]
async fn a_body_over_the_limit_gets_a_413_json_error() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let padding = "x".repeat(5 * 1024 * 1024);
    let body = json!({"device_id": new_id(), "mutations": [], "padding": padding});
    let res = field
        .post("/api/sync/push")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_of(res).await.error.code, "payload_too_large");
}

#[tokio::test]
async fn malformed_json_and_a_wrong_content_type_get_a_400_json_error() {
    let server = TestServer::start();
    let field = server.login("field").await;
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
async fn an_unknown_field_in_a_request_gets_a_400() {
    let server = TestServer::start();
    let res = server
        .client
        .post(server.url("/api/auth/login"))
        .json(&json!({"username": "field", "password": DEMO_PASSWORD, "remember": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_of(res).await.error.code, "bad_request");
}

#[tokio::test]
async fn unknown_api_paths_get_a_json_404() {
    let server = TestServer::start();
    let res = server
        .client
        .get(server.url("/api/nothing/here"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_of(res).await.error.code, "not_found");
}

#[tokio::test]
async fn pull_returns_masked_contacts_and_an_advancing_cursor() {
    let server = TestServer::start();
    let agent = server.login("agent").await;
    let first = agent.pull(0).await;
    assert!(!first.more);
    assert_eq!(first.customers.len(), 12);
    let wang = first.customers.iter().find(|c| c.name == "王女士").unwrap();
    assert_eq!(wang.contact_masked, "138****5678");
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
    let versions: Vec<_> = first.customers.iter().map(|c| c.version).collect();
    assert!(versions.is_sorted(), "ordered by version");
    assert_eq!(first.cursor, *versions.last().unwrap());

    let again = agent.pull(first.cursor).await;
    assert!(again.customers.is_empty());
    assert_eq!(again.cursor, first.cursor, "the cursor never goes back");

    let middle = agent.pull(versions[5]).await;
    assert_eq!(middle.customers.len(), 6, "resumes after the cursor");
}

#[tokio::test]
async fn a_user_added_on_the_command_line_can_log_in() {
    let server = TestServer::start();
    let out = cli_user_add(
        &server.db,
        &[
            "--username",
            "xiaozhao",
            "--role",
            "agent",
            "--display-name",
            "小赵",
            "--agent-no",
            "A107",
            "--password-stdin",
        ],
        "s3cret-passphrase\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let res = server.try_login("xiaozhao", "s3cret-passphrase").await;
    assert_eq!(res.status(), StatusCode::OK);

    let again = cli_user_add(
        &server.db,
        &[
            "--username",
            "xiaozhao",
            "--role",
            "agent",
            "--password-stdin",
        ],
        "other",
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let bad_role = cli_user_add(
        &server.db,
        &["--username", "x2", "--role", "boss", "--password-stdin"],
        "pw",
    );
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("unknown role"));

    let empty = cli_user_add(
        &server.db,
        &["--username", "x3", "--role", "agent", "--password-stdin"],
        "\n",
    );
    assert!(!empty.status.success());
    assert!(String::from_utf8_lossy(&empty.stderr).contains("empty"));
}

#[tokio::test]
async fn demo_data_is_seeded_only_on_the_first_start() {
    let dir = tempfile::tempdir().unwrap();
    let first = TestServer::start_in(dir.path());
    assert!(first.banner.contains(DEMO_PASSWORD), "{}", first.banner);
    let before = first.login("field").await.customers().await;
    drop(first);

    let second = TestServer::start_in(dir.path());
    assert!(!second.banner.contains(DEMO_PASSWORD), "{}", second.banner);
    let after = second.login("field").await.customers().await;
    assert_eq!(after, before);
    second.login("supervisor").await;
}

#[tokio::test]
async fn app_routes_fall_back_to_index_html_which_is_never_cached() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_in(dir.path());
    let static_dir = dir.path().join("static");
    std::fs::write(
        static_dir.join("index.html"),
        "<!doctype html><title>回访</title>",
    )
    .unwrap();
    std::fs::write(static_dir.join("app-0123456789abcdef.js"), "//").unwrap();

    let res = server
        .client
        .get(server.url("/visits/new"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[CACHE_CONTROL], "no-cache");
    assert!(res.text().await.unwrap().contains("回访"));

    let res = server
        .client
        .get(server.url("/app-0123456789abcdef.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );

    let missing = server
        .client
        .get(server.url("/app-fedcba9876543210.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        missing.status(),
        StatusCode::NOT_FOUND,
        "an old build's file is not the app shell"
    );
}
