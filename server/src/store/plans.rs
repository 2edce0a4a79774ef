//! The query-plan test: every statement the store runs on a request path is served by an
//! index. It traces every statement a representative workload runs through the real
//! [`Store`] (each connection `connect` opens in a test build is traced), then asks SQLite
//! for the plan of each distinct one and fails on any `SCAN` of a table that grows with use.
//!
//! The rule: a plan may `SCAN` a big table only as a walk in index or rowid order that a
//! LIMIT stops: the statement has a `LIMIT` and its plan sorts nothing (`USE TEMP B-TREE`
//! would mean every matching row is read before the first is returned). That is the first
//! page of a list by cursor and the capped count of its total. Small tables (settings,
//! scripts, surveys, users, the rule sets, the change counter) may be scanned.
//!
//! A new query on a request path gets a call in one of the workload functions below (one per
//! area), so that this test sees it.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Mutex;

use chrono::{DateTime, Duration, TimeZone, Utc};
use huifang_domain::devices::DeviceReport;
use huifang_domain::review::{ReviewDecision, ReviewRequest, ReviewTarget};
use huifang_domain::task::{NewTask, Priority, TaskStatus};
use huifang_domain::ticket::{
    DemandKind, DuplicateQuery, IntakeChannel, Nature, TicketAction, TicketFields, TicketIntake,
    TicketState, TicketUpdate,
};
use huifang_domain::{
    Channel, Demand, Emotion, LoginRequest, Mutation, Outcome, PushRequest, User, VisitRecord,
    VisitType,
};
use rusqlite::Connection;
use rusqlite::trace::{TraceEvent, TraceEventCodes};
use uuid::Uuid;

use crate::service::new_id;

mod catalog;
mod devices;
mod exports;
mod stats;

use super::{
    AuditFilter, DEMO_PASSWORD, PageAt, ReviewState, RuleSet, Store, TaskFilter, TicketFilter,
    TicketQueue, VisitFilter,
};

/// Tables that grow with use: a scan of one costs O(all rows).
const BIG: [&str; 24] = [
    "stats_actions",
    "visits",
    // The dashboards' rollups (0017): a year is thousands of rows; a period is a key range.
    "visit_days",
    "agent_visit_days",
    "agent_days",
    "revisit_days",
    "coverage_days",
    "breach_days",
    "task_moves",
    "visit_plans",
    "recurring_tasks",
    "customer_tags",
    "tickets",
    "ticket_clocks",
    "ticket_timeline",
    "ticket_history",
    "ticket_reports",
    "tasks",
    "audit_log",
    "customers",
    "rejections",
    "devices",
    "sessions",
    "login_failures",
];

static TRACED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fn record(event: TraceEvent<'_>) {
    if let TraceEvent::Stmt(_, sql) = event {
        let sql = sql.trim();
        if !sql.starts_with("--") {
            TRACED
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(sql.to_owned());
        }
    }
}

/// Called by `connect` in test builds: every statement of every store connection is kept.
pub(super) fn traced(conn: Connection) -> Connection {
    conn.trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, Some(record));
    conn
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 10, 30).unwrap()
}

fn page(limit: u32, after: Option<String>) -> PageAt {
    PageAt {
        after,
        limit,
        cap: 3,
    }
}

struct Ctx {
    store: Store,
    field: User,
    agent: User,
    supervisor: User,
    admin: User,
    customers: Vec<Uuid>,
    /// The last seq of each user's device (the device id is the user's).
    seqs: BTreeMap<Uuid, u64>,
}

impl Ctx {
    async fn push(&mut self, user: &User, kind: &str, id: Uuid, data: serde_json::Value) {
        let seq = self.seqs.entry(user.id).or_default();
        *seq += 1;
        let m = Mutation {
            seq: *seq,
            id,
            kind: kind.into(),
            at: now(),
            data,
        };
        let answer = self
            .store
            .apply_push(
                user.clone(),
                PushRequest {
                    device_id: user.id,
                    mutations: vec![m],
                },
                DeviceReport::default(),
                now(),
            )
            .await
            .unwrap();
        assert!(answer.rejected.is_empty(), "{kind}: {:?}", answer.rejected);
    }
}

