//! People and passwords: the first admin of an empty server, the accounts admins manage,
//! one-time passwords, disabled accounts and everyone's own password (docs/api.md "People and
//! passwords").

use huifang_domain::User;
use huifang_domain::people::{Me, PeopleList, Person, PersonWithPassword};
use huifang_tests::{
    DEMO_PASSWORD, Session, TestServer, cli_user_add, expect_bad_request, expect_error, new_id,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

async fn add(admin: &Session, body: Value) -> PersonWithPassword {
    let res = admin.post("/api/people").json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "add {body}");
    res.json().await.unwrap()
}

async fn people(admin: &Session) -> Vec<Person> {
    admin.get_ok::<PeopleList>("/api/people").await.people
}

async fn person(admin: &Session, username: &str) -> Person {
    people(admin)
        .await
        .into_iter()
        .find(|p| p.username == username)
        .unwrap_or_else(|| panic!("{username} listed"))
}

async fn change_password(s: &Session, current: &str, new: &str) -> reqwest::Response {
    s.post("/api/me/password")
        .json(&json!({"current": current, "new": new}))
        .send()
        .await
        .unwrap()
}

async fn post_empty(s: &Session, path: &str) -> reqwest::Response {
    s.post(path).send().await.unwrap()
}

#[tokio::test]
async fn an_empty_server_without_demo_prints_the_command_that_adds_the_first_admin() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_empty_in(dir.path());
    let db = std::path::absolute(&server.db).unwrap();
    let command = format!(
        "huifang user add --db {} --username admin --role admin --password-stdin",
        db.display()
    );
    assert!(server.banner.contains(&command), "{}", server.banner);
    assert_eq!(server.banner.matches("huifang user add").count(), 1);

    // The printed command, run as it is (its arguments after `huifang user add`), works.
    let args: Vec<&str> = command.split(' ').skip(3).collect();
    let (db_flag, rest) = args.split_at(2);
    assert_eq!(db_flag[0], "--db");
    let out = cli_user_add(&db, rest, "first-admin-pass\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let admin = server.login_with("admin", "first-admin-pass").await;
    assert_eq!(admin.user.role, huifang_domain::Role::Admin);
    let me: Me = admin.get_ok("/api/me").await;
    assert!(!me.must_change_password, "the admin chose that password");
    drop(server);

    let again = TestServer::start_empty_in(dir.path());
    assert!(!again.banner.contains("user add"), "{}", again.banner);
}

#[tokio::test]
async fn the_command_line_applies_the_password_rule() {
    let server = TestServer::in_process();
    let out = cli_user_add(
        &server.db,
        &["--username", "short", "--role", "agent", "--password-stdin"],
        "123456789\n",
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("at least 10 characters"), "{stderr}");
}

#[tokio::test]
async fn only_admins_manage_people() {
    let server = TestServer::in_process();
    let target = server.field().await.user.id;
    for who in [
        server.field().await,
        server.agent().await,
        server.supervisor().await,
    ] {
        let refused = [
            who.get("/api/people").send().await.unwrap(),
            who.post("/api/people")
                .json(&json!({"username": "x", "role": "field"}))
                .send()
                .await
                .unwrap(),
            who.patch(&format!("/api/people/{target}"))
                .json(&json!({"role": "admin"}))
                .send()
                .await
                .unwrap(),
            who.post(&format!("/api/people/{target}/reset-password"))
                .json(&json!({}))
                .send()
                .await
                .unwrap(),
            post_empty(&who, &format!("/api/people/{target}/disable")).await,
            post_empty(&who, &format!("/api/people/{target}/enable")).await,
        ];
        for res in refused {
            expect_error(res, StatusCode::FORBIDDEN, "forbidden").await;
        }
    }
    assert_eq!(server.audit_rows("user.update"), 0);
}

