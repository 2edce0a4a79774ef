//! The feedback loop: tickets graded, routed and timed, worked on from several devices,
//! resolved, revisited and closed, and the revisit coverage.

use chrono::TimeDelta;
use huifang_domain::sla::{ClockKind, ClockState};
use huifang_domain::task::TaskStatus;
use huifang_domain::ticket::{
    Impact, IntakeChannel, RevisitVerdict, Ticket, TicketPriority, TicketState, TimelineEvent,
};
use huifang_domain::{CustomerClass, Mutation, VisitType};
use huifang_tests::{TestServer, beijing, intake, new_id};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_hotline_complaint_is_graded_and_routed_to_its_department() {
    let server = TestServer::in_process();
    let agent = server.agent().await;
    let customer = server.a_customer().await;
    let mut data = intake(Some(customer), "hotline", "service", "attitude");
    data["emotion"] = json!("angry");
    let attitude = agent.create_ticket(data).await;
    let delay = agent
        .create_ticket(intake(
            Some(customer),
            "app",
            "experience",
            "logistics_delay",
        ))
        .await;

    let t = agent.ticket(attitude).await.ticket;
    assert_eq!(t.state, TicketState::New);
    assert_eq!(t.department.as_deref(), Some("operations"));
    assert_eq!(
        (t.grade.impact, t.grade.priority),
        (Impact::General, TicketPriority::High)
    );
    assert_eq!(t.grade.fired, ["strong_complaint"]);
    assert_eq!(t.reports, 1);
    assert!(matches!(
        t.timeline[0].event,
        TimelineEvent::Report {
            channel: IntakeChannel::Hotline
        }
    ));
    assert_eq!(t.timeline[0].by, agent.user.id);
    let t = agent.ticket(delay).await.ticket;
    assert_eq!(t.department.as_deref(), Some("supply_chain"));
    assert_eq!(server.audit_rows("ticket.create"), 2 + 5, "the demo made 5");
}

#[tokio::test]
async fn an_injury_makes_a_ticket_urgent_and_high_with_a_respond_clock() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let mut data = intake(
        Some(server.a_customer().await),
        "visit",
        "product",
        "function",
    );
    data["personal_injury"] = json!(true);
    let id = field.create_ticket(data).await;
    let v = field.ticket(id).await;
    assert_eq!(
        (v.ticket.grade.impact, v.ticket.grade.priority),
        (Impact::Urgent, TicketPriority::High)
    );
    assert!(v.ticket.grade.fired.contains(&"injury_or_loss".to_owned()));
    let kinds: Vec<_> = v.clocks.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ClockKind::Respond, ClockKind::Escalate]);
    let respond = &v.clocks[0];
    assert_eq!(respond.budget_minutes, 30);
    assert!(matches!(
        respond.state,
        ClockState::Running | ClockState::Warning
    ));
    let queue = server.supervisor().await.tickets("queue=escalated").await;
    assert!(
        queue.tickets.iter().any(|t| t.ticket.id == id),
        "urgent cases go to the supervisors at once"
    );
}

#[tokio::test]
async fn a_business_hours_clock_started_on_a_saturday_counts_from_monday_morning() {
    let server = TestServer::in_process_at(beijing(11, 28, 10, 0, 0));
    let agent = server.agent().await;
    let id = server.hotline_ticket(&agent, "product", "function").await;
    let v = agent.ticket(id).await;
    assert_eq!(v.ticket.grade.impact, Impact::General);
    let resolve = v
        .clocks
        .iter()
        .find(|c| c.kind == ClockKind::Resolve)
        .expect("a general case has a resolve clock");
    assert_eq!(resolve.budget_minutes, 24 * 60);
    assert_eq!(resolve.used_minutes, 0, "no working time on a weekend");
    assert_eq!(
        resolve.due_at,
        beijing(12, 2, 15, 0, 0),
        "Monday 9 h, Tuesday 9 h, Wednesday 9:00-15:00"
    );
    assert_eq!(resolve.state, ClockState::Running);
}

