//! 回访计划: everyone's tasks for planners, reassign / move / cancel (and the device drops
//! what left it), bulk plans (preview = create, once per id, caps and quiet hours, never an
//! archived customer) and the recurring run (once per customer and period, across restarts).

use chrono::{DateTime, Duration, NaiveDate, Timelike};
use huifang_domain::planning::{PlanOutcome, SkipReason};
use huifang_domain::recurring::StoredPolicy;
use huifang_domain::task::{TaskList, TaskStatus, VisitTask};
use huifang_tests::{Session, TestServer, clock_start, expect_bad_request, expect_error, new_id};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

fn bj() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).unwrap()
}

fn today() -> NaiveDate {
    clock_start().with_timezone(&bj()).date_naive()
}

async fn tasks(by: &Session, query: &str) -> Vec<VisitTask> {
    by.get_ok::<TaskList>(&format!("/api/tasks?limit=200&{query}"))
        .await
        .tasks
}

/// The field worker's first open task.
async fn a_field_task(server: &TestServer) -> VisitTask {
    let field = server.field().await;
    tasks(
        &server.supervisor().await,
        &format!("status=open&assignee={}", field.user.id),
    )
    .await
    .into_iter()
    .next()
    .expect("the demo field worker has an open task")
}

#[tokio::test]
async fn planners_filter_everyones_tasks() {
    let server = TestServer::in_process();
    let sup = server.supervisor().await;
    let all = tasks(&sup, "").await;
    assert!(all.len() > 1);
    let t = &all[0];
    let from = t.due_from - Duration::hours(1);
    let to = t.due_from + Duration::hours(1);
    let q = format!(
        "status=open&assignee={}&visit_type={}&due_from={}&due_to={}",
        t.assignee,
        t.visit_type.as_str(),
        from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            .replace('+', "%2B"),
        to.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            .replace('+', "%2B"),
    );
    let found = tasks(&sup, &q).await;
    assert!(found.iter().any(|x| x.id == t.id));
    for x in &found {
        assert_eq!(
            (x.assignee, x.visit_type, x.status),
            (t.assignee, t.visit_type, TaskStatus::Open)
        );
        assert!(x.due_from >= from && x.due_from < to);
    }
    // The class filter: every task of class-A customers and none other.
    let db = server.db();
    let class_of = |id: Uuid| -> String {
        db.query_row(
            "SELECT class FROM customers WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .unwrap()
    };
    let a = tasks(&sup, "class=A").await;
    assert!(!a.is_empty());
    assert!(a.iter().all(|x| class_of(x.customer_id) == "A"));
    let expected = all
        .iter()
        .filter(|x| class_of(x.customer_id) == "A")
        .count();
    assert_eq!(a.len(), expected);
    let res = sup.get("/api/tasks?class=E").send().await.unwrap();
    expect_error(res, StatusCode::BAD_REQUEST, "bad_request").await;
    // Others still see only their own.
    let field = server.field().await;
    let other = server.agent().await.user.id;
    expect_error(
        field
            .get(&format!("/api/tasks?assignee={other}"))
            .send()
            .await
            .unwrap(),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn a_reassigned_task_leaves_the_former_assignees_device() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let agent = server.agent().await;
    let sup = server.supervisor().await;
    let first = field.pull_all(0).await;
    let task = a_field_task(&server).await;
    assert!(first.tasks.iter().any(|t| t.id == task.id));
    let res = sup
        .patch(&format!("/api/tasks/{}", task.id))
        .json(&json!({"version": task.version, "assignee": agent.user.id}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let moved: VisitTask = res.json().await.unwrap();
    assert_eq!(moved.assignee, agent.user.id);
    assert!(
        moved.version > task.version,
        "a new version, so pulls deliver it"
    );
    let next = field.pull_all(first.cursor).await;
    assert_eq!(next.dropped.tasks, [task.id]);
    assert!(next.tasks.iter().all(|t| t.id != task.id));
    let theirs = agent.pull_all(0).await;
    assert!(
        theirs
            .tasks
            .iter()
            .any(|t| t.id == task.id && t.assignee == agent.user.id)
    );
    assert_eq!(server.audit_rows("task.change"), 1);

    // The version the planner saw is stale now.
    let stale = sup
        .patch(&format!("/api/tasks/{}", task.id))
        .json(&json!({"version": task.version, "assignee": field.user.id}))
        .send()
        .await
        .unwrap();
    expect_error(stale, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(server.audit_rows("task.change"), 1);
}

#[tokio::test]
async fn a_cancelled_task_is_dropped_on_the_next_pull_and_stays_cancelled() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let sup = server.supervisor().await;
    let first = field.pull_all(0).await;
    let task = a_field_task(&server).await;
    let url = format!("/api/tasks/{}/cancel", task.id);
    let blank = sup
        .post(&url)
        .json(&json!({"version": task.version, "reason": " "}));
    expect_bad_request(blank.send().await.unwrap(), "reason").await;
    let res = sup
        .post(&url)
        .json(&json!({"version": task.version, "reason": "客户已搬走"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cancelled: VisitTask = res.json().await.unwrap();
    assert_eq!(cancelled.status, TaskStatus::Cancelled);
    let next = field.pull_all(first.cursor).await;
    assert_eq!(next.dropped.tasks, [task.id]);
    let (action, after): (String, String) = server
        .db()
        .query_row(
            "SELECT action, after FROM audit_log WHERE entity = 'task' AND entity_id = ?1
             ORDER BY id DESC LIMIT 1",
            [task.id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(action, "task.cancel");
    assert!(after.contains("客户已搬走"), "{after}");
    // Only open tasks change.
    for res in [
        sup.post(&url)
            .json(&json!({"version": cancelled.version, "reason": "again"}))
            .send()
            .await
            .unwrap(),
        sup.patch(&format!("/api/tasks/{}", task.id))
            .json(&json!({"version": cancelled.version, "due_until": task.due_until + Duration::days(1)}))
            .send()
            .await
            .unwrap(),
    ] {
        expect_error(res, StatusCode::CONFLICT, "conflict").await;
    }
}

#[tokio::test]
async fn a_changed_window_and_assignee_are_checked_and_nothing_written_when_wrong() {
    let server = TestServer::in_process();
    let sup = server.supervisor().await;
    let admin = server.admin().await;
    let task = a_field_task(&server).await;
    let url = format!("/api/tasks/{}", task.id);
    let yesterday = clock_start() - Duration::days(1);
    let cases = [
        (
            json!({"version": task.version, "due_until": task.due_from}),
            "due_until",
        ),
        (
            json!({"version": task.version, "due_from": yesterday}),
            "due_from",
        ),
        (
            json!({"version": task.version, "assignee": admin.user.id}),
            "assignee",
        ),
        (
            json!({"version": task.version, "assignee": new_id()}),
            "assignee",
        ),
        (json!({"version": task.version}), "assignee"),
    ];
    for (body, field) in cases {
        expect_bad_request(sup.patch(&url).json(&body).send().await.unwrap(), field).await;
    }
    let later = task.due_from + Duration::days(2);
    let res = sup
        .patch(&url)
        .json(&json!({"version": task.version, "due_from": later, "due_until": later + Duration::hours(4)}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let moved: VisitTask = res.json().await.unwrap();
    assert_eq!(
        (moved.due_from, moved.due_until),
        (later, later + Duration::hours(4))
    );
    let missing = sup
        .patch(&format!("/api/tasks/{}", new_id()))
        .json(&json!({"version": 1, "due_until": later}))
        .send()
        .await
        .unwrap();
    expect_error(missing, StatusCode::NOT_FOUND, "not_found").await;
}

/// Marks the tasks of these plans (the demo has tasks of every visit type).
const PLAN_NOTE: &str = "批量计划";

fn plan(id: Uuid, staff: &[Uuid], classes: &[&str], cap: u32, days: u32) -> Value {
    json!({
        "id": id,
        "selection": {"classes": classes},
        "visit_type": "care",
        "planned_channel": "phone",
        "priority": "normal",
        "staff": staff,
        "first_day": today() + Duration::days(1),
        "days": days,
        "daily_cap": cap,
        "note": PLAN_NOTE,
    })
}

async fn post_plan(by: &Session, path: &str, body: &Value) -> (StatusCode, PlanOutcome) {
    let res = by.post(path).json(body).send().await.unwrap();
    let status = res.status();
    assert!(status.is_success(), "{path}: {status}");
    (status, res.json().await.unwrap())
}

fn planned_tasks(server: &TestServer) -> Vec<(String, String, String)> {
    let db = server.db();
    let mut stmt = db
        .prepare(
            "SELECT customer_id, assignee, due_from FROM tasks WHERE note = ?1 ORDER BY due_from",
        )
        .unwrap();
    stmt.query_map([PLAN_NOTE], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[tokio::test]
async fn a_bulk_plan_creates_what_its_preview_showed_once() {
    let server = TestServer::in_process();
    let sup = server.supervisor().await;
    let (field, agent) = (server.field().await.user.id, server.agent().await.user.id);
    let cap = 2;
    let body = plan(new_id(), &[field, agent], &[], cap, 2);
    let (_, preview) = post_plan(&sup, "/api/plans/preview", &body).await;
    assert!(!preview.created);
    assert!(
        planned_tasks(&server).is_empty(),
        "a preview writes nothing"
    );
    // 12 demo customers, two a day each for two people over two days, the demo's own tasks
    // counted: some wait for room.
    assert!(preview.planned > 0);
    assert_eq!(
        preview.selected as usize,
        preview.planned as usize + preview.skipped.len()
    );
    let full = preview
        .skipped
        .iter()
        .filter(|s| s.reason == SkipReason::CapsFull)
        .count();
    assert!(full > 0);
    for d in &preview.days {
        assert!(d.planned <= cap.saturating_sub(d.existing), "{d:?}");
    }
    // Customers were left over, so every person's every day is full.
    let days_full = preview
        .days
        .iter()
        .filter(|d| d.existing + d.planned >= cap)
        .count();
    assert_eq!(days_full, 4, "{:?}", preview.days);
    let planned_sum: u32 = preview.days.iter().map(|d| d.planned).sum();
    assert_eq!(planned_sum, preview.planned);
    let (status, created) = post_plan(&sup, "/api/plans", &body).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(created.created);
    assert_eq!(
        (created.planned, &created.days),
        (preview.planned, &preview.days)
    );
    let stored = planned_tasks(&server);
    assert_eq!(stored.len(), preview.planned as usize);
    for (_, _, due_from) in &stored {
        let local = DateTime::parse_from_rfc3339(due_from)
            .unwrap()
            .with_timezone(&bj());
        assert!((9..18).contains(&local.hour()), "in working hours: {local}");
        assert!(
            !(12..14).contains(&local.hour()),
            "outside quiet hours: {local}"
        );
    }
    // The same plan again: nothing more, the same answer.
    let (status, again) = post_plan(&sup, "/api/plans", &body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, created);
    assert_eq!(planned_tasks(&server).len(), preview.planned as usize);
    assert_eq!(server.audit_rows("plan.create"), 1);
    // The same id with another request is a conflict.
    let mut other = body.clone();
    other["daily_cap"] = json!(cap + 1);
    let res = sup.post("/api/plans").json(&other).send().await.unwrap();
    expect_error(res, StatusCode::CONFLICT, "conflict").await;
    // A second plan skips the customers who now have an open task of that type too.
    let open_task = |o: &PlanOutcome| {
        o.skipped
            .iter()
            .filter(|s| s.reason == SkipReason::OpenTask)
            .count()
    };
    let (_, second) = post_plan(
        &sup,
        "/api/plans/preview",
        &plan(new_id(), &[field], &[], 8, 1),
    )
    .await;
    assert_eq!(
        open_task(&second),
        open_task(&preview) + preview.planned as usize
    );
}

#[tokio::test]
async fn archived_customers_are_never_planned() {
    let server = TestServer::in_process();
    let sup = server.supervisor().await;
    let field = server.field().await.user.id;
    let archived: String = server
        .db()
        .query_row(
            "SELECT id FROM customers WHERE class = 'A' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    server
        .db()
        .execute(
            "UPDATE customers SET archived_at = '2026-11-01T00:00:00.000000Z' WHERE id = ?1",
            [&archived],
        )
        .unwrap();
    let body = plan(new_id(), &[field], &["A"], 10, 5);
    let (_, preview) = post_plan(&sup, "/api/plans/preview", &body).await;
    assert!(preview.selected > 0);
    let named = |o: &PlanOutcome| {
        o.first
            .iter()
            .any(|r| r.customer.customer_id.to_string() == archived)
            || o.skipped
                .iter()
                .any(|s| s.customer.customer_id.to_string() == archived)
    };
    assert!(!named(&preview));
    post_plan(&sup, "/api/plans", &body).await;
    assert!(
        planned_tasks(&server)
            .iter()
            .all(|(c, _, _)| *c != archived)
    );
}

#[tokio::test]
async fn plans_are_for_planners_and_checked() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let sup = server.supervisor().await;
    let body = plan(new_id(), &[field.user.id], &[], 8, 3);
    for path in ["/api/plans/preview", "/api/plans"] {
        let res = field.post(path).json(&body).send().await.unwrap();
        expect_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let task = a_field_task(&server).await;
    let res = field
        .post(&format!("/api/tasks/{}/cancel", task.id))
        .json(&json!({"version": task.version, "reason": "x"}))
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    let admin = server.admin().await.user.id;
    let mut bad = vec![
        (plan(new_id(), &[], &[], 8, 3), "staff"),
        (plan(new_id(), &[admin], &[], 8, 3), "staff"),
        (plan(new_id(), &[field.user.id], &[], 11, 3), "daily_cap"),
        (plan(new_id(), &[field.user.id], &[], 8, 0), "days"),
    ];
    let mut past = plan(new_id(), &[field.user.id], &[], 8, 3);
    past["first_day"] = json!(today() - Duration::days(1));
    bad.push((past, "first_day"));
    for (body, f) in bad {
        expect_bad_request(sup.post("/api/plans").json(&body).send().await.unwrap(), f).await;
    }
    assert!(planned_tasks(&server).is_empty());
}

#[tokio::test]
async fn a_plan_over_the_size_limit_is_refused_whole() {
    let server = TestServer::in_process();
    let sup = server.supervisor().await;
    let field = server.field().await.user.id;
    server
        .db()
        .execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
             INSERT INTO customers (id, name, class, vip, contact, summary, version)
             SELECT printf('00000000-0000-4000-8000-%012d', i), '客户' || i, 'C', 0, '', '', -i
             FROM n",
            [],
        )
        .unwrap();
    let res = sup
        .post("/api/plans")
        .json(&plan(new_id(), &[field], &[], 8, 3))
        .send()
        .await
        .unwrap();
    let e = expect_error(res, StatusCode::UNPROCESSABLE_ENTITY, "plan_too_large").await;
    assert_eq!(e.error.field.as_deref(), Some("selection"));
    assert!(planned_tasks(&server).is_empty());
    // Narrowed to one class, it fits.
    let (status, _) = post_plan(&sup, "/api/plans", &plan(new_id(), &[field], &["A"], 8, 3)).await;
    assert_eq!(status, StatusCode::CREATED);
}

fn recurring(server: &TestServer) -> i64 {
    server
        .db()
        .query_row("SELECT COUNT(*) FROM recurring_tasks", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test]
async fn the_recurring_policy_is_edited_by_planners_with_its_version() {
    let server = TestServer::in_process();
    let sup = server.supervisor().await;
    let stored: StoredPolicy = sup.get_ok("/api/plans/recurring").await;
    let mut policy = serde_json::to_value(&stored.policy).unwrap();
    policy["every_months"]["A"] = json!(5);
    let body = json!({"version": stored.version, "policy": policy});
    expect_bad_request(
        sup.put("/api/plans/recurring")
            .json(&body)
            .send()
            .await
            .unwrap(),
        "every_months.A",
    )
    .await;
    policy["every_months"]["A"] = json!(1);
    let body = json!({"version": stored.version, "policy": policy});
    let res = sup
        .put("/api/plans/recurring")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let saved: StoredPolicy = res.json().await.unwrap();
    assert_eq!(
        (saved.version, saved.policy.every_months.a),
        (stored.version + 1, Some(1))
    );
    // The same base version again: someone saved meanwhile.
    let res = sup
        .put("/api/plans/recurring")
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(server.audit_rows("recurring_policy.update"), 1);
    let field = server.field().await;
    let res = field
        .put("/api/plans/recurring")
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(
        field.get_status("/api/plans/recurring").await,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_recurring_run_creates_once_per_customer_and_period_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    {
        let server = TestServer::start_in(dir.path());
        assert_eq!(recurring(&server), 0, "off until a planner sets periods");
        let sup = server.supervisor().await;
        let stored: StoredPolicy = sup.get_ok("/api/plans/recurring").await;
        let handbook = json!({"A": 1, "B": 3, "C": 6, "D": null});
        let mut policy = serde_json::to_value(&stored.policy).unwrap();
        policy["every_months"] = handbook;
        let res = sup
            .put("/api/plans/recurring")
            .json(&json!({"version": stored.version, "policy": policy}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    let created = {
        let server = TestServer::start_in(dir.path());
        let n = recurring(&server);
        assert!(n > 0, "the start-up run planned the due customers");
        // Field and agent staff get them, never a planner.
        let (field, agent) = (server.field().await.user.id, server.agent().await.user.id);
        let sat = tasks(
            &server.supervisor().await,
            "status=open&visit_type=satisfaction",
        )
        .await;
        let db = server.db();
        let mut stmt = db
            .prepare("SELECT t.assignee FROM recurring_tasks r JOIN tasks t ON t.id = r.task_id")
            .unwrap();
        let assignees: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(assignees.len() as i64, n);
        assert!(
            assignees
                .iter()
                .all(|a| *a == field.to_string() || *a == agent.to_string())
        );
        assert!(sat.len() as i64 >= n);
        n
    };
    // Restarted the same day, and the next day within the period: nothing new.
    for at in [clock_start(), clock_start() + Duration::days(1)] {
        let server = TestServer::start_in_at(dir.path(), at);
        assert_eq!(recurring(&server), created, "{at}");
    }
    let runs: i64 = rusqlite::Connection::open(dir.path().join("t.db"))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM recurring_runs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(runs, 2, "one run a day");
}