async fn setup() -> (tempfile::TempDir, Ctx) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("plans.db"), now())
        .await
        .unwrap();
    store.seed_demo(now()).await.unwrap();
    // Migrations (their one-off backfills walk whole tables) and the demo are no request.
    TRACED.lock().unwrap_or_else(|p| p.into_inner()).clear();
    let mut users = Vec::new();
    for name in ["field", "agent", "supervisor", "admin"] {
        let req = LoginRequest {
            username: name.into(),
            password: DEMO_PASSWORD.into(),
        };
        let login = store
            .login(req, IpAddr::V4(Ipv4Addr::LOCALHOST), now())
            .await;
        users.push(login.unwrap().user);
    }
    let pulled = store
        .pull(users[0].clone(), 0, None, None, now())
        .await
        .unwrap();
    let customers = pulled
        .customers
        .iter()
        .map(|c| {
            serde_json::from_str::<huifang_domain::Customer>(c.get())
                .unwrap()
                .id
        })
        .collect();
    let [field, agent, supervisor, admin] = users.try_into().unwrap();
    let ctx = Ctx {
        store,
        field,
        agent,
        supervisor,
        admin,
        customers,
        seqs: BTreeMap::new(),
    };
    (dir, ctx)
}

async fn auth(c: &mut Ctx) {
    let s = &c.store;
    let ip = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
    let wrong = LoginRequest {
        username: "field".into(),
        password: "not the password".into(),
    };
    assert!(s.login(wrong, ip, now()).await.is_err());
    let right = LoginRequest {
        username: "field".into(),
        password: DEMO_PASSWORD.into(),
    };
    let login = s.login(right, ip, now()).await.unwrap();
    let hash = crate::credentials::token_hash(&login.token);
    s.session_user(hash.clone(), now()).await.unwrap();
    s.logout(hash).await.unwrap();
    s.list_users(None).await.unwrap();
}

async fn people(c: &mut Ctx) {
    use huifang_domain::people::{NewPerson, PasswordChange, PasswordReset, PersonChange};
    let s = &c.store;
    s.people().await.unwrap();
    let new = NewPerson {
        username: "xiaoli".into(),
        display_name: "小李".into(),
        role: huifang_domain::Role::Field,
        agent_no: "F210".into(),
        password: None,
    };
    let added = s.add_person(c.admin.clone(), new, now()).await.unwrap();
    let id = added.person.id;
    let change = PersonChange {
        agent_no: Some("F211".into()),
        ..PersonChange::default()
    };
    s.change_person(c.admin.clone(), id, change, now())
        .await
        .unwrap();
    let to_agent = PersonChange {
        role: Some(huifang_domain::Role::Agent),
        ..PersonChange::default()
    };
    // Demoting an admin counts the others.
    let admin = c.admin.id;
    assert!(
        s.change_person(c.admin.clone(), admin, to_agent, now())
            .await
            .is_err()
    );
    s.reset_password(c.admin.clone(), id, PasswordReset::default(), now())
        .await
        .unwrap();
    s.set_disabled(c.admin.clone(), id, true, now())
        .await
        .unwrap();
    s.set_disabled(c.admin.clone(), id, false, now())
        .await
        .unwrap();
    let ip = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
    let change = PasswordChange {
        current: DEMO_PASSWORD.into(),
        new: "agent-own-password".into(),
    };
    s.change_own_password(c.agent.clone(), "kept".into(), change, ip, now())
        .await
        .unwrap();
}

