//! The HTTP contract (docs/api.md) against a real `huifang` process.
//! Run `cargo build -p huifang-server` first.

use huifang_domain::{ApiError, MAX_BATCH, User};
use huifang_tests::{DEMO_PASSWORD, DEMO_VISITS, TestServer, cli_user_add, new_id};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER};
use serde_json::{Value, json};

async fn error_of(res: reqwest::Response) -> ApiError {
    res.json().await.expect("a JSON error body")
}

/// Asserts the status and the JSON error code of a refused request, and returns the error.
async fn expect_error(res: reqwest::Response, status: StatusCode, code: &str) -> ApiError {
    assert_eq!(res.status(), status);
    let error = error_of(res).await;
    assert_eq!(error.error.code, code);
    error
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
    assert_eq!(
        expect_error(res, StatusCode::BAD_REQUEST, "bad_request")
            .await
            .error
            .field
            .as_deref(),
        Some("username")
    );
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
    expect_error(none, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let bogus = server
        .client
        .get(server.url("/api/sync/pull"))
        .bearer_auth("0".repeat(64))
        .send()
        .await
        .unwrap();
    expect_error(bogus, StatusCode::UNAUTHORIZED, "unauthorized").await;
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
    expect_error(res, StatusCode::UNAUTHORIZED, "session_expired").await;
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let server = TestServer::start();
    let session = server.login("field").await;
    let res = session.post("/api/auth/logout").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = session.get("/api/me").send().await.unwrap();
    expect_error(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn field_staff_may_not_list_all_visits() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let res = field.get("/api/visits").send().await.unwrap();
    expect_error(res, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn a_supervisor_lists_pushed_visits_newest_first_in_pages() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let customers = field.customers().await;
    let (device, first, second) = (
        new_id(),
        field.visit(1, customers[0].id),
        field.visit(2, customers[1].id),
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
    assert_eq!(list.total, DEMO_VISITS + 2);
    let ids: Vec<_> = list.visits.iter().map(|v| v.id).collect();
    assert_eq!(ids[..2], [second.id, first.id], "newest first");
    let newest = &list.visits[0];
    assert_eq!(newest.customer_name, customers[1].name);
    assert_eq!(newest.agent_username, "field");
    assert_eq!(newest.agent_name, "李明 (外勤)");
    assert_eq!(newest.record.verbatim, "师傅上门很准时,问题已经解决了");

    let page2 = supervisor.visits(2, 1).await;
    assert_eq!((page2.total, page2.visits.len()), (DEMO_VISITS + 2, 1));
    assert_eq!(page2.visits[0].id, first.id);
    let res = supervisor
        .get("/api/visits?per_page=201")
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_error(res, StatusCode::BAD_REQUEST, "bad_request")
            .await
            .error
            .field
            .as_deref(),
        Some("per_page")
    );
}

#[tokio::test]
async fn a_replayed_batch_stores_the_visit_once_and_gets_the_same_answer() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let customer = field.customers().await[0].id;
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
    let server = TestServer::start();
    let field = server.login("field").await;
    let customer = field.customers().await[0].id;
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
    let server = TestServer::start();
    let field = server.login("field").await;
    let customer = field.customers().await[0].id;
    let device = new_id();
    let answer = field
        .push(
            device,
            &[
                field.visit(1, customer),
                field.visit(2, customer),
                field.visit(4, customer),
            ],
        )
        .await
        .unwrap();
    assert_eq!(answer.acked_seq, 2, "seq 3 is missing: 4 must wait");
    assert_eq!(server.pushed_visits().await, 2);

    let only_later = field
        .push(device, &[field.visit(5, customer)])
        .await
        .unwrap();
    assert_eq!(only_later.acked_seq, 2);
    assert_eq!(server.pushed_visits().await, 2);

    let filled = field
        .push(
            device,
            &[field.visit(3, customer), field.visit(4, customer)],
        )
        .await
        .unwrap();
    assert_eq!(filled.acked_seq, 4);
    assert_eq!(server.pushed_visits().await, 4);
}

#[tokio::test]
async fn an_invalid_mutation_is_rejected_with_its_field_and_the_next_one_still_applies() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let customer = field.customers().await[0].id;
    let mut data = field.visit_data(customer);
    data["satisfaction"] = json!(9);
    let bad = field.mutation(1, "visit.record", data);
    let good = field.visit(2, customer);
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
    assert_eq!(
        server.pushed_visits().await,
        1,
        "nothing of the rejected one is stored"
    );
    let list = server.login("supervisor").await.visits(1, 50).await;
    assert_eq!(list.visits[0].id, good.id);
}

#[tokio::test]
async fn an_unknown_kind_is_rejected() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let customer = a_customer(&server).await;
    let answer = field
        .push(
            new_id(),
            &[field.mutation(1, "visit.delete", field.visit_data(customer))],
        )
        .await
        .unwrap();
    assert_eq!(answer.acked_seq, 1);
    assert_eq!(answer.rejected[0].code, "unknown_kind");
    assert_eq!(server.pushed_visits().await, 0);
}

#[tokio::test]
async fn an_admin_pushing_a_visit_is_rejected_as_forbidden() {
    let server = TestServer::start();
    let admin = server.login("admin").await;
    let customer = a_customer(&server).await;
    let answer = admin
        .push(new_id(), &[admin.visit(1, customer)])
        .await
        .unwrap();
    assert_eq!(answer.acked_seq, 1);
    assert_eq!(answer.rejected[0].code, "forbidden");
    assert_eq!(server.pushed_visits().await, 0);
}

#[tokio::test]
async fn a_visit_for_an_unknown_customer_is_rejected_as_a_conflict() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let answer = field
        .push(new_id(), &[field.visit(1, new_id())])
        .await
        .unwrap();
    assert_eq!(answer.acked_seq, 1);
    let r = &answer.rejected[0];
    assert_eq!(r.code, "conflict");
    assert_eq!(r.field.as_deref(), Some("customer_id"));
    assert_eq!(server.pushed_visits().await, 0);
}

#[tokio::test]
async fn a_visit_id_used_twice_is_rejected_as_a_conflict() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let customer = a_customer(&server).await;
    let first = field.visit(1, customer);
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
    assert_eq!(server.pushed_visits().await, 1);
}

