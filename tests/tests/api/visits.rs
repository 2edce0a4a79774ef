//! Recording visits (scripts, surveys, signatures, places) and the supervisors' visit list.

use huifang_domain::paging::TOTAL_CAP;
use huifang_domain::{ListTotal, MAX_BATCH, VisitRecord};
use huifang_tests::{
    DEMO_VISITS, TestServer, expect_bad_request, expect_error, script_titled, survey_titled,
};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn field_staff_may_not_list_all_visits() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let res = field.get("/api/visits").send().await.unwrap();
    expect_error(res, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn a_supervisor_lists_pushed_visits_newest_first_by_cursor() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let customers = field.customers().await;
    let (device, first, second) = (
        huifang_tests::new_id(),
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

    let supervisor = server.supervisor().await;
    let list = supervisor.visits(None, 50).await;
    let all = ListTotal {
        count: DEMO_VISITS + 2,
        more: false,
    };
    assert_eq!((list.total, list.next.as_deref()), (all, None));
    let ids: Vec<_> = list.visits.iter().map(|v| v.id).collect();
    assert_eq!(ids[..2], [second.id, first.id], "newest first");
    let newest = &list.visits[0];
    assert_eq!(newest.customer_name, customers[1].name);
    assert_eq!(newest.agent_username, "field");
    assert_eq!(newest.agent_name, "李明 (外勤)");
    assert_eq!(newest.record.verbatim, "师傅上门很准时,问题已经解决了");

    let page1 = supervisor.visits(None, 1).await;
    assert_eq!(page1.visits[0].id, second.id);
    let page2 = supervisor.visits(page1.next.as_deref(), 1).await;
    assert_eq!((page2.total, page2.visits.len()), (all, 1));
    assert_eq!(page2.visits[0].id, first.id);
    for (query, field) in [
        ("limit=201", "limit"),
        ("limit=0", "limit"),
        ("after=not-a-cursor", "after"),
        // A cursor of another list (a ticket's, one part long) is refused too.
        ("after=5b2237225d", "after"),
    ] {
        let res = supervisor
            .get(&format!("/api/visits?{query}"))
            .send()
            .await
            .unwrap();
        expect_bad_request(res, field).await;
    }
    let res = supervisor.get("/api/visits?page=2").send().await.unwrap();
    expect_error(res, StatusCode::BAD_REQUEST, "bad_request").await;
}

#[tokio::test]
async fn walking_the_visit_list_gives_each_visit_once_in_order_with_filters_kept() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let customers = field.customers().await;
    let pushed: Vec<_> = (1..=7)
        .map(|seq| field.visit(seq, customers[seq as usize % 2].id))
        .collect();
    field.push_fresh(&pushed).await;
    let supervisor = server.supervisor().await;
    let one_page = supervisor.visits(None, 200).await.visits;

    let walked = supervisor.all_visits().await;
    assert_eq!(
        walked, one_page,
        "the cursor pages join into the whole list"
    );
    let mut after: Option<String> = None;
    let mut by_threes = Vec::new();
    loop {
        let page = supervisor.visits(after.as_deref(), 3).await;
        assert!(page.visits.len() <= 3);
        by_threes.extend(page.visits.into_iter().map(|v| v.id));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let ids: Vec<_> = one_page.iter().map(|v| v.id).collect();
    assert_eq!(by_threes, ids, "each visit once, in order");

    let customer = customers[1].id;
    let query = format!("customer={customer}&limit=2");
    let first = server.supervisor_visits(&query).await;
    let rest = server
        .supervisor_visits(&format!("{query}&after={}", first.next.clone().unwrap()))
        .await;
    let of_customer: Vec<_> = first.visits.iter().chain(&rest.visits).collect();
    assert!(of_customer.iter().all(|v| v.customer_id == customer));
    let expected = one_page
        .iter()
        .filter(|v| v.customer_id == customer)
        .count();
    assert!(of_customer.len() == expected.min(4) && first.total.count == expected as u64);
}

#[tokio::test]
async fn the_total_counts_up_to_the_cap_and_says_there_are_more() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let customer = server.a_customer().await;
    let beyond = TOTAL_CAP + 1 - DEMO_VISITS;
    let visits: Vec<_> = (1..=beyond).map(|seq| field.visit(seq, customer)).collect();
    let device = huifang_tests::new_id();
    for batch in visits.chunks(MAX_BATCH) {
        field.push(device, batch).await.unwrap();
    }
    let list = server.supervisor_visits("limit=1").await;
    let capped = ListTotal {
        count: TOTAL_CAP,
        more: true,
    };
    assert_eq!(list.total, capped, "{} visits stored", TOTAL_CAP + 1);
}

