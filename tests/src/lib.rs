//! Test support: a real `huifang` process on a free port with its own database, and helpers
//! that speak the HTTP contract with the domain's wire types.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use huifang_domain::{
    Customer, LoginRequest, LoginResponse, Mutation, PullResponse, PushRequest, PushResponse, User,
    VisitList,
};
use reqwest::{RequestBuilder, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

/// The password of every demo login (`huifang serve --demo`).
pub const DEMO_PASSWORD: &str = "huifang-demo";

/// Past visits the demo seed stores so customer files have a history.
pub const DEMO_VISITS: u64 = 6;

/// The instant test servers start at unless a test picks another: Monday 2026-11-23, a
/// working-day morning in Beijing outside quiet hours, with seconds so that a rule rounding
/// to whole minutes shows.
pub const DEFAULT_CLOCK_START: &str = "2026-11-23T10:10:30+08:00";

/// Where servers' clocks start: `$HUIFANG_TEST_CLOCK_START` (RFC 3339), so the whole suite can
/// be run at another time of day or week, else [`DEFAULT_CLOCK_START`].
pub fn clock_start() -> DateTime<Utc> {
    let at = std::env::var("HUIFANG_TEST_CLOCK_START")
        .unwrap_or_else(|_| DEFAULT_CLOCK_START.to_owned());
    DateTime::parse_from_rfc3339(&at)
        .unwrap_or_else(|e| panic!("HUIFANG_TEST_CLOCK_START={at:?} is not RFC 3339: {e}"))
        .to_utc()
}

/// The server's clock as a test reads it: started at the server's start instant when the
/// process was spawned, so it runs ahead of the server's by the process start-up (a few
/// milliseconds), never behind.
#[derive(Debug, Clone, Copy)]
struct TestClock {
    start: DateTime<Utc>,
    since: Instant,
}

impl TestClock {
    fn starting_at(start: DateTime<Utc>) -> TestClock {
        TestClock {
            start,
            since: Instant::now(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.start + TimeDelta::from_std(self.since.elapsed()).expect("test run fits a TimeDelta")
    }
}

/// The `huifang` binary under test: `$HUIFANG_BIN`, else the one cargo built next to this test
/// executable (`target/debug/deps/api-…` → `target/debug/huifang`).
pub fn huifang_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("HUIFANG_BIN") {
        return PathBuf::from(bin);
    }
    let exe = std::env::current_exe().expect("current test executable");
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .expect("test executable lives in target/<profile>/deps")
        .join(format!("huifang{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} not found: run `cargo build -p huifang-server` first (or set HUIFANG_BIN)",
        bin.display()
    );
    bin
}

/// A running `huifang serve --demo`, killed when dropped.
pub struct TestServer {
    pub base: String,
    /// What the server printed before it was ready (the demo banner, if it seeded).
    pub banner: String,
    pub db: PathBuf,
    pub client: reqwest::Client,
    clock: TestClock,
    child: Child,
    // Kept last so the process is gone before its directory is removed.
    _dir: Option<tempfile::TempDir>,
}

impl TestServer {
    /// A fresh server with a fresh database and demo data, its clock started at
    /// [`clock_start`].
    pub fn start() -> TestServer {
        TestServer::start_at(clock_start())
    }

    /// A fresh server whose clock starts at `at`, for tests about a time of day.
    pub fn start_at(at: DateTime<Utc>) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut server = TestServer::spawn(dir.path(), at);
        server._dir = Some(dir);
        server
    }

    /// A server on the database in `dir` (which the caller keeps), for restart tests, its
    /// clock started at [`clock_start`]. The app's static files are served from `dir/static`.
    pub fn start_in(dir: &Path) -> TestServer {
        TestServer::spawn(dir, clock_start())
    }

    fn spawn(dir: &Path, at: DateTime<Utc>) -> TestServer {
        let db = dir.join("t.db");
        let static_dir = dir.join("static");
        std::fs::create_dir_all(&static_dir).expect("static dir");
        let clock = TestClock::starting_at(at);
        let mut child = Command::new(huifang_bin())
            .arg("serve")
            .args(["--addr", "127.0.0.1:0", "--demo"])
            .arg("--db")
            .arg(&db)
            .arg("--static-dir")
            .arg(&static_dir)
            .arg("--clock-start")
            .arg(at.to_rfc3339())
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn huifang");
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        // Keeps draining after the ready line so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut banner = String::new();
            let mut lines = BufReader::new(stdout).lines();
            for line in lines.by_ref().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("huifang listening on ") {
                    let _ = tx.send((url.to_owned(), std::mem::take(&mut banner)));
                    break;
                }
                banner.push_str(&line);
                banner.push('\n');
            }
            lines.for_each(drop);
        });
        let mut stderr = child.stderr.take().expect("piped stderr");
        // Server warnings and errors show up in the failing test's captured output.
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                eprint!("[huifang] {}", String::from_utf8_lossy(&buf[..n]));
            }
        });
        let (base, banner) = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(ready) => ready,
            Err(_) => {
                let _ = child.kill();
                panic!("huifang did not print its listening line (see its stderr above)");
            }
        };
        TestServer {
            base,
            banner,
            db,
            client: reqwest::Client::new(),
            clock,
            child,
            _dir: None,
        }
    }

    /// The server's time, as a test can tell it: a few milliseconds ahead of the server's own
    /// reading (the process start-up), never behind.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The server's process id, for reading its memory use from /proc.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn try_login(&self, username: &str, password: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/auth/login"))
            .json(&LoginRequest {
                username: username.into(),
                password: password.into(),
            })
            .send()
            .await
            .expect("login request")
    }

    /// Logs in as a demo user (`field`, `agent`, `supervisor`, `admin`).
    pub async fn login(&self, username: &str) -> Session {
        let res = self.try_login(username, DEMO_PASSWORD).await;
        assert_eq!(res.status(), StatusCode::OK, "login as {username}");
        let login: LoginResponse = res.json().await.expect("login response");
        Session {
            token: login.token,
            user: login.user,
            base: self.base.clone(),
            client: self.client.clone(),
            clock: self.clock,
        }
    }

    /// How many visits were stored beyond the demo seed's (asked as the demo supervisor).
    pub async fn pushed_visits(&self) -> u64 {
        self.login("supervisor").await.visits(1, 200).await.total - DEMO_VISITS
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A logged-in user on their device, whose clock agrees with the server's.
pub struct Session {
    pub token: String,
    pub user: User,
    base: String,
    client: reqwest::Client,
    clock: TestClock,
}

impl Session {
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

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
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

    pub async fn pull(&self, since: u64) -> PullResponse {
        let res = self
            .get(&format!("/api/sync/pull?since={since}"))
            .send()
            .await
            .expect("pull request");
        assert_eq!(res.status(), StatusCode::OK, "pull");
        res.json().await.expect("pull response")
    }

    /// Every customer the server has (following `more` to the end).
    pub async fn customers(&self) -> Vec<Customer> {
        let mut all = Vec::new();
        let mut since = 0;
        loop {
            let page = self.pull(since).await;
            all.extend(page.customers);
            since = page.cursor;
            if !page.more {
                return all;
            }
        }
    }

    pub async fn visits(&self, page: u32, per_page: u32) -> VisitList {
        let res = self
            .get(&format!("/api/visits?page={page}&per_page={per_page}"))
            .send()
            .await
            .expect("visits request");
        assert_eq!(res.status(), StatusCode::OK, "list visits");
        res.json().await.expect("visit list")
    }
}

pub fn new_id() -> Uuid {
    uuid::Builder::from_random_bytes(rand::random()).into_uuid()
}

/// Runs `huifang user add` against `db` with `password` on stdin.
pub fn cli_user_add(db: &Path, args: &[&str], password: &str) -> std::process::Output {
    let mut child = Command::new(huifang_bin())
        .args(["user", "add"])
        .args(args)
        .arg("--db")
        .arg(db)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn huifang user add");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(password.as_bytes())
        .expect("write password");
    child.wait_with_output().expect("huifang user add")
}
