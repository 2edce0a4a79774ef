//! 反馈分类统计表, its suggested actions and drill-down, and the risk warnings' spikes
//! (docs/api.md "Statistics and risk warnings").

use std::collections::BTreeMap;

use huifang_domain::risk::{RiskWarnings, SpikeReason};
use huifang_domain::stats::{ActionState, FeedbackStats, SuggestedAction};
use huifang_domain::ticket::TicketList;
use huifang_tests::{Session, TestServer, expect_bad_request, expect_error, intake};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The demo's clock starts on Monday 2026-11-23 (Beijing): this month is November.
const NOVEMBER: &str = "period=month&date=2026-11-23";

fn counts(s: &FeedbackStats) -> BTreeMap<String, u64> {
    s.rows
        .iter()
        .map(|r| (r.sub_problem.clone(), r.count))
        .collect()
}

async fn stats(who: &Session, query: &str) -> FeedbackStats {
    who.get_ok(&format!("/api/stats/feedback?{query}")).await
}

/// Reports of `sub_problem` on a past local day, as the rollup would hold them.
fn reports_on(server: &TestServer, sub_problem: &str, day: &str, reports: u32) {
    server
        .db()
        .execute(
            "INSERT INTO report_days (sub_problem, day, reports) VALUES (?1, ?2, ?3)
             ON CONFLICT (sub_problem, day) DO UPDATE SET reports = reports + ?3",
            rusqlite::params![sub_problem, day, reports],
        )
        .unwrap();
}

#[tokio::test]
async fn the_table_counts_the_reports_of_the_period_against_the_period_before() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    let before = counts(&stats(&supervisor, NOVEMBER).await);
    let agent = server.agent().await;
    let pushed = [("service", "attitude", 3), ("product", "design", 2)];
    for (nature, sub, n) in pushed {
        for _ in 0..n {
            let mut data = intake(None, "hotline", nature, sub);
            data["description"] = json!("态度很差,请打13812345678找我");
            agent.create_ticket(data).await;
        }
    }
    reports_on(&server, "attitude", "2026-10-05", 4);
    reports_on(&server, "design", "2026-10-31", 1);

    let s = stats(&supervisor, NOVEMBER).await;
    assert_eq!(s.period.key(), "2026-11");
    assert_eq!(s.previous.key(), "2026-10");
    let now = counts(&s);
    let base = |sub: &str| before.get(sub).copied().unwrap_or(0);
    assert_eq!(now["attitude"], base("attitude") + 3);
    assert_eq!(now["design"], base("design") + 2);
    assert_eq!(s.total, before.values().sum::<u64>() + 5);
    assert_eq!(s.previous_total, 5);
    let row = |sub: &str| s.rows.iter().find(|r| r.sub_problem == sub).unwrap();
    let attitude = row("attitude");
    assert_eq!(
        (attitude.nature.as_str(), attitude.previous_count),
        ("service", 4)
    );
    assert!((attitude.share - attitude.count as f64 * 100.0 / s.total as f64).abs() < 1e-9);
    assert!((attitude.previous_share - 80.0).abs() < 1e-9);
    assert!((row("design").previous_share - 20.0).abs() < 1e-9);
    assert_eq!(attitude.department.as_deref(), Some("operations"));
    assert_eq!(
        attitude.quote.as_deref(),
        Some("态度很差,请打138****5678找我"),
        "the latest ticket's own words, the phone masked"
    );
    let sorted: Vec<u64> = s.rows.iter().map(|r| r.count).collect();
    assert!(sorted.windows(2).all(|w| w[0] >= w[1]), "{sorted:?}");

    let october = stats(&supervisor, "period=month&date=2026-10-01").await;
    assert_eq!(
        counts(&october),
        BTreeMap::from([("attitude".into(), 4), ("design".into(), 1)])
    );
    assert_eq!(october.rows[0].quote, None, "no ticket in October");
    let week = stats(&supervisor, "period=custom&from=2026-10-01&to=2026-10-31").await;
    assert_eq!(week.total, 5);
}

