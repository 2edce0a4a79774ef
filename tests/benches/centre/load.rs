//! A minimal load client for the centre benchmark: many logins at once, many devices pushing
//! at once, and HTTP ingest against raw SQLite inserts of the same rows. Kept apart so a
//! fuller client (`huifang_tests::load`) can take its place behind the same small interface.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use huifang_domain::{LoginRequest, LoginResponse, MAX_BATCH, Mutation, PushRequest, PushResponse};
use serde_json::json;
use uuid::Uuid;

/// Logins per client address: under the server's per-address failure limit (30 in five
/// minutes, attempts in flight included), so the storm measures password checks, not the
/// rate limit. Each address is a loopback alias (127.0.0.0/8 all reach the server).
const LOGINS_PER_ADDRESS: usize = 20;

pub struct LoginStorm {
    pub tokens: Vec<String>,
    pub errors: usize,
    pub elapsed: Duration,
}

/// `n` logins at once, cycling through `usernames` (all with `password`).
pub async fn login_storm(base: &str, usernames: &[String], password: &str, n: usize) -> LoginStorm {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (a, chunk) in (0..n)
        .collect::<Vec<_>>()
        .chunks(LOGINS_PER_ADDRESS)
        .enumerate()
    {
        let address = IpAddr::V4(Ipv4Addr::new(
            127,
            0,
            1 + (a / 250) as u8,
            1 + (a % 250) as u8,
        ));
        let client = reqwest::Client::builder()
            .local_address(address)
            .build()
            .expect("client");
        for &i in chunk {
            let (client, url) = (client.clone(), format!("{base}/api/auth/login"));
            let req = LoginRequest {
                username: usernames[i % usernames.len()].clone(),
                password: password.to_owned(),
            };
            tasks.push(tokio::spawn(async move {
                let res = client.post(url).json(&req).send().await.ok()?;
                if !res.status().is_success() {
                    return None;
                }
                res.json::<LoginResponse>().await.ok().map(|l| l.token)
            }));
        }
    }
    let mut tokens = Vec::new();
    let mut errors = 0;
    for t in tasks {
        match t.await.ok().flatten() {
            Some(token) => tokens.push(token),
            None => errors += 1,
        }
    }
    LoginStorm {
        tokens,
        errors,
        elapsed: started.elapsed(),
    }
}

pub struct PushStorm {
    /// Per push, sorted.
    pub latencies: Vec<Duration>,
    /// Pushes not answered 200, or answered with a rejection.
    pub errors: usize,
    /// The visit ids acknowledged (applied).
    pub acknowledged: Vec<Uuid>,
}

/// A reached phone visit about `customer`, contacted a few minutes ago.
pub fn visit(seq: u64, customer: Uuid) -> Mutation {
    let now = Utc::now();
    Mutation {
        seq,
        id: huifang_tests::new_id(),
        kind: "visit.record".into(),
        at: now,
        data: json!({
            "customer_id": customer,
            "channel": "phone",
            "visit_type": "satisfaction",
            "outcome": "reached",
            "satisfaction": 4,
            "emotion": "satisfied",
            "verbatim": "师傅上门很准时,问题已经解决了",
            "demand": "none",
            "contacted_at": now - chrono::Duration::minutes(5),
        }),
    }
}

/// `devices` fresh devices (each under one of `tokens`) push `per_device` visits each, all
/// at once.
pub async fn push_storm(
    base: &str,
    tokens: &[String],
    customers: &[Uuid],
    devices: usize,
    per_device: usize,
) -> PushStorm {
    let client = reqwest::Client::new();
    let start = Arc::new(tokio::sync::Barrier::new(devices));
    let mut tasks = Vec::new();
    for d in 0..devices {
        let req = PushRequest {
            device_id: huifang_tests::new_id(),
            mutations: (1..=per_device as u64)
                .map(|seq| {
                    visit(
                        seq,
                        customers[(d * per_device + seq as usize) % customers.len()],
                    )
                })
                .collect(),
        };
        let (client, token, start) = (
            client.clone(),
            tokens[d % tokens.len()].clone(),
            start.clone(),
        );
        let url = format!("{base}/api/sync/push");
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let t = Instant::now();
            let res = client.post(url).bearer_auth(token).json(&req).send().await;
            let answer = match res {
                Ok(r) if r.status().is_success() => r.json::<PushResponse>().await.ok(),
                _ => None,
            };
            let ok =
                answer.is_some_and(|a| a.rejected.is_empty() && a.acked_seq == per_device as u64);
            (
                t.elapsed(),
                ok,
                req.mutations.iter().map(|m| m.id).collect::<Vec<_>>(),
            )
        }));
    }
    let mut storm = PushStorm {
        latencies: Vec::new(),
        errors: 0,
        acknowledged: Vec::new(),
    };
    for t in tasks {
        let (latency, ok, ids) = t.await.expect("push task");
        storm.latencies.push(latency);
        if ok {
            storm.acknowledged.extend(ids);
        } else {
            storm.errors += 1;
        }
    }
    storm.latencies.sort();
    storm
}

