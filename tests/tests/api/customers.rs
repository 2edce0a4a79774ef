//! Customer files and revealing a customer's contact.

use huifang_domain::{Customer, CustomerFile, RevealedContact};
use huifang_tests::{Session, TestServer, new_id};
use reqwest::StatusCode;

async fn named(session: &Session, name: &str) -> Customer {
    session
        .customers()
        .await
        .into_iter()
        .find(|c| c.name == name)
        .expect(name)
}

#[tokio::test]
async fn revealing_a_contact_gives_the_full_number_and_leaves_an_audit_row() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let wang = named(&field, "王女士").await;
    let reveal =
        |session: &Session, id| session.post(&format!("/api/customers/{id}/reveal")).send();
    let res = reveal(&field, wang.id).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let revealed: RevealedContact = res.json().await.unwrap();
    assert_eq!(revealed.contact, "13812345678");

    let (who, after): (String, String) = server
        .db()
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

    let admin = server.admin().await;
    let res = reveal(&admin, wang.id).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = reveal(&field, new_id()).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_customer_file_lists_past_visits_newest_first() {
    let server = TestServer::in_process();
    let agent = server.agent().await;
    let liu = named(&agent, "刘先生").await;
    let path = format!("/api/customers/{}/file", liu.id);
    let before: CustomerFile = agent.get_ok(&path).await;
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
    agent.push_fresh(std::slice::from_ref(&m)).await;
    let after: CustomerFile = server.supervisor().await.get_ok(&path).await;
    assert_eq!(after.visits[0].id, m.id);

    let status = agent
        .get_status(&format!("/api/customers/{}/file", new_id()))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