#[tokio::test]
async fn only_supervisors_and_admins_read_the_statistics_and_a_bad_period_is_refused() {
    let server = TestServer::in_process();
    for who in [server.field().await, server.agent().await] {
        for path in ["/api/stats/feedback", "/api/risks"] {
            assert_eq!(who.get_status(path).await, StatusCode::FORBIDDEN, "{path}");
        }
        let res = who
            .put("/api/stats/actions")
            .json(&action_body("attitude", "script", "x", "open", 0))
            .send()
            .await
            .unwrap();
        expect_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let admin = server.admin().await;
    assert_eq!(
        admin.get_status("/api/stats/feedback").await,
        StatusCode::OK
    );
    assert_eq!(admin.get_status("/api/risks").await, StatusCode::OK);
    for (query, field) in [
        ("period=fortnight", "period"),
        ("period=week&date=2026-13-01", "date"),
        ("period=custom&from=2026-11-10&to=2026-11-01", "to"),
        ("period=custom&from=2025-01-01&to=2026-11-01", "to"),
        ("period=custom&to=2026-11-01", "from"),
    ] {
        let res = admin
            .get(&format!("/api/stats/feedback?{query}"))
            .send()
            .await
            .unwrap();
        expect_bad_request(res, field).await;
    }
}

fn action_body(sub: &str, kind: &str, text: &str, state: &str, version: u64) -> Value {
    json!({"period": "month", "date": "2026-11-01", "sub_problem": sub, "kind": kind,
           "text": text, "state": state, "version": version})
}

async fn put_action(who: &Session, body: &Value) -> reqwest::Response {
    who.put("/api/stats/actions")
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn suggested_actions_are_versioned_audited_and_carried_while_open() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    reports_on(&server, "attitude", "2026-11-02", 2);
    reports_on(&server, "attitude", "2026-12-02", 1);
    reports_on(&server, "attitude", "2027-01-02", 1);

    let res = put_action(
        &supervisor,
        &action_body("attitude", "script", " 统一致歉话术 ", "open", 0),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let saved: SuggestedAction = res.json().await.unwrap();
    assert_eq!(
        (saved.text.as_str(), saved.since.as_str(), saved.version),
        ("统一致歉话术", "2026-11", 1)
    );
    assert_eq!(server.audit_rows("stats_action_saved"), 1);

    let stale = put_action(
        &supervisor,
        &action_body("attitude", "process", "改流程", "open", 0),
    )
    .await;
    let error = expect_error(stale, StatusCode::CONFLICT, "conflict").await;
    assert!(
        error.error.message.contains("version 0"),
        "{}",
        error.error.message
    );

    let row_action = |s: &FeedbackStats| {
        s.rows
            .iter()
            .find(|r| r.sub_problem == "attitude")
            .and_then(|r| r.action.clone())
    };
    let november = stats(&supervisor, "period=month&date=2026-11-15").await;
    assert_eq!(row_action(&november), Some(saved.clone()));
    let december = stats(&supervisor, "period=month&date=2026-12-15").await;
    let carried = row_action(&december).expect("an open action is carried");
    assert_eq!(
        (carried.since.as_str(), carried.version, carried.state),
        ("2026-11", 0, ActionState::Open)
    );

    let mut done = action_body("attitude", "script", "统一致歉话术", "done", 0);
    done["date"] = json!("2026-12-01");
    let res = put_action(&supervisor, &done).await;
    let closed: SuggestedAction = res.json().await.unwrap();
    assert_eq!(
        (closed.since.as_str(), closed.version),
        ("2026-11", 1),
        "keeps where it began"
    );
    let january = stats(&supervisor, "period=month&date=2027-01-15").await;
    assert_eq!(row_action(&january), None, "a done action is not carried");
    assert_eq!(server.audit_rows("stats_action_saved"), 2);
}

#[tokio::test]
async fn a_bad_action_is_refused_naming_the_field() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    let long = "长".repeat(501);
    for (body, field) in [
        (action_body("attitude", "poster", "x", "open", 0), "kind"),
        (action_body("attitude", "script", "  ", "open", 0), "text"),
        (action_body("attitude", "script", &long, "open", 0), "text"),
        (action_body("attitude", "script", "x", "maybe", 0), "state"),
        (
            action_body("weather", "script", "x", "open", 0),
            "sub_problem",
        ),
        (
            json!({"period": "year", "date": "2026-02-30", "sub_problem": "attitude",
                "kind": "script", "text": "x", "state": "open", "version": 0}),
            "date",
        ),
    ] {
        expect_bad_request(put_action(&supervisor, &body).await, field).await;
    }
    assert_eq!(server.audit_rows("stats_action_saved"), 0);
}

#[tokio::test]
async fn a_count_drills_down_to_exactly_its_tickets() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    let agent = server.agent().await;
    let before = supervisor
        .tickets(&format!("sub_problem=shirking&{NOVEMBER}"))
        .await;
    let mut made = Vec::new();
    for _ in 0..3 {
        made.push(
            agent
                .create_ticket(intake(None, "hotline", "service", "shirking"))
                .await,
        );
    }
    agent
        .create_ticket(intake(None, "hotline", "service", "attitude"))
        .await;
    let list: TicketList = supervisor
        .tickets(&format!("sub_problem=shirking&{NOVEMBER}&limit=100"))
        .await;
    let ids: Vec<_> = list.tickets.iter().map(|t| t.ticket.id).collect();
    assert_eq!(ids.len(), before.tickets.len() + 3);
    assert!(made.iter().all(|id| ids.contains(id)));
    assert!(
        list.tickets
            .iter()
            .all(|t| t.ticket.intake.sub_problem == "shirking")
    );
    let october = supervisor
        .tickets("sub_problem=shirking&period=month&date=2026-10-01")
        .await;
    assert!(october.tickets.is_empty());
    let res = supervisor
        .get("/api/tickets?sub_problem=weather")
        .send()
        .await
        .unwrap();
    expect_bad_request(res, "sub_problem").await;
    let res = supervisor
        .get("/api/tickets?period=month&date=nope")
        .send()
        .await
        .unwrap();
    expect_bad_request(res, "date").await;
}

