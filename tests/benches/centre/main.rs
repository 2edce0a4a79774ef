//! The centre benchmark (issue 10, docs/benchmarks.md "A centre's volume"): a real `huifang`
//! process on a generated centre's database — a year of 1 M visits and 200 k tickets by 200
//! agents — measured against each target: list and ticket reads, a supervisor's first pull,
//! `ticket.create` at volume, memory through 500 logins and 500 devices pushing at once, and
//! HTTP ingest against raw SQLite inserts.
//!
//! `cargo build --release -p huifang-server && cargo bench -p huifang-tests --bench centre`
//! (full size; generating the database takes minutes the first time, then it is kept under
//! `target/bench-centre/`). `-- --smoke` or `CENTRE_SIZE=smoke` runs a small centre in a
//! minute or two, for CI (`--profile dev` reuses the debug build). It prints figures, never
//! fails on them: a missed target is marked FAIL in the table. `-- --reading` runs only the
//! reading side (issue 12: statistics, dashboards, exports; `reading.rs`) on a fresh server.

mod load;
mod reading;
mod server;

use std::future::Future;
use std::time::{Duration, Instant};

use huifang_domain::Role;
use huifang_server::seed::{SEED_PASSWORD, staff_name};
use huifang_tests::huifang_bin;
use serde_json::{Value, json};
use uuid::Uuid;

use server::Server;

/// How big a centre, and how hard to press it.
pub struct Size {
    name: &'static str,
    visits: u64,
    tickets: u64,
    agents: u32,
    customers: u32,
    devices: usize,
    visits_per_device: usize,
    logins: usize,
    /// Requests per read figure, unless the time budget runs out first.
    requests: usize,
    /// Most time one read figure may take: a slow server still gets a figure, just from
    /// fewer requests.
    budget: Duration,
    ingest_batches: usize,
}

impl Size {
    const FULL: Size = Size {
        name: "full",
        visits: 1_000_000,
        tickets: 200_000,
        agents: 200,
        customers: 60_000,
        devices: 500,
        visits_per_device: 25,
        logins: 500,
        requests: 100,
        budget: Duration::from_secs(60),
        ingest_batches: 20,
    };
    const SMOKE: Size = Size {
        name: "smoke",
        visits: 5_000,
        tickets: 1_000,
        agents: 20,
        customers: 2_000,
        devices: 50,
        visits_per_device: 25,
        logins: 50,
        requests: 20,
        budget: Duration::from_secs(15),
        ingest_batches: 2,
    };

    fn from_args() -> &'static Size {
        let smoke = std::env::args().any(|a| a == "--smoke")
            || std::env::var("CENTRE_SIZE").is_ok_and(|s| s == "smoke");
        if smoke { &Size::SMOKE } else { &Size::FULL }
    }

    /// Names the kept database: another size is another file.
    fn key(&self) -> String {
        format!(
            "{}-{}v-{}t-{}a-{}c",
            self.name, self.visits, self.tickets, self.agents, self.customers
        )
    }

    /// The generated staff who do visits.
    fn workers(&self) -> Vec<String> {
        let field = (self.agents / 5) as usize;
        let agents = self.agents as usize - field;
        (1..=agents)
            .map(|n| staff_name(Role::Agent, n))
            .chain((1..=field).map(|n| staff_name(Role::Field, n)))
            .collect()
    }
}

/// One line of the table.
struct Figure {
    name: String,
    measured: String,
    target: &'static str,
    met: bool,
}

struct Figures(Vec<Figure>);

impl Figures {
    fn add(&mut self, name: impl Into<String>, measured: String, target: &'static str, met: bool) {
        let f = Figure {
            name: name.into(),
            measured,
            target,
            met,
        };
        println!("  {}: {} (target {})", f.name, f.measured, f.target);
        self.0.push(f);
    }