#[tokio::test]
async fn a_new_person_changes_the_one_time_password_before_anything_else_works() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let added = add(
        &admin,
        json!({"username": "xiaoli", "display_name": "小李", "role": "field", "agent_no": "F210"}),
    )
    .await;
    let otp = added
        .one_time_password
        .clone()
        .expect("a one-time password");
    assert_eq!(otp.len(), 14, "{otp}");
    assert!(added.person.must_change_password);
    assert_eq!(
        (
            added.person.display_name.as_str(),
            added.person.agent_no.as_str()
        ),
        ("小李", "F210")
    );
    let listed = person(&admin, "xiaoli").await;
    assert_eq!(listed, added.person);
    assert_eq!(listed.last_login_at, None);

    let res = server.try_login("xiaoli", &otp).await;
    assert_eq!(res.status(), StatusCode::OK);
    let login: Value = res.json().await.unwrap();
    assert_eq!(login["must_change_password"], json!(true));
    let li = server.login_with("xiaoli", &otp).await;
    for path in ["/api/tasks", "/api/sync/pull", "/api/tickets"] {
        let res = li.get(path).send().await.unwrap();
        expect_error(res, StatusCode::FORBIDDEN, "password_change_required").await;
    }
    let push = li.push(new_id(), &[]).await.unwrap_err();
    assert_eq!(push.0, StatusCode::FORBIDDEN);
    let me: Me = li.get_ok("/api/me").await;
    assert!(me.must_change_password);
    assert_eq!(me.user.username, "xiaoli");

    expect_bad_request(change_password(&li, &otp, "short").await, "new").await;
    expect_bad_request(change_password(&li, &otp, "xiaoli").await, "new").await;
    expect_bad_request(change_password(&li, &otp, &otp).await, "new").await;
    expect_bad_request(
        change_password(&li, "not-the-one-time", "xiaoli-chose-this").await,
        "current",
    )
    .await;
    let res = change_password(&li, &otp, "xiaoli-chose-this").await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(li.get_status("/api/tasks").await, StatusCode::OK);
    let me: Me = li.get_ok("/api/me").await;
    assert!(!me.must_change_password);

    expect_error(
        server.try_login("xiaoli", &otp).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let again = server.login_with("xiaoli", "xiaoli-chose-this").await;
    assert_eq!(again.get_status("/api/tasks").await, StatusCode::OK);
    let listed = person(&admin, "xiaoli").await;
    assert!(!listed.must_change_password);
    assert!(listed.last_login_at.is_some());
}

#[tokio::test]
async fn an_admin_may_type_the_first_password_which_must_still_be_changed() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let added = add(
        &admin,
        json!({"username": "laozhou", "role": "agent", "password": "typed-by-the-admin"}),
    )
    .await;
    assert_eq!(added.one_time_password, None, "not said back");
    assert_eq!(
        added.person.display_name, "laozhou",
        "the username stands in"
    );
    let zhou = server.login_with("laozhou", "typed-by-the-admin").await;
    expect_error(
        zhou.get("/api/tasks").send().await.unwrap(),
        StatusCode::FORBIDDEN,
        "password_change_required",
    )
    .await;
}

#[tokio::test]
async fn bad_new_accounts_are_refused_naming_the_field_and_nothing_is_written() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let before = people(&admin).await.len();
    let added_before = server.audit_rows("user.add");
    let cases = [
        (json!({"username": "", "role": "field"}), "username"),
        (
            json!({"username": "two words", "role": "field"}),
            "username",
        ),
        (
            json!({"username": "ok", "role": "field", "display_name": "名".repeat(65)}),
            "display_name",
        ),
        (
            json!({"username": "ok", "role": "field", "agent_no": "1".repeat(17)}),
            "agent_no",
        ),
        (
            json!({"username": "ok", "role": "field", "password": "short"}),
            "password",
        ),
    ];
    for (body, field) in cases {
        let res = admin.post("/api/people").json(&body).send().await.unwrap();
        expect_bad_request(res, field).await;
    }
    let res = admin
        .post("/api/people")
        .json(&json!({"username": "ok", "role": "boss"}))
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::BAD_REQUEST, "bad_request").await;
    let res = admin
        .post("/api/people")
        .json(&json!({"username": "Field", "role": "field"}))
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::CONFLICT, "username_taken").await;
    assert_eq!(people(&admin).await.len(), before);
    assert_eq!(server.audit_rows("user.add"), added_before);
}

