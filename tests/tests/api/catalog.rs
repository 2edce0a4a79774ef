//! The call script and survey editor (`/api/catalog`): drafts with revisions, conflicts that
//! say what changed, publishing checked by the record rules, versions, retiring, audit.

use huifang_tests::{Session, TestServer, expect_error, new_id};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

fn script_draft(standard: &str) -> Value {
    json!({"title": "活动回访(新)", "visit_type": "event", "steps": [
        {"key": "opening", "kind": "opening", "goal": "问候",
         "variants": {"standard": standard, "vip": "尊敬的{customer_name},您好"}},
        {"key": "closing", "kind": "closing", "goal": "道别", "variants": {"standard": "感谢您的时间"}}
    ]})
}

async fn create(admin: &Session, kind: &str, draft: Value) -> Uuid {
    let res = admin
        .post(&format!("/api/catalog/{kind}"))
        .json(&json!({ "draft": draft }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["draft_rev"], 1);
    body["id"].as_str().unwrap().parse().unwrap()
}

async fn save(
    admin: &Session,
    kind: &str,
    id: Uuid,
    base: u64,
    draft: &Value,
) -> reqwest::Response {
    admin
        .put(&format!("/api/catalog/{kind}/{id}/draft"))
        .json(&json!({"base_rev": base, "draft": draft}))
        .send()
        .await
        .unwrap()
}

async fn publish(admin: &Session, kind: &str, id: Uuid, rev: u64) -> reqwest::Response {
    admin
        .post(&format!("/api/catalog/{kind}/{id}/publish"))
        .json(&json!({ "draft_rev": rev }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_script_is_drafted_published_as_versions_and_reaches_devices() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let field = server.field().await;
    let before = field.pull(0).await.cursor;
    let demo_published = server.audit_rows("script.publish");

    let id = create(&admin, "scripts", script_draft("您好,这里是{company}")).await;
    let list: Value = admin.get_ok("/api/catalog/scripts").await;
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == json!(id))
        .expect("listed");
    assert_eq!(item["published_version"], Value::Null);
    assert_eq!(item["has_draft"], true);
    assert!(
        field.pull(before).await.scripts.is_empty(),
        "a draft stays on the server"
    );

    let res = publish(&admin, "scripts", id, 1).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.json::<Value>().await.unwrap()["version"], 1);
    let pulled = field.pull(before).await.scripts;
    assert_eq!(pulled.len(), 1);
    assert_eq!((pulled[0].id, pulled[0].version), (id, 1));
    assert_eq!(pulled[0].steps[0].variants.len(), 2);
    let again = publish(&admin, "scripts", id, 1).await;
    expect_error(again, StatusCode::CONFLICT, "conflict").await;

    // A visit made with version 1 …
    let customer = field.a_customer().await;
    let mut data = field.visit_data(customer);
    data["visit_type"] = json!("event");
    data["script"] = json!({"script_id": id, "version": 1, "audience": "vip",
                            "steps_done": ["opening"]});
    let v1_visit = field.mutation(1, "visit.record", data.clone());

    let res = save(
        &admin,
        "scripts",
        id,
        1,
        &script_draft("您好,我是{agent_no}"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["draft_rev"], 2);
    let res = publish(&admin, "scripts", id, 2).await;
    assert_eq!(res.json::<Value>().await.unwrap()["version"], 2);

    let detail: Value = admin.get_ok(&format!("/api/catalog/scripts/{id}")).await;
    assert_eq!(detail["published"]["version"], 2);
    assert_eq!(detail["has_draft"], false);
    let versions: Vec<u64> = detail["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_u64().unwrap())
        .collect();
    assert_eq!(versions, [2, 1]);
    assert_eq!(detail["versions"][0]["published_by"], "管理员");
    let pulled = field.pull(before).await.scripts;
    assert_eq!(pulled.len(), 1, "a device receives only the newest version");
    assert_eq!(pulled[0].version, 2);
    assert_eq!(
        pulled[0].steps[0].variants[&huifang_domain::script::Audience::Standard],
        "您好,我是{agent_no}"
    );

    // … is still accepted after version 2 is out: it names the version it followed.
    field.apply(&v1_visit).await;
    assert_eq!(server.audit_rows("script.draft_save"), 2);
    assert_eq!(server.audit_rows("script.publish"), demo_published + 2);
}

#[tokio::test]
async fn a_second_save_over_an_old_revision_is_refused_with_what_changed() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let id = create(&admin, "scripts", script_draft("您好")).await;

    let mut theirs = script_draft("您好");
    theirs["steps"][0]["variants"]["vip"] = json!("尊敬的客户");
    theirs["title"] = json!("活动回访 v2");
    assert_eq!(
        save(&admin, "scripts", id, 1, &theirs).await.status(),
        StatusCode::OK
    );

    let mut mine = script_draft("您好");
    mine["steps"].as_array_mut().unwrap().insert(
        1,
        json!({"key": "apology", "kind": "apology", "goal": "",
                          "variants": {"standard": "非常抱歉"}}),
    );
    let res = save(&admin, "scripts", id, 1, &mine).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "edit_conflict");
    assert_eq!(body["current"]["draft_rev"], 2);
    assert_eq!(body["current"]["draft"]["title"], "活动回访 v2");
    assert_eq!(body["current"]["saved_by"], "管理员");
    assert_eq!(
        body["changed"],
        json!(["steps[opening].variants.vip", "steps[apology]", "title"])
    );
    let detail: Value = admin.get_ok(&format!("/api/catalog/scripts/{id}")).await;
    assert_eq!(
        detail["draft"]["title"], "活动回访 v2",
        "nothing of the first save is lost"
    );

    // Keeping mine: save again over the revision the conflict showed.
    assert_eq!(
        save(&admin, "scripts", id, 2, &mine).await.status(),
        StatusCode::OK
    );
    let stale = publish(&admin, "scripts", id, 2).await;
    let body: Value = stale.json().await.unwrap();
    assert_eq!(body["error"]["code"], "edit_conflict");
    assert_eq!(body["changed"], json!([]));
}

#[tokio::test]
async fn publishing_a_broken_draft_names_every_problem_and_writes_nothing() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let mut draft = script_draft("您好,{phone}");
    draft["steps"][1]["variants"] = json!({"angry": "请您先消消气"});
    let id = create(&admin, "scripts", draft).await;
    let published = server.audit_rows("script.publish");
    let res = publish(&admin, "scripts", id, 1).await;
    let error = expect_error(res, StatusCode::UNPROCESSABLE_ENTITY, "not_publishable").await;
    assert_eq!(
        error.error.field.as_deref(),
        Some("steps[0].variants.standard")
    );
    let paths: Vec<&str> = error.detail["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["steps[0].variants.standard", "steps[1].variants.standard"]
    );
    assert_eq!(error.detail["problems"][0]["code"], "unknown_placeholder");
    assert_eq!(server.audit_rows("script.publish"), published);
    let detail: Value = admin.get_ok(&format!("/api/catalog/scripts/{id}")).await;
    assert_eq!(detail["versions"], json!([]));

    let survey = json!({"title": "活动满意度", "visit_type": "event", "questions": [
        {"key": "q1", "text": "整体评价", "kind": {"type": "stars"}},
        {"key": "q2", "text": "", "kind": {"type": "single", "options": []},
         "show_if": {"question": "q1", "is": true}}]});
    let id = create(&admin, "surveys", survey).await;
    let res = publish(&admin, "surveys", id, 1).await;
    let error = expect_error(res, StatusCode::UNPROCESSABLE_ENTITY, "not_publishable").await;
    let paths: Vec<&str> = error.detail["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "questions[q2].text",
            "questions[q2].options",
            "questions[q2].show_if"
        ]
    );
}

