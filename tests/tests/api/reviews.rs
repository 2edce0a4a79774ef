//! Supervisors' review of visits and of ticket resolutions.

use huifang_domain::ticket::{ReviewDecision, ReviewQueue, TimelineEvent};
use huifang_tests::{DEMO_VISITS, TestServer, intake, new_id};
use serde_json::{Value, json};

#[tokio::test]
async fn a_supervisor_signs_off_or_returns_visits_and_ticket_resolutions() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    let agent = server.agent().await;
    let pending: ReviewQueue = supervisor.get_ok("/api/reviews").await;
    assert_eq!(pending.visits.len() as u64, DEMO_VISITS);
    assert!(pending.visits.iter().all(|v| v.review.is_none()));
    let (signed, returned) = (pending.visits[0].id, pending.visits[1].id);

    let id = agent
        .create_ticket(intake(None, "app", "service", "attitude"))
        .await;
    server.assign_and_start(id, &agent).await;
    agent.apply(&agent.resolve(id)).await;
    let queue = supervisor.tickets("queue=review").await;
    assert!(queue.tickets.iter().any(|t| t.ticket.id == id));

    let decide = |target: Value, decision: &str, comment: &str| {
        supervisor.mutation(
            1,
            "review.decide",
            json!({"target": target, "decision": decision, "comment": comment}),
        )
    };
    let visit = |id| json!({"type": "visit", "id": id});
    let ticket = json!({"type": "ticket", "id": id});
    supervisor
        .apply(&decide(visit(signed), "sign_off", "记录完整"))
        .await;
    supervisor
        .apply(&decide(visit(returned), "return", "原话请补充完整"))
        .await;
    supervisor
        .apply(&decide(ticket.clone(), "return", "书面回复需说明整改措施"))
        .await;
    let r = supervisor
        .rejection(&decide(visit(new_id()), "sign_off", ""))
        .await;
    assert_eq!(r.unwrap().code, "conflict");

    let visits = server.supervisor_visits("limit=200").await;
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
    let returned_list: ReviewQueue = supervisor.get_ok("/api/reviews?state=returned").await;
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
    let t = supervisor.ticket(id).await.ticket;
    assert_eq!(t.review.as_ref().unwrap().decision, ReviewDecision::Return);
    assert!(matches!(
        t.timeline.last().unwrap().event,
        TimelineEvent::Review { .. }
    ));

    // The corrected resolution goes back to pending and is signed off.
    let corrected = json!({"set": {"resolution": "书面回复:已对当班客服培训并致歉"}});
    agent.apply(&agent.ticket_update(id, corrected)).await;
    assert!(supervisor.ticket(id).await.ticket.review.is_none());
    supervisor.apply(&decide(ticket, "sign_off", "")).await;
    assert_eq!(
        supervisor.ticket(id).await.ticket.review.unwrap().decision,
        ReviewDecision::SignOff
    );
    assert_eq!(server.audit_rows("review.decide"), 4);
}