#[tokio::test]
async fn an_admin_changes_role_display_name_and_agent_number() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let agent = server.agent().await;
    let path = format!("/api/people/{}", agent.user.id);
    let res = admin
        .patch(&path)
        .json(&json!({"role": "supervisor", "display_name": " 王主管 ", "agent_no": "S009"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let changed: Person = res.json().await.unwrap();
    assert_eq!(
        (
            changed.role,
            changed.display_name.as_str(),
            changed.agent_no.as_str()
        ),
        (huifang_domain::Role::Supervisor, "王主管", "S009")
    );
    // The session in hand carries the new role at once.
    let me: User = agent.get_ok("/api/me").await;
    assert_eq!(me.role, huifang_domain::Role::Supervisor);
    assert_eq!(agent.get_status("/api/visits").await, StatusCode::OK);

    for (body, field) in [
        (json!({"display_name": "  "}), "display_name"),
        (json!({"agent_no": "1".repeat(17)}), "agent_no"),
    ] {
        expect_bad_request(admin.patch(&path).json(&body).send().await.unwrap(), field).await;
    }
    for missing in [
        format!("/api/people/{}", Uuid::nil()),
        "/api/people/x".into(),
    ] {
        let res = admin
            .patch(&missing)
            .json(&json!({"role": "field"}))
            .send()
            .await
            .unwrap();
        expect_error(res, StatusCode::NOT_FOUND, "not_found").await;
    }
    assert_eq!(server.audit_rows("user.update"), 1);
}

#[tokio::test]
async fn a_reset_ends_the_persons_sessions_and_asks_for_a_new_password() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let field = server.field().await;
    let res = admin
        .post(&format!("/api/people/{}/reset-password", field.user.id))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let reset: PersonWithPassword = res.json().await.unwrap();
    assert!(reset.person.must_change_password);
    let otp = reset.one_time_password.expect("a one-time password");

    expect_error(
        field.get("/api/tasks").send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    expect_error(
        server.try_login("field", DEMO_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let again = server.login_with("field", &otp).await;
    expect_error(
        again.get("/api/tasks").send().await.unwrap(),
        StatusCode::FORBIDDEN,
        "password_change_required",
    )
    .await;

    let weak = admin
        .post(&format!("/api/people/{}/reset-password", field.user.id))
        .json(&json!({"password": "field"}))
        .send()
        .await
        .unwrap();
    expect_bad_request(weak, "password").await;
    assert_eq!(server.audit_rows("user.password_reset"), 1);
}

#[tokio::test]
async fn a_disabled_persons_token_and_login_are_refused_at_once_and_nothing_pushed_is_lost() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let field = server.field().await;
    let customer = field.a_customer().await;
    let device = new_id();
    let first = field
        .push(device, &[field.visit(1, customer)])
        .await
        .unwrap();
    assert_eq!(first.acked_seq, 1);

    let res = post_empty(&admin, &format!("/api/people/{}/disable", field.user.id)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let disabled: Person = res.json().await.unwrap();
    assert!(disabled.disabled_at.is_some());

    let second = field.visit(2, customer);
    let (status, body) = field
        .push(device, std::slice::from_ref(&second))
        .await
        .unwrap_err();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], json!("account_disabled"));
    for path in ["/api/me", "/api/tasks", "/api/sync/pull"] {
        let res = field.get(path).send().await.unwrap();
        expect_error(res, StatusCode::UNAUTHORIZED, "account_disabled").await;
    }
    expect_error(
        server.try_login("field", DEMO_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "account_disabled",
    )
    .await;
    // A wrong password says nothing about the account.
    expect_error(
        server.try_login("field", "not-the-password").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_eq!(
        server.pushed_visits().await,
        1,
        "the acknowledged visit stays"
    );
    let assignable: Vec<User> = admin.get_ok("/api/users").await;
    assert!(assignable.iter().all(|u| u.id != field.user.id));
    assert!(people(&admin).await.iter().any(|p| p.id == field.user.id));

    // Enabled again: the old session does not come back; a new login uploads the queue.
    let res = post_empty(&admin, &format!("/api/people/{}/enable", field.user.id)).await;
    assert_eq!(res.status(), StatusCode::OK);
    expect_error(
        field.get("/api/tasks").send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let back = server.field().await;
    let answer = back.push(device, &[second]).await.unwrap();
    assert_eq!((answer.acked_seq, answer.rejected.len()), (2, 0));
    assert_eq!(server.pushed_visits().await, 2);
    assert_eq!(server.audit_rows("user.disable"), 1);
    assert_eq!(server.audit_rows("user.enable"), 1);
}

#[tokio::test]
async fn the_centre_always_keeps_an_enabled_admin() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let me = admin.user.id;
    let demote = json!({"role": "supervisor"});
    let res = admin
        .patch(&format!("/api/people/{me}"))
        .json(&demote)
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::CONFLICT, "last_admin").await;
    let res = post_empty(&admin, &format!("/api/people/{me}/disable")).await;
    expect_error(res, StatusCode::CONFLICT, "last_admin").await;

    let second = add(
        &admin,
        json!({"username": "admin2", "role": "admin", "password": "admin2-first-pass"}),
    )
    .await
    .person;
    // A disabled admin does not count.
    let res = post_empty(&admin, &format!("/api/people/{}/disable", second.id)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = admin
        .patch(&format!("/api/people/{me}"))
        .json(&demote)
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::CONFLICT, "last_admin").await;
    let res = post_empty(&admin, &format!("/api/people/{}/enable", second.id)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = admin
        .patch(&format!("/api/people/{me}"))
        .json(&demote)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    expect_error(
        admin.get("/api/people").send().await.unwrap(),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let admin2 = server.login_with("admin2", "admin2-first-pass").await;
    let res = change_password(&admin2, "admin2-first-pass", "admin2-own-pass").await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = post_empty(&admin2, &format!("/api/people/{}/disable", second.id)).await;
    expect_error(res, StatusCode::CONFLICT, "last_admin").await;
}

#[tokio::test]
async fn changing_ones_own_password_keeps_this_session_and_ends_the_others() {
    let server = TestServer::in_process();
    let here = server.supervisor().await;
    let elsewhere = server.supervisor().await;
    let res = change_password(&here, DEMO_PASSWORD, "supervisor-own-2026").await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(here.get_status("/api/me").await, StatusCode::OK);
    expect_error(
        elsewhere.get("/api/me").send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    server.login_with("supervisor", "supervisor-own-2026").await;
    let res = here
        .post("/api/me/password")
        .json(&json!({"current": "supervisor-own-2026"}))
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::BAD_REQUEST, "bad_request").await;
    assert_eq!(server.audit_rows("user.password_change"), 1);
}

/// An audit row of an account: action, before, after, who.
type AuditRow = (String, Option<String>, Option<String>, Option<String>);

#[tokio::test]
async fn the_audit_trail_never_holds_a_password_or_its_hash() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let added = add(&admin, json!({"username": "xiaoma", "role": "field"})).await;
    let otp = added.one_time_password.unwrap();
    let id = added.person.id;
    let res = admin
        .post(&format!("/api/people/{id}/reset-password"))
        .json(&json!({"password": "typed-reset-pass"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let ma = server.login_with("xiaoma", "typed-reset-pass").await;
    let res = change_password(&ma, "typed-reset-pass", "xiaoma-own-pass").await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    let rows: Vec<AuditRow> = {
        let db = server.db();
        let mut stmt = db
            .prepare(
                "SELECT action, before, after, user_id FROM audit_log
                 WHERE entity = 'user' AND entity_id = ?1 ORDER BY id",
            )
            .unwrap();
        stmt.query_map([id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    let actions: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        actions,
        ["user.add", "user.password_reset", "user.password_change"]
    );
    let admin_id = admin.user.id.to_string();
    let by: Vec<Option<&str>> = rows.iter().map(|r| r.3.as_deref()).collect();
    assert_eq!(
        by,
        [
            Some(admin_id.as_str()),
            Some(admin_id.as_str()),
            Some(id.to_string().as_str())
        ]
    );
    for (action, before, after, _) in &rows {
        for text in [before, after].into_iter().flatten() {
            for secret in [
                otp.as_str(),
                "typed-reset-pass",
                "xiaoma-own-pass",
                "argon2",
            ] {
                assert!(!text.contains(secret), "{action}: {text}");
            }
        }
    }
}