#[tokio::test]
async fn a_device_id_used_by_another_user_is_refused() {
    let server = TestServer::start();
    let customer = a_customer(&server).await;
    let device = new_id();
    let field = server.login("field").await;
    field
        .push(device, &[field.visit(1, customer)])
        .await
        .unwrap();
    let agent = server.login("agent").await;
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
    let server = TestServer::start();
    let field = server.login("field").await;
    let customer = a_customer(&server).await;
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
    expect_error(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
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
    expect_error(res, StatusCode::BAD_REQUEST, "bad_request").await;
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
    expect_error(res, StatusCode::NOT_FOUND, "not_found").await;
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
    let newest = first.tasks.iter().map(|t| t.version).max().unwrap();
    assert!(first.cursor >= newest && first.cursor >= *versions.last().unwrap());

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

// --- The field visit: tasks, scripts, surveys, settings, proof, customer files. ---

use huifang_domain::script::Script;
use huifang_domain::survey::Survey;
use huifang_domain::task::{QuietHours, TaskSource, TaskStatus, VisitTask};
use huifang_domain::{CustomerFile, MAX_PULL, RevealedContact, VisitList, VisitRecord};
use huifang_tests::Session;

/// Everything a user's pulls deliver from `since` on, following `more` to the end.
async fn pull_all(session: &Session, since: u64) -> huifang_domain::PullResponse {
    let mut all = session.pull(since).await;
    while all.more {
        let page = session.pull(all.cursor).await;
        all.customers.extend(page.customers);
        all.tasks.extend(page.tasks);
        all.scripts.extend(page.scripts);
        all.surveys.extend(page.surveys);
        all.settings = page.settings.or(all.settings);
        all.tickets.extend(page.tickets);
        all.cursor = page.cursor;
        all.more = page.more;
    }
    all
}

fn survey_titled<'a>(surveys: &'a [Survey], title: &str) -> &'a Survey {
    surveys.iter().find(|s| s.title == title).expect(title)
}

fn script_titled<'a>(scripts: &'a [Script], title: &str) -> &'a Script {
    scripts.iter().find(|s| s.title == title).expect(title)
}

/// A reached on-site visit with the customer's signature and a position fix.
fn on_site_data(session: &Session, customer: uuid::Uuid) -> Value {
    let mut data = session.visit_data(customer);
    data["channel"] = json!("on_site");
    data["signature"] = json!({"width": 600, "height": 200,
        "strokes": [[[10, 100], [30, 90], [50, 80], [70, 95], [90, 110]],
                    [[200, 50], [220, 60], [240, 70], [260, 80], [280, 90], [300, 100]]]});
    data["place"] = json!({"status": "fix", "lat_e6": 31_230_416, "lon_e6": 121_473_701,
        "accuracy_m": 12, "at": session.now() - chrono::Duration::minutes(6)});
    data
}