#[tokio::test]
async fn a_burst_of_reports_raises_a_spike() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    let quiet: RiskWarnings = supervisor.get_ok("/api/risks").await;
    assert!(quiet.spikes.iter().all(|s| s.sub_problem != "design"));
    assert_eq!(quiet.csat_drop, None);
    let agent = server.agent().await;
    for _ in 0..5 {
        agent
            .create_ticket(intake(None, "app", "product", "design"))
            .await;
    }
    // 4 a week before the window: 3 in the last 7 days would not double it, 8 would.
    for day in ["2026-10-27", "2026-11-03", "2026-11-10", "2026-11-16"] {
        reports_on(&server, "function", day, 4);
    }
    reports_on(&server, "function", "2026-11-20", 3);
    reports_on(&server, "damaged_packaging", "2026-11-12", 4);
    reports_on(&server, "damaged_packaging", "2026-11-22", 2);

    let risks: RiskWarnings = supervisor.get_ok("/api/risks").await;
    let spike = |sub: &str| risks.spikes.iter().find(|s| s.sub_problem == sub);
    let design = spike("design").expect("5 in 7 days reaches the repeat rule");
    assert_eq!((design.nature.as_str(), design.threshold), ("product", 5));
    assert!(design.reports >= 5);
    assert!(design.reasons.contains(&SpikeReason::Threshold));
    assert_eq!(design.window.first.to_string(), "2026-11-17");
    assert_eq!(design.window.last.to_string(), "2026-11-23");
    assert!(spike("function").is_none(), "3 against 4 a week");
    let packaging = spike("damaged_packaging").expect("2 against 1 a week doubles it");
    assert_eq!(packaging.reasons, [SpikeReason::Doubled]);
    assert!((packaging.weekly_average - 1.0).abs() < 1e-9);
}
