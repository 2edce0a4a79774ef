//! The rule sets admins edit (routing, grading, calendar, revisit targets, SLA): validated,
//! applied to the next ticket, and audited.

use huifang_tests::TestServer;
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
