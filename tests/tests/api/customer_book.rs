//! 客户档案, the console's customer book: list, profile, create, edit, archive (issue 11).

use chrono::TimeDelta;
use huifang_domain::customer_book::{CustomerBookList, CustomerProfile};
use huifang_tests::{Session, TestServer, expect_bad_request, expect_error, new_id};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

fn fields(name: &str, contact: &str) -> Value {
    json!({
        "external_id": null, "name": name, "contact": contact, "class": "B", "vip": false,
        "tags": ["老客户"], "region": "浦东", "products": "空调 KFR-35",
        "purchase_date": "2026-03-01", "summary": "安装于三月"
    })
}

async fn create(session: &Session, body: &Value) -> reqwest::Response {
    session
        .post("/api/customer-book")
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn created(session: &Session, body: &Value) -> CustomerProfile {
    let res = create(session, body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

fn customers_named(server: &TestServer, name: &str) -> i64 {
    server
        .db()
        .query_row(
            "SELECT COUNT(*) FROM customers WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .unwrap()
}

/// The audit rows of a customer: (action, before, after).
fn audit_rows(server: &TestServer, id: Uuid) -> Vec<(String, Option<String>, String)> {
    let db = server.db();
    let mut stmt = db
        .prepare(
            "SELECT action, before, after FROM audit_log
             WHERE entity = 'customer' AND entity_id = ?1 ORDER BY id",
        )
        .unwrap();
    stmt.query_map([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test]
async fn an_admin_creates_reads_and_lists_a_customer_with_the_contact_masked() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let mut body = fields("欧阳女士", "13900004739");
    body["external_id"] = json!("CRM-9001");
    body["vip"] = json!(true);
    let res = create(&admin, &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let text = res.text().await.unwrap();
    assert!(!text.contains("13900004739"), "never whole: {text}");
    let made: CustomerProfile = serde_json::from_str(&text).unwrap();
    assert_eq!(made.contact_masked, "139****4739");
    assert_eq!(
        (made.name.as_str(), made.external_id.as_deref(), made.vip),
        ("欧阳女士", Some("CRM-9001"), true)
    );
    assert_eq!(made.tags, ["老客户"]);

    let one = admin
        .get(&format!("/api/customer-book/{}", made.id))
        .send()
        .await
        .unwrap();
    assert_eq!(one.status(), StatusCode::OK);
    let text = one.text().await.unwrap();
    assert!(!text.contains("13900004739"));
    assert_eq!(
        serde_json::from_str::<CustomerProfile>(&text).unwrap(),
        made
    );

    for query in [
        "name=欧阳",
        "contact=4739",
        "contact=139****4739",
        "external_id=CRM-9001",
        "tag=老客户&name=欧阳",
        "class=B&vip=true&region=浦东&name=欧阳",
        "last_visit_before=2026-12-01&name=欧阳",
    ] {
        let res = admin
            .get(&format!("/api/customer-book?{query}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{query}");
        let text = res.text().await.unwrap();
        assert!(!text.contains("13900004739"), "{query}");
        let list: CustomerBookList = serde_json::from_str(&text).unwrap();
        assert_eq!(
            list.customers.iter().map(|c| c.id).collect::<Vec<_>>(),
            [made.id],
            "{query}"
        );
    }
    for query in ["name=欧阳&class=A", "contact=138****4739", "tag=新客户"] {
        let list: CustomerBookList = admin.get_ok(&format!("/api/customer-book?{query}")).await;
        assert!(list.customers.is_empty(), "{query}");
    }

    let (action, before, after) = audit_rows(&server, made.id).remove(0);
    assert_eq!((action.as_str(), before), ("customer.create", None));
    assert!(after.contains("139****4739") && !after.contains("13900004739"));
}

#[tokio::test]
async fn the_book_is_read_page_by_page_in_name_order() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    for i in 0..5 {
        created(
            &supervisor,
            &fields(&format!("翻页{i}"), &format!("1370000000{i}")),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(a) => format!("/api/customer-book?name=翻页&limit=2&after={a}"),
            None => "/api/customer-book?name=翻页&limit=2".to_owned(),
        };
        let page: CustomerBookList = supervisor.get_ok(&path).await;
        assert_eq!((page.total.count, page.total.more), (5, false));
        seen.extend(page.customers.into_iter().map(|c| c.name));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, ["翻页0", "翻页1", "翻页2", "翻页3", "翻页4"]);
    let status = supervisor.get_status("/api/customer-book?after=zz").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn only_supervisors_and_admins_reach_the_book() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let made = created(&admin, &fields("权限", "13700001234")).await;
    let path = format!("/api/customer-book/{}", made.id);
    for session in [server.field().await, server.agent().await] {
        assert_eq!(
            session.get_status("/api/customer-book").await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(session.get_status(&path).await, StatusCode::FORBIDDEN);
        let res = create(&session, &fields("越权", "13700009999")).await;
        expect_error(res, StatusCode::FORBIDDEN, "forbidden").await;
        let res = session
            .put(&path)
            .json(&json!({"version": made.version, "fields": fields("越权", "13700001234")}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        for action in ["archive", "unarchive"] {
            let res = session
                .post(&format!("{path}/{action}"))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{action}");
        }
    }
    assert_eq!(customers_named(&server, "越权"), 0);
    let anonymous = reqwest::get(server.url("/api/customer-book"))
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    // The field app's lookup is still there, apart.
    let field = server.field().await;
    assert!(
        field
            .find_customers("权限")
            .await
            .iter()
            .any(|c| c.id == made.id)
    );
}

#[tokio::test]
async fn bad_fields_are_refused_naming_each_and_write_nothing() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let mut body = fields("", "call me");
    body["tags"] = json!(["x".repeat(40)]);
    let res = create(&admin, &body).await;
    let error = expect_error(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid").await;
    assert_eq!(error.error.field.as_deref(), Some("name"));
    let problems = &error.detail["problems"];
    assert_eq!(
        problems,
        &json!([
            {"field": "name", "reason": "missing"},
            {"field": "contact", "reason": "bad_contact"},
            {"field": "tags", "reason": "too_long"},
        ])
    );
    let mut bad_class = fields("坏等级", "13700005555");
    bad_class["class"] = json!("E");
    expect_bad_request(create(&admin, &bad_class).await, "class").await;
    let mut unknown = fields("多字段", "13700006666");
    unknown["nickname"] = json!("x");
    let res = create(&admin, &unknown).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(customers_named(&server, "坏等级"), 0);
    assert_eq!(customers_named(&server, "多字段"), 0);
    let res = admin
        .get("/api/customer-book?contact=12")
        .send()
        .await
        .unwrap();
    expect_bad_request(res, "contact").await;
    let res = admin
        .get("/api/customer-book?limit=0")
        .send()
        .await
        .unwrap();
    expect_bad_request(res, "limit").await;
}

#[tokio::test]
async fn a_contact_or_external_id_belongs_to_one_customer() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let mut first = fields("第一位", "13700007777");
    first["external_id"] = json!("CRM-1");
    created(&admin, &first).await;
    let res = create(&admin, &fields("第二位", "13700007777")).await;
    let error = expect_error(res, StatusCode::CONFLICT, "duplicate_contact").await;
    assert_eq!(error.error.field.as_deref(), Some("contact"));
    let mut same_id = fields("第三位", "13700008888");
    same_id["external_id"] = json!("CRM-1");
    let res = create(&admin, &same_id).await;
    let error = expect_error(res, StatusCode::CONFLICT, "duplicate_external_id").await;
    assert_eq!(error.error.field.as_deref(), Some("external_id"));
    assert_eq!(customers_named(&server, "第二位"), 0);
    assert_eq!(customers_named(&server, "第三位"), 0);
}

#[tokio::test]
async fn an_edit_from_a_stale_version_is_a_conflict_showing_the_current_customer() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let supervisor = server.supervisor().await;
    let made = created(&admin, &fields("编辑", "13700002222")).await;
    let path = format!("/api/customer-book/{}", made.id);
    let mut edited = fields("编辑后", "13700002223");
    edited["class"] = json!("A");
    let res = supervisor
        .put(&path)
        .json(&json!({"version": made.version, "fields": edited}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let saved: CustomerProfile = res.json().await.unwrap();
    assert!(saved.version > made.version, "a new change version");
    assert_eq!(
        (saved.name.as_str(), saved.contact_masked.as_str()),
        ("编辑后", "137****2223")
    );

    let res = admin
        .put(&path)
        .json(&json!({"version": made.version, "fields": fields("我的版本", "13700002222")}))
        .send()
        .await
        .unwrap();
    let error = expect_error(res, StatusCode::CONFLICT, "conflict").await;
    let current: CustomerProfile = serde_json::from_value(error.detail["current"].clone()).unwrap();
    assert_eq!(current, saved);
    assert_eq!(customers_named(&server, "我的版本"), 0);

    let bad = admin
        .put(&path)
        .json(&json!({"version": saved.version, "fields": fields("编辑后", "call me")}))
        .send()
        .await
        .unwrap();
    let error = expect_error(bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid").await;
    assert_eq!(error.error.field.as_deref(), Some("contact"));
    // The editor holds only the masked contact: a blank one keeps what is stored.
    let kept: CustomerProfile = admin
        .put(&path)
        .json(&json!({"version": saved.version, "fields": fields("留号码", "")}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(kept.contact_masked, "137****2223");

    let rows = audit_rows(&server, made.id);
    let (action, before, after) = &rows[1];
    assert_eq!(action, "customer.update");
    let before = before.as_deref().expect("before");
    assert!(before.contains("编辑") && before.contains("137****2222"));
    assert!(after.contains("137****2223"));
    assert!(!before.contains("13700002222") && !after.contains("13700002223"));
    assert_eq!(rows.len(), 3, "the refused edits wrote nothing");

    let status = admin
        .get_status(&format!("/api/customer-book/{}", new_id()))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_edit_reaches_the_devices_that_hold_the_customer() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let first = field.pull_all(0).await;
    let held = first.customers[0].clone();
    let admin = server.admin().await;
    let profile: CustomerProfile = admin
        .get_ok(&format!("/api/customer-book/{}", held.id))
        .await;
    let contact: String = server
        .db()
        .query_row(
            "SELECT contact FROM customers WHERE id = ?1",
            [held.id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    let mut body = fields("改名了", &contact);
    body["class"] = json!(profile.class);
    let res = admin
        .put(&format!("/api/customer-book/{}", held.id))
        .json(&json!({"version": profile.version, "fields": body}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let next = field.pull(first.cursor).await;
    let pulled = next
        .customers
        .iter()
        .find(|c| c.id == held.id)
        .expect("the edit is in the next pull");
    assert_eq!(pulled.name, "改名了");
}

#[tokio::test]
async fn an_archived_customer_gets_no_new_tasks_and_leaves_the_default_list() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    let field = server.field().await;
    let made = created(&supervisor, &fields("归档", "13700003333")).await;
    let path = format!("/api/customer-book/{}", made.id);
    let archived: CustomerProfile = supervisor
        .post(&format!("{path}/archive"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(archived.archived_at.is_some());
    assert!(archived.version > made.version);

    let active: CustomerBookList = supervisor.get_ok("/api/customer-book?name=归档").await;
    assert!(
        active.customers.is_empty(),
        "archived: not in the default list"
    );
    let gone: CustomerBookList = supervisor
        .get_ok("/api/customer-book?name=归档&archived=true")
        .await;
    assert_eq!(gone.customers, std::slice::from_ref(&archived));

    let now = server.now();
    let task = json!({"id": new_id(), "customer_id": made.id, "assignee": field.user.id,
        "visit_type": "repair", "planned_channel": "phone", "priority": "normal",
        "due_from": now, "due_until": now + TimeDelta::hours(8), "note": ""});
    let res = supervisor
        .post("/api/tasks")
        .json(&task)
        .send()
        .await
        .unwrap();
    let error = expect_error(res, StatusCode::CONFLICT, "customer_archived").await;
    assert_eq!(error.error.field.as_deref(), Some("customer_id"));
    let tasks: i64 = server
        .db()
        .query_row(
            "SELECT COUNT(*) FROM tasks WHERE customer_id = ?1",
            [made.id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tasks, 0);

    let back: CustomerProfile = supervisor
        .post(&format!("{path}/unarchive"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(back.archived_at, None);
    let res = supervisor
        .post("/api/tasks")
        .json(&task)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let actions: Vec<String> = audit_rows(&server, made.id)
        .into_iter()
        .map(|(a, _, _)| a)
        .collect();
    assert_eq!(
        actions,
        ["customer.create", "customer.archive", "customer.unarchive"]
    );
}
