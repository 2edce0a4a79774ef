//! Logging in and out, sessions, and what a caller without a login is told.

use huifang_domain::User;
use huifang_tests::{DEMO_PASSWORD, TestServer, error_of, expect_bad_request, expect_error};
use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use serde_json::{Value, json};

#[tokio::test]
async fn health_answers_ok_without_a_login() {
    let server = TestServer::in_process();
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
    let server = TestServer::in_process();
    let session = server.field().await;
    assert_eq!(session.token.len(), 64, "32 random bytes, hex");
    assert_eq!(session.user.username, "field");
    assert_eq!(session.user.agent_no, "F001");
    let me: User = session.get_ok("/api/me").await;
    assert_eq!(me, session.user);
}

#[tokio::test]
async fn usernames_are_matched_without_regard_to_case() {
    let server = TestServer::in_process();
    let res = server.try_login("Field", DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_401() {
    let server = TestServer::in_process();
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
    let server = TestServer::in_process();
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
    server.field().await;
}

#[tokio::test]
async fn an_overlong_username_is_a_bad_request() {
    let server = TestServer::in_process();
    let res = server.try_login(&"x".repeat(65), "pw").await;
    expect_bad_request(res, "username").await;
}

#[tokio::test]
async fn an_unknown_field_in_a_request_gets_a_400() {
    let server = TestServer::in_process();
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
async fn api_calls_without_a_token_or_with_a_bogus_token_are_unauthorized() {
    let server = TestServer::in_process();
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
async fn unknown_api_paths_get_a_json_404() {
    let server = TestServer::in_process();
    let res = server
        .client
        .get(server.url("/api/nothing/here"))
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn an_expired_session_is_answered_session_expired() {
    let server = TestServer::in_process();
    let session = server.agent().await;
    server
        .db()
        .execute(
            "UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000000Z'",
            [],
        )
        .unwrap();
    let res = session.get("/api/me").send().await.unwrap();
    expect_error(res, StatusCode::UNAUTHORIZED, "session_expired").await;
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let server = TestServer::in_process();
    let session = server.field().await;
    let res = session.post("/api/auth/logout").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = session.get("/api/me").send().await.unwrap();
    expect_error(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

/// Sends every `(username, password)` login at once and answers the statuses, in order.
async fn logins_at_once(server: &TestServer, tries: &[(String, &str)]) -> Vec<StatusCode> {
    let mut running = tokio::task::JoinSet::new();
    for (i, (username, password)) in tries.iter().enumerate() {
        let request = server
            .client
            .post(server.url("/api/auth/login"))
            .json(&json!({"username": username, "password": password}));
        running.spawn(async move { (i, request.send().await.expect("login").status()) });
    }
    let mut statuses = vec![StatusCode::OK; tries.len()];
    while let Some(done) = running.join_next().await {
        let (i, status) = done.expect("login task");
        statuses[i] = status;
    }
    statuses
}

fn count(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

#[tokio::test]
async fn fifty_parallel_wrong_passwords_for_one_user_get_exactly_five_401s() {
    let server = TestServer::in_process();
    let tries = vec![("agent".to_owned(), "guess"); 50];
    let statuses = logins_at_once(&server, &tries).await;
    let (refused, limited) = (
        count(&statuses, StatusCode::UNAUTHORIZED),
        count(&statuses, StatusCode::TOO_MANY_REQUESTS),
    );
    assert_eq!((refused, limited), (5, 45), "{statuses:?}");
    let res = server.try_login("agent", DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn sixty_parallel_wrong_logins_from_one_address_get_exactly_thirty_401s() {
    let server = TestServer::in_process();
    // Different (mostly unknown) usernames: only the per-address limit applies.
    let tries: Vec<(String, &str)> = (0..64).map(|i| (format!("guess{i}"), "guess")).collect();
    let statuses = logins_at_once(&server, &tries).await;
    let (refused, limited) = (
        count(&statuses, StatusCode::UNAUTHORIZED),
        count(&statuses, StatusCode::TOO_MANY_REQUESTS),
    );
    assert_eq!((refused, limited), (30, 34), "{statuses:?}");
    // The address is now limited, whoever logs in from it.
    let res = server.try_login("field", DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_right_password_among_parallel_guesses_lets_no_extra_guess_through() {
    let server = TestServer::in_process();
    let mut tries = vec![("agent".to_owned(), "guess"); 40];
    tries.insert(2, ("agent".to_owned(), DEMO_PASSWORD));
    let during = logins_at_once(&server, &tries).await;
    let after = logins_at_once(&server, &vec![("agent".to_owned(), "guess"); 20]).await;
    // The right password takes a place under the limit while it is checked, then clears the
    // failures already over; guesses still being checked stay counted. So at most four
    // guesses before it and five after it, however the race went.
    let refused =
        count(&during, StatusCode::UNAUTHORIZED) + count(&after, StatusCode::UNAUTHORIZED);
    assert!(
        refused <= 9,
        "{refused} guesses checked: {during:?} {after:?}"
    );
    assert!(count(&after, StatusCode::UNAUTHORIZED) <= 5, "{after:?}");
    let res = server.try_login("agent", DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}
