//! `huifang seed`: a generated centre, small, has what was asked for in a realistic mix, made
//! through the use cases (nothing refused), and the real server serves it.

use huifang_server::seed::{SEED_PASSWORD, SeedOptions};
use huifang_tests::{TestServer, clock_start};
use reqwest::StatusCode;
use serde_json::Value;

fn count(db: &rusqlite::Connection, sql: &str) -> u64 {
    db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as u64
}

#[tokio::test(flavor = "multi_thread")]
async fn a_generated_centre_has_the_volume_and_mix_asked_for_and_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let opts = SeedOptions {
        visits: 800,
        tickets: 150,
        agents: 10,
        months: 2,
        customers: 300,
        seed: 7,
        until: clock_start(),
    };
    let mut days = 0;
    let summary = huifang_server::seed::seed(&path, opts.clone(), move |p| {
        assert_eq!(p.day, days + 1, "one report per simulated day, in order");
        days = p.day;
    })
    .await
    .unwrap();
    assert_eq!(
        summary.rejected, 0,
        "every generated mutation is one the rules accept"
    );
    assert_eq!(summary.logins.len(), 10 + 8 + 2);

    let db = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM visits"), 800);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM tickets"), 150);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM customers"), 300);
    let state = |s: &str| {
        count(
            &db,
            &format!("SELECT COUNT(*) FROM tickets WHERE state = '{s}'"),
        )
    };
    let closed = state("closed");
    assert!(closed > 75, "most tickets are closed: {closed}");
    assert!(closed < 150, "some tickets are still open");
    let done = count(&db, "SELECT COUNT(*) FROM tasks WHERE status = 'done'");
    let open = count(&db, "SELECT COUNT(*) FROM tasks WHERE status = 'open'");
    assert!(done > open && open > 0, "tasks: {done} done, {open} open");
    assert!(
        count(&db, "SELECT COUNT(*) FROM visits WHERE task_id IS NOT NULL") > 0,
        "some visits carry out tasks"
    );
    let angry = "SELECT COUNT(*) FROM tickets WHERE intake ->> '$.emotion' = 'angry'";
    assert!(count(&db, angry) > 0);
    assert!(
        count(
            &db,
            "SELECT COUNT(*) FROM ticket_clocks WHERE breached_at IS NOT NULL"
        ) > 0,
        "some clocks ran out"
    );
    let logistics = count(
        &db,
        "SELECT COUNT(*) FROM tickets WHERE sub_problem = 'logistics_delay'",
    );
    let design = count(
        &db,
        "SELECT COUNT(*) FROM tickets WHERE sub_problem = 'design'",
    );
    assert!(
        logistics > 3 * design,
        "a few sub-problems carry most reports"
    );
    assert!(count(&db, "SELECT COUNT(*) FROM audit_log") > 800 + 150);
    drop(db);

    let again = huifang_server::seed::seed(&path, opts, |_| {}).await;
    assert!(again.is_err(), "a database is seeded once");

    let server = TestServer::start_in(dir.path());
    let res = server.try_login("super01", SEED_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    let token = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    for (path, list) in [("/api/visits", "visits"), ("/api/tickets", "tickets")] {
        let res = server
            .client
            .get(server.url(path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let body: Value = res.json().await.unwrap();
        assert!(
            body[list].as_array().is_some_and(|l| !l.is_empty()),
            "{path}: {body}"
        );
    }
}