pub struct Ingest {
    pub http_rows_per_s: f64,
    pub raw_rows_per_s: f64,
}

/// `batches` full batches pushed one after the other from one device, then the very rows the
/// server stored inserted again by plain SQL into the same `visits` table of the same
/// database (same indexes at the same size, WAL, `synchronous = FULL`, one transaction per
/// batch), under fresh ids and sequence numbers.
pub async fn ingest(
    base: &str,
    token: &str,
    db: &Path,
    customers: &[Uuid],
    batches: usize,
) -> Ingest {
    let client = reqwest::Client::new();
    let device = huifang_tests::new_id();
    let mut ids = Vec::new();
    let mut spent = Duration::ZERO;
    for b in 0..batches {
        let mutations: Vec<Mutation> = (1..=MAX_BATCH as u64)
            .map(|i| {
                let seq = (b * MAX_BATCH) as u64 + i;
                visit(seq, customers[seq as usize % customers.len()])
            })
            .collect();
        ids.extend(mutations.iter().map(|m| m.id));
        let req = PushRequest {
            device_id: device,
            mutations,
        };
        let t = Instant::now();
        let res = client
            .post(format!("{base}/api/sync/push"))
            .bearer_auth(token)
            .json(&req)
            .send()
            .await
            .expect("ingest push");
        assert!(res.status().is_success(), "ingest push: {}", res.status());
        spent += t.elapsed();
    }
    let rows = ids.len() as f64;
    let http_rows_per_s = rows / spent.as_secs_f64();
    let raw = raw_inserts(db, &ids);
    Ingest {
        http_rows_per_s,
        raw_rows_per_s: rows / raw.as_secs_f64(),
    }
}

fn raw_inserts(db: &Path, ids: &[Uuid]) -> Duration {
    let mut conn = rusqlite::Connection::open(db).expect("open the run database");
    conn.busy_timeout(Duration::from_secs(30))
        .expect("busy timeout");
    conn.pragma_update(None, "synchronous", "FULL")
        .expect("FULL");
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('visits')")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("visits columns");
    let list = columns.join(", ");
    let marks = vec!["?"; columns.len()].join(", ");
    let id_at = columns
        .iter()
        .position(|c| c == "id")
        .expect("an id column");
    let seq_at = columns
        .iter()
        .position(|c| c == "seq")
        .expect("a seq column");
    let mut rows: Vec<Vec<rusqlite::types::Value>> = Vec::new();
    {
        let mut stmt = conn
            .prepare(&format!("SELECT {list} FROM visits WHERE id = ?1"))
            .expect("read a visit");
        for id in ids {
            let mut row: Vec<rusqlite::types::Value> = stmt
                .query_row([id.to_string()], |r| {
                    (0..columns.len()).map(|i| r.get(i)).collect()
                })
                .expect("an ingested visit");
            row[id_at] = huifang_tests::new_id().to_string().into();
            if let rusqlite::types::Value::Integer(seq) = row[seq_at] {
                row[seq_at] = (seq + 1_000_000_000).into();
            }
            rows.push(row);
        }
    }
    let t = Instant::now();
    for batch in rows.chunks(MAX_BATCH) {
        let tx = conn.transaction().expect("raw transaction");
        {
            let mut insert = tx
                .prepare_cached(&format!("INSERT INTO visits ({list}) VALUES ({marks})"))
                .expect("insert");
            for row in batch {
                insert
                    .execute(rusqlite::params_from_iter(row))
                    .expect("raw insert");
            }
        }
        tx.commit().expect("commit");
    }
    t.elapsed()
}
