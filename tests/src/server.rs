//! A server under test, with its own temporary database and demo data: inside the test
//! process (most API tests), or the real `huifang` binary as a child process (start-up,
//! migrations, the command line, restarts, the benchmark).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{OnceLock, mpsc};
use std::time::Duration;

use chrono::{DateTime, Utc};
use huifang_domain::{LoginRequest, LoginResponse};
use huifang_server::store::Store;
use huifang_server::{Clock, ServeConfig};
use reqwest::StatusCode;

use crate::{DEMO_PASSWORD, DEMO_VISITS, Session, clock_start};

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

/// A running `huifang serve --demo`, stopped when dropped.
pub struct TestServer {
    pub base: String,
    /// What the server printed before it was ready (the demo banner, if it seeded).
    pub banner: String,
    pub db: PathBuf,
    pub client: reqwest::Client,
    /// Started when the server's own clock was (in the process case, when the process was
    /// spawned, so it runs a few milliseconds ahead of the server's, never behind).
    clock: Clock,
    running: Running,
    // Kept last so the server is gone before its directory is removed.
    _dir: Option<tempfile::TempDir>,
}

enum Running {
    Process(Child),
    /// The server's own runtime: shutting it down stops the server. Its store, for what only
    /// the server does on its own (the breach sweep).
    InProcess(Option<tokio::runtime::Runtime>, Store),
}

impl TestServer {
    /// A fresh `huifang` process with a fresh database and demo data, its clock started at
    /// [`clock_start`].
    pub fn start() -> TestServer {
        TestServer::start_at(clock_start())
    }

    /// A fresh `huifang` process whose clock starts at `at`, for tests about a time of day.
    pub fn start_at(at: DateTime<Utc>) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut server = TestServer::spawn(dir.path(), at, true, &[]);
        server._dir = Some(dir);
        server
    }

    /// A `huifang` process on the database in `dir` (which the caller keeps), for restart
    /// tests, its clock started at [`clock_start`]. The app's static files are served from
    /// `dir/static`.
    pub fn start_in(dir: &Path) -> TestServer {
        TestServer::spawn(dir, clock_start(), true, &[])
    }

    /// A `huifang` process on the database in `dir`, started without `--demo` (a centre's
    /// first start: no users until the first admin is added).
    pub fn start_empty_in(dir: &Path) -> TestServer {
        TestServer::spawn(dir, clock_start(), false, &[])
    }

    /// [`TestServer::start_in`] with the clock started at `at` (a restart on another day).
    pub fn start_in_at(dir: &Path, at: DateTime<Utc>) -> TestServer {
        TestServer::spawn(dir, at, true, &[])
    }

    /// [`TestServer::start_in`] with more `huifang serve` arguments (`--hsts`).
    pub fn start_in_with(dir: &Path, args: &[&str]) -> TestServer {
        TestServer::spawn(dir, clock_start(), true, args)
    }

    /// The same server as [`TestServer::start`], run inside the test process: the library's
    /// `prepare` and `serve` on a runtime of its own and a free port. Its database is a copy of
    /// the demo database seeded once per test binary at [`clock_start`], and its clock starts
    /// where that seeding ended, as a fresh process's clock reads once it has seeded.
    pub fn in_process() -> TestServer {
        let demo = demo_database();
        TestServer::in_process_on(Some(&demo.bytes), demo.seeded_by, demo.banner.clone())
    }

    /// An in-process server whose clock starts at `at`, seeding its own demo data then.
    pub fn in_process_at(at: DateTime<Utc>) -> TestServer {
        TestServer::in_process_on(None, at, String::new())
    }

    /// An in-process server on an empty database started without `--demo`: no users, no
    /// customers, only what a first start writes.
    pub fn in_process_empty() -> TestServer {
        TestServer::in_process_with(None, clock_start(), String::new(), false)
    }

    fn in_process_on(seeded: Option<&[u8]>, at: DateTime<Utc>, banner: String) -> TestServer {
        TestServer::in_process_with(seeded, at, banner, true)
    }

    fn in_process_with(
        seeded: Option<&[u8]>,
        at: DateTime<Utc>,
        banner: String,
        demo: bool,
    ) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("t.db");
        let static_dir = dir.path().join("static");
        std::fs::create_dir_all(&static_dir).expect("static dir");
        if let Some(bytes) = seeded {
            std::fs::write(&db, bytes).expect("copy the demo database");
        }
        let clock = Clock::starting_at(at);
        let config = ServeConfig {
            db: db.clone(),
            static_dir,
            demo,
            clock,
            hsts: false,
        };
        let (runtime, base, seeded_banner, store) = serve_in_process(config);
        TestServer {
            base,
            banner: seeded_banner.unwrap_or(banner),
            db,
            client: reqwest::Client::new(),
            clock,
            running: Running::InProcess(Some(runtime), store),
            _dir: Some(dir),
        }
    }

    fn spawn(dir: &Path, at: DateTime<Utc>, demo: bool, args: &[&str]) -> TestServer {
        let db = dir.join("t.db");
        let static_dir = dir.join("static");
        std::fs::create_dir_all(&static_dir).expect("static dir");
        let clock = Clock::starting_at(at);
        let mut child = Command::new(huifang_bin())
            .arg("serve")
            .args(["--addr", "127.0.0.1:0"])
            .args(demo.then_some("--demo"))
            .arg("--db")
            .arg(&db)
            .arg("--static-dir")
            .arg(&static_dir)
            .arg("--clock-start")
            .arg(at.to_rfc3339())
            .args(args)
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
            running: Running::Process(child),
            _dir: None,
        }
    }

    /// The server's time, as a test can tell it: a few milliseconds ahead of a process's own
    /// reading (its start-up), never behind.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The server process's id, for reading its memory use from /proc.
    pub fn pid(&self) -> u32 {
        match &self.running {
            Running::Process(child) => child.id(),
            Running::InProcess(..) => panic!("an in-process server has no process of its own"),
        }
    }

    /// Runs the breach sweep now, as the server's background task does every 30 s, and
    /// returns the tickets it escalated (in-process servers only).
    pub async fn sweep_breaches(&self) -> u32 {
        match &self.running {
            Running::InProcess(_, store) => store
                .check_breaches(self.now())
                .await
                .expect("breach sweep"),
            Running::Process(_) => panic!("sweep a server process by waiting for its own sweep"),
        }
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
        self.login_with(username, DEMO_PASSWORD).await
    }

    /// Logs in as `username` with a password of the test's own (a user it added).
    pub async fn login_with(&self, username: &str, password: &str) -> Session {
        let res = self.try_login(username, password).await;
        assert_eq!(res.status(), StatusCode::OK, "login as {username}");
        let login: LoginResponse = res.json().await.expect("login response");
        Session::new(login, self.base.clone(), self.client.clone(), self.clock)
    }

    /// How many visits were stored beyond the demo seed's (asked as the demo supervisor).
    pub async fn pushed_visits(&self) -> u64 {
        self.login("supervisor").await.all_visits().await.len() as u64 - DEMO_VISITS
    }

    /// A connection to the server's database, for what a test reads or changes behind the
    /// API's back; it waits for the server's writes rather than failing.
    pub fn db(&self) -> rusqlite::Connection {
        let db = rusqlite::Connection::open(&self.db).expect("open the test database");
        db.busy_timeout(Duration::from_secs(5))
            .expect("busy timeout");
        db
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        match &mut self.running {
            Running::Process(child) => {
                let _ = child.kill();
                let _ = child.wait();
            }
            Running::InProcess(runtime, _) => {
                if let Some(runtime) = runtime.take() {
                    // Drops the server's tasks and waits for its storage work to end, so the
                    // database is closed before its directory goes; a runtime may not be shut
                    // down on a test's runtime thread.
                    std::thread::spawn(move || runtime.shutdown_timeout(Duration::from_secs(5)))
                        .join()
                        .expect("server shut down");
                }
            }
        }
    }
}

