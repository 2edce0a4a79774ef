//! What the server takes as a request body: JSON in UTF-8 only, within each endpoint's size
//! limit, read whole before anything is done (docs/api.md "Errors").

use huifang_tests::{DEMO_PASSWORD, TestServer, expect_error};
use reqwest::StatusCode;
use reqwest::header::{CONNECTION, CONTENT_TYPE};

fn login_body() -> String {
    format!(r#"{{"username": "field", "password": "{DEMO_PASSWORD}"}}"#)
}

#[tokio::test]
async fn only_json_in_utf8_is_taken_as_a_body() {
    let server = TestServer::in_process();
    let login = |content_type: Option<&str>| {
        let request = server
            .client
            .post(server.url("/api/auth/login"))
            .body(login_body());
        match content_type {
            Some(value) => request.header(CONTENT_TYPE, value),
            None => request,
        }
        .send()
    };
    let table = [
        (Some("application/json"), StatusCode::OK),
        (Some("application/json;charset=UTF-8"), StatusCode::OK),
        (Some("application/json; charset=\"utf-8\""), StatusCode::OK),
        // The body is UTF-8 whatever the label says: a label it does not match is refused,
        // not read as if it said UTF-8.
        (
            Some("application/json; charset=utf-16"),
            StatusCode::BAD_REQUEST,
        ),
        (Some("application/problem+json"), StatusCode::BAD_REQUEST),
        (Some("text/plain"), StatusCode::BAD_REQUEST),
        (Some("application/json; version=2"), StatusCode::BAD_REQUEST),
        (None, StatusCode::BAD_REQUEST),
    ];
    for (content_type, status) in table {
        let res = login(content_type).await.unwrap();
        if status == StatusCode::OK {
            assert_eq!(res.status(), status, "{content_type:?}");
            continue;
        }
        let error = expect_error(res, status, "bad_request").await;
        assert!(
            error
                .error
                .message
                .contains("Content-Type: application/json"),
            "{content_type:?}: {}",
            error.error.message
        );
    }
}

#[tokio::test]
async fn a_body_of_the_wrong_type_changes_no_rule() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let routing: serde_json::Value = admin.get_ok("/api/settings/routing").await;
    let res = admin
        .put("/api/settings/routing")
        .header(CONTENT_TYPE, "application/problem+json")
        .body(routing.to_string())
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::BAD_REQUEST, "bad_request").await;
    assert_eq!(server.audit_rows("settings.routing.update"), 0);
}

#[tokio::test]
async fn an_oversized_body_is_refused_before_a_contact_is_revealed() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let customer = field.a_customer().await;
    let path = format!("/api/customers/{customer}/reveal");
    let res = field
        .post(&path)
        .body(vec![b'x'; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    // The rest of the body is never read: the connection cannot be used again.
    assert_eq!(res.headers()[CONNECTION], "close");
    expect_error(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    // A body, however small, is not what a reveal takes.
    let res = field.post(&path).body("{}").send().await.unwrap();
    expect_error(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert_eq!(
        server.audit_rows("contact.reveal"),
        0,
        "nothing was revealed"
    );

    let res = field.post(&path).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(server.audit_rows("contact.reveal"), 1);
}

#[tokio::test]
async fn endpoints_that_take_no_body_refuse_one_and_do_nothing() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let res = field
        .post("/api/auth/logout")
        .body(vec![b'x'; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    let res = field.get("/api/me").body("x").send().await.unwrap();
    expect_error(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    // The token was not revoked.
    assert_eq!(field.get_status("/api/me").await, StatusCode::OK);
}

#[tokio::test]
async fn a_login_body_over_its_limit_is_refused_before_it_counts() {
    let server = TestServer::in_process();
    let huge = format!(
        r#"{{"username": "agent", "password": "{}"}}"#,
        "x".repeat(17 * 1024)
    );
    for _ in 0..6 {
        let res = server
            .client
            .post(server.url("/api/auth/login"))
            .header(CONTENT_TYPE, "application/json")
            .body(huge.clone())
            .send()
            .await
            .unwrap();
        expect_error(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    }
    server.agent().await;
}