async fn visits(c: &mut Ctx) {
    let mut ids = Vec::new();
    for (i, customer) in c.customers.clone().into_iter().take(3).enumerate() {
        let record = VisitRecord {
            satisfaction: Some(4),
            emotion: Some(Emotion::Satisfied),
            demand: Some(Demand::None),
            verbatim: "已解决".into(),
            escalate: i == 0,
            ..VisitRecord::new(
                customer,
                Channel::Phone,
                VisitType::Complaint,
                Outcome::Reached,
                now() - Duration::minutes(10 + i as i64),
            )
        };
        let id = new_id();
        let field = c.field.clone();
        c.push(
            &field,
            "visit.record",
            id,
            serde_json::to_value(record).unwrap(),
        )
        .await;
        ids.push(id);
    }
    let review = ReviewRequest {
        target: ReviewTarget::Visit(ids[0]),
        decision: ReviewDecision::SignOff,
        comment: String::new(),
    };
    let supervisor = c.supervisor.clone();
    c.push(
        &supervisor,
        "review.decide",
        new_id(),
        serde_json::to_value(review).unwrap(),
    )
    .await;
    let s = &c.store;
    for escalated in [false, true] {
        for customer in [None, Some(c.customers[0])] {
            for review in [
                None,
                Some(ReviewState::Pending),
                Some(ReviewState::SignedOff),
            ] {
                let filter = VisitFilter {
                    escalated,
                    customer,
                    review,
                };
                let first = s.list_visits(filter, page(1, None)).await.unwrap();
                s.list_visits(filter, page(1, first.next)).await.unwrap();
            }
        }
    }
    for state in [
        ReviewState::Pending,
        ReviewState::SignedOff,
        ReviewState::Returned,
    ] {
        s.reviews(state).await.unwrap();
    }
    s.customer_file(c.customers[0]).await.unwrap();
    s.reveal_contact(c.field.clone(), c.customers[0], now())
        .await
        .unwrap();
}

fn intake(customer: Uuid) -> TicketIntake {
    TicketIntake {
        customer_id: Some(customer),
        reporter: "王女士".into(),
        contact: Some("13812345678".into()),
        channel: IntakeChannel::Hotline,
        nature: Nature::Service,
        sub_problem: "slow_response".into(),
        description: "客服两天没回电话".into(),
        emotion: None,
        demand: DemandKind::Improvement,
        personal_injury: false,
        property_loss: false,
        visit_id: None,
        duplicate_of: None,
    }
}

fn update(action: TicketAction, set: TicketFields) -> serde_json::Value {
    serde_json::to_value(TicketUpdate {
        action: Some(action),
        set,
        base: TicketFields::default(),
        note: None,
        waiting_on_customer: None,
    })
    .unwrap()
}

async fn tickets(c: &mut Ctx) {
    let (agent, field, supervisor) = (c.agent.clone(), c.field.clone(), c.supervisor.clone());
    let id = new_id();
    c.push(
        &agent,
        "ticket.create",
        id,
        serde_json::to_value(intake(c.customers[1])).unwrap(),
    )
    .await;
    // A second report of the same problem: the duplicate check and the repeat count.
    c.push(
        &field,
        "ticket.create",
        new_id(),
        serde_json::to_value(intake(c.customers[1])).unwrap(),
    )
    .await;
    let assign = TicketFields {
        assignee: Some(field.id),
        ..TicketFields::default()
    };
    c.push(
        &supervisor,
        "ticket.update",
        id,
        update(TicketAction::Assign, assign),
    )
    .await;
    c.push(
        &field,
        "ticket.update",
        id,
        update(TicketAction::Start, TicketFields::default()),
    )
    .await;
    let resolve = TicketFields {
        resolution: Some("已补发并致歉".into()),
        ..TicketFields::default()
    };
    c.push(
        &field,
        "ticket.update",
        id,
        update(TicketAction::Resolve, resolve),
    )
    .await;
    let review = ReviewRequest {
        target: ReviewTarget::Ticket(id),
        decision: ReviewDecision::Return,
        comment: "补充回访记录".into(),
    };
    c.push(
        &supervisor,
        "review.decide",
        new_id(),
        serde_json::to_value(review).unwrap(),
    )
    .await;
    let s = &c.store;
    for user in [&c.field, &c.agent, &c.supervisor, &c.admin] {
        for state in [None, Some(TicketState::New), Some(TicketState::Resolved)] {
            for assignee in [None, Some(field.id)] {
                for queue in [
                    None,
                    Some(TicketQueue::Mine),
                    Some(TicketQueue::Escalated),
                    Some(TicketQueue::Review),
                ] {
                    let filter = TicketFilter {
                        state,
                        assignee,
                        queue,
                        ..TicketFilter::default()
                    };
                    let first = s
                        .list_tickets(user.clone(), filter, page(1, None), now())
                        .await
                        .unwrap();
                    s.list_tickets(user.clone(), filter, page(1, first.next), now())
                        .await
                        .unwrap();
                }
            }
        }
    }
    s.ticket(c.field.clone(), id, now()).await.unwrap();
    let q = DuplicateQuery {
        customer_id: Some(c.customers[1]),
        contact: None,
        sub_problem: "slow_response".into(),
    };
    s.duplicates(q, now()).await.unwrap();
    s.coverage(now() - Duration::days(30), now() + Duration::days(1))
        .await
        .unwrap();
    s.check_breaches(now() + Duration::days(30)).await.unwrap();
}

