//! The audit trail as admins read it: newest first by cursor, filtered, admins only.

use huifang_domain::audit::{AuditEntry, AuditList, AuditVerification};
use huifang_tests::{
    DEMO_VISITS, Session, TestServer, expect_bad_request, expect_error, huifang_bin, intake,
};
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

#[tokio::test]
async fn several_actions_at_once_serve_the_quick_filters() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let customer = server.a_customer().await;
    let res = field
        .post(&format!("/api/customers/{customer}/reveal"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    field.push_fresh(&[field.visit(1, customer)]).await;
    let admin = server.admin().await;

    let both = walk(&admin, "action=contact.reveal,visit.record", 2).await;
    let reveals: Vec<_> = both
        .iter()
        .filter(|e| e.action == "contact.reveal")
        .collect();
    assert_eq!(reveals.len(), 1);
    assert_eq!(reveals[0].user_id, Some(field.user.id));
    assert_eq!(reveals[0].entity_id, customer.to_string());
    assert_eq!(
        both.len() as u64,
        DEMO_VISITS + 2,
        "the reveal, the demo's visits and the pushed one"
    );
    assert!(both.iter().map(|e| e.id).is_sorted_by(|a, b| a > b));
    let by_field = walk(
        &admin,
        &format!("action=contact.reveal,export&user={}", field.user.id),
        5,
    )
    .await;
    assert_eq!(by_field.len(), 1);

    for query in [
        "action=",
        "action=contact.reveal,,export",
        "action=a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u",
    ] {
        let res = admin
            .get(&format!("/api/audit?{query}"))
            .send()
            .await
            .unwrap();
        expect_bad_request(res, "action").await;
    }
}

#[tokio::test]
async fn only_admins_verify_the_chain_and_an_edit_in_sqlite_is_named() {
    let server = TestServer::in_process();
    for who in ["field", "agent", "supervisor"] {
        let session = server.login(who).await;
        let res = session.get("/api/audit/verify").send().await.unwrap();
        expect_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let admin = server.admin().await;
    let intact: AuditVerification = admin.get_ok("/api/audit/verify").await;
    let all: AuditList = admin.get_ok("/api/audit?limit=1").await;
    assert!(intact.intact && intact.first_broken.is_none(), "{intact:?}");
    assert_eq!(intact.checked, all.total.count);
    assert_eq!(intact.broken, 0);
    let head = intact.head.clone().expect("the demo is audited");
    assert_eq!(head.len(), 64);

    let edited = all.entries[0].id / 2;
    server
        .db()
        .execute(
            "UPDATE audit_log SET entity_id = 'someone else' WHERE id = ?1",
            [edited as i64],
        )
        .unwrap();
    let broken: AuditVerification = admin.get_ok("/api/audit/verify").await;
    assert!(!broken.intact);
    assert_eq!(broken.broken, 1);
    let first = broken.first_broken.expect("a broken link");
    assert_eq!(first.id, edited);
    assert_eq!(first.previous_id, Some(edited - 1));
    assert_ne!(first.stored.as_deref(), Some(first.expected.as_str()));
    assert_eq!(broken.head, Some(head), "the rows after it still link");
}

/// `huifang audit verify --db FILE`: what it printed and whether it succeeded.
fn verify_cli(db: &std::path::Path) -> (bool, String) {
    let out = std::process::Command::new(huifang_bin())
        .args(["audit", "verify", "--db"])
        .arg(db)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run huifang audit verify");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[tokio::test]
async fn huifang_audit_verify_exits_non_zero_naming_an_edited_or_deleted_row() {
    let server = TestServer::in_process();
    let (ok, text) = verify_cli(&server.db);
    assert!(ok, "{text}");
    assert!(text.contains("intact"), "{text}");

    let db = server.db();
    db.execute(
        "UPDATE audit_log SET after = '{\"contact\":\"13812345678\"}' WHERE id = 5",
        [],
    )
    .unwrap();
    let (ok, text) = verify_cli(&server.db);
    assert!(!ok, "{text}");
    assert!(text.contains("BROKEN at row 5 "), "{text}");
    assert!(text.contains("1 of "), "one row does not link: {text}");

    db.execute("DELETE FROM audit_log WHERE id = 5", [])
        .unwrap();
    let (ok, text) = verify_cli(&server.db);
    assert!(!ok, "{text}");
    assert!(
        text.contains("BROKEN at row 6 (rows 5..=5 are missing before it)"),
        "{text}"
    );

    let (ok, text) = verify_cli(&server.db.with_file_name("missing.db"));
    assert!(!ok && text.contains("no database at"), "{text}");
}