/// The server's own multi-threaded runtime, as in `huifang serve`, serving `config` on a free
/// port: the server keeps answering while a test blocks its own thread (on SQLite, say), and
/// it stops when the runtime is shut down. Returns the runtime, the base URL, the demo
/// banner if it seeded, and the server's store.
fn serve_in_process(
    config: ServeConfig,
) -> (tokio::runtime::Runtime, String, Option<String>, Store) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("server runtime");
    let (base, banner, store) = std::thread::scope(|s| {
        // `block_on` may not run on a test's own runtime thread; a helper thread may.
        s.spawn(|| {
            runtime.block_on(async {
                let (state, banner) = huifang_server::prepare(config)
                    .await
                    .expect("prepare the server");
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind 127.0.0.1:0");
                let addr = listener.local_addr().expect("local address");
                let store = state.store.clone();
                tokio::spawn(async move {
                    let forever = std::future::pending::<()>();
                    if let Err(e) = huifang_server::serve(listener, state, forever).await {
                        eprintln!("[huifang] {e}");
                    }
                });
                (format!("http://{addr}"), banner, store)
            })
        })
        .join()
        .expect("server start-up")
    });
    (runtime, base, banner, store)
}

/// A database as `huifang serve --demo` leaves it after seeding at [`clock_start`].
struct DemoDatabase {
    bytes: Vec<u8>,
    banner: String,
    /// A reading of the seeding clock taken after the seed: every demo row is older.
    seeded_by: DateTime<Utc>,
}

/// Seeding hashes four passwords and writes the demo in one durable transaction; done once
/// per test binary, it no longer dominates each test's start-up.
fn demo_database() -> &'static DemoDatabase {
    static DEMO: OnceLock<DemoDatabase> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let (seed, copy) = (dir.path().join("seed.db"), dir.path().join("copy.db"));
        let clock = Clock::starting_at(clock_start());
        let config = ServeConfig {
            db: seed.clone(),
            static_dir: dir.path().to_owned(),
            demo: true,
            clock,
            hsts: false,
        };
        let banner = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("seeding runtime");
            let (_, banner) = runtime
                .block_on(huifang_server::prepare(config))
                .expect("seed the demo database");
            banner.expect("a fresh database is seeded")
        })
        .join()
        .expect("seeding");
        let seeded_by = clock.now();
        // One standalone file, whatever the write-ahead log still held.
        rusqlite::Connection::open(&seed)
            .and_then(|db| db.execute("VACUUM INTO ?1", [copy.to_str().expect("UTF-8 path")]))
            .expect("copy the demo database");
        DemoDatabase {
            bytes: std::fs::read(&copy).expect("read the demo database"),
            banner,
            seeded_by,
        }
    })
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
