//! A logged-in user on their device, speaking the HTTP contract.

use chrono::{DateTime, TimeDelta, Utc};
use huifang_domain::{
    Customer, CustomerMatches, LoginResponse, Mutation, PullResponse, PushRequest, PushResponse,
    Rejected, User, VisitList, VisitSummary,
};
use huifang_server::Clock;
use reqwest::{RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::new_id;

/// A logged-in user on their device, whose clock agrees with the server's.
pub struct Session {
    pub token: String,
    pub user: User,
    base: String,
    client: reqwest::Client,
    clock: Clock,
}

impl Session {
    pub(crate) fn new(
        login: LoginResponse,
        base: String,
        client: reqwest::Client,
        clock: Clock,
    ) -> Session {
        Session {
            token: login.token,
            user: login.user,
            base,
            client,
            clock,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// A mutation of `kind` with a fresh entity id, made now on this device.
    pub fn mutation(&self, seq: u64, kind: &str, data: Value) -> Mutation {
        Mutation {
            seq,
            id: new_id(),
            kind: kind.into(),
            at: self.now(),
            data,
        }
    }

    /// The `data` of a valid `visit.record`: the customer was reached, five minutes ago.
    pub fn visit_data(&self, customer_id: Uuid) -> Value {
        json!({
            "customer_id": customer_id,
            "channel": "phone",
            "visit_type": "repair",
            "outcome": "reached",
            "satisfaction": 4,
            "emotion": "satisfied",
            "verbatim": "师傅上门很准时,问题已经解决了",
            "demand": "none",
            "follow_up": "",
            "contacted_at": self.now() - TimeDelta::minutes(5),
        })
    }

    /// A valid `visit.record` mutation about `customer_id`.
    pub fn visit(&self, seq: u64, customer_id: Uuid) -> Mutation {
        self.mutation(seq, "visit.record", self.visit_data(customer_id))
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    pub fn put(&self, path: &str) -> RequestBuilder {
        self.client
            .put(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    pub fn patch(&self, path: &str) -> RequestBuilder {
        self.client
            .patch(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    /// GETs `path`, expects 200 and decodes the answer.
    pub async fn get_ok<T: DeserializeOwned>(&self, path: &str) -> T {
        let res = self.get(path).send().await.expect("GET request");
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.json().await.expect("a JSON answer")
    }

    /// The status a GET of `path` is answered with.
    pub async fn get_status(&self, path: &str) -> StatusCode {
        self.get(path).send().await.expect("GET request").status()
    }

    /// Pushes a batch; `Err` carries the status and error body of a non-200 answer.
    pub async fn push(
        &self,
        device_id: Uuid,
        mutations: &[Mutation],
    ) -> Result<PushResponse, (StatusCode, Value)> {
        let req = PushRequest {
            device_id,
            mutations: mutations.to_vec(),
        };
        let res = self
            .post("/api/sync/push")
            .json(&req)
            .send()
            .await
            .expect("push request");
        match res.status() {
            StatusCode::OK => Ok(res.json().await.expect("push response")),
            status => Err((status, res.json().await.expect("JSON error body"))),
        }
    }

    /// Pushes a batch from a device never seen before, expecting the batch accepted (each
    /// mutation may still be rejected).
    pub async fn push_fresh(&self, mutations: &[Mutation]) -> PushResponse {
        self.push(new_id(), mutations)
            .await
            .unwrap_or_else(|(status, body)| panic!("push refused: {status} {body}"))
    }

    /// Pushes one mutation from a fresh device and returns its rejection, if any.
    pub async fn rejection(&self, m: &Mutation) -> Option<Rejected> {
        let answer = self.push_fresh(std::slice::from_ref(m)).await;
        answer.rejected.into_iter().next()
    }

    /// Pushes one mutation from a fresh device and expects it applied.
    pub async fn apply(&self, m: &Mutation) {
        if let Some(r) = self.rejection(m).await {
            panic!("{} rejected: {r:?}", m.kind);
        }
    }

    pub async fn pull(&self, since: u64) -> PullResponse {
        self.get_ok(&format!("/api/sync/pull?since={since}")).await
    }

    /// The next page of a pull that answered `page` (`more`), with its snapshot if any.
    pub async fn pull_next(&self, page: &PullResponse) -> PullResponse {
        let snapshot = page
            .snapshot
            .map_or(String::new(), |s| format!("&snapshot={s}"));
        self.get_ok(&format!("/api/sync/pull?since={}{snapshot}", page.cursor))
            .await
    }

    /// Everything this user's pulls deliver from `since` on, following `more` to the end.
    pub async fn pull_all(&self, since: u64) -> PullResponse {
        let mut all = self.pull(since).await;
        while all.more {
            let page = self.pull_next(&all).await;
            all.customers.extend(page.customers);
            all.tasks.extend(page.tasks);
            all.scripts.extend(page.scripts);
            all.surveys.extend(page.surveys);
            all.settings = page.settings.or(all.settings);
            all.tickets.extend(page.tickets);
            all.dropped.tickets.extend(page.dropped.tickets);
            all.dropped.tasks.extend(page.dropped.tasks);
            all.cursor = page.cursor;
            all.snapshot = page.snapshot;
            all.more = page.more;
        }
        all
    }

    /// The customers this user's device holds after a first pull: those of their tasks and
    /// tickets.
    pub async fn customers(&self) -> Vec<Customer> {
        self.pull_all(0).await.customers
    }

    /// `GET /api/customers?q=`: the customers a lookup finds (`q` goes as typed: the URL
    /// parser encodes it).
    pub async fn find_customers(&self, q: &str) -> Vec<Customer> {
        self.get_ok::<CustomerMatches>(&format!("/api/customers?q={q}"))
            .await
            .customers
    }

    /// One page of `GET /api/visits`, after `after` (a cursor an earlier page handed out).
    pub async fn visits(&self, after: Option<&str>, limit: u32) -> VisitList {
        let after = after.map_or(String::new(), |c| format!("&after={c}"));
        self.get_ok(&format!("/api/visits?limit={limit}{after}"))
            .await
    }

    /// Every stored visit, newest first, following the cursor to the last page.
    pub async fn all_visits(&self) -> Vec<VisitSummary> {
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let page = self.visits(after.as_deref(), 200).await;
            all.extend(page.visits);
            match page.next {
                Some(next) => after = Some(next),
                None => return all,
            }
        }
    }
}
