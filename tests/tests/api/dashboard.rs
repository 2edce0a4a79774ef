//! `/api/dashboard/*`: known pushed visits and tickets give exact figures; the roles and bad
//! parameters are refused; on a generated centre the rollups equal a direct count of the rows
//! (and the migration's backfill gives the same rollups as the triggers).

use chrono::TimeDelta;
use huifang_domain::dashboard::{
    AgentsDashboard, BacklogDashboard, RevisitsDashboard, SatisfactionDashboard, VisitsDashboard,
};
use huifang_domain::ticket::Impact;
use huifang_server::seed::SeedOptions;
use huifang_tests::{Session, TestServer, clock_start, expect_bad_request, expect_error};
use reqwest::StatusCode;
use serde_json::{Value, json};

const ENDPOINTS: [&str; 5] = [
    "/api/dashboard/satisfaction",
    "/api/dashboard/visits",
    "/api/dashboard/revisits",
    "/api/dashboard/backlog",
    "/api/dashboard/agents",
];

#[tokio::test]
async fn field_staff_and_agents_may_not_read_the_dashboards() {
    let server = TestServer::in_process();
    for who in [server.field().await, server.agent().await] {
        for path in ENDPOINTS {
            let res = who.get(path).send().await.unwrap();
            expect_error(res, StatusCode::FORBIDDEN, "forbidden").await;
        }
    }
    let admin = server.admin().await;
    for path in ENDPOINTS {
        assert_eq!(admin.get_status(path).await, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn bad_parameters_are_refused_naming_the_field() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    for path in ENDPOINTS {
        let res = supervisor
            .get(&format!("{path}?period=fortnight"))
            .send()
            .await
            .unwrap();
        expect_bad_request(res, "period").await;
    }
    let unknown = huifang_tests::new_id();
    for path in ["/api/dashboard/satisfaction", "/api/dashboard/visits"] {
        for (query, field) in [
            ("visit_type=birthday", "visit_type"),
            ("channel=fax", "channel"),
            ("agent=li-ming", "agent"),
            (&format!("agent={unknown}") as &str, "agent"),
            ("department=售后部", "department"),
        ] {
            let res = supervisor
                .get(&format!("{path}?period=month&{query}"))
                .send()
                .await
                .unwrap();
            expect_bad_request(res, field).await;
        }
    }
}

/// A reached visit today with `score`, answering the demo survey's NPS question with `nps`.
fn scored_visit(s: &Session, customer: uuid::Uuid, survey: &Value, score: u8, nps: u8) -> Value {
    let mut data = s.visit_data(customer);
    data["satisfaction"] = json!(score);
    data["emotion"] = json!(if score >= 4 {
        "satisfied"
    } else {
        "unsatisfied"
    });
    data["survey"] = json!({"survey_id": survey["id"], "version": survey["version"],
        "answers": {"overall": 4, "resolved": true, "nps": nps, "contact_by": ["电话"]}});
    data
}

#[tokio::test]
async fn satisfaction_and_visit_figures_of_pushed_visits_are_exact() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    // The `agent` user has no visits of the demo's: its figures are the pushed ones alone.
    let agent = server.agent().await;
    let pulled = agent.pull(0).await;
    let survey =
        serde_json::to_value(huifang_tests::survey_titled(&pulled.surveys, "满意度调查")).unwrap();
    let customer = pulled.customers[0].id;
    let query = format!("period=day&agent={}", agent.user.id);
    let before: SatisfactionDashboard = supervisor
        .get_ok(&format!("/api/dashboard/satisfaction?{query}"))
        .await;
    assert_eq!(before.current.sample, 0);
    assert_eq!(before.current.csat, None, "no scores: no rate, not 0 %");
    let visits_before: VisitsDashboard = supervisor
        .get_ok(&format!("/api/dashboard/visits?{query}&channel=phone"))
        .await;
    let b = &visits_before.current;

    let mut mutations = Vec::new();
    for (i, (score, nps)) in [(5, 10), (4, 9), (2, 3), (5, 7)].into_iter().enumerate() {
        let data = scored_visit(&agent, customer, &survey, score, nps);
        mutations.push(agent.mutation(i as u64 + 1, "visit.record", data));
    }
    // Not reached, third attempt, recorded 40 minutes after the call (the rule is 10).
    let mut missed = agent.visit_data(customer);
    for key in ["satisfaction", "emotion", "demand"] {
        missed.as_object_mut().unwrap().remove(key);
    }
    missed["outcome"] = json!("no_answer");
    missed["attempt"] = json!(3);
    missed["contacted_at"] = json!(agent.now() - TimeDelta::minutes(40));
    mutations.push(agent.mutation(5, "visit.record", missed));
    let answer = agent.push_fresh(&mutations).await;
    assert!(answer.rejected.is_empty(), "{:?}", answer.rejected);

    let sat: SatisfactionDashboard = supervisor
        .get_ok(&format!("/api/dashboard/satisfaction?{query}"))
        .await;
    let c = &sat.current;
    assert_eq!((c.sample, c.distribution), (4, [0, 1, 0, 1, 2]));
    assert_eq!(c.average, Some(4.0));
    assert_eq!(c.csat, Some(75.0));
    // Promoters 10 and 9, detractor 3, passive 7: (2 − 1) of 4.
    assert_eq!((c.nps_sample, c.promoters, c.detractors), (4, 2, 1));
    assert_eq!(c.nps, Some(25.0));
    let week = sat.weeks.iter().find(|w| w.week.contains(sat.period.first));
    assert_eq!(week.map(|w| w.figures.sample), Some(4));
    assert_eq!(sat.previous.sample, 0);

    let by_type: SatisfactionDashboard = supervisor
        .get_ok(&format!(
            "/api/dashboard/satisfaction?{query}&visit_type=complaint"
        ))
        .await;
    assert_eq!(by_type.current.sample, 0, "the visits were repair visits");

    let visits: VisitsDashboard = supervisor
        .get_ok(&format!("/api/dashboard/visits?{query}&channel=phone"))
        .await;
    let v = &visits.current;
    assert_eq!((v.visits, v.reached), (b.visits + 5, b.reached + 4));
    assert_eq!(
        v.recorded_in_time,
        b.recorded_in_time + 4,
        "the missed call was recorded late"
    );
    assert_eq!(
        v.reached_attempts,
        b.reached_attempts + 4,
        "each reached at once"
    );
    assert_eq!(visits.record_within_minutes, 10);
}

#[tokio::test]
async fn a_revisit_that_closes_counts_in_coverage_and_first_revisit_closes() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    let field = server.field().await;
    let before: RevisitsDashboard = supervisor
        .get_ok("/api/dashboard/revisits?period=month")
        .await;
    let agents_before: AgentsDashboard = supervisor
        .get_ok("/api/dashboard/agents?period=month")
        .await;
    let ticket = server
        .hotline_ticket(&supervisor, "service", "attitude")
        .await;
    server.assign_and_start(ticket, &field).await;
    field.apply(&field.resolve(ticket)).await;
    let tasks = field.revisit_tasks(ticket).await;
    assert!(
        !tasks.is_empty(),
        "a demo customer's complaint is revisited by its resolver"
    );
    field.answer_revisit(&tasks[0], 5).await;
    let after: RevisitsDashboard = supervisor
        .get_ok("/api/dashboard/revisits?period=month")
        .await;
    let complaint = |d: &RevisitsDashboard| {
        d.coverage
            .iter()
            .find(|r| r.visit_type == huifang_domain::VisitType::Complaint)
            .map(|r| (r.resolved, r.revisited))
            .unwrap()
    };
    let (resolved, revisited) = complaint(&before);
    assert_eq!(complaint(&after), (resolved + 1, revisited + 1));
    let n = 1;
    assert_eq!(after.revisits, before.revisits + n);
    assert_eq!(after.first_revisits, before.first_revisits + n);
    assert_eq!(
        after.closed_on_first_revisit,
        before.closed_on_first_revisit + n
    );
    assert_eq!(after.reopened, before.reopened);

    let agents: AgentsDashboard = supervisor
        .get_ok("/api/dashboard/agents?period=month")
        .await;
    let line = |d: &AgentsDashboard| {
        d.agents
            .iter()
            .find(|a| a.user_id == field.user.id)
            .map(|a| (a.tickets_resolved, a.revisited, a.visits))
            .unwrap_or_default()
    };
    let (resolved_by, revisited_of, visits) = line(&agents_before);
    assert_eq!(
        line(&agents),
        (resolved_by + 1, revisited_of + n, visits + n)
    );
    let visits: Vec<u64> = agents.agents.iter().map(|a| a.visits).collect();
    assert!(visits.windows(2).all(|w| w[0] >= w[1]), "most visits first");
}

