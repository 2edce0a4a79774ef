//! Visit tasks: planned by supervisors, done by a visit, retried after no answer.

use chrono::TimeDelta;
use huifang_domain::task::{TaskList, TaskSource, TaskStatus, VisitTask};
use huifang_domain::{Channel, User};
use huifang_tests::{TestServer, beijing, expect_bad_request, expect_error, new_id};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn a_visit_naming_another_users_task_is_a_conflict() {
    let server = TestServer::in_process();
    let agent_task = server.agent().await.pull(0).await.tasks[0].clone();
    let field = server.field().await;
    let mut data = field.visit_data(agent_task.customer_id);
    data["task_id"] = json!(agent_task.id);
    let answer = field
        .push_fresh(&[field.mutation(1, "visit.record", data)])
        .await;
    let r = &answer.rejected[0];
    assert_eq!(
        (r.code.as_str(), r.field.as_deref()),
        ("conflict", Some("task_id"))
    );
    assert!(r.message.contains("someone else"), "{}", r.message);
    assert_eq!(server.pushed_visits().await, 0);
}

#[tokio::test]
async fn a_visit_completing_a_task_marks_it_done_in_the_next_pull() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let first = field.pull(0).await;
    let task = first.tasks[0].clone();
    let mut data = field.on_site_data(task.customer_id);
    data["visit_type"] = json!(task.visit_type);
    data["task_id"] = json!(task.id);
    field.apply(&field.mutation(1, "visit.record", data)).await;
    let next = field.pull(first.cursor).await;
    assert_eq!(next.dropped.tasks, [task.id], "done: it leaves the device");
    assert!(
        next.tasks.iter().all(|t| t.source == TaskSource::Plan),
        "reached: no retry"
    );

    let mut again = field.on_site_data(task.customer_id);
    again["task_id"] = json!(task.id);
    let r = field
        .rejection(&field.mutation(1, "visit.record", again))
        .await;
    assert_eq!(
        r.expect("rejected").code,
        "conflict",
        "a done task takes no second visit"
    );
}

#[tokio::test]
async fn a_no_answer_visit_schedules_a_phone_retry_outside_quiet_hours() {
    // (the call, when the retry may start): two hours later, or the end of the quiet window
    // that moment falls in, to the second.
    let cases = [
        (beijing(11, 23, 10, 10, 30), beijing(11, 23, 14, 0, 0)),
        (beijing(11, 23, 19, 30, 0), beijing(11, 24, 9, 0, 0)),
        (beijing(11, 24, 8, 4, 30), beijing(11, 24, 10, 4, 30)),
    ];
    for (called, due) in cases {
        let server = TestServer::in_process_at(called);
        let agent = server.agent().await;
        let first = agent.pull(0).await;
        let mut data = agent.visit_data(first.customers[3].id);
        for field in ["satisfaction", "emotion", "demand"] {
            data[field] = Value::Null;
        }
        data["verbatim"] = json!("");
        data["outcome"] = json!("no_answer");
        data["contacted_at"] = json!(called);
        let m = agent.mutation(1, "visit.record", data);
        agent.apply(&m).await;

        let next = agent.pull(first.cursor).await;
        let [retry] = next.tasks.as_slice() else {
            panic!("one retry task expected: {:?}", next.tasks);
        };
        assert_eq!(retry.attempt, 2);
        assert_eq!(
            retry.source,
            TaskSource::Retry {
                previous_visit: m.id
            }
        );
        assert_eq!(retry.assignee, agent.user.id);
        assert_eq!(retry.customer_id, first.customers[3].id);
        assert_eq!(retry.planned_channel, Channel::Phone);
        assert_eq!(retry.status, TaskStatus::Open);
        assert_eq!(retry.due_from, due, "a no-answer at {called}");
        assert_eq!(retry.due_until, due + TimeDelta::hours(24));
    }
}