    fn print(&self, size: &Size) {
        println!("\n## centre benchmark, {} size\n", size.name);
        println!("| figure | measured | target | |");
        println!("|---|---|---|---|");
        for f in &self.0 {
            let mark = if f.met { "pass" } else { "FAIL" };
            println!("| {} | {} | {} | {mark} |", f.name, f.measured, f.target);
        }
        let missed = self.0.iter().filter(|f| !f.met).count();
        println!(
            "\n{} of {} targets met{}",
            self.0.len() - missed,
            self.0.len(),
            if missed == 0 {
                ""
            } else {
                " (figures, not assertions)"
            }
        );
    }
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Runs `f` up to `n` times one after the other, stopping early (after at least three) once
/// `budget` is spent; returns the sorted latencies.
async fn sample<F, Fut>(n: usize, budget: Duration, mut f: F) -> Vec<Duration>
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = ()>,
{
    let started = Instant::now();
    let mut times = Vec::new();
    for i in 0..n {
        let t = Instant::now();
        f(i).await;
        times.push(t.elapsed());
        if times.len() >= 3 && started.elapsed() > budget {
            break;
        }
    }
    times.sort();
    times
}

/// `p50 …, p95 … (n)` for a read figure, and whether p95 is within 100 ms.
fn read_figure(figures: &mut Figures, name: &str, times: &[Duration]) {
    let p95 = percentile(times, 0.95);
    figures.add(
        name,
        format!(
            "p50 {}, p95 {} (n={})",
            ms(percentile(times, 0.5)),
            ms(p95),
            times.len()
        ),
        "p95 ≤ 100 ms",
        p95 <= Duration::from_millis(100),
    );
}

struct Api {
    client: reqwest::Client,
    base: String,
}

impl Api {
    async fn login(&self, username: &str) -> String {
        let res = self
            .client
            .post(format!("{}/api/auth/login", self.base))
            .json(&json!({"username": username, "password": SEED_PASSWORD}))
            .send()
            .await
            .expect("login");
        assert!(
            res.status().is_success(),
            "login as {username}: {}",
            res.status()
        );
        let body: Value = res.json().await.expect("login answer");
        body["token"].as_str().expect("token").to_owned()
    }

