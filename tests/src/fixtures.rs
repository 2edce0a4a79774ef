//! What several API tests start from, so each states only what is particular to it: the demo
//! users logged in, a customer, a ticket opened and worked on, and the checks of a refusal.

use chrono::{DateTime, FixedOffset, SubsecRound, TimeDelta, TimeZone, Utc};
use huifang_domain::script::Script;
use huifang_domain::survey::Survey;
use huifang_domain::task::{TaskSource, VisitTask};
use huifang_domain::ticket::{CoverageRow, TicketList, TicketView};
use huifang_domain::{ApiError, Mutation, VisitList};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{Session, TestServer};

impl TestServer {
    /// The demo field worker (李明, F001), logged in.
    pub async fn field(&self) -> Session {
        self.login("field").await
    }

    /// The demo call-centre agent, logged in.
    pub async fn agent(&self) -> Session {
        self.login("agent").await
    }

    pub async fn supervisor(&self) -> Session {
        self.login("supervisor").await
    }

    pub async fn admin(&self) -> Session {
        self.login("admin").await
    }

    /// The first demo customer the field worker's device holds.
    pub async fn a_customer(&self) -> Uuid {
        self.field().await.a_customer().await
    }

    /// `GET /api/visits?{query}` as the demo supervisor.
    pub async fn supervisor_visits(&self, query: &str) -> VisitList {
        self.supervisor()
            .await
            .get_ok(&format!("/api/visits?{query}"))
            .await
    }

    /// How many audit rows record `action`.
    pub fn audit_rows(&self, action: &str) -> i64 {
        self.db()
            .query_row(
                "SELECT COUNT(*) FROM audit_log WHERE action = ?1",
                [action],
                |r| r.get(0),
            )
            .expect("count audit rows")
    }

    /// A hotline report about a demo customer, opened by `by`; its id.
    pub async fn hotline_ticket(&self, by: &Session, nature: &str, sub_problem: &str) -> Uuid {
        let customer = self.a_customer().await;
        by.create_ticket(intake(Some(customer), "hotline", nature, sub_problem))
            .await
    }

    /// Assigns `ticket` to `to` (as the supervisor), then `to` starts it.
    pub async fn assign_and_start(&self, ticket: Uuid, to: &Session) {
        let supervisor = self.supervisor().await;
        let assign = json!({"action": "assign", "set": {"assignee": to.user.id}});
        supervisor
            .apply(&supervisor.ticket_update(ticket, assign))
            .await;
        to.apply(&to.ticket_update(ticket, json!({"action": "start"})))
            .await;
    }

    /// The revisit coverage from `from` on, as the demo supervisor.
    pub async fn coverage(&self, from: DateTime<Utc>) -> Vec<CoverageRow> {
        let from = from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        self.supervisor()
            .await
            .get_ok(&format!("/api/coverage?from={from}"))
            .await
    }

    /// Waits until the server's clock is past the next whole second, and returns that second.
    pub async fn next_whole_second(&self) -> DateTime<Utc> {
        let next = self.now().trunc_subsecs(0) + TimeDelta::seconds(1);
        // The test's reading of the server's clock may run ahead of it by a process start-up.
        let margin = TimeDelta::milliseconds(300);
        let wait = (next + margin - self.now()).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
        next
    }
}

impl Session {
    /// The first customer this user's device holds.
    pub async fn a_customer(&self) -> Uuid {
        self.customers().await[0].id
    }

    /// A reached on-site visit with the customer's signature and a position fix.
    pub fn on_site_data(&self, customer: Uuid) -> Value {
        let mut data = self.visit_data(customer);
        data["channel"] = json!("on_site");
        data["signature"] = json!({"width": 600, "height": 200,
            "strokes": [[[10, 100], [30, 90], [50, 80], [70, 95], [90, 110]],
                        [[200, 50], [220, 60], [240, 70], [260, 80], [280, 90], [300, 100]]]});
        data["place"] = json!({"status": "fix", "lat_e6": 31_230_416, "lon_e6": 121_473_701,
            "accuracy_m": 12, "at": self.now() - TimeDelta::minutes(6)});
        data
    }