#[tokio::test]
async fn a_supervisor_plans_a_task_for_field_staff_idempotently() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    let field = server.field().await;
    let users: Vec<User> = supervisor.get_ok("/api/users?role=field").await;
    assert_eq!(users.len(), 1);
    assert_eq!(users[0], field.user);
    let before = field.pull(0).await;

    let now = server.now();
    let new = json!({"id": new_id(), "customer_id": before.customers[2].id,
        "assignee": field.user.id, "visit_type": "repair", "planned_channel": "on_site",
        "priority": "high", "due_from": now, "due_until": now + TimeDelta::hours(8),
        "note": "复查空调外机"});
    let plan = |body: &Value| supervisor.post("/api/tasks").json(body).send();
    let created = plan(&new).await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: VisitTask = created.json().await.unwrap();
    assert_eq!((created.attempt, created.status), (1, TaskStatus::Open));

    let replay = plan(&new).await.unwrap();
    assert_eq!(replay.status(), StatusCode::OK);
    assert_eq!(replay.json::<VisitTask>().await.unwrap(), created);

    let mut other = new.clone();
    other["note"] = json!("别的内容");
    let clash = plan(&other).await.unwrap();
    expect_error(clash, StatusCode::CONFLICT, "conflict").await;

    let mut bad = new.clone();
    bad["id"] = json!(new_id());
    bad["due_until"] = json!(now - TimeDelta::hours(1));
    expect_bad_request(plan(&bad).await.unwrap(), "due_until").await;

    let res = field.post("/api/tasks").json(&new).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let pulled = field.pull(before.cursor).await;
    assert_eq!(
        pulled.tasks,
        std::slice::from_ref(&created),
        "the assignee's next pull has it"
    );
    let open_for_field = format!("/api/tasks?status=open&assignee={}", field.user.id);
    let listed: TaskList = supervisor.get_ok(&open_for_field).await;
    assert!(listed.tasks.contains(&created));
    assert!(listed.tasks.iter().all(|t| t.assignee == field.user.id));
    let agent = server.agent().await;
    let status = agent
        .get_status(&format!("/api/tasks?assignee={}", field.user.id))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(field.get_status("/api/users").await, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn walking_the_task_list_gives_each_task_once_by_due_time() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    let field = server.field().await;
    let customers = field.pull(0).await.customers;
    let now = server.now();
    // Two tasks due at the same time: the id breaks the tie, so neither is lost between pages.
    for (i, hours) in [5, 1, 3, 1, 8].into_iter().enumerate() {
        let due = now + TimeDelta::hours(hours);
        let new = json!({"id": new_id(), "customer_id": customers[i % customers.len()].id,
            "assignee": field.user.id, "visit_type": "repair", "planned_channel": "phone",
            "priority": "normal", "due_from": due, "due_until": due + TimeDelta::hours(2)});
        let res = supervisor
            .post("/api/tasks")
            .json(&new)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let whole: TaskList = supervisor.get_ok("/api/tasks?status=open&limit=200").await;
    let mut walked = Vec::new();
    let mut after = String::new();
    loop {
        let page: TaskList = supervisor
            .get_ok(&format!("/api/tasks?status=open&limit=2{after}"))
            .await;
        assert_eq!(page.total, whole.total);
        walked.extend(page.tasks);
        match page.next {
            Some(next) => after = format!("&after={next}"),
            None => break,
        }
    }
    assert_eq!(walked, whole.tasks, "each task once, in order");
    let keys: Vec<_> = walked.iter().map(|t| (t.due_from, t.id)).collect();
    assert!(keys.is_sorted(), "by due time, then id");
    assert!(walked.iter().all(|t| t.status == TaskStatus::Open));
    let own: TaskList = field.get_ok("/api/tasks?limit=1").await;
    assert!(own.next.is_some() && own.tasks[0].assignee == field.user.id);
    let res = field.get("/api/tasks?after=00").send().await.unwrap();
    expect_bad_request(res, "after").await;
}