async fn supervisor_visits(server: &TestServer, query: &str) -> VisitList {
    let res = server
        .login("supervisor")
        .await
        .get(&format!("/api/visits?{query}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn pull_delivers_the_users_tasks_the_scripts_the_surveys_and_the_settings() {
    let server = TestServer::start();
    let field = server.login("field").await;
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
    let agent_tasks = server.login("agent").await.pull(0).await.tasks;
    assert!(agent_tasks.iter().all(|t| !first.tasks.contains(t)));

    let again = field.pull(first.cursor).await;
    assert!(again.tasks.is_empty() && again.scripts.is_empty() && again.surveys.is_empty());
    assert_eq!(again.settings, None, "settings only when they changed");
    assert_eq!(again.cursor, first.cursor);
}

#[tokio::test]
async fn pull_pages_across_all_kinds_and_loses_nothing() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let whole = field.pull(0).await;
    assert!(!whole.more);
    {
        let mut db = rusqlite::Connection::open(&server.db).unwrap();
        db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
        let tx = db.transaction().unwrap();
        for i in 0..600 {
            let version: i64 = tx
                .query_row(
                    "UPDATE server_version SET value = value + 1 RETURNING value",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            tx.execute(
                "INSERT INTO customers (id, name, class, vip, contact, summary, version)
                 VALUES (?1, ?2, 'C', 0, '13900000000', '', ?3)",
                rusqlite::params![new_id().to_string(), format!("客户{i}"), version],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let mut since = 0;
    let mut pages = Vec::new();
    loop {
        let page = field.pull(since).await;
        let items = page.customers.len()
            + page.tasks.len()
            + page.scripts.len()
            + page.surveys.len()
            + page.tickets.len()
            + usize::from(page.settings.is_some());
        assert!(items <= MAX_PULL, "a page holds at most {MAX_PULL}");
        assert!(page.cursor > since || !page.more, "the cursor moves on");
        since = page.cursor;
        let more = page.more;
        pages.push((items, page));
        if !more {
            break;
        }
    }
    assert_eq!(pages.len(), 2, "612 customers and the rest make two pages");
    assert_eq!(pages[0].0, MAX_PULL);
    let all = pull_all(&field, 0).await;
    assert_eq!(all.customers.len(), 612);
    assert_eq!(all.tasks, whole.tasks);
    assert_eq!(all.scripts, whole.scripts);
    assert_eq!(all.surveys, whole.surveys);
    assert_eq!(all.settings, whole.settings);
    assert_eq!(all.tickets, whole.tickets);
    let mut ids: Vec<_> = all.customers.iter().map(|c| c.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 612, "no customer twice");
}

#[tokio::test]
async fn a_visit_with_survey_answers_signature_and_place_is_stored_whole() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let pulled = field.pull(0).await;
    let survey = survey_titled(&pulled.surveys, "满意度调查");
    let script = script_titled(&pulled.scripts, "满意度回访");
    let customer = pulled.customers[0].id;
    let mut data = on_site_data(&field, customer);
    data["visit_type"] = json!("satisfaction");
    data["duration_secs"] = json!(388);
    data["script"] = json!({"script_id": script.id, "version": script.version,
        "audience": "elderly", "steps_done": ["opening", "identity", "survey"]});
    data["survey"] = json!({"survey_id": survey.id, "version": survey.version, "answers": {
        "overall": 2, "what_went_wrong": ["响应速度", "收费"], "resolved": false, "nps": 3,
        "mood": 1, "contact_by": ["电话"], "advice": "预约后等了三天才有人上门"}});
    let sent: VisitRecord = serde_json::from_value(data.clone()).unwrap();
    let m = field.mutation(1, "visit.record", data);
    let answer = field
        .push(new_id(), std::slice::from_ref(&m))
        .await
        .unwrap();
    assert!(answer.rejected.is_empty(), "{:?}", answer.rejected);

    let list = supervisor_visits(&server, &format!("customer={customer}")).await;
    let stored = list.visits.iter().find(|v| v.id == m.id).expect("stored");
    assert_eq!(stored.record, sent, "nothing of the record is dropped");
    assert!(stored.record.signature.is_some() && stored.record.place.is_some());
    assert!(list.visits.iter().all(|v| v.customer_id == customer));
}

#[tokio::test]
async fn invalid_survey_answers_are_rejected_naming_the_question_and_nothing_is_written() {
    let server = TestServer::start();
    let agent = server.login("agent").await;
    let pulled = agent.pull(0).await;
    let survey = survey_titled(&pulled.surveys, "满意度调查");
    let mut data = agent.visit_data(pulled.customers[0].id);
    data["survey"] = json!({"survey_id": survey.id, "version": survey.version, "answers": {
        "overall": 1, "resolved": true, "nps": 5, "contact_by": ["短信"]}});
    let answer = agent
        .push(new_id(), &[agent.mutation(1, "visit.record", data)])
        .await
        .unwrap();
    let r = &answer.rejected[0];
    assert_eq!(r.code, "invalid");
    assert_eq!(r.field.as_deref(), Some("survey.what_went_wrong"));
    assert!(r.message.contains("哪方面让您不满意"), "{}", r.message);
    assert_eq!(server.pushed_visits().await, 0);
}

#[tokio::test]
async fn an_unknown_script_version_is_a_conflict() {
    let server = TestServer::start();
    let agent = server.login("agent").await;
    let pulled = agent.pull(0).await;
    let script = &pulled.scripts[0];
    let mut data = agent.visit_data(pulled.customers[0].id);
    data["script"] = json!({"script_id": script.id, "version": script.version + 98,
        "audience": "standard", "steps_done": []});
    let answer = agent
        .push(new_id(), &[agent.mutation(1, "visit.record", data)])
        .await
        .unwrap();
    let r = &answer.rejected[0];
    assert_eq!(
        (r.code.as_str(), r.field.as_deref()),
        ("conflict", Some("script"))
    );
    assert_eq!(server.pushed_visits().await, 0);
}

#[tokio::test]
async fn a_visit_naming_another_users_task_is_a_conflict() {
    let server = TestServer::start();
    let agent_task = server.login("agent").await.pull(0).await.tasks[0].clone();
    let field = server.login("field").await;
    let mut data = field.visit_data(agent_task.customer_id);
    data["task_id"] = json!(agent_task.id);
    let answer = field
        .push(new_id(), &[field.mutation(1, "visit.record", data)])
        .await
        .unwrap();
    let r = &answer.rejected[0];
    assert_eq!(
        (r.code.as_str(), r.field.as_deref()),
        ("conflict", Some("task_id"))
    );
    assert!(r.message.contains("someone else"), "{}", r.message);
    assert_eq!(server.pushed_visits().await, 0);
}

#[tokio::test]
async fn a_visit_completing_a_task_marks_it_done_in_the_next_pull() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let first = field.pull(0).await;
    let task = first.tasks[0].clone();
    let mut data = on_site_data(&field, task.customer_id);
    data["visit_type"] = json!(task.visit_type);
    data["task_id"] = json!(task.id);
    let answer = field
        .push(new_id(), &[field.mutation(1, "visit.record", data)])
        .await
        .unwrap();
    assert!(answer.rejected.is_empty(), "{:?}", answer.rejected);
    let next = field.pull(first.cursor).await;
    let done = next
        .tasks
        .iter()
        .find(|t| t.id == task.id)
        .expect("delivered");
    assert_eq!(done.status, TaskStatus::Done);
    assert!(done.version > task.version);
    assert!(
        next.tasks.iter().all(|t| t.source == TaskSource::Plan),
        "reached: no retry"
    );

    let again = data_again(&field, &task);
    let answer = field.push(new_id(), &[again]).await.unwrap();
    assert_eq!(
        answer.rejected[0].code, "conflict",
        "a done task takes no second visit"
    );
}

fn data_again(session: &Session, task: &VisitTask) -> huifang_domain::Mutation {
    let mut data = on_site_data(session, task.customer_id);
    data["task_id"] = json!(task.id);
    session.mutation(1, "visit.record", data)
}

/// A Beijing wall-clock instant in November/December 2026 (23 November is a Monday).
fn beijing(month: u32, day: u32, h: u32, m: u32, s: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(2026, month, day, h, m, s)
        .unwrap()
        .to_utc()
}

#[tokio::test]
async fn a_no_answer_visit_schedules_a_phone_retry_outside_quiet_hours() {
    // (the call, when the retry may start): two hours later, or the end of the quiet window
    // that moment falls in, to the second.
    let cases = [
        (beijing(11, 23, 10, 10, 30), beijing(11, 23, 14, 0, 0)),
        (beijing(11, 23, 19, 30, 0), beijing(11, 24, 9, 0, 0)),
        (beijing(11, 24, 8, 4, 30), beijing(11, 24, 10, 4, 30)),
    ];
    for (called, due) in cases {
        let server = TestServer::start_at(called);
        let agent = server.login("agent").await;
        let first = agent.pull(0).await;
        let mut data = agent.visit_data(first.customers[3].id);
        for field in ["satisfaction", "emotion", "demand"] {
            data[field] = Value::Null;
        }
        data["verbatim"] = json!("");
        data["outcome"] = json!("no_answer");
        data["contacted_at"] = json!(called);
        let m = agent.mutation(1, "visit.record", data);
        let answer = agent
            .push(new_id(), std::slice::from_ref(&m))
            .await
            .unwrap();
        assert!(answer.rejected.is_empty(), "{:?}", answer.rejected);

        let next = agent.pull(first.cursor).await;
        let [retry] = next.tasks.as_slice() else {
            panic!("one retry task expected: {:?}", next.tasks);
        };
        assert_eq!(retry.attempt, 2);
        assert_eq!(
            retry.source,
            TaskSource::Retry {
                previous_visit: m.id
            }
        );
        assert_eq!(retry.assignee, agent.user.id);
        assert_eq!(retry.customer_id, first.customers[3].id);
        assert_eq!(retry.planned_channel, huifang_domain::Channel::Phone);
        assert_eq!(retry.status, TaskStatus::Open);
        assert_eq!(retry.due_from, due, "a no-answer at {called}");
        assert_eq!(retry.due_until, due + chrono::Duration::hours(24));
    }
}

#[tokio::test]
async fn an_on_site_visit_without_a_signature_is_rejected() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let mut data = on_site_data(&field, a_customer(&server).await);
    data.as_object_mut().unwrap().remove("signature");
    let answer = field
        .push(new_id(), &[field.mutation(1, "visit.record", data)])
        .await
        .unwrap();
    let r = &answer.rejected[0];
    assert_eq!(
        (r.code.as_str(), r.field.as_deref()),
        ("invalid", Some("signature"))
    );
    assert_eq!(server.pushed_visits().await, 0);
}

#[tokio::test]
async fn escalated_visits_are_listed_for_a_supervisor_and_forbidden_to_field_staff() {
    let server = TestServer::start();
    let agent = server.login("agent").await;
    let mut data = agent.visit_data(a_customer(&server).await);
    data["escalate"] = json!(true);
    data["emotion"] = json!("angry");
    let urgent = agent.mutation(1, "visit.record", data);
    let calm = agent.visit(2, a_customer(&server).await);
    agent
        .push(new_id(), &[urgent.clone(), calm.clone()])
        .await
        .unwrap();

    let list = supervisor_visits(&server, "escalated=true").await;
    assert!(list.visits.iter().all(|v| v.record.escalate));
    assert_eq!(list.visits.len() as u64, list.total);
    let ids: Vec<_> = list.visits.iter().map(|v| v.id).collect();
    assert!(
        ids.contains(&urgent.id) && !ids.contains(&calm.id),
        "{ids:?}"
    );

    let res = server
        .login("field")
        .await
        .get("/api/visits?escalated=true")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_supervisor_plans_a_task_for_field_staff_idempotently() {
    let server = TestServer::start();
    let supervisor = server.login("supervisor").await;
    let field = server.login("field").await;
    let res = supervisor
        .get("/api/users?role=field")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let users: Vec<User> = res.json().await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0], field.user);
    let before = field.pull(0).await;

    let now = server.now();
    let new = json!({"id": new_id(), "customer_id": before.customers[2].id,
        "assignee": field.user.id, "visit_type": "repair", "planned_channel": "on_site",
        "priority": "high", "due_from": now, "due_until": now + chrono::Duration::hours(8),
        "note": "复查空调外机"});
    let created = supervisor
        .post("/api/tasks")
        .json(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: VisitTask = created.json().await.unwrap();
    assert_eq!((created.attempt, created.status), (1, TaskStatus::Open));

    let replay = supervisor
        .post("/api/tasks")
        .json(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::OK);
    assert_eq!(replay.json::<VisitTask>().await.unwrap(), created);

    let mut other = new.clone();
    other["note"] = json!("别的内容");
    let clash = supervisor
        .post("/api/tasks")
        .json(&other)
        .send()
        .await
        .unwrap();
    expect_error(clash, StatusCode::CONFLICT, "conflict").await;

    let mut bad = new.clone();
    bad["id"] = json!(new_id());
    bad["due_until"] = json!(now - chrono::Duration::hours(1));
    let res = supervisor
        .post("/api/tasks")
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_error(res, StatusCode::BAD_REQUEST, "bad_request")
            .await
            .error
            .field
            .as_deref(),
        Some("due_until")
    );

    let res = field.post("/api/tasks").json(&new).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let pulled = field.pull(before.cursor).await;
    assert_eq!(
        pulled.tasks,
        std::slice::from_ref(&created),
        "the assignee's next pull has it"
    );
    let listed: Vec<VisitTask> = supervisor
        .get(&format!(
            "/api/tasks?status=open&assignee={}",
            field.user.id
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(listed.contains(&created));
    assert!(listed.iter().all(|t| t.assignee == field.user.id));
    let agent = server.login("agent").await;
    let res = agent
        .get(&format!("/api/tasks?assignee={}", field.user.id))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = field.get("/api/users").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn revealing_a_contact_gives_the_full_number_and_leaves_an_audit_row() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let wang = field
        .customers()
        .await
        .into_iter()
        .find(|c| c.name == "王女士")
        .unwrap();
    let res = field
        .post(&format!("/api/customers/{}/reveal", wang.id))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let revealed: RevealedContact = res.json().await.unwrap();
    assert_eq!(revealed.contact, "13812345678");

    let db = rusqlite::Connection::open(&server.db).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    let (who, after): (String, String) = db
        .query_row(
            "SELECT user_id, after FROM audit_log WHERE action = 'contact.reveal' AND entity_id = ?1",
            [wang.id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(who, field.user.id.to_string());
    assert!(
        !after.contains("13812345678"),
        "the trail never holds the number"
    );

    let admin = server.login("admin").await;
    let res = admin
        .post(&format!("/api/customers/{}/reveal", wang.id))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = field
        .post(&format!("/api/customers/{}/reveal", new_id()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_customer_file_lists_past_visits_newest_first() {
    let server = TestServer::start();
    let agent = server.login("agent").await;
    let liu = agent
        .customers()
        .await
        .into_iter()
        .find(|c| c.name == "刘先生")
        .unwrap();
    let file = |session: &Session| {
        let path = format!("/api/customers/{}/file", liu.id);
        let req = session.get(&path);
        async move {
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<CustomerFile>().await.unwrap()
        }
    };
    let before = file(&agent).await;
    assert_eq!(before.customer.contact_masked, "139****4321");
    assert!(before.visits.len() >= 2, "the demo history");
    assert!(
        before
            .visits
            .iter()
            .any(|v| v.record.verbatim.contains("冰箱说好周六送"))
    );
    let times: Vec<_> = before
        .visits
        .iter()
        .map(|v| v.record.contacted_at)
        .collect();
    assert!(times.is_sorted_by(|a, b| a >= b), "newest first: {times:?}");

    let m = agent.visit(1, liu.id);
    agent
        .push(new_id(), std::slice::from_ref(&m))
        .await
        .unwrap();
    let after = file(&server.login("supervisor").await).await;
    assert_eq!(after.visits[0].id, m.id);

    let res = agent
        .get(&format!("/api/customers/{}/file", new_id()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

// --- The feedback loop: tickets, grading, clocks, routing, revisit, closure, review. ---

use huifang_domain::Customer;
use huifang_domain::sla::{ClockKind, ClockState};
use huifang_domain::ticket::{
    CoverageRow, Impact, ReviewDecision, ReviewQueue, RevisitVerdict, Ticket, TicketList,
    TicketPriority, TicketState, TicketView, TimelineEvent,
};

/// The `data` of a `ticket.create` about `customer`.
fn intake(customer: Option<uuid::Uuid>, channel: &str, nature: &str, sub: &str) -> Value {
    json!({
        "customer_id": customer,
        "reporter": if customer.is_some() { "王女士" } else { "" },
        "channel": channel,
        "nature": nature,
        "sub_problem": sub,
        "description": "师傅说好上午来,下午四点才到,也没提前打电话",
        "emotion": "calm",
        "demand": "improvement"
    })
}

/// Pushes one mutation from a fresh device and returns its rejection, if any.
async fn push_one(
    session: &Session,
    m: &huifang_domain::Mutation,
) -> Option<huifang_domain::Rejected> {
    let answer = session
        .push(new_id(), std::slice::from_ref(m))
        .await
        .expect("push accepted");
    answer.rejected.into_iter().next()
}

async fn applied(session: &Session, m: &huifang_domain::Mutation) {
    if let Some(r) = push_one(session, m).await {
        panic!("{} rejected: {r:?}", m.kind);
    }
}

/// A `ticket.create` with a fresh ticket id, applied.
async fn create(session: &Session, data: Value) -> uuid::Uuid {
    let m = session.mutation(1, "ticket.create", data);
    applied(session, &m).await;
    m.id
}

/// A `ticket.update` of `ticket` made on `session`'s device.
fn update(session: &Session, ticket: uuid::Uuid, data: Value) -> huifang_domain::Mutation {
    huifang_domain::Mutation {
        id: ticket,
        ..session.mutation(1, "ticket.update", data)
    }
}

async fn view(session: &Session, ticket: uuid::Uuid) -> TicketView {
    let res = session
        .get(&format!("/api/tickets/{ticket}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "ticket {ticket}");
    res.json().await.unwrap()
}

async fn tickets(session: &Session, query: &str) -> TicketList {
    let res = session
        .get(&format!("/api/tickets?{query}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    res.json().await.unwrap()
}

fn key_customer(customers: &[Customer]) -> &Customer {
    customers
        .iter()
        .find(|c| c.vip || c.class == huifang_domain::CustomerClass::A)
        .expect("a key customer in the demo")
}

/// Assigns `ticket` to `to` (as the supervisor), then `to` starts it.
async fn assign_and_start(server: &TestServer, ticket: uuid::Uuid, to: &Session) {
    let supervisor = server.login("supervisor").await;
    applied(
        &supervisor,
        &update(
            &supervisor,
            ticket,
            json!({"action": "assign", "set": {"assignee": to.user.id}}),
        ),
    )
    .await;
    applied(to, &update(to, ticket, json!({"action": "start"}))).await;
}

fn resolve(session: &Session, ticket: uuid::Uuid) -> huifang_domain::Mutation {
    update(
        session,
        ticket,
        json!({"action": "resolve", "set": {"resolution": "已上门更换配件并向客户致歉"}}),
    )
}

async fn revisit_tasks(session: &Session, ticket: uuid::Uuid) -> Vec<VisitTask> {
    pull_all(session, 0)
        .await
        .tasks
        .into_iter()
        .filter(|t| t.source == TaskSource::Ticket { ticket_id: ticket })
        .collect()
}

/// Answers a revisit task with `satisfaction` (reached, on the phone).
async fn answer_revisit(session: &Session, task: &VisitTask, satisfaction: u8) -> uuid::Uuid {
    let mut data = session.visit_data(task.customer_id);
    data["task_id"] = json!(task.id);
    data["visit_type"] = json!(task.visit_type);
    data["satisfaction"] = json!(satisfaction);
    data["emotion"] = json!(if satisfaction >= 4 {
        "satisfied"
    } else {
        "unsatisfied"
    });
    let m = session.mutation(1, "visit.record", data);
    applied(session, &m).await;
    m.id
}

async fn audit_rows(server: &TestServer, action: &str) -> i64 {
    let db = rusqlite::Connection::open(&server.db).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    db.query_row(
        "SELECT COUNT(*) FROM audit_log WHERE action = ?1",
        [action],
        |r| r.get(0),
    )
    .unwrap()
}

#[tokio::test]
async fn a_hotline_complaint_is_graded_and_routed_to_its_department() {
    let server = TestServer::start();
    let agent = server.login("agent").await;
    let customer = a_customer(&server).await;
    let mut data = intake(Some(customer), "hotline", "service", "attitude");
    data["emotion"] = json!("angry");
    let attitude = create(&agent, data).await;
    let delay = create(
        &agent,
        intake(Some(customer), "app", "experience", "logistics_delay"),
    )
    .await;

    let t = view(&agent, attitude).await.ticket;
    assert_eq!(t.state, TicketState::New);
    assert_eq!(t.department.as_deref(), Some("operations"));
    assert_eq!(
        (t.grade.impact, t.grade.priority),
        (Impact::General, TicketPriority::High)
    );
    assert_eq!(t.grade.fired, ["strong_complaint"]);
    assert_eq!(t.reports, 1);
    assert!(matches!(
        t.timeline[0].event,
        TimelineEvent::Report {
            channel: huifang_domain::ticket::IntakeChannel::Hotline
        }
    ));
    assert_eq!(t.timeline[0].by, agent.user.id);
    let t = view(&agent, delay).await.ticket;
    assert_eq!(t.department.as_deref(), Some("supply_chain"));
    assert_eq!(
        audit_rows(&server, "ticket.create").await,
        2 + 5,
        "the demo made 5"
    );
}

#[tokio::test]
async fn an_injury_makes_a_ticket_urgent_and_high_with_a_respond_clock() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let mut data = intake(
        Some(a_customer(&server).await),
        "visit",
        "product",
        "function",
    );
    data["personal_injury"] = json!(true);
    let id = create(&field, data).await;
    let v = view(&field, id).await;
    assert_eq!(
        (v.ticket.grade.impact, v.ticket.grade.priority),
        (Impact::Urgent, TicketPriority::High)
    );
    assert!(v.ticket.grade.fired.contains(&"injury_or_loss".to_owned()));
    let kinds: Vec<_> = v.clocks.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ClockKind::Respond, ClockKind::Escalate]);
    let respond = &v.clocks[0];
    assert_eq!(respond.budget_minutes, 30);
    assert!(matches!(
        respond.state,
        ClockState::Running | ClockState::Warning
    ));
    let queue = tickets(&server.login("supervisor").await, "queue=escalated").await;
    assert!(
        queue.tickets.iter().any(|t| t.ticket.id == id),
        "urgent cases go to the supervisors at once"
    );
}

#[tokio::test]
async fn a_business_hours_clock_started_on_a_saturday_counts_from_monday_morning() {
    let server = TestServer::start_at(beijing(11, 28, 10, 0, 0));
    let agent = server.login("agent").await;
    let id = create(
        &agent,
        intake(
            Some(a_customer(&server).await),
            "hotline",
            "product",
            "function",
        ),
    )
    .await;
    let v = view(&agent, id).await;
    assert_eq!(v.ticket.grade.impact, Impact::General);
    let resolve = v
        .clocks
        .iter()
        .find(|c| c.kind == ClockKind::Resolve)
        .expect("a general case has a resolve clock");
    assert_eq!(resolve.budget_minutes, 24 * 60);
    assert_eq!(resolve.used_minutes, 0, "no working time on a weekend");
    assert_eq!(
        resolve.due_at,
        beijing(12, 2, 15, 0, 0),
        "Monday 9 h, Tuesday 9 h, Wednesday 9:00-15:00"
    );
    assert_eq!(resolve.state, ClockState::Running);
}

#[tokio::test]
async fn the_fifth_report_of_a_sub_problem_in_seven_days_makes_it_important() {
    let server = TestServer::start();
    let (agent, field) = (server.login("agent").await, server.login("field").await);
    let customers = agent.customers().await;
    let channels = ["hotline", "app", "shop", "social_media", "visit"];
    let mut last = None;
    for (i, channel) in channels.into_iter().enumerate() {
        let who = if i % 2 == 0 { &agent } else { &field };
        let id = create(
            who,
            intake(Some(customers[i].id), channel, "product", "design"),
        )
        .await;
        let t = view(who, id).await.ticket;
        if i < 4 {
            assert_eq!(t.grade.impact, Impact::General, "report {}", i + 1);
        }
        last = Some(t);
    }
    let fifth = last.unwrap();
    assert_eq!(fifth.grade.impact, Impact::Important);
    assert!(
        fifth
            .grade
            .fired
            .contains(&"repeated_5_in_7_days".to_owned()),
        "{:?}",
        fifth.grade.fired
    );
    assert!(fifth.clocks.iter().any(|c| c.kind == ClockKind::Plan));
}

#[tokio::test]
async fn a_report_linked_as_a_duplicate_is_counted_on_the_open_ticket_not_opened_again() {
    let server = TestServer::start();
    let agent = server.login("agent").await;
    let customer = a_customer(&server).await;
    let original = create(
        &agent,
        intake(Some(customer), "hotline", "product", "function"),
    )
    .await;

    let res = agent
        .post("/api/tickets/duplicates")
        .json(&json!({"customer_id": customer, "sub_problem": "function"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let offered: Vec<Ticket> = res.json().await.unwrap();
    assert_eq!(offered.iter().map(|t| t.id).collect::<Vec<_>>(), [original]);

    let mut data = intake(Some(customer), "shop", "product", "function");
    data["duplicate_of"] = json!(original);
    let report = agent.mutation(1, "ticket.create", data);
    applied(&agent, &report).await;
    applied(&agent, &report).await; // the same report from another device's outbox
    let t = view(&agent, original).await.ticket;
    assert_eq!(t.reports, 2, "recorded once, counted");
    let reports = t
        .timeline
        .iter()
        .filter(|e| matches!(e.event, TimelineEvent::Report { .. }))
        .count();
    assert_eq!(reports, 2);
    let res = agent
        .get(&format!("/api/tickets/{}", report.id))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "no second ticket");
}

#[tokio::test]
async fn invalid_transitions_are_rejected_as_conflicts_and_write_nothing() {
    let server = TestServer::start();
    let supervisor = server.login("supervisor").await;
    let id = create(
        &supervisor,
        intake(
            Some(a_customer(&server).await),
            "hotline",
            "service",
            "shirking",
        ),
    )
    .await;
    let before = view(&supervisor, id).await.ticket;
    let attempts = [
        json!({"action": "start", "note": "开始处理"}),
        json!({"action": "resolve", "set": {"resolution": "已处理", "department": "quality"}}),
        json!({"action": "close"}),
        json!({"action": "reopen"}),
        json!({"action": "schedule_revisit"}),
        json!({"action": "assign"}),
    ];
    for data in attempts {
        let r = push_one(&supervisor, &update(&supervisor, id, data.clone()))
            .await
            .unwrap_or_else(|| panic!("{data} must be rejected"));
        assert_eq!(r.code, "conflict", "{data}: {r:?}");
        assert!(!r.message.is_empty());
    }
    let after = view(&supervisor, id).await.ticket;
    assert_eq!(after, before, "nothing written");
    let r = push_one(
        &supervisor,
        &update(&supervisor, new_id(), json!({"note": "?"})),
    )
    .await
    .unwrap();
    assert_eq!(r.code, "conflict", "unknown ticket");
}

#[tokio::test]
async fn wrong_roles_are_refused() {
    let server = TestServer::start();
    let (agent, field) = (server.login("agent").await, server.login("field").await);
    let admin = server.login("admin").await;
    let id = create(
        &agent,
        intake(
            Some(a_customer(&server).await),
            "hotline",
            "service",
            "attitude",
        ),
    )
    .await;
    assign_and_start(&server, id, &agent).await;

    let r = push_one(&field, &update(&field, id, json!({"note": "我来处理"})))
        .await
        .unwrap();
    assert_eq!(r.code, "forbidden", "field updating someone else's ticket");
    let r = push_one(
        &agent,
        &update(&agent, id, json!({"set": {"department": "quality"}})),
    )
    .await
    .unwrap();
    assert_eq!(r.code, "forbidden", "only supervisors reroute");
    let r = push_one(&agent, &update(&agent, id, json!({"action": "close"})))
        .await
        .unwrap();
    assert_eq!(r.code, "forbidden");
    let decide = agent.mutation(
        1,
        "review.decide",
        json!({"target": {"type": "ticket", "id": id},
        "decision": "sign_off"}),
    );
    assert_eq!(push_one(&agent, &decide).await.unwrap().code, "forbidden");
    let r = push_one(
        &admin,
        &admin.mutation(
            1,
            "ticket.create",
            intake(None, "app", "service", "attitude"),
        ),
    )
    .await;
    assert_eq!(r.unwrap().code, "forbidden");

    let res = field
        .get(&format!("/api/tickets/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = field
        .put("/api/settings/grading")
        .json(&json!({"rules": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    for path in ["/api/coverage", "/api/reviews"] {
        let res = agent.get(path).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let list = tickets(&field, "").await;
    assert!(list.tickets.iter().all(|t| {
        t.ticket.assignee == Some(field.user.id) || t.ticket.timeline[0].by == field.user.id
    }));
    assert!(!list.tickets.iter().any(|t| t.ticket.id == id));
}

#[tokio::test]
async fn two_devices_editing_one_ticket_offline_merge_field_by_field() {
    let server = TestServer::start();
    let supervisor = server.login("supervisor").await;
    let admin = server.login("admin").await;
    let id = create(
        &supervisor,
        intake(
            Some(a_customer(&server).await),
            "hotline",
            "service",
            "attitude",
        ),
    )
    .await;
    // Both edited the same version offline (priority was low), then synced one after the other.
    let first = update(
        &supervisor,
        id,
        json!({"set": {"priority": "high", "department": "quality"},
        "base": {"priority": "low", "department": "operations"},
        "note": "平板 A:客户情绪激动,优先处理"}),
    );
    let second = update(
        &admin,
        id,
        json!({"set": {"priority": "medium"}, "base": {"priority": "low"},
        "note": "平板 B:已约客户明天回电"}),
    );
    applied(&supervisor, &first).await;
    applied(&admin, &second).await;

    let t = view(&supervisor, id).await.ticket;
    assert_eq!(
        t.grade.priority,
        TicketPriority::Medium,
        "the later arrival wins"
    );
    assert_eq!(
        t.department.as_deref(),
        Some("quality"),
        "untouched by the second"
    );
    let notes: Vec<_> = t
        .timeline
        .iter()
        .filter_map(|e| match &e.event {
            TimelineEvent::Note { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        notes,
        ["平板 A:客户情绪激动,优先处理", "平板 B:已约客户明天回电"]
    );
    let priority: Vec<_> = t.history.iter().filter(|h| h.field == "priority").collect();
    assert_eq!(priority.len(), 2);
    assert_eq!(
        (&priority[0].old, &priority[0].new, priority[0].concurrent),
        (&json!("low"), &json!("high"), false)
    );
    assert_eq!(
        (&priority[1].old, &priority[1].new, priority[1].concurrent),
        (&json!("high"), &json!("medium"), true)
    );
    assert_eq!(priority[1].by, admin.user.id);
    assert!(
        t.clocks.iter().any(|c| c.kind == ClockKind::Progress),
        "medium adds its clock"
    );
}

#[tokio::test]
async fn resolving_schedules_a_revisit_that_reopens_when_unsatisfied_and_closes_when_satisfied() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let customers = field.customers().await;
    let key = key_customer(&customers);
    // Coverage is asked from a whole second on; start after the second in which the demo
    // seed resolved its own tickets, so they are not counted here.
    let started = next_whole_second(&server).await;
    let id = create(
        &field,
        intake(Some(key.id), "visit", "service", "slow_response"),
    )
    .await;
    assign_and_start(&server, id, &field).await;
    applied(
        &field,
        &update(&field, id, json!({"note": "已联系安装队核实原因"})),
    )
    .await;
    applied(&field, &resolve(&field, id)).await;

    let t = view(&field, id).await.ticket;
    assert_eq!(
        t.state,
        TicketState::Revisit,
        "key customers are always revisited"
    );
    let [task] = revisit_tasks(&field, id)
        .await
        .try_into()
        .expect("one revisit task");
    assert_eq!(task.assignee, field.user.id);
    assert_eq!(task.attempt, 1);
    assert_eq!(task.status, TaskStatus::Open);
    assert_eq!(task.visit_type, huifang_domain::VisitType::Complaint);
    assert!(task.due_until <= started + chrono::Duration::days(3) + chrono::Duration::minutes(1));
    let pulled = pull_all(&field, 0).await;
    assert!(
        pulled.tickets.iter().any(|t| t.id == id),
        "the ticket is in the pull too"
    );

    let first = answer_revisit(&field, &task, 2).await;
    let v = view(&field, id).await;
    assert_eq!(
        v.ticket.state,
        TicketState::InProgress,
        "unsatisfied reopens"
    );
    assert_eq!(v.ticket.revisits, 1);
    assert!(v.ticket.timeline.iter().any(|e| e.event
        == TimelineEvent::Revisit {
            visit_id: first,
            verdict: RevisitVerdict::Unsatisfied
        }));
    let resolve_clocks: Vec<_> = v
        .clocks
        .iter()
        .filter(|c| c.kind == ClockKind::Resolve)
        .collect();
    assert_eq!(resolve_clocks.len(), 2, "a new Resolve clock");
    assert_ne!(resolve_clocks[1].state, ClockState::Met);

    applied(&field, &resolve(&field, id)).await;
    let tasks = revisit_tasks(&field, id).await;
    let second = tasks
        .iter()
        .find(|t| t.status == TaskStatus::Open)
        .expect("2nd revisit");
    assert_eq!(second.attempt, 2);
    answer_revisit(&field, second, 5).await;
    let t = view(&field, id).await.ticket;
    assert_eq!(t.state, TicketState::Closed, "satisfied closes");
    assert_eq!(t.revisits, 2);

    let res = server
        .login("supervisor")
        .await
        .get(&format!(
            "/api/coverage?from={}",
            started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let rows: Vec<CoverageRow> = res.json().await.unwrap();
    let complaints = rows
        .iter()
        .find(|r| r.visit_type == huifang_domain::VisitType::Complaint)
        .unwrap();
    assert_eq!((complaints.resolved, complaints.revisited), (1, 1));
    assert_eq!((complaints.target_percent, complaints.percent), (50, 100));
    assert!(complaints.meets_target);
}

#[tokio::test]
async fn coverage_counts_resolved_cases_without_a_revisit_against_the_target() {
    let server = TestServer::start();
    let agent = server.login("agent").await;
    let customers = agent.customers().await;
    let ordinary = customers
        .iter()
        .find(|c| !c.vip && c.class != huifang_domain::CustomerClass::A)
        .unwrap();
    // Coverage is asked from a whole second on; start after the second in which the demo
    // seed resolved its own tickets, so they are not counted here.
    let started = next_whole_second(&server).await;
    // The revisit targets pick cases by id; this id falls outside the 30 % of repairs.
    let id = std::iter::repeat_with(new_id)
        .find(|id| id.as_u128() as u64 % 100 >= 30)
        .unwrap();
    let m = huifang_domain::Mutation {
        id,
        ..agent.mutation(
            1,
            "ticket.create",
            intake(Some(ordinary.id), "hotline", "product", "function"),
        )
    };
    applied(&agent, &m).await;
    assign_and_start(&server, id, &agent).await;
    applied(&agent, &resolve(&agent, id)).await;
    assert_eq!(view(&agent, id).await.ticket.state, TicketState::Closed);
    assert!(revisit_tasks(&agent, id).await.is_empty());

    let res = server
        .login("supervisor")
        .await
        .get(&format!(
            "/api/coverage?from={}",
            started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ))
        .send()
        .await
        .unwrap();
    let rows: Vec<CoverageRow> = res.json().await.unwrap();
    let repairs = rows
        .iter()
        .find(|r| r.visit_type == huifang_domain::VisitType::Repair)
        .unwrap();
    assert_eq!(
        (repairs.resolved, repairs.revisited, repairs.percent),
        (1, 0, 0)
    );
    assert!(!repairs.meets_target);
}

#[tokio::test]
async fn an_anonymous_complaint_is_closed_with_its_written_reply_and_no_revisit() {
    let server = TestServer::start();
    let agent = server.login("agent").await;
    let id = create(
        &agent,
        intake(None, "social_media", "experience", "complicated_process"),
    )
    .await;
    assign_and_start(&server, id, &agent).await;
    applied(&agent, &resolve(&agent, id)).await;
    let t = view(&agent, id).await.ticket;
    assert!(t.intake.customer_id.is_none() && t.intake.reporter.is_empty());
    assert_eq!(t.state, TicketState::Closed);
    assert_eq!(t.resolution.as_deref(), Some("已上门更换配件并向客户致歉"));
    assert!(revisit_tasks(&agent, id).await.is_empty());
}

#[tokio::test]
async fn waiting_on_the_customer_pauses_every_running_clock() {
    let server = TestServer::start();
    let agent = server.login("agent").await;
    let mut data = intake(
        Some(a_customer(&server).await),
        "hotline",
        "product",
        "quality_defect",
    );
    data["property_loss"] = json!(true);
    let id = create(&agent, data).await;
    assign_and_start(&server, id, &agent).await;
    applied(
        &agent,
        &update(
            &agent,
            id,
            json!({"waiting_on_customer": true, "note": "等客户提供照片"}),
        ),
    )
    .await;
    let v = view(&agent, id).await;
    assert!(v.ticket.waiting_on_customer);
    for c in v.clocks.iter().filter(|c| c.state != ClockState::Met) {
        assert_eq!(c.state, ClockState::Paused, "{:?}", c.kind);
    }
    assert!(v.clocks.iter().any(|c| c.state == ClockState::Paused));
    assert_eq!(
        v.clocks[0].state,
        ClockState::Met,
        "Respond met on assignment"
    );

    applied(
        &agent,
        &update(&agent, id, json!({"waiting_on_customer": false})),
    )
    .await;
    let v = view(&agent, id).await;
    assert!(v.clocks.iter().all(|c| c.state != ClockState::Paused));
    assert!(
        v.ticket
            .clocks
            .iter()
            .all(|c| c.pauses.iter().all(|p| p.to.is_some()))
    );
}

#[tokio::test]
async fn a_breached_clock_puts_the_ticket_in_the_escalated_queue() {
    let server = TestServer::start();
    let admin = server.login("admin").await;
    let res = admin
        .put("/api/settings/sla")
        .json(
            &json!({"rules": [{"kind": "resolve", "minutes": 0, "timing": "continuous",
                                 "warn_percent": 75}]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let agent = server.login("agent").await;
    let id = create(
        &agent,
        intake(
            Some(a_customer(&server).await),
            "hotline",
            "service",
            "shirking",
        ),
    )
    .await;

    let supervisor = server.login("supervisor").await;
    let queue = tickets(&supervisor, "queue=escalated").await;
    let v = queue
        .tickets
        .iter()
        .find(|t| t.ticket.id == id)
        .expect("escalated");
    assert_eq!(v.clocks[0].state, ClockState::Breached);
    assert!(v.clocks[0].breached);
    let breaches = |t: &Ticket| {
        t.timeline
            .iter()
            .filter(|e| {
                e.event
                    == TimelineEvent::Breached {
                        clock: ClockKind::Resolve,
                    }
            })
            .count()
    };
    assert_eq!(breaches(&v.ticket), 1);
    let again = view(&supervisor, id).await.ticket;
    assert_eq!(breaches(&again), 1, "recorded once");
}

#[tokio::test]
async fn admins_change_the_ticket_rules_validated_and_audited() {
    let server = TestServer::start();
    let admin = server.login("admin").await;
    let res = admin.get("/api/settings/routing").send().await.unwrap();
    let mut routing: Value = res.json().await.unwrap();
    assert_eq!(routing["by_nature"]["product"], "quality");
    routing["by_sub_problem"]["attitude"] = json!("training");
    let res = admin
        .put("/api/settings/routing")
        .json(&routing)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let agent = server.login("agent").await;
    let id = create(
        &agent,
        intake(
            Some(a_customer(&server).await),
            "hotline",
            "service",
            "attitude",
        ),
    )
    .await;
    assert_eq!(
        view(&agent, id).await.ticket.department.as_deref(),
        Some("training")
    );

    let bad = [
        (
            "grading",
            json!({"rules": [{"key": "a", "when": "property_loss", "impact_at_least": "urgent"},
                                     {"key": "a", "when": "personal_injury", "impact_at_least": "urgent"}]}),
        ),
        (
            "calendar",
            json!({"utc_offset_minutes": 480, "work_start": "18:00:00", "work_end": "09:00:00",
                            "workdays": [true, true, true, true, true, false, false]}),
        ),
        (
            "revisit",
            json!({"percent_by_type": {"complaint": 150}, "key_customers_percent": 100}),
        ),
        ("sla", json!({"rules": [], "extra": 1})),
    ];
    for (name, body) in bad {
        let res = admin
            .put(&format!("/api/settings/{name}"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{name}");
    }
    let res = admin
        .put("/api/settings/nothing")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(audit_rows(&server, "settings.routing.update").await, 1);
    assert_eq!(audit_rows(&server, "settings.grading.update").await, 0);
}

#[tokio::test]
async fn a_supervisor_signs_off_or_returns_visits_and_ticket_resolutions() {
    let server = TestServer::start();
    let supervisor = server.login("supervisor").await;
    let agent = server.login("agent").await;
    let pending: ReviewQueue = supervisor
        .get("/api/reviews")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(pending.visits.len() as u64, DEMO_VISITS);
    assert!(pending.visits.iter().all(|v| v.review.is_none()));
    let (signed, returned) = (pending.visits[0].id, pending.visits[1].id);

    let id = create(&agent, intake(None, "app", "service", "attitude")).await;
    assign_and_start(&server, id, &agent).await;
    applied(&agent, &resolve(&agent, id)).await;
    let queue = tickets(&supervisor, "queue=review").await;
    assert!(queue.tickets.iter().any(|t| t.ticket.id == id));

    let decide = |target: Value, decision: &str, comment: &str| {
        supervisor.mutation(
            1,
            "review.decide",
            json!({"target": target, "decision": decision, "comment": comment}),
        )
    };
    applied(
        &supervisor,
        &decide(
            json!({"type": "visit", "id": signed}),
            "sign_off",
            "记录完整",
        ),
    )
    .await;
    applied(
        &supervisor,
        &decide(
            json!({"type": "visit", "id": returned}),
            "return",
            "原话请补充完整",
        ),
    )
    .await;
    applied(
        &supervisor,
        &decide(
            json!({"type": "ticket", "id": id}),
            "return",
            "书面回复需说明整改措施",
        ),
    )
    .await;
    let r = push_one(
        &supervisor,
        &decide(json!({"type": "visit", "id": new_id()}), "sign_off", ""),
    )
    .await;
    assert_eq!(r.unwrap().code, "conflict");

    let visits = supervisor_visits(&server, "per_page=200").await;
    let review_of = |id| {
        visits
            .visits
            .iter()
            .find(|v| v.id == id)
            .unwrap()
            .review
            .clone()
            .unwrap()
    };
    assert_eq!(review_of(signed).decision, ReviewDecision::SignOff);
    assert_eq!(review_of(returned).comment, "原话请补充完整");
    assert_eq!(review_of(returned).by, supervisor.user.id);
    let returned_list: ReviewQueue = supervisor
        .get("/api/reviews?state=returned")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        returned_list
            .visits
            .iter()
            .map(|v| v.id)
            .collect::<Vec<_>>(),
        [returned]
    );
    assert_eq!(
        returned_list
            .tickets
            .iter()
            .map(|t| t.id)
            .collect::<Vec<_>>(),
        [id]
    );
    let t = view(&supervisor, id).await.ticket;
    assert_eq!(t.review.as_ref().unwrap().decision, ReviewDecision::Return);
    assert!(matches!(
        t.timeline.last().unwrap().event,
        TimelineEvent::Review { .. }
    ));

    // The corrected resolution goes back to pending and is signed off.
    applied(
        &agent,
        &update(
            &agent,
            id,
            json!({"set": {"resolution": "书面回复:已对当班客服培训并致歉"}}),
        ),
    )
    .await;
    assert!(view(&supervisor, id).await.ticket.review.is_none());
    applied(
        &supervisor,
        &decide(json!({"type": "ticket", "id": id}), "sign_off", ""),
    )
    .await;
    assert_eq!(
        view(&supervisor, id).await.ticket.review.unwrap().decision,
        ReviewDecision::SignOff
    );
    assert_eq!(audit_rows(&server, "review.decide").await, 4);
}

/// Waits until the server's clock is past the next whole second, and returns that second.
async fn next_whole_second(server: &TestServer) -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    let next = server.now().trunc_subsecs(0) + chrono::Duration::seconds(1);
    // The test's reading of the server's clock runs ahead of it by the process start-up.
    let margin = chrono::Duration::milliseconds(300);
    let wait = (next + margin - server.now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait).await;
    next
}
