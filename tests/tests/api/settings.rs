//! 机构设置 (`/api/settings`): read by everyone, replaced by admins from the version they read,
//! checked field by field, audited, and pulled by every device; and who revisits a ticket by
//! its grade, a rule of the revisit settings.

use huifang_domain::CustomerClass;
use huifang_domain::settings::VersionedSettings;
use huifang_domain::task::QuietWindow;
use huifang_domain::ticket::TicketState;
use huifang_tests::{TestServer, cli_user_add, expect_bad_request, expect_error, intake};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn window(start: &str, end: &str) -> QuietWindow {
    serde_json::from_value(json!({"start": start, "end": end})).expect("a window")
}

#[tokio::test]
async fn an_admin_replaces_the_settings_from_the_version_read_and_devices_pull_them() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let field = server.field().await;
    let before_pull = field.pull_all(0).await.cursor;
    let read: VersionedSettings = field.get_ok("/api/settings").await;
    assert_eq!(read.settings.utc_offset_minutes, 480);

    let mut next = read.clone();
    next.settings.company = "  惠方家电客服中心 ".into();
    next.settings.quiet_hours.windows = vec![window("21:30:00", "08:30:00")];
    next.settings.target_minutes = [4, 12];
    next.settings.record_within_minutes = 15;
    let res = admin.put("/api/settings").json(&next).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let saved: VersionedSettings = res.json().await.unwrap();
    assert!(saved.version > read.version, "a new change version");
    assert_eq!(saved.settings.company, "惠方家电客服中心", "stored trimmed");
    let again: VersionedSettings = admin.get_ok("/api/settings").await;
    assert_eq!(again, saved);

    let pulled = field.pull_all(before_pull).await;
    assert_eq!(
        pulled.settings.as_ref(),
        Some(&saved.settings),
        "the device's next pull"
    );
    assert_eq!(field.pull_all(pulled.cursor).await.settings, None);

    let (before, after): (String, String) = server
        .db()
        .query_row(
            "SELECT before, after FROM audit_log WHERE action = 'settings.update'
             AND user_id = ?1",
            [admin.user.id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("one audit row by the admin");
    let (before, after): (Value, Value) = (
        serde_json::from_str(&before).unwrap(),
        serde_json::from_str(&after).unwrap(),
    );
    assert_eq!(before["company"], json!(read.settings.company));
    assert_eq!(after["company"], "惠方家电客服中心");

    // A second editor still holding the first version: refused, shown what is stored now.
    let mut stale = read.clone();
    stale.settings.company = "另一个名字".into();
    let res = admin
        .put("/api/settings")
        .json(&stale)
        .send()
        .await
        .unwrap();
    let error = expect_error(res, StatusCode::CONFLICT, "conflict").await;
    let current: VersionedSettings =
        serde_json::from_value(error.detail["current"].clone()).unwrap();
    assert_eq!(current, saved);
    let now: VersionedSettings = admin.get_ok("/api/settings").await;
    assert_eq!(now, saved, "nothing written");
}

#[tokio::test]
async fn each_broken_setting_is_refused_naming_its_field_and_nothing_is_written() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let read: VersionedSettings = admin.get_ok("/api/settings").await;
    let audited = server.audit_rows("settings.update");
    let body = |change: &dyn Fn(&mut Value)| {
        let mut v = serde_json::to_value(&read).unwrap();
        v["settings"]["company"] = json!("惠方");
        change(&mut v["settings"]);
        v
    };
    let table: Vec<(&str, Value)> = vec![
        ("company", body(&|s| s["company"] = json!(" "))),
        ("company", body(&|s| s["company"] = json!("名".repeat(101)))),
        (
            "utc_offset_minutes",
            body(&|s| s["utc_offset_minutes"] = json!(487)),
        ),
        (
            "quiet_hours[1].start",
            body(&|s| {
                s["quiet_hours"]["windows"] = json!([
                    {"start": "12:00:00", "end": "14:00:00"},
                    {"start": "13:00:00", "end": "15:00:00"}
                ])
            }),
        ),
        (
            "quiet_hours[0].end",
            body(&|s| {
                s["quiet_hours"]["windows"] = json!([{"start": "12:00:00", "end": "12:00:00"}])
            }),
        ),
        (
            "target_minutes",
            body(&|s| s["target_minutes"] = json!([12, 10])),
        ),
        (
            "record_within_minutes",
            body(&|s| s["record_within_minutes"] = json!(0)),
        ),
    ];
    for (field, v) in table {
        let res = admin.put("/api/settings").json(&v).send().await.unwrap();
        let error = expect_error(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid").await;
        assert_eq!(error.error.field.as_deref(), Some(field), "{v}");
    }
    let res = admin
        .put("/api/settings")
        .json(&json!({"version": read.version}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "no settings at all");
    let after: VersionedSettings = admin.get_ok("/api/settings").await;
    assert_eq!(after, read, "nothing written");
    assert_eq!(server.audit_rows("settings.update"), audited);
}

#[tokio::test]
async fn only_admins_change_the_settings_and_everyone_reads_them() {
    let server = TestServer::in_process();
    let read: VersionedSettings = server.admin().await.get_ok("/api/settings").await;
    let audited = server.audit_rows("settings.update");
    let mut next = read.clone();
    next.settings.company = "惠方".into();
    for user in ["field", "agent", "supervisor"] {
        let session = server.login(user).await;
        let res = session
            .put("/api/settings")
            .json(&next)
            .send()
            .await
            .unwrap();
        expect_error(res, StatusCode::FORBIDDEN, "forbidden").await;
        assert_eq!(session.get_status("/api/settings").await, StatusCode::OK);
    }
    let res = reqwest::Client::new()
        .get(server.url("/api/settings"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(server.audit_rows("settings.update"), audited);
}

#[tokio::test]
async fn an_empty_server_answers_the_first_start_defaults_and_takes_a_first_save() {
    let server = TestServer::in_process_empty();
    let out = cli_user_add(
        &server.db,
        &["--username", "boss", "--role", "admin", "--password-stdin"],
        "first-admin-pass\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let admin = server.login_with("boss", "first-admin-pass").await;
    let first: VersionedSettings = admin.get_ok("/api/settings").await;
    assert_eq!(
        first.settings.company, "",
        "the company is the operator's to name"
    );
    assert_eq!(first.settings.utc_offset_minutes, 480);
    assert_eq!(first.settings.target_minutes, [5, 10]);
    assert_eq!(first.settings.record_within_minutes, 10);
    assert_eq!(first.settings.quiet_hours.windows.len(), 2);

    let mut named = first.clone();
    named.settings.company = "惠方".into();
    let res = admin
        .put("/api/settings")
        .json(&named)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let saved: VersionedSettings = res.json().await.unwrap();
    assert_eq!(saved.settings.company, "惠方");
    assert!(saved.version > first.version);
}

/// Makes the demo field worker's ticket about a key customer (always revisited) important,
/// has them work it and resolve it; returns the ticket.
async fn an_important_ticket_resolved(server: &TestServer) -> uuid::Uuid {
    let field = server.field().await;
    let key = field
        .customers()
        .await
        .into_iter()
        .find(|c| c.vip || c.class == CustomerClass::A)
        .expect("a key customer in the demo");
    let id = field
        .create_ticket(intake(Some(key.id), "visit", "service", "slow_response"))
        .await;
    let supervisor = server.supervisor().await;
    let important = json!({"set": {"impact": "important"}});
    supervisor
        .apply(&supervisor.ticket_update(id, important))
        .await;
    server.assign_and_start(id, &field).await;
    field.apply(&field.resolve(id)).await;
    id
}

#[tokio::test]
async fn an_important_tickets_revisit_goes_to_the_supervisor_the_revisit_rule_names() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let supervisor = server.supervisor().await;
    let mut revisit: Value = admin.get_ok("/api/settings/revisit").await;
    revisit["revisitors"] = json!({
        "important": {"by": "person", "user": supervisor.user.id},
        "urgent": {"by": "handler"}
    });
    let res = admin
        .put("/api/settings/revisit")
        .json(&revisit)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let id = an_important_ticket_resolved(&server).await;
    let field = server.field().await;
    let t = field.ticket(id).await.ticket;
    assert_eq!(t.state, TicketState::Revisit);
    let [task] = supervisor
        .revisit_tasks(id)
        .await
        .try_into()
        .expect("one revisit task on the supervisor's device");
    assert_eq!(task.assignee, supervisor.user.id);
    assert!(
        field.revisit_tasks(id).await.is_empty(),
        "not the handler's"
    );
}

#[tokio::test]
async fn a_revisit_rule_naming_someone_who_does_no_visits_is_refused_by_grade() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let stored: Value = admin.get_ok("/api/settings/revisit").await;
    let named = |user: Value| {
        let mut v = stored.clone();
        v["revisitors"] = json!({"urgent": {"by": "person", "user": user}});
        v
    };
    for user in [json!(admin.user.id), json!(uuid::Uuid::nil())] {
        let res = admin
            .put("/api/settings/revisit")
            .json(&named(user))
            .send()
            .await
            .unwrap();
        expect_bad_request(res, "revisitors.urgent").await;
    }
    let after: Value = admin.get_ok("/api/settings/revisit").await;
    assert_eq!(after, stored, "nothing written");

    // Stored rules without revisitors keep today's rule: the handler revisits.
    let id = an_important_ticket_resolved(&server).await;
    let field = server.field().await;
    let [task] = field
        .revisit_tasks(id)
        .await
        .try_into()
        .expect("one revisit task for the handler");
    assert_eq!(task.assignee, field.user.id);
}