#[tokio::test]
async fn a_retired_survey_is_pulled_as_retired_and_its_records_still_sync() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let field = server.field().await;
    let id = create(
        &admin,
        "surveys",
        json!({"title": "活动满意度", "visit_type": "event",
        "questions": [{"key": "overall", "text": "整体评价", "kind": {"type": "stars"},
                       "required": true}]}),
    )
    .await;
    assert_eq!(
        publish(&admin, "surveys", id, 1).await.status(),
        StatusCode::CREATED
    );
    let before = field.pull(0).await.cursor;

    let customer = field.a_customer().await;
    let mut data = field.visit_data(customer);
    data["visit_type"] = json!("event");
    data["survey"] = json!({"survey_id": id, "version": 1, "answers": {"overall": 5}});
    let visit = field.mutation(1, "visit.record", data);

    let res = admin
        .post(&format!("/api/catalog/surveys/{id}/retire"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.json::<Value>().await.unwrap()["retired_at"].is_string());
    let pulled = field.pull(before).await.surveys;
    assert_eq!(pulled.len(), 1);
    assert!(pulled[0].retired && pulled[0].id == id && pulled[0].version == 1);
    let list: Value = admin.get_ok("/api/catalog/surveys").await;
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == json!(id))
        .unwrap();
    assert!(item["retired_at"].is_string());

    field.apply(&visit).await;

    let res = admin
        .post(&format!("/api/catalog/surveys/{id}/restore"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.json::<Value>().await.unwrap()["retired_at"],
        Value::Null
    );
    let pulled = field.pull(before).await.surveys;
    assert!(!pulled[0].retired);
    assert_eq!(server.audit_rows("survey.retire"), 1);
    assert_eq!(server.audit_rows("survey.restore"), 1);

    let draft_only = create(&admin, "surveys", json!({"title": "草稿", "questions": []})).await;
    let res = admin
        .post(&format!("/api/catalog/surveys/{draft_only}/retire"))
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::CONFLICT, "conflict").await;
}

