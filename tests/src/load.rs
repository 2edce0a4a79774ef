//! Load clients for the benchmarks and the crash test: many devices pushing at once
//! ([`push_storm`]), many logins ([`login_storm`]), and the device that keeps its queue until
//! it is acknowledged ([`Device`]). They speak only HTTP to a server at a base URL, as the demo
//! users (`huifang serve --demo`), so they run against any server, in-process or not.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use huifang_domain::{LoginRequest, LoginResponse, Mutation, PullResponse, PushRequest};
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::{DEMO_PASSWORD, new_id};

/// What [`push_storm`] saw.
#[derive(Debug)]
pub struct StormReport {
    /// Each device's id and the ids of the visits it pushed, in seq order.
    pub devices: Vec<(Uuid, Vec<Uuid>)>,
    /// How long each push answered 200 took, sorted.
    pub latencies: Vec<Duration>,
    /// Pushes answered otherwise, or not at all, or acknowledging less than they carried
    /// (a rejection included).
    pub errors: usize,
    /// From the first push sent to the last answer.
    pub wall: Duration,
}

impl StormReport {
    /// The `p`-quantile of the answered pushes' latencies (`p` in 0..=1).
    pub fn percentile(&self, p: f64) -> Duration {
        percentile(&self.latencies, p)
    }

    /// Visits pushed per second of wall time.
    pub fn visits_per_sec(&self) -> f64 {
        let visits: usize = self.devices.iter().map(|(_, v)| v.len()).sum();
        visits as f64 / self.wall.as_secs_f64()
    }

    /// Acknowledged visits missing from the server's database, and visits of the storm's
    /// devices stored beyond one per pushed visit, read straight from SQLite.
    pub fn lost_and_duplicated(&self, db: &rusqlite::Connection) -> (u64, u64) {
        let (mut lost, mut duplicated) = (0, 0);
        for (device, visits) in &self.devices {
            let stored: i64 = db
                .query_row(
                    "SELECT COUNT(*) FROM visits WHERE device_id = ?1",
                    [device.to_string()],
                    |r| r.get(0),
                )
                .expect("count a device's visits");
            duplicated += stored.unsigned_abs().saturating_sub(visits.len() as u64);
            for id in visits {
                let found: bool = db
                    .query_row(
                        "SELECT EXISTS (SELECT 1 FROM visits WHERE id = ?1)",
                        [id.to_string()],
                        |r| r.get(0),
                    )
                    .expect("look a visit up");
                lost += u64::from(!found);
            }
        }
        (lost, duplicated)
    }
}

/// `devices` devices of the demo field worker each push `visits_per_device` new visits in
/// one push, all at the same moment (the bodies are built first, then released together).
pub async fn push_storm(base_url: &str, devices: usize, visits_per_device: usize) -> StormReport {
    let client = reqwest::Client::new();
    let field = Field::login(&client, base_url).await;
    let bodies: Vec<(Uuid, Vec<Uuid>, String)> = (0..devices)
        .map(|_| {
            let mut device = Device::new(&field, visits_per_device);
            let ids = device.queue.iter().map(|m| m.id).collect();
            let body = device.body(visits_per_device);
            (device.id, ids, body)
        })
        .collect();
    let start = Arc::new(tokio::sync::Barrier::new(devices + 1));
    let pushes: Vec<_> = bodies
        .iter()
        .map(|(_, _, body)| {
            let (client, url, token) = (client.clone(), field.url("/api/sync/push"), field.token());
            let (start, body) = (Arc::clone(&start), body.clone());
            tokio::spawn(async move {
                start.wait().await;
                let t = Instant::now();
                let sent = client
                    .post(url)
                    .bearer_auth(token)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await;
                let acked = match sent {
                    Ok(res) if res.status() == StatusCode::OK => res
                        .json::<huifang_domain::PushResponse>()
                        .await
                        .ok()
                        .filter(|a| a.rejected.is_empty())
                        .map(|a| a.acked_seq),
                    _ => None,
                };
                (acked, t.elapsed())
            })
        })
        .collect();
    start.wait().await;
    let t = Instant::now();
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for push in pushes {
        match push.await.expect("a pushing device") {
            (Some(acked), took) if acked == visits_per_device as u64 => latencies.push(took),
            _ => errors += 1,
        }
    }
    let wall = t.elapsed();
    latencies.sort();
    StormReport {
        devices: bodies.into_iter().map(|(id, ids, _)| (id, ids)).collect(),
        latencies,
        errors,
        wall,
    }
}