#[tokio::test]
async fn the_backlog_counts_a_new_ticket_as_open_and_young() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    let before: BacklogDashboard = supervisor.get_ok("/api/dashboard/backlog").await;
    let ticket = server
        .hotline_ticket(&supervisor, "service", "attitude")
        .await;
    let after: BacklogDashboard = supervisor.get_ok("/api/dashboard/backlog").await;
    let impact = supervisor.ticket(ticket).await.ticket.grade.impact;
    let open =
        |d: &BacklogDashboard, i: Impact| d.by_grade.iter().find(|g| g.impact == i).unwrap().open;
    assert_eq!(after.open, before.open + 1);
    assert_eq!(open(&after, impact), open(&before, impact) + 1);
    assert_eq!(after.age.under_1d, before.age.under_1d + 1);
    assert_eq!(
        after.by_grade.len(),
        Impact::ALL.len(),
        "every grade, zero included"
    );
    let departments: u64 = after.by_department.iter().map(|d| d.count).sum();
    assert_eq!(departments, after.open);
    let ages = after.age;
    assert_eq!(
        ages.under_1d + ages.d1_to_3 + ages.d3_to_7 + ages.over_7d,
        after.open
    );
    assert!(after.due_next_24h + after.overdue_now <= after.open);
}

/// Every row of `sql`, its columns joined as text.
fn rows(db: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut stmt = db.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        Ok((0..n)
            .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
            .collect::<Vec<_>>()
            .join("|"))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

fn one(db: &rusqlite::Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

const LOCAL: &str = "'+480 minutes'";

#[tokio::test(flavor = "multi_thread")]
async fn on_a_generated_centre_the_rollups_equal_a_direct_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let opts = SeedOptions {
        visits: 600,
        tickets: 120,
        agents: 8,
        months: 2,
        customers: 200,
        seed: 11,
        until: clock_start(),
    };
    huifang_server::seed::seed(&path, opts, |_| {})
        .await
        .unwrap();
    let db = rusqlite::Connection::open(&path).unwrap();
    let day = |col: &str| format!("date(substr({col}, 1, 19), {LOCAL})");

    let direct = rows(
        &db,
        &format!(
            "SELECT {d}, count(*), sum(outcome = 'reached'), sum(satisfaction >= 4),
                    sum(satisfaction IS NOT NULL), count(nps), coalesce(sum(nps >= 9), 0)
               FROM visits GROUP BY {d} ORDER BY {d}",
            d = day("contacted_at"),
        ),
    );
    let rolled = rows(
        &db,
        "SELECT day, sum(visits), sum(reached), sum(score_4 + score_5),
                sum(score_1 + score_2 + score_3 + score_4 + score_5), sum(nps_n), sum(promoters)
           FROM visit_days WHERE visits > 0 GROUP BY day ORDER BY day",
    );
    assert_eq!(rolled, direct, "visits per local day");
    assert!(one(&db, "SELECT count(*) FROM visits WHERE nps IS NOT NULL") > 0);

    let tasks = rows(
        &db,
        &format!(
            "SELECT {d}, sum(status != 'cancelled'), sum(status = 'done'),
                    sum(status = 'done' AND EXISTS (SELECT 1 FROM visits v
                         WHERE v.id = t.done_by_visit AND v.contacted_at >= t.due_from
                           AND v.contacted_at < t.due_until))
               FROM tasks t GROUP BY {d} HAVING sum(status != 'cancelled') > 0 ORDER BY {d}",
            d = day("due_from"),
        ),
    );
    let rolled = rows(
        &db,
        "SELECT day, sum(planned), sum(done), sum(on_time) FROM visit_days
          GROUP BY day HAVING sum(planned) > 0 ORDER BY day",
    );
    assert_eq!(rolled, tasks, "tasks per local due day");
    assert!(tasks.len() > 10);
    let per_agent = rows(
        &db,
        "SELECT user_id, sum(visits), sum(done) FROM agent_visit_days
          GROUP BY user_id HAVING sum(visits) + sum(done) > 0 ORDER BY user_id",
    );
    let agent_days = rows(
        &db,
        "SELECT user_id, sum(visits), sum(tasks_done) FROM agent_days
          GROUP BY user_id HAVING sum(visits) + sum(tasks_done) > 0 ORDER BY user_id",
    );
    assert_eq!(agent_days, per_agent, "per agent: visits and tasks done");
    assert_eq!(
        one(&db, "SELECT sum(resolved) FROM coverage_days"),
        one(
            &db,
            "SELECT count(*) FROM tickets WHERE resolved_at IS NOT NULL"
        )
    );
    assert_eq!(
        one(&db, "SELECT sum(revisited) FROM coverage_days"),
        one(
            &db,
            "SELECT count(*) FROM tickets WHERE resolved_at IS NOT NULL AND revisits > 0"
        )
    );
    let timeline = |kind: &str| {
        one(
            &db,
            &format!("SELECT count(*) FROM ticket_timeline WHERE event ->> '$.type' = '{kind}'"),
        )
    };
    assert_eq!(
        one(&db, "SELECT coalesce(sum(revisits), 0) FROM revisit_days"),
        one(
            &db,
            "SELECT count(*) FROM ticket_timeline WHERE event ->> '$.type' = 'revisit'
                AND event ->> '$.verdict' IN ('satisfied', 'unsatisfied')"
        )
    );
    assert_eq!(
        one(&db, "SELECT coalesce(sum(breaches), 0) FROM breach_days"),
        timeline("breached")
    );
    assert_eq!(
        one(&db, "SELECT sum(returned) FROM agent_days"),
        one(
            &db,
            "SELECT count(*) FROM visits WHERE review ->> '$.decision' = 'return'"
        )
    );
    assert!(one(&db, "SELECT sum(resolved) FROM agent_days") > 0);

    // The migration's backfill, run on the same rows, gives the very rollups the triggers kept.
    let tables = [
        "visit_days",
        "agent_visit_days",
        "agent_days",
        "revisit_days",
        "coverage_days",
        "breach_days",
    ];
    let snapshot = |db: &rusqlite::Connection| -> Vec<Vec<String>> {
        tables
            .iter()
            .map(|t| {
                let mut r = rows(db, &format!("SELECT * FROM {t}"));
                r.sort();
                r
            })
            .collect()
    };
    // Rows a later change brought back to zero stay in the triggers' tables; the backfill
    // writes none.
    let nonzero = |db: &rusqlite::Connection| {
        for t in tables {
            let cols: Vec<String> = {
                let stmt = db.prepare(&format!("SELECT * FROM {t}")).unwrap();
                stmt.column_names().iter().map(|c| c.to_string()).collect()
            };
            let counts: Vec<&String> = cols
                .iter()
                .filter(|c| {
                    ![
                        "day",
                        "user_id",
                        "visit_type",
                        "channel",
                        "nature",
                        "kind",
                        "department",
                    ]
                    .contains(&c.as_str())
                })
                .collect();
            let zero = counts
                .iter()
                .map(|c| format!("{c} = 0"))
                .collect::<Vec<_>>()
                .join(" AND ");
            db.execute(&format!("DELETE FROM {t} WHERE {zero}"), [])
                .unwrap();
        }
        snapshot(db)
    };
    let kept = nonzero(&db);
    let migration = include_str!("../../../server/migrations/0017_dashboard_rollups.sql");
    let backfill = &migration[migration.find("-- Backfill").unwrap()
        ..migration.find("-- The triggers that keep").unwrap()];
    for t in tables {
        db.execute(&format!("DELETE FROM {t}"), []).unwrap();
    }
    db.execute_batch(backfill).unwrap();
    assert_eq!(nonzero(&db), kept, "backfill = triggers");
}