    /// GETs `path`; the answer's JSON and its size (uncompressed: this client asks for none).
    async fn get(&self, token: &str, path: &str) -> (Value, usize) {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET");
        let status = res.status();
        let bytes = res.bytes().await.expect("GET body");
        if !status.is_success() {
            eprintln!("GET {path}: {status} {}", String::from_utf8_lossy(&bytes));
        }
        (
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            bytes.len(),
        )
    }
}

/// Some ticket ids and customer ids, read before the server starts.
fn ids(db: &std::path::Path, n: usize) -> (Vec<Uuid>, Vec<Uuid>) {
    let conn = rusqlite::Connection::open(db).expect("open the database");
    let read = |sql: &str| -> Vec<Uuid> {
        conn.prepare(sql)
            .and_then(|mut s| {
                s.query_map([n as i64], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .expect("ids")
            .iter()
            .map(|s| Uuid::parse_str(s).expect("uuid"))
            .collect()
    };
    (
        read("SELECT id FROM tickets ORDER BY random() LIMIT ?1"),
        read("SELECT id FROM customers ORDER BY random() LIMIT ?1 * 10"),
    )
}

fn visit_count(db: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open the database");
    conn.busy_timeout(Duration::from_secs(30))
        .expect("busy timeout");
    conn.query_row("SELECT COUNT(*) FROM visits", [], |r| r.get(0))
        .expect("count visits")
}

#[tokio::main]
async fn main() {
    let size = Size::from_args();
    let bin = huifang_bin();
    println!("centre benchmark, {} size ({})", size.name, size.key());
    let db = server::database(&bin, size);
    let (tickets, customers) = ids(&db, size.requests);
    let last_day = reading::last_day(&db);
    let server = Server::start(&bin, &db);
    let api = Api {
        client: reqwest::Client::new(),
        base: server.base.clone(),
    };
    let mut figures = Figures(Vec::new());
    if std::env::args().any(|a| a == "--reading") {
        reading::run(&api, &server, size, &mut figures, last_day).await;
        drop(server);
        server::discard(&db);
        figures.print(size);
        return;
    }
    let mib = |kib: u64| kib as f64 / 1024.0;
    const RSS_TARGET_KIB: u64 = 150 * 1024;

    let workers = size.workers();
    let storm = load::login_storm(&api.base, &workers, SEED_PASSWORD, size.logins).await;
    let rss = server.peak_rss_kib();
    figures.add(
        format!("peak RSS after {} logins at once", size.logins),
        format!(
            "{:.0} MiB ({} errors, {:.1} s)",
            mib(rss),
            storm.errors,
            storm.elapsed.as_secs_f64()
        ),
        "≤ 150 MiB",
        rss <= RSS_TARGET_KIB,
    );

    let before = visit_count(&db);
    let pushes = load::push_storm(
        &api.base,
        &storm.tokens,
        &customers,
        size.devices,
        size.visits_per_device,
    )
    .await;
    let rss = server.peak_rss_kib();
    let after = visit_count(&db);
    let found = {
        let conn = rusqlite::Connection::open(&db).expect("open the database");
        let mut stmt = conn
            .prepare("SELECT COUNT(*) FROM visits WHERE id = ?1")
            .expect("find a visit");
        pushes
            .acknowledged
            .iter()
            .map(|id| {
                stmt.query_row([id.to_string()], |r| r.get::<_, i64>(0))
                    .expect("count")
            })
            .sum::<i64>()
    };
    let lost = pushes.acknowledged.len() as i64 - found;
    let unacknowledged_stored = (after - before) - found;
    let (p50, p99) = (
        percentile(&pushes.latencies, 0.5),
        percentile(&pushes.latencies, 0.99),
    );
    figures.add(
        format!(
            "{} devices pushing {} visits at once",
            size.devices, size.visits_per_device
        ),
        format!(
            "p50 {}, p99 {}; {} errors, {lost} lost, {} stored beyond the acknowledged",
            ms(p50),
            ms(p99),
            pushes.errors,
            unacknowledged_stored.max(0)
        ),
        "p99 ≤ 250 ms, 0 errors/lost/duplicated",
        p99 <= Duration::from_millis(250) && pushes.errors == 0 && lost == 0,
    );
    figures.add(
        format!("peak RSS through the {}-device load", size.devices),
        format!("{:.0} MiB", mib(rss)),
        "≤ 150 MiB",
        rss <= RSS_TARGET_KIB,
    );

    let supervisor = api.login(&staff_name(Role::Supervisor, 1)).await;
    let times = sample(size.requests, size.budget, |_| async {
        api.get(&supervisor, "/api/tickets").await;
    })
    .await;
    read_figure(&mut figures, "GET /api/tickets (first page)", &times);
    let times = sample(size.requests, size.budget, |i| {
        let path = format!("/api/tickets/{}", tickets[i % tickets.len()]);
        let api = &api;
        let token = &supervisor;
        async move {
            api.get(token, &path).await;
        }
    })
    .await;
    read_figure(&mut figures, "GET /api/tickets/{id}", &times);

    let times = sample(size.requests, size.budget, |_| async {
        api.get(&supervisor, "/api/visits").await;
    })
    .await;
    read_figure(&mut figures, "GET /api/visits (first page)", &times);
    let (deep, how) = deep_visits_path(&api, &supervisor).await;
    let times = sample(size.requests, size.budget, |_| {
        let (api, token, path) = (&api, &supervisor, deep.clone());
        async move {
            api.get(token, &path).await;
        }
    })
    .await;
    read_figure(&mut figures, &format!("GET /api/visits ({how})"), &times);

    let (pages, bytes, seconds) = first_pull(&api, &supervisor).await;
    figures.add(
        "a supervisor's first pull",
        format!(
            "{pages} pages, {:.1} MB, {seconds:.1} s",
            bytes as f64 / 1e6
        ),
        "≤ 1 MB",
        bytes <= 1_000_000,
    );

    let agent = api.login(&workers[0]).await;
    let device = huifang_tests::new_id();
    let times = sample(size.requests, size.budget, |i| {
        let (api, token) = (&api, &agent);
        let customer = customers[i % customers.len()];
        async move { create_ticket(api, token, device, i as u64 + 1, customer).await }
    })
    .await;
    let (p50, p95) = (percentile(&times, 0.5), percentile(&times, 0.95));
    figures.add(
        format!("ticket.create at {} tickets (one per push)", size.tickets),
        format!("p50 {}, p95 {} (n={})", ms(p50), ms(p95), times.len()),
        "p95 ≤ 100 ms",
        p95 <= Duration::from_millis(100),
    );

    let ingest = load::ingest(&api.base, &agent, &db, &customers, size.ingest_batches).await;
    let ratio = ingest.http_rows_per_s / ingest.raw_rows_per_s;
    figures.add(
        "ingest: HTTP rows/s vs raw SQLite inserts",
        format!(
            "{ratio:.2} ({:.0} vs {:.0} rows/s)",
            ingest.http_rows_per_s, ingest.raw_rows_per_s
        ),
        "≥ 0.5",
        ratio >= 0.5,
    );

    reading::run(&api, &server, size, &mut figures, last_day).await;
    drop(server);
    server::discard(&db);
    figures.print(size);
}

/// The path of a deep page of visits: with keyset cursors (`next` in the answer), the page
/// after following `next` a few times (any depth costs the same); with page numbers, the page
/// in the middle of the list.
async fn deep_visits_path(api: &Api, token: &str) -> (String, String) {
    let (first, _) = api.get(token, "/api/visits").await;
    if first.get("next").is_some() {
        let mut path = "/api/visits".to_owned();
        let mut hops = 0;
        let mut page = first;
        while hops < 20 {
            let Some(next) = page["next"].as_str() else {
                break;
            };
            path = format!("/api/visits?after={}", encode(next));
            page = api.get(token, &path).await.0;
            hops += 1;
        }
        return (path, format!("the page after {hops} cursors"));
    }
    let total = first["total"].as_u64().unwrap_or(0);
    let per_page = first["per_page"].as_u64().unwrap_or(50).max(1);
    let page = (total / per_page / 2).max(1);
    (
        format!("/api/visits?page={page}"),
        format!("page={page}, the middle"),
    )
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Pulls from nothing until `more` is false: pages, bytes, seconds.
async fn first_pull(api: &Api, token: &str) -> (usize, usize, f64) {
    let started = Instant::now();
    let (mut pages, mut bytes) = (0, 0);
    let mut since = Value::from(0);
    // A first pull's later pages carry its snapshot back, as the app does.
    let mut snapshot = String::new();
    loop {
        let cursor = match &since {
            Value::String(s) => encode(s),
            other => other.to_string(),
        };
        let (page, size) = api
            .get(token, &format!("/api/sync/pull?since={cursor}{snapshot}"))
            .await;
        pages += 1;
        bytes += size;
        if page["more"].as_bool() != Some(true) || pages >= 10_000 {
            break;
        }
        since = page["cursor"].clone();
        if let Some(s) = page["snapshot"].as_u64() {
            snapshot = format!("&snapshot={s}");
        }
    }
    (pages, bytes, started.elapsed().as_secs_f64())
}

async fn create_ticket(api: &Api, token: &str, device: Uuid, seq: u64, customer: Uuid) {
    let now = chrono::Utc::now();
    // The most reported sub-problem: the most reports to count in its windows.
    let body = json!({"device_id": device, "mutations": [{
        "seq": seq,
        "id": huifang_tests::new_id(),
        "kind": "ticket.create",
        "at": now,
        "data": {
            "customer_id": customer,
            "reporter": "客户本人",
            "channel": "hotline",
            "nature": "experience",
            "sub_problem": "logistics_delay",
            "description": "订单显示已发货五天,物流一直没有更新",
            "emotion": "agitated",
            "demand": "improvement",
        },
    }]});
    let res = api
        .client
        .post(format!("{}/api/sync/push", api.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("push a ticket");
    if !res.status().is_success() {
        eprintln!("ticket.create push: {}", res.status());
    }
}