#[tokio::test]
async fn a_visit_with_survey_answers_signature_and_place_is_stored_whole() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let pulled = field.pull(0).await;
    let survey = survey_titled(&pulled.surveys, "满意度调查");
    let script = script_titled(&pulled.scripts, "满意度回访");
    let customer = pulled.customers[0].id;
    let mut data = field.on_site_data(customer);
    data["visit_type"] = json!("satisfaction");
    data["duration_secs"] = json!(388);
    data["script"] = json!({"script_id": script.id, "version": script.version,
        "audience": "elderly", "steps_done": ["opening", "identity", "survey"]});
    data["survey"] = json!({"survey_id": survey.id, "version": survey.version, "answers": {
        "overall": 2, "what_went_wrong": ["响应速度", "收费"], "resolved": false, "nps": 3,
        "mood": 1, "contact_by": ["电话"], "advice": "预约后等了三天才有人上门"}});
    let sent: VisitRecord = serde_json::from_value(data.clone()).unwrap();
    let m = field.mutation(1, "visit.record", data);
    field.apply(&m).await;

    let list = server
        .supervisor_visits(&format!("customer={customer}"))
        .await;
    let stored = list.visits.iter().find(|v| v.id == m.id).expect("stored");
    assert_eq!(stored.record, sent, "nothing of the record is dropped");
    assert!(stored.record.signature.is_some() && stored.record.place.is_some());
    assert!(list.visits.iter().all(|v| v.customer_id == customer));
}

#[tokio::test]
async fn invalid_survey_answers_are_rejected_naming_the_question_and_nothing_is_written() {
    let server = TestServer::in_process();
    let agent = server.agent().await;
    let pulled = agent.pull(0).await;
    let survey = survey_titled(&pulled.surveys, "满意度调查");
    let mut data = agent.visit_data(pulled.customers[0].id);
    data["survey"] = json!({"survey_id": survey.id, "version": survey.version, "answers": {
        "overall": 1, "resolved": true, "nps": 5, "contact_by": ["短信"]}});
    let answer = agent
        .push_fresh(&[agent.mutation(1, "visit.record", data)])
        .await;
    let r = &answer.rejected[0];
    assert_eq!(r.code, "invalid");
    assert_eq!(r.field.as_deref(), Some("survey.what_went_wrong"));
    assert!(r.message.contains("哪方面让您不满意"), "{}", r.message);
    assert_eq!(server.pushed_visits().await, 0);
}

#[tokio::test]
async fn an_unknown_script_version_is_a_conflict() {
    let server = TestServer::in_process();
    let agent = server.agent().await;
    let pulled = agent.pull(0).await;
    let script = &pulled.scripts[0];
    let mut data = agent.visit_data(pulled.customers[0].id);
    data["script"] = json!({"script_id": script.id, "version": script.version + 98,
        "audience": "standard", "steps_done": []});
    let answer = agent
        .push_fresh(&[agent.mutation(1, "visit.record", data)])
        .await;
    let r = &answer.rejected[0];
    assert_eq!(
        (r.code.as_str(), r.field.as_deref()),
        ("conflict", Some("script"))
    );
    assert_eq!(server.pushed_visits().await, 0);
}

#[tokio::test]
async fn an_on_site_visit_without_a_signature_is_rejected() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let mut data = field.on_site_data(server.a_customer().await);
    data.as_object_mut().unwrap().remove("signature");
    let answer = field
        .push_fresh(&[field.mutation(1, "visit.record", data)])
        .await;
    let r = &answer.rejected[0];
    assert_eq!(
        (r.code.as_str(), r.field.as_deref()),
        ("invalid", Some("signature"))
    );
    assert_eq!(server.pushed_visits().await, 0);
}

#[tokio::test]
async fn escalated_visits_are_listed_for_a_supervisor_and_forbidden_to_field_staff() {
    let server = TestServer::in_process();
    let agent = server.agent().await;
    let customer = server.a_customer().await;
    let mut data = agent.visit_data(customer);
    data["escalate"] = json!(true);
    data["emotion"] = json!("angry");
    let urgent = agent.mutation(1, "visit.record", data);
    let calm = agent.visit(2, customer);
    agent.push_fresh(&[urgent.clone(), calm.clone()]).await;

    let list = server.supervisor_visits("escalated=true").await;
    assert!(list.visits.iter().all(|v| v.record.escalate));
    assert_eq!(list.visits.len() as u64, list.total.count);
    let ids: Vec<_> = list.visits.iter().map(|v| v.id).collect();
    assert!(
        ids.contains(&urgent.id) && !ids.contains(&calm.id),
        "{ids:?}"
    );

    let field = server.field().await;
    let status = field.get_status("/api/visits?escalated=true").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