/// What [`login_storm`] saw.
#[derive(Debug)]
pub struct LoginReport {
    /// How long each login answered 200 took, sorted.
    pub latencies: Vec<Duration>,
    /// Logins answered otherwise (rate-limited ones included), or not at all.
    pub errors: usize,
    pub wall: Duration,
}

impl LoginReport {
    pub fn percentile(&self, p: f64) -> Duration {
        percentile(&self.latencies, p)
    }
}

/// Logins in flight per demo user: under the five attempts a username may have pending, so
/// every login has its password checked rather than being refused as a guessing run.
const LOGINS_IN_FLIGHT_PER_USER: usize = 4;

/// `n` successful logins with the demo users' right password, 16 at a time (4 per user).
pub async fn login_storm(base_url: &str, n: usize) -> LoginReport {
    let client = reqwest::Client::new();
    let users = ["field", "agent", "supervisor", "admin"];
    let workers = users.len() * LOGINS_IN_FLIGHT_PER_USER;
    let t = Instant::now();
    let handles: Vec<_> = (0..workers)
        .map(|w| {
            let (client, url) = (client.clone(), format!("{base_url}/api/auth/login"));
            let req = LoginRequest {
                username: users[w % users.len()].into(),
                password: DEMO_PASSWORD.into(),
            };
            let mine = n / workers + usize::from(w < n % workers);
            tokio::spawn(async move {
                let mut seen = Vec::new();
                for _ in 0..mine {
                    let t = Instant::now();
                    let ok = client
                        .post(&url)
                        .json(&req)
                        .send()
                        .await
                        .is_ok_and(|res| res.status() == StatusCode::OK);
                    seen.push(ok.then(|| t.elapsed()));
                }
                seen
            })
        })
        .collect();
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for h in handles {
        for seen in h.await.expect("a logging-in client") {
            match seen {
                Some(took) => latencies.push(took),
                None => errors += 1,
            }
        }
    }
    latencies.sort();
    LoginReport {
        latencies,
        errors,
        wall: t.elapsed(),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// The demo field worker, logged in, with the customers their device holds and the server's
/// time (read off the session's expiry), so pushed visits are never in the server's future
/// whatever clock it runs on.
pub struct Field {
    base: String,
    login: LoginResponse,
    customers: Vec<Uuid>,
}

/// How long a session lasts (the server's `SESSION_DAYS`), to read the server's time back.
const SESSION_DAYS: i64 = 30;

impl Field {
    pub async fn login(client: &reqwest::Client, base_url: &str) -> Field {
        let res = client
            .post(format!("{base_url}/api/auth/login"))
            .json(&LoginRequest {
                username: "field".into(),
                password: DEMO_PASSWORD.into(),
            })
            .send()
            .await
            .expect("login request");
        assert_eq!(res.status(), StatusCode::OK, "login as the demo field user");
        let login: LoginResponse = res.json().await.expect("login response");
        let mut field = Field {
            base: base_url.to_owned(),
            login,
            customers: Vec::new(),
        };
        let mut since = 0;
        loop {
            let page: PullResponse = client
                .get(field.url(&format!("/api/sync/pull?since={since}")))
                .bearer_auth(field.token())
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
                .expect("pull")
                .json()
                .await
                .expect("pull page");
            field.customers.extend(page.customers.iter().map(|c| c.id));
            since = page.cursor;
            if !page.more {
                break;
            }
        }
        assert!(!field.customers.is_empty(), "the field user has customers");
        field
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn token(&self) -> String {
        self.login.token.clone()
    }

    /// The server's time when the session was opened.
    fn server_time(&self) -> DateTime<Utc> {
        self.login.expires_at - TimeDelta::days(SESSION_DAYS)
    }
}

/// A device with a queue of visits to push, which it keeps until the server acknowledges
/// them (as the app's outbox does).
pub struct Device {
    pub id: Uuid,
    /// Every visit it recorded, seq 1 first.
    pub queue: Vec<Mutation>,
    /// The highest seq the server acknowledged to this device.
    pub acked: u64,
}

impl Device {
    /// A new device holding `visits` reached-customer visits, made a minute after `field`
    /// logged in by the server's clock, about its customers in turn.
    pub fn new(field: &Field, visits: usize) -> Device {
        let at = field.server_time();
        let queue = (1..=visits as u64)
            .map(|seq| {
                let customer = field.customers[seq as usize % field.customers.len()];
                Mutation {
                    seq,
                    id: new_id(),
                    kind: "visit.record".into(),
                    at,
                    data: json!({
                        "customer_id": customer,
                        "channel": "phone",
                        "visit_type": "repair",
                        "outcome": "reached",
                        "satisfaction": 4,
                        "emotion": "satisfied",
                        "verbatim": "师傅上门很准时,问题已经解决了",
                        "demand": "none",
                        "follow_up": "",
                        "contacted_at": at - TimeDelta::minutes(5),
                    }),
                }
            })
            .collect();
        Device {
            id: new_id(),
            queue,
            acked: 0,
        }
    }

    /// Whether every recorded visit is acknowledged.
    pub fn done(&self) -> bool {
        self.acked as usize >= self.queue.len()
    }

    /// The push body of the next `batch` unacknowledged visits.
    fn body(&mut self, batch: usize) -> String {
        let from = (self.acked as usize).min(self.queue.len());
        let to = (from + batch).min(self.queue.len());
        serde_json::to_string(&PushRequest {
            device_id: self.id,
            mutations: self.queue[from..to].to_vec(),
        })
        .expect("serialise a push")
    }

    /// Pushes the next `batch` unacknowledged visits; on a 200 answer takes its
    /// `acked_seq`, and fails if anything was rejected. `Err` when the server did not answer
    /// 200 (or at all): the device keeps the visits and pushes them again later.
    pub async fn push_next(
        &mut self,
        client: &reqwest::Client,
        field: &Field,
        batch: usize,
    ) -> Result<(), String> {
        let body = self.body(batch);
        let res = client
            .post(field.url("/api/sync/push"))
            .bearer_auth(field.token())
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if res.status() != StatusCode::OK {
            return Err(format!("push answered {}", res.status()));
        }
        let answer: huifang_domain::PushResponse = res.json().await.map_err(|e| e.to_string())?;
        assert!(answer.rejected.is_empty(), "{:?}", answer.rejected);
        assert!(answer.acked_seq >= self.acked, "acknowledgement went back");
        self.acked = answer.acked_seq;
        Ok(())
    }
}

/// What [`ingest`] measured: the same visits stored through HTTP pushes and by plain SQLite
/// inserts, side by side.
#[derive(Debug)]
pub struct IngestReport {
    pub devices: usize,
    pub visits: usize,
    pub batch: usize,
    /// Visits per second through `POST /api/sync/push`, each device one push at a time.
    pub http_per_sec: f64,
    /// The same rows per second by prepared `INSERT`s into an empty copy of the `visits`
    /// table (same columns and indexes, WAL, `synchronous = FULL`, no foreign keys: the
    /// other tables are not copied), one transaction per batch.
    pub raw_per_sec: f64,
}

impl IngestReport {
    /// HTTP ingest as a fraction of raw inserts (issue 10's target: ≥ 0.5).
    pub fn ratio(&self) -> f64 {
        self.http_per_sec / self.raw_per_sec
    }
}

/// Pushes `visits` new visits from `devices` devices of the demo field worker at once (the
/// visits shared out evenly), each pushing `batch` per push, one push after another; then
/// reads back the rows the server stored (from its database at `db`) and times inserting
/// exactly those rows, in the order they were stored, into a fresh database with the same
/// `visits` table, `batch` rows per transaction.
pub async fn ingest(
    base_url: &str,
    db: &std::path::Path,
    devices: usize,
    visits: usize,
    batch: usize,
) -> IngestReport {
    let client = reqwest::Client::new();
    let field = Arc::new(Field::login(&client, base_url).await);
    let t = Instant::now();
    let pushing: Vec<_> = (0..devices)
        .map(|d| {
            let mut device =
                Device::new(&field, visits / devices + usize::from(d < visits % devices));
            let (client, field) = (client.clone(), Arc::clone(&field));
            tokio::spawn(async move {
                while !device.done() {
                    device
                        .push_next(&client, &field, batch)
                        .await
                        .expect("an ingest push");
                }
                device.id
            })
        })
        .collect();
    let mut ids = Vec::new();
    for device in pushing {
        ids.push(device.await.expect("an ingesting device"));
    }
    let http_per_sec = visits as f64 / t.elapsed().as_secs_f64();
    let db = db.to_owned();
    let raw_per_sec = tokio::task::spawn_blocking(move || raw_insert_rate(&db, &ids, batch))
        .await
        .expect("raw inserts");
    IngestReport {
        devices,
        visits,
        batch,
        http_per_sec,
        raw_per_sec,
    }
}

/// Rows per second inserting `devices`' stored visits (read from `db`, in the order they were
/// stored) into an empty copy of the `visits` table in a new database beside it, `batch` rows
/// per transaction.
pub fn raw_insert_rate(db: &std::path::Path, devices: &[Uuid], batch: usize) -> f64 {
    let source = rusqlite::Connection::open(db).expect("open the server's database");
    let schema: Vec<String> = source
        .prepare(
            "SELECT sql FROM sqlite_master
             WHERE tbl_name = 'visits' AND sql IS NOT NULL ORDER BY type DESC",
        )
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("the visits table's schema");
    let columns: Vec<String> = source
        .prepare("SELECT name FROM pragma_table_info('visits') ORDER BY cid")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("the visits table's columns");
    let mut stored = source
        .prepare("SELECT rowid, * FROM visits WHERE device_id = ?1")
        .expect("the pushed rows");
    let mut ordered: Vec<(i64, Vec<rusqlite::types::Value>)> = Vec::new();
    for device in devices {
        let found = stored
            .query_map([device.to_string()], |r| {
                let row: rusqlite::Result<Vec<rusqlite::types::Value>> =
                    (1..=columns.len()).map(|i| r.get(i)).collect();
                Ok((r.get(0)?, row?))
            })
            .and_then(|found| found.collect::<Result<Vec<_>, _>>());
        ordered.extend(found.expect("a device's rows"));
    }
    ordered.sort_by_key(|(rowid, _)| *rowid);
    let rows: Vec<_> = ordered.into_iter().map(|(_, row)| row).collect();
    let dir = tempfile::tempdir_in(db.parent().expect("the database's folder"))
        .expect("a folder for the raw copy");
    let raw = rusqlite::Connection::open(dir.path().join("raw.db")).expect("a raw database");
    raw.pragma_update(None, "journal_mode", "WAL").expect("WAL");
    raw.pragma_update(None, "synchronous", "FULL")
        .expect("FULL");
    // Only the visits table is copied: its rows' references point nowhere here (and the
    // bundled SQLite turns foreign keys on by default).
    raw.pragma_update(None, "foreign_keys", "OFF")
        .expect("no foreign keys");
    for sql in &schema {
        raw.execute_batch(sql).expect("copy the schema");
    }
    let insert = format!(
        "INSERT INTO visits ({}) VALUES ({})",
        columns.join(", "),
        vec!["?"; columns.len()].join(", ")
    );
    let t = Instant::now();
    for chunk in rows.chunks(batch) {
        let tx = raw.unchecked_transaction().expect("begin");
        {
            let mut stmt = tx.prepare_cached(&insert).expect("prepare");
            for row in chunk {
                stmt.execute(rusqlite::params_from_iter(row))
                    .expect("insert a row");
            }
        }
        tx.commit().expect("commit");
    }
    rows.len() as f64 / t.elapsed().as_secs_f64()
}