async fn tasks(c: &mut Ctx) {
    let s = &c.store;
    let new = NewTask {
        id: new_id(),
        customer_id: c.customers[2],
        assignee: c.field.id,
        visit_type: VisitType::Satisfaction,
        planned_channel: Channel::Phone,
        priority: Priority::Normal,
        due_from: now() + Duration::hours(1),
        due_until: now() + Duration::hours(5),
        note: String::new(),
    };
    s.create_task(c.supervisor.clone(), new, now())
        .await
        .unwrap();
    for status in [None, Some(TaskStatus::Open)] {
        for assignee in [None, Some(c.field.id)] {
            let filter = TaskFilter {
                status,
                assignee,
                ..TaskFilter::default()
            };
            let first = s.list_tasks(filter, page(1, None)).await.unwrap();
            s.list_tasks(filter, page(1, first.next)).await.unwrap();
        }
    }
}

/// 回访计划: the task list's filters, a change and a cancel, a bulk plan and the recurring run.
async fn visit_plans(c: &mut Ctx) {
    use huifang_domain::CustomerClass;
    use huifang_domain::planning::{PlanRequest, Selection, TaskCancel, TaskChange};
    let s = &c.store;
    for visit_type in [None, Some(VisitType::Satisfaction)] {
        for class in [None, Some(CustomerClass::A)] {
            for window in [false, true] {
                for assignee in [None, Some(c.field.id)] {
                    let filter = TaskFilter {
                        status: Some(TaskStatus::Open),
                        assignee,
                        visit_type,
                        class,
                        due_from: window.then(|| now() - Duration::days(1)),
                        due_to: window.then(|| now() + Duration::days(7)),
                    };
                    let first = s.list_tasks(filter, page(1, None)).await.unwrap();
                    s.list_tasks(filter, page(1, first.next)).await.unwrap();
                }
            }
        }
    }
    let open = s
        .list_tasks(
            TaskFilter {
                status: Some(TaskStatus::Open),
                ..TaskFilter::default()
            },
            page(2, None),
        )
        .await
        .unwrap()
        .tasks;
    let moved = s
        .change_task(
            c.supervisor.clone(),
            open[0].id,
            TaskChange {
                version: open[0].version,
                assignee: Some(c.agent.id),
                due_from: None,
                due_until: Some(open[0].due_until + Duration::hours(1)),
            },
            now(),
        )
        .await
        .unwrap();
    assert_eq!(moved.assignee, c.agent.id);
    s.cancel_task(
        c.supervisor.clone(),
        open[1].id,
        TaskCancel {
            version: open[1].version,
            reason: "客户已搬走".into(),
        },
        now(),
    )
    .await
    .unwrap();
    let selections = [
        Selection::default(),
        Selection {
            classes: vec![CustomerClass::A, CustomerClass::B],
            last_visit_before: Some(now().date_naive()),
            ..Selection::default()
        },
        Selection {
            tag: Some("VIP".into()),
            purchased_from: Some(now().date_naive() - Duration::days(400)),
            purchased_to: Some(now().date_naive()),
            ..Selection::default()
        },
    ];
    for selection in selections {
        let req = PlanRequest {
            id: new_id(),
            selection,
            visit_type: VisitType::Care,
            planned_channel: Channel::Phone,
            priority: Priority::Normal,
            staff: vec![c.field.id, c.agent.id],
            first_day: now().date_naive() + Duration::days(1),
            days: 3,
            daily_cap: 8,
            note: String::new(),
        };
        s.preview_plan(req.clone(), now()).await.unwrap();
        s.create_plan(c.supervisor.clone(), req, now())
            .await
            .unwrap();
    }
    let policy = s.recurring_policy().await.unwrap();
    s.save_recurring_policy(
        c.admin.clone(),
        huifang_domain::recurring::PolicyUpdate {
            version: policy.version,
            policy: policy.policy,
        },
        now(),
    )
    .await
    .unwrap();
    s.run_recurring(now()).await.unwrap();
}

