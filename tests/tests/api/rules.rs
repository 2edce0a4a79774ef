//! The rule sets admins edit (routing, grading, calendar, revisit targets, SLA): validated,
//! applied to the next ticket, and audited.

use chrono::{Days, NaiveDate};
use huifang_tests::{TestServer, expect_bad_request, expect_error};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn admins_change_the_ticket_rules_validated_and_audited() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let mut routing: Value = admin.get_ok("/api/settings/routing").await;
    assert_eq!(routing["by_nature"]["product"], "quality");
    routing["by_sub_problem"]["attitude"] = json!("training");
    let put = |name: &str, body: &Value| {
        admin
            .put(&format!("/api/settings/{name}"))
            .json(body)
            .send()
    };
    let res = put("routing", &routing).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let agent = server.agent().await;
    let id = server.hotline_ticket(&agent, "service", "attitude").await;
    assert_eq!(
        agent.ticket(id).await.ticket.department.as_deref(),
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
        let res = put(name, &body).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{name}");
    }
    let res = put("nothing", &json!({})).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(server.audit_rows("settings.routing.update"), 1);
    assert_eq!(server.audit_rows("settings.grading.update"), 0);
}

#[tokio::test]
async fn the_demo_rule_sets_are_within_the_size_limits() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    for name in ["grading", "sla", "calendar", "routing", "revisit"] {
        let path = format!("/api/settings/{name}");
        let stored: Value = admin.get_ok(&path).await;
        let res = admin.put(&path).json(&stored).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{name}");
    }
}

#[tokio::test]
async fn oversized_rule_sets_are_refused_naming_the_field_and_nothing_is_stored() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let before =
        async |name: &str| -> Value { admin.get_ok(&format!("/api/settings/{name}")).await };
    let (grading, calendar) = (before("grading").await, before("calendar").await);
    let put = |name: &str, body: Value| {
        admin
            .put(&format!("/api/settings/{name}"))
            .json(&body)
            .send()
    };

    let mut long_key = grading.clone();
    long_key["rules"][0]["key"] = json!("k".repeat(1_000_000));
    expect_bad_request(put("grading", long_key).await.unwrap(), "rules").await;

    let first = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
    let days =
        |n: u64| -> Vec<String> { (0..n).map(|i| (first + Days::new(i)).to_string()).collect() };
    let mut one_too_many = calendar.clone();
    one_too_many["holidays"] = json!(days(401));
    expect_bad_request(put("calendar", one_too_many).await.unwrap(), "holidays").await;
    // 290,000 days are 3.8 MB: over the body limit of a rule set, so not even read whole.
    let mut decades = calendar.clone();
    decades["holidays"] = json!(days(290_000));
    let res = put("calendar", decades).await.unwrap();
    expect_error(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    assert_eq!(before("grading").await, grading);
    assert_eq!(before("calendar").await, calendar);
    assert_eq!(server.audit_rows("settings.grading.update"), 0);
    assert_eq!(server.audit_rows("settings.calendar.update"), 0);
}
