//! The audit trail as admins read it: newest first by cursor, filtered, admins only.

use huifang_domain::audit::{AuditEntry, AuditList};
use huifang_tests::{DEMO_VISITS, Session, TestServer, expect_bad_request, expect_error, intake};
use reqwest::StatusCode;

/// Every entry of `GET /api/audit?{query}`, `limit` at a time.
async fn walk(admin: &Session, query: &str, limit: u32) -> Vec<AuditEntry> {
    let mut all = Vec::new();
    let mut after = String::new();
    loop {
        let page: AuditList = admin
            .get_ok(&format!("/api/audit?{query}&limit={limit}{after}"))
            .await;
        all.extend(page.entries);
        match page.next {
            Some(next) => after = format!("&after={next}"),
            None => return all,
        }
    }
}

#[tokio::test]
async fn only_admins_read_the_audit_log() {
    let server = TestServer::in_process();
    for who in ["field", "agent", "supervisor"] {
        let session = server.login(who).await;
        let res = session.get("/api/audit").send().await.unwrap();
        expect_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let admin = server.admin().await;
    let list: AuditList = admin.get_ok("/api/audit").await;
    assert!(!list.entries.is_empty(), "the demo seed is audited");
}

#[tokio::test]
async fn the_audit_log_reads_newest_first_by_cursor_and_filters() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let agent = server.agent().await;
    let customer = server.a_customer().await;
    field
        .push_fresh(&[field.visit(1, customer), field.visit(2, customer)])
        .await;
    let ticket = agent
        .create_ticket(intake(Some(customer), "hotline", "service", "attitude"))
        .await;
    let admin = server.admin().await;

    let whole: AuditList = admin.get_ok("/api/audit?limit=200").await;
    let walked = walk(&admin, "", 3).await;
    assert_eq!(walked, whole.entries, "each entry once, in order");
    let ids: Vec<_> = walked.iter().map(|e| e.id).collect();
    assert!(ids.is_sorted_by(|a, b| a > b), "newest first");
    assert_eq!(whole.total.count, walked.len() as u64);

    let visits = walk(&admin, "action=visit.record", 1).await;
    assert_eq!(
        visits.len() as u64,
        DEMO_VISITS + 2,
        "the demo's and the two pushed"
    );
    assert!(visits.iter().all(|e| e.entity == "visit"));
    assert!(visits[..2].iter().all(|e| e.user_id == Some(field.user.id)
        && e.user_name.as_deref() == Some(field.user.display_name.as_str())));
    let by_agent = walk(&admin, &format!("user={}", agent.user.id), 1).await;
    assert!(by_agent.iter().any(|e| e.action == "ticket.create"));
    assert!(by_agent.iter().all(|e| e.user_id == Some(agent.user.id)));
    let of_ticket = walk(&admin, &format!("entity=ticket&entity_id={ticket}"), 1).await;
    assert_eq!(of_ticket.len(), 1);
    assert_eq!(of_ticket[0].entity_id, ticket.to_string());
    assert!(of_ticket[0].before.is_none() && of_ticket[0].after.is_some());
    let tickets = walk(&admin, "entity=ticket", 2).await;
    assert!(tickets.iter().all(|e| e.entity == "ticket"));

    let now = server.now();
    let later =
        (now + chrono::TimeDelta::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let none: AuditList = admin.get_ok(&format!("/api/audit?from={later}")).await;
    assert!(none.entries.is_empty() && none.next.is_none());
    let all_before: AuditList = admin
        .get_ok(&format!("/api/audit?to={later}&limit=200"))
        .await;
    assert_eq!(all_before.entries, whole.entries);

    for (query, field) in [
        ("entity_id=x", "entity_id"),
        ("after=nothex", "after"),
        ("limit=500", "limit"),
    ] {
        let res = admin
            .get(&format!("/api/audit?{query}"))
            .send()
            .await
            .unwrap();
        expect_bad_request(res, field).await;
    }
}