async fn audit(c: &mut Ctx) {
    let s = &c.store;
    let filters = [
        AuditFilter::default(),
        AuditFilter {
            user: Some(c.field.id),
            ..AuditFilter::default()
        },
        AuditFilter {
            actions: vec!["visit.record".into()],
            ..AuditFilter::default()
        },
        AuditFilter {
            actions: vec!["contact.reveal".into(), "export".into()],
            ..AuditFilter::default()
        },
        AuditFilter {
            user: Some(c.admin.id),
            actions: vec!["settings.update".into(), "rules.update".into()],
            from: Some(now() - Duration::days(30)),
            to: Some(now() + Duration::days(1)),
            ..AuditFilter::default()
        },
        AuditFilter {
            entity: Some("ticket".into()),
            ..AuditFilter::default()
        },
        AuditFilter {
            entity: Some("customer".into()),
            entity_id: Some(c.customers[0].to_string()),
            ..AuditFilter::default()
        },
        AuditFilter {
            from: Some(now() - Duration::days(1)),
            to: Some(now() + Duration::days(1)),
            ..AuditFilter::default()
        },
    ];
    for filter in filters {
        let first = s.audit_list(filter.clone(), page(1, None)).await.unwrap();
        s.audit_list(filter, page(1, first.next)).await.unwrap();
    }
}

async fn sync(c: &mut Ctx) {
    for user in [&c.field, &c.agent, &c.supervisor, &c.admin] {
        let first = c
            .store
            .pull(user.clone(), 0, None, None, now())
            .await
            .unwrap();
        c.store
            .pull(user.clone(), first.cursor, first.snapshot, None, now())
            .await
            .unwrap();
    }
    devices::devices(c).await;
    // The customer lookup: a name's start, a number's end.
    for q in ["王", "5678"] {
        c.store
            .find_customers(c.field.clone(), q.into(), 20)
            .await
            .unwrap();
    }
}

/// 机构设置 read and saved, and a revisit rule naming a supervisor saved (it reads the users).
async fn settings(c: &mut Ctx) {
    let s = &c.store;
    let mut read = s.settings().await.unwrap();
    read.settings.company = "惠方".into();
    s.put_settings(c.admin.clone(), read, now()).await.unwrap();
    let mut revisit = s.rule_set(RuleSet::Revisit).await.unwrap();
    revisit["revisitors"] =
        serde_json::json!({"important": {"by": "person", "user": c.supervisor.id}});
    s.put_rule_set(c.admin.clone(), RuleSet::Revisit, revisit, now())
        .await
        .unwrap();
}