    /// A `ticket.create` with a fresh ticket id, applied; its id.
    pub async fn create_ticket(&self, data: Value) -> Uuid {
        let m = self.mutation(1, "ticket.create", data);
        self.apply(&m).await;
        m.id
    }

    /// A `ticket.update` of `ticket` made on this device.
    pub fn ticket_update(&self, ticket: Uuid, data: Value) -> Mutation {
        Mutation {
            id: ticket,
            ..self.mutation(1, "ticket.update", data)
        }
    }

    /// Resolving `ticket` with a written resolution.
    pub fn resolve(&self, ticket: Uuid) -> Mutation {
        self.ticket_update(
            ticket,
            json!({"action": "resolve", "set": {"resolution": "已上门更换配件并向客户致歉"}}),
        )
    }

    /// `GET /api/tickets/{ticket}`.
    pub async fn ticket(&self, ticket: Uuid) -> TicketView {
        self.get_ok(&format!("/api/tickets/{ticket}")).await
    }

    /// `GET /api/tickets?{query}`.
    pub async fn tickets(&self, query: &str) -> TicketList {
        self.get_ok(&format!("/api/tickets?{query}")).await
    }

    /// The revisit tasks of `ticket` this user's pulls deliver.
    pub async fn revisit_tasks(&self, ticket: Uuid) -> Vec<VisitTask> {
        self.pull_all(0)
            .await
            .tasks
            .into_iter()
            .filter(|t| t.source == TaskSource::Ticket { ticket_id: ticket })
            .collect()
    }

    /// Answers a revisit task with `satisfaction` (reached, on the phone); the visit's id.
    pub async fn answer_revisit(&self, task: &VisitTask, satisfaction: u8) -> Uuid {
        let mut data = self.visit_data(task.customer_id);
        data["task_id"] = json!(task.id);
        data["visit_type"] = json!(task.visit_type);
        data["satisfaction"] = json!(satisfaction);
        data["emotion"] = json!(if satisfaction >= 4 {
            "satisfied"
        } else {
            "unsatisfied"
        });
        let m = self.mutation(1, "visit.record", data);
        self.apply(&m).await;
        m.id
    }
}

/// The `data` of a `ticket.create` about `customer`.
pub fn intake(customer: Option<Uuid>, channel: &str, nature: &str, sub: &str) -> Value {
    json!({
        "customer_id": customer,
        "reporter": if customer.is_some() { "王女士" } else { "" },
        "channel": channel,
        "nature": nature,
        "sub_problem": sub,
        "description": "师傅说好上午来,下午四点才到,也没提前打电话",
        "emotion": "calm",
        "demand": "improvement"
    })
}

/// A Beijing wall-clock instant in November/December 2026 (23 November is a Monday).
pub fn beijing(month: u32, day: u32, h: u32, m: u32, s: u32) -> DateTime<Utc> {
    FixedOffset::east_opt(8 * 3600)
        .expect("UTC+8")
        .with_ymd_and_hms(2026, month, day, h, m, s)
        .single()
        .expect("a valid instant")
        .to_utc()
}

pub fn survey_titled<'a>(surveys: &'a [Survey], title: &str) -> &'a Survey {
    surveys.iter().find(|s| s.title == title).expect(title)
}

pub fn script_titled<'a>(scripts: &'a [Script], title: &str) -> &'a Script {
    scripts.iter().find(|s| s.title == title).expect(title)
}

pub async fn error_of(res: reqwest::Response) -> ApiError {
    res.json().await.expect("a JSON error body")
}

/// Asserts the status and the JSON error code of a refused request, and returns the error.
pub async fn expect_error(res: reqwest::Response, status: StatusCode, code: &str) -> ApiError {
    assert_eq!(res.status(), status);
    let error = error_of(res).await;
    assert_eq!(error.error.code, code);
    error
}

/// Asserts a 400 `bad_request` that names `field`.
pub async fn expect_bad_request(res: reqwest::Response, field: &str) {
    let error = expect_error(res, StatusCode::BAD_REQUEST, "bad_request").await;
    assert_eq!(error.error.field.as_deref(), Some(field));
}