#[tokio::test]
async fn the_fifth_report_of_a_sub_problem_in_seven_days_makes_it_important() {
    let server = TestServer::in_process();
    let (agent, field) = (server.agent().await, server.field().await);
    let customers = agent.customers().await;
    let channels = ["hotline", "app", "shop", "social_media", "visit"];
    let mut last = None;
    for (i, channel) in channels.into_iter().enumerate() {
        let who = if i % 2 == 0 { &agent } else { &field };
        let id = who
            .create_ticket(intake(Some(customers[i].id), channel, "product", "design"))
            .await;
        let t = who.ticket(id).await.ticket;
        if i < 4 {
            assert_eq!(t.grade.impact, Impact::General, "report {}", i + 1);
        }
        last = Some(t);
    }
    let fifth = last.unwrap();
    assert_eq!(fifth.grade.impact, Impact::Important);
    assert!(
        fifth
            .grade
            .fired
            .contains(&"repeated_5_in_7_days".to_owned()),
        "{:?}",
        fifth.grade.fired
    );
    assert!(fifth.clocks.iter().any(|c| c.kind == ClockKind::Plan));
}

#[tokio::test]
async fn a_report_linked_as_a_duplicate_is_counted_on_the_open_ticket_not_opened_again() {
    let server = TestServer::in_process();
    let agent = server.agent().await;
    let customer = server.a_customer().await;
    let original = agent
        .create_ticket(intake(Some(customer), "hotline", "product", "function"))
        .await;

    let res = agent
        .post("/api/tickets/duplicates")
        .json(&json!({"customer_id": customer, "sub_problem": "function"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let offered: Vec<Ticket> = res.json().await.unwrap();
    assert_eq!(offered.iter().map(|t| t.id).collect::<Vec<_>>(), [original]);

    let mut data = intake(Some(customer), "shop", "product", "function");
    data["duplicate_of"] = json!(original);
    let report = agent.mutation(1, "ticket.create", data);
    agent.apply(&report).await;
    agent.apply(&report).await; // the same report from another device's outbox
    let t = agent.ticket(original).await.ticket;
    assert_eq!(t.reports, 2, "recorded once, counted");
    let reports = t
        .timeline
        .iter()
        .filter(|e| matches!(e.event, TimelineEvent::Report { .. }))
        .count();
    assert_eq!(reports, 2);
    let status = agent
        .get_status(&format!("/api/tickets/{}", report.id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no second ticket");
}

#[tokio::test]
async fn invalid_transitions_are_rejected_as_conflicts_and_write_nothing() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    let id = server
        .hotline_ticket(&supervisor, "service", "shirking")
        .await;
    let before = supervisor.ticket(id).await.ticket;
    let attempts = [
        json!({"action": "start", "note": "开始处理"}),
        json!({"action": "resolve", "set": {"resolution": "已处理", "department": "quality"}}),
        json!({"action": "close"}),
        json!({"action": "reopen"}),
        json!({"action": "schedule_revisit"}),
        json!({"action": "assign"}),
    ];
    for data in attempts {
        let r = supervisor
            .rejection(&supervisor.ticket_update(id, data.clone()))
            .await
            .unwrap_or_else(|| panic!("{data} must be rejected"));
        assert_eq!(r.code, "conflict", "{data}: {r:?}");
        assert!(!r.message.is_empty());
    }
    let after = supervisor.ticket(id).await.ticket;
    assert_eq!(after, before, "nothing written");
    let r = supervisor
        .rejection(&supervisor.ticket_update(new_id(), json!({"note": "?"})))
        .await
        .unwrap();
    assert_eq!(r.code, "conflict", "unknown ticket");
}

#[tokio::test]
async fn wrong_roles_are_refused() {
    let server = TestServer::in_process();
    let (agent, field) = (server.agent().await, server.field().await);
    let admin = server.admin().await;
    let id = server.hotline_ticket(&agent, "service", "attitude").await;
    server.assign_and_start(id, &agent).await;

    let r = field
        .rejection(&field.ticket_update(id, json!({"note": "我来处理"})))
        .await
        .unwrap();
    assert_eq!(r.code, "forbidden", "field updating someone else's ticket");
    let reroute = json!({"set": {"department": "quality"}});
    let r = agent
        .rejection(&agent.ticket_update(id, reroute))
        .await
        .unwrap();
    assert_eq!(r.code, "forbidden", "only supervisors reroute");
    let r = agent
        .rejection(&agent.ticket_update(id, json!({"action": "close"})))
        .await
        .unwrap();
    assert_eq!(r.code, "forbidden");
    let decide = agent.mutation(
        1,
        "review.decide",
        json!({"target": {"type": "ticket", "id": id},
        "decision": "sign_off"}),
    );
    assert_eq!(agent.rejection(&decide).await.unwrap().code, "forbidden");
    let anonymous = intake(None, "app", "service", "attitude");
    let r = admin
        .rejection(&admin.mutation(1, "ticket.create", anonymous))
        .await;
    assert_eq!(r.unwrap().code, "forbidden");

    let status = field.get_status(&format!("/api/tickets/{id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let res = field
        .put("/api/settings/grading")
        .json(&json!({"rules": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    for path in ["/api/coverage", "/api/reviews"] {
        assert_eq!(
            agent.get_status(path).await,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let list = field.tickets("").await;
    assert!(list.tickets.iter().all(|t| {
        t.ticket.assignee == Some(field.user.id) || t.ticket.timeline[0].by == field.user.id
    }));
    assert!(!list.tickets.iter().any(|t| t.ticket.id == id));
}

#[tokio::test]
async fn two_devices_editing_one_ticket_offline_merge_field_by_field() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    let admin = server.admin().await;
    let id = server
        .hotline_ticket(&supervisor, "service", "attitude")
        .await;
    // Both edited the same version offline (priority was low), then synced one after the other.
    let first = supervisor.ticket_update(
        id,
        json!({"set": {"priority": "high", "department": "quality"},
        "base": {"priority": "low", "department": "operations"},
        "note": "平板 A:客户情绪激动,优先处理"}),
    );
    let second = admin.ticket_update(
        id,
        json!({"set": {"priority": "medium"}, "base": {"priority": "low"},
        "note": "平板 B:已约客户明天回电"}),
    );
    supervisor.apply(&first).await;
    admin.apply(&second).await;

    let t = supervisor.ticket(id).await.ticket;
    assert_eq!(
        t.grade.priority,
        TicketPriority::Medium,
        "the later arrival wins"
    );
    assert_eq!(
        t.department.as_deref(),
        Some("quality"),
        "untouched by the second"
    );
    let notes: Vec<_> = t
        .timeline
        .iter()
        .filter_map(|e| match &e.event {
            TimelineEvent::Note { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        notes,
        ["平板 A:客户情绪激动,优先处理", "平板 B:已约客户明天回电"]
    );
    let priority: Vec<_> = t.history.iter().filter(|h| h.field == "priority").collect();
    assert_eq!(priority.len(), 2);
    assert_eq!(
        (&priority[0].old, &priority[0].new, priority[0].concurrent),
        (&json!("low"), &json!("high"), false)
    );
    assert_eq!(
        (&priority[1].old, &priority[1].new, priority[1].concurrent),
        (&json!("high"), &json!("medium"), true)
    );
    assert_eq!(priority[1].by, admin.user.id);
    assert!(
        t.clocks.iter().any(|c| c.kind == ClockKind::Progress),
        "medium adds its clock"
    );
}

#[tokio::test]
async fn resolving_schedules_a_revisit_that_reopens_when_unsatisfied_and_closes_when_satisfied() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let customers = field.customers().await;
    let key = customers
        .iter()
        .find(|c| c.vip || c.class == CustomerClass::A)
        .expect("a key customer in the demo");
    // Coverage is asked from a whole second on; start after the second in which the demo
    // seed resolved its own tickets, so they are not counted here.
    let started = server.next_whole_second().await;
    let id = field
        .create_ticket(intake(Some(key.id), "visit", "service", "slow_response"))
        .await;
    server.assign_and_start(id, &field).await;
    let note = json!({"note": "已联系安装队核实原因"});
    field.apply(&field.ticket_update(id, note)).await;
    field.apply(&field.resolve(id)).await;

    let t = field.ticket(id).await.ticket;
    assert_eq!(
        t.state,
        TicketState::Revisit,
        "key customers are always revisited"
    );
    let [task] = field
        .revisit_tasks(id)
        .await
        .try_into()
        .expect("one revisit task");
    assert_eq!(task.assignee, field.user.id);
    assert_eq!(task.attempt, 1);
    assert_eq!(task.status, TaskStatus::Open);
    assert_eq!(task.visit_type, VisitType::Complaint);
    assert!(task.due_until <= started + TimeDelta::days(3) + TimeDelta::minutes(1));
    let pulled = field.pull_all(0).await;
    assert!(
        pulled.tickets.iter().any(|t| t.id == id),
        "the ticket is in the pull too"
    );

    let first = field.answer_revisit(&task, 2).await;
    let v = field.ticket(id).await;
    assert_eq!(
        v.ticket.state,
        TicketState::InProgress,
        "unsatisfied reopens"
    );
    assert_eq!(v.ticket.revisits, 1);
    assert!(v.ticket.timeline.iter().any(|e| e.event
        == TimelineEvent::Revisit {
            visit_id: first,
            verdict: RevisitVerdict::Unsatisfied
        }));
    let resolve_clocks: Vec<_> = v
        .clocks
        .iter()
        .filter(|c| c.kind == ClockKind::Resolve)
        .collect();
    assert_eq!(resolve_clocks.len(), 2, "a new Resolve clock");
    assert_ne!(resolve_clocks[1].state, ClockState::Met);

    field.apply(&field.resolve(id)).await;
    let tasks = field.revisit_tasks(id).await;
    let second = tasks
        .iter()
        .find(|t| t.status == TaskStatus::Open)
        .expect("2nd revisit");
    assert_eq!(second.attempt, 2);
    field.answer_revisit(second, 5).await;
    let t = field.ticket(id).await.ticket;
    assert_eq!(t.state, TicketState::Closed, "satisfied closes");
    assert_eq!(t.revisits, 2);

    let rows = server.coverage(started).await;
    let complaints = rows
        .iter()
        .find(|r| r.visit_type == VisitType::Complaint)
        .unwrap();
    assert_eq!((complaints.resolved, complaints.revisited), (1, 1));
    assert_eq!((complaints.target_percent, complaints.percent), (50, 100));
    assert!(complaints.meets_target);
}

#[tokio::test]
async fn coverage_counts_resolved_cases_without_a_revisit_against_the_target() {
    let server = TestServer::in_process();
    let agent = server.agent().await;
    let customers = agent.customers().await;
    let ordinary = customers
        .iter()
        .find(|c| !c.vip && c.class != CustomerClass::A)
        .unwrap();
    // Coverage is asked from a whole second on; start after the second in which the demo
    // seed resolved its own tickets, so they are not counted here.
    let started = server.next_whole_second().await;
    // The revisit targets pick cases by id; this id falls outside the 30 % of repairs.
    let id = std::iter::repeat_with(new_id)
        .find(|id| id.as_u128() as u64 % 100 >= 30)
        .unwrap();
    let m = Mutation {
        id,
        ..agent.mutation(
            1,
            "ticket.create",
            intake(Some(ordinary.id), "hotline", "product", "function"),
        )
    };
    agent.apply(&m).await;
    server.assign_and_start(id, &agent).await;
    agent.apply(&agent.resolve(id)).await;
    assert_eq!(agent.ticket(id).await.ticket.state, TicketState::Closed);
    assert!(agent.revisit_tasks(id).await.is_empty());

    let rows = server.coverage(started).await;
    let repairs = rows
        .iter()
        .find(|r| r.visit_type == VisitType::Repair)
        .unwrap();
    assert_eq!(
        (repairs.resolved, repairs.revisited, repairs.percent),
        (1, 0, 0)
    );
    assert!(!repairs.meets_target);
}

#[tokio::test]
async fn an_anonymous_complaint_is_closed_with_its_written_reply_and_no_revisit() {
    let server = TestServer::in_process();
    let agent = server.agent().await;
    let id = agent
        .create_ticket(intake(
            None,
            "social_media",
            "experience",
            "complicated_process",
        ))
        .await;
    server.assign_and_start(id, &agent).await;
    agent.apply(&agent.resolve(id)).await;
    let t = agent.ticket(id).await.ticket;
    assert!(t.intake.customer_id.is_none() && t.intake.reporter.is_empty());
    assert_eq!(t.state, TicketState::Closed);
    assert_eq!(t.resolution.as_deref(), Some("已上门更换配件并向客户致歉"));
    assert!(agent.revisit_tasks(id).await.is_empty());
}

#[tokio::test]
async fn waiting_on_the_customer_pauses_every_running_clock() {
    let server = TestServer::in_process();
    let agent = server.agent().await;
    let mut data = intake(
        Some(server.a_customer().await),
        "hotline",
        "product",
        "quality_defect",
    );
    data["property_loss"] = json!(true);
    let id = agent.create_ticket(data).await;
    server.assign_and_start(id, &agent).await;
    let wait = json!({"waiting_on_customer": true, "note": "等客户提供照片"});
    agent.apply(&agent.ticket_update(id, wait)).await;
    let v = agent.ticket(id).await;
    assert!(v.ticket.waiting_on_customer);
    for c in v.clocks.iter().filter(|c| c.state != ClockState::Met) {
        assert_eq!(c.state, ClockState::Paused, "{:?}", c.kind);
    }
    assert!(v.clocks.iter().any(|c| c.state == ClockState::Paused));
    assert_eq!(
        v.clocks[0].state,
        ClockState::Met,
        "Respond met on assignment"
    );

    let resume = json!({"waiting_on_customer": false});
    agent.apply(&agent.ticket_update(id, resume)).await;
    let v = agent.ticket(id).await;
    assert!(v.clocks.iter().all(|c| c.state != ClockState::Paused));
    assert!(
        v.ticket
            .clocks
            .iter()
            .all(|c| c.pauses.iter().all(|p| p.to.is_some()))
    );
}

#[tokio::test]
async fn a_breached_clock_puts_the_ticket_in_the_escalated_queue() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let res = admin
        .put("/api/settings/sla")
        .json(
            &json!({"rules": [{"kind": "resolve", "minutes": 0, "timing": "continuous",
                                 "warn_percent": 75}]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let agent = server.agent().await;
    let id = server.hotline_ticket(&agent, "service", "shirking").await;
    // Reads never run the sweep: the view shows the clock out of time at once, the queue
    // takes the ticket at the server's next sweep.
    assert_eq!(agent.ticket(id).await.clocks[0].state, ClockState::Breached);
    server.sweep_breaches().await;

    let supervisor = server.supervisor().await;
    let queue = supervisor.tickets("queue=escalated").await;
    let v = queue
        .tickets
        .iter()
        .find(|t| t.ticket.id == id)
        .expect("escalated");
    assert_eq!(v.clocks[0].state, ClockState::Breached);
    assert!(v.clocks[0].breached);
    let breaches = |t: &Ticket| {
        t.timeline
            .iter()
            .filter(|e| {
                e.event
                    == TimelineEvent::Breached {
                        clock: ClockKind::Resolve,
                    }
            })
            .count()
    };
    assert_eq!(breaches(&v.ticket), 1);
    server.sweep_breaches().await;
    let again = supervisor.ticket(id).await.ticket;
    assert_eq!(breaches(&again), 1, "recorded once");
}

/// Every page of `GET /api/tickets?{query}` as `who`, `limit` at a time, joined.
async fn walk_tickets(who: &huifang_tests::Session, query: &str, limit: u32) -> Vec<Ticket> {
    let mut all = Vec::new();
    let mut after = String::new();
    loop {
        let page = who.tickets(&format!("{query}&limit={limit}{after}")).await;
        assert!(page.tickets.len() <= limit as usize);
        all.extend(page.tickets.into_iter().map(|v| v.ticket));
        match page.next {
            Some(next) => after = format!("&after={next}"),
            None => return all,
        }
    }
}

#[tokio::test]
async fn walking_the_ticket_list_gives_each_ticket_once_newest_change_first() {
    let server = TestServer::in_process();
    let agent = server.agent().await;
    let field = server.field().await;
    let supervisor = server.supervisor().await;
    let mut by_agent = Vec::new();
    for sub in ["attitude", "slow_response", "attitude", "slow_response"] {
        by_agent.push(server.hotline_ticket(&agent, "service", sub).await);
    }
    let by_field = server.hotline_ticket(&field, "service", "attitude").await;
    // Assigned to field staff and reported by them: still listed once to them.
    server.assign_and_start(by_field, &field).await;
    server.assign_and_start(by_agent[1], &field).await;

    let whole = supervisor.tickets("limit=200").await;
    let walked = walk_tickets(&supervisor, "", 2).await;
    let ids = |ts: &[Ticket]| ts.iter().map(|t| t.id).collect::<Vec<_>>();
    let whole_tickets: Vec<Ticket> = whole.tickets.into_iter().map(|v| v.ticket).collect();
    assert_eq!(
        ids(&walked),
        ids(&whole_tickets),
        "each ticket once, in order"
    );
    assert_eq!(whole.total.count, walked.len() as u64);
    let versions: Vec<_> = walked.iter().map(|t| t.version).collect();
    assert!(versions.is_sorted_by(|a, b| a > b), "newest change first");

    // Each filter walks exactly the matching part of the whole list, in its order.
    let part = |keep: &dyn Fn(&Ticket) -> bool| {
        whole_tickets
            .iter()
            .filter(|t| keep(t))
            .map(|t| t.id)
            .collect::<Vec<_>>()
    };
    let started = walk_tickets(&supervisor, "state=in_progress", 1).await;
    assert_eq!(ids(&started), part(&|t| t.state == TicketState::InProgress));
    assert_eq!(ids(&started)[..2], [by_agent[1], by_field]);
    let to_field = |t: &Ticket| t.assignee == Some(field.user.id);
    let assigned = walk_tickets(&supervisor, &format!("assignee={}", field.user.id), 1).await;
    assert_eq!(ids(&assigned), part(&to_field));

    let own = walk_tickets(&field, "", 1).await;
    let visible = |t: &Ticket| to_field(t) || t.timeline[0].by == field.user.id;
    assert_eq!(
        ids(&own),
        part(&visible),
        "what field staff may see, once each"
    );
    assert!(ids(&own).contains(&by_field) && ids(&own).contains(&by_agent[1]));
    assert_eq!(field.tickets("").await.total.count, own.len() as u64);
    let mine = walk_tickets(&field, "queue=mine&state=in_progress", 1).await;
    let started_by_field = |t: &Ticket| to_field(t) && t.state == TicketState::InProgress;
    assert_eq!(ids(&mine), part(&started_by_field));
    let status = supervisor.get_status("/api/tickets?after=zz").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let status = supervisor.get_status("/api/tickets?page=1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