#[tokio::test]
async fn a_demo_script_is_edited_from_its_published_version() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let list: Value = admin.get_ok("/api/catalog/scripts").await;
    let item = &list["items"][0];
    assert_eq!(item["draft_rev"], 0);
    let id: Uuid = item["id"].as_str().unwrap().parse().unwrap();
    let detail: Value = admin.get_ok(&format!("/api/catalog/scripts/{id}")).await;
    assert_eq!(detail["draft"], Value::Null);
    let mut draft = detail["published"].clone();
    draft["title"] = json!("改过的话术");
    assert_eq!(
        save(&admin, "scripts", id, 0, &draft).await.status(),
        StatusCode::OK
    );
    let version = item["published_version"].as_u64().unwrap();
    let res = publish(&admin, "scripts", id, 1).await;
    assert_eq!(res.json::<Value>().await.unwrap()["version"], version + 1);
}

#[tokio::test]
async fn only_admins_edit_the_catalog_and_bad_input_is_refused() {
    let server = TestServer::in_process();
    for who in [
        server.supervisor().await,
        server.field().await,
        server.agent().await,
    ] {
        let res = who.get("/api/catalog/scripts").send().await.unwrap();
        expect_error(res, StatusCode::FORBIDDEN, "forbidden").await;
        let res = who
            .post("/api/catalog/surveys")
            .json(&json!({"draft": {"title": "x", "questions": []}}))
            .send()
            .await
            .unwrap();
        expect_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let admin = server.admin().await;
    let res = admin.get("/api/catalog/settings").send().await.unwrap();
    expect_error(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = admin
        .get(&format!("/api/catalog/scripts/{}", new_id()))
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = admin
        .post("/api/catalog/scripts")
        .json(&json!({"draft": {"title": "x", "visit_type": "nope", "steps": []}}))
        .send()
        .await
        .unwrap();
    let error = expect_error(res, StatusCode::BAD_REQUEST, "bad_request").await;
    assert_eq!(error.error.field.as_deref(), Some("draft"));
    let res = save(&admin, "scripts", new_id(), 0, &script_draft("您好")).await;
    expect_error(res, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(server.audit_rows("script.draft_save"), 0);
}