/// The tables a statement names, with their aliases, among the big ones.
fn big_names(sql: &str) -> BTreeSet<String> {
    let words: Vec<&str> = sql
        .split(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut names = BTreeSet::new();
    for (i, w) in words.iter().enumerate() {
        if BIG.contains(w) {
            names.insert((*w).to_owned());
            if let Some(alias) = words.get(i + 1) {
                let keyword = [
                    "WHERE", "JOIN", "ON", "SET", "ORDER", "GROUP", "LIMIT", "AS",
                ];
                if !keyword.contains(&alias.to_uppercase().as_str()) {
                    names.insert((*alias).to_owned());
                }
            }
        }
    }
    names
}

/// The `SCAN`s of `sql`'s plan that break the rule of this module.
fn bad_scans(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap_or_else(|e| panic!("explain {sql}: {e}"));
    let plan: Vec<String> = stmt
        // Planned as run: with its parameters unknown (NULL-bound), not folded into constants.
        .query_map(
            rusqlite::params_from_iter(vec![rusqlite::types::Null; stmt.parameter_count()]),
            |r| r.get::<_, String>(3),
        )
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let sorts = plan.iter().any(|d| d.contains("USE TEMP B-TREE"));
    let bounded = sql.to_uppercase().contains("LIMIT") && !sorts;
    let big = big_names(sql);
    plan.into_iter()
        .filter(|d| {
            let Some(rest) = d.strip_prefix("SCAN ") else {
                return false;
            };
            let table = rest.split(' ').next().unwrap_or_default();
            // A table the text does not name is scanned for SQLite's own reasons (a foreign
            // key's children checked on an update of their parent).
            (big.contains(table) || BIG.contains(&table)) && !bounded
        })
        .collect()
}

fn on_request_path(sql: &str) -> bool {
    let head = sql
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_uppercase();
    ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH"].contains(&head.as_str())
        && !sql.contains("sqlite_")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_request_scans_a_big_table() {
    let (dir, mut c) = setup().await;
    auth(&mut c).await;
    people(&mut c).await;
    settings(&mut c).await;
    visits(&mut c).await;
    tickets(&mut c).await;
    tasks(&mut c).await;
    visit_plans(&mut c).await;
    audit(&mut c).await;
    sync(&mut c).await;
    super::plans_customer_book::workload(&c.store, &c.admin).await;
    catalog::catalog(&mut c).await;
    exports::exports(&mut c).await;
    stats::stats(&mut c).await;
    super::plans_import::imports(&c.store, &c.admin).await;
    super::plans_dashboard::workload(&c.store, c.field.id, now()).await;

    let traced = TRACED.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let conn = Connection::open(dir.path().join("plans.db")).unwrap();
    let mut failures = Vec::new();
    for sql in traced.iter().filter(|s| on_request_path(s)) {
        let scans = bad_scans(&conn, sql);
        if !scans.is_empty() {
            failures.push(format!("{sql}\n    {}", scans.join("\n    ")));
        }
    }
    assert!(
        traced.len() > 50,
        "the workload ran through traced connections ({} statements)",
        traced.len()
    );
    assert!(
        failures.is_empty(),
        "statements scanning a big table:\n\n{}",
        failures.join("\n\n")
    );
}

#[test]
fn the_rule_catches_a_scan_and_lets_an_index_walk_through() {
    let conn = crate::store::testing::database(now());
    let cases = [
        ("SELECT id FROM tickets WHERE nature = 'service'", 1),
        ("SELECT v.id FROM visits v WHERE v.verbatim = ''", 1),
        (
            // (`created_at` is walked by `tickets_created` since migration 0020.)
            "SELECT id FROM tickets WHERE nature = 'service' ORDER BY reports LIMIT 5",
            1,
        ),
        (
            "SELECT id FROM tickets WHERE version > 0 ORDER BY version LIMIT 5",
            0,
        ),
        ("SELECT id FROM tickets ORDER BY version DESC LIMIT 5", 0),
        ("SELECT id FROM audit_log ORDER BY id DESC LIMIT 5", 0),
        ("SELECT id FROM visits WHERE customer_id = 'x'", 0),
        ("SELECT key FROM ticket_settings", 0),
    ];
    for (sql, scans) in cases {
        assert_eq!(bad_scans(&conn, sql).len(), scans, "{sql}");
    }
}
