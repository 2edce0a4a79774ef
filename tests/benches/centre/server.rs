//! The database under test and the server on it: a generated centre kept under
//! `target/bench-centre/<size>/`, copied fresh for each run, and the real `huifang` process.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::Size;

/// The generated centre for `size`, made once with `huifang seed` and kept (it takes minutes
/// at full size), then copied to a scratch file the run may change. Returns the copy.
pub fn database(bin: &Path, size: &Size) -> PathBuf {
    let dir = bench_dir().join(size.key());
    std::fs::create_dir_all(&dir).expect("bench directory");
    let pristine = dir.join("centre.db");
    if !pristine.exists() {
        let partial = dir.join("centre.db.partial");
        for stale in [&partial, &dir.join("centre.db.partial-wal")] {
            let _ = std::fs::remove_file(stale);
        }
        println!(
            "generating {} (once; kept for later runs)",
            pristine.display()
        );
        let started = Instant::now();
        let status = Command::new(bin)
            .arg("seed")
            .arg("--db")
            .arg(&partial)
            .args(["--visits", &size.visits.to_string()])
            .args(["--tickets", &size.tickets.to_string()])
            .args(["--agents", &size.agents.to_string()])
            .args(["--customers", &size.customers.to_string()])
            .args(["--months", "12"])
            .env("RUST_LOG", "warn")
            .status()
            .expect("run huifang seed");
        assert!(status.success(), "huifang seed failed");
        println!("generated in {:.0} s", started.elapsed().as_secs_f64());
        std::fs::rename(&partial, &pristine).expect("keep the generated database");
    }
    let run = dir.join("run.db");
    discard(&run);
    std::fs::copy(&pristine, &run).expect("copy the generated database");
    run
}

/// Removes the run's copy (gigabytes at full size); the generated original stays.
pub fn discard(run: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = run.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

/// `target/bench-centre`, beside the profile directory the bench runs from.
fn bench_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("bench executable");
    exe.ancestors()
        .nth(3)
        .expect("the bench lives in target/<profile>/deps")
        .join("bench-centre")
}

/// A running `huifang serve` on the database, killed when dropped.
pub struct Server {
    pub base: String,
    child: Child,
}

impl Server {
    pub fn start(bin: &Path, db: &Path) -> Server {
        let static_dir = db.with_file_name("static");
        std::fs::create_dir_all(&static_dir).expect("static dir");
        let mut child = Command::new(bin)
            .args(["serve", "--addr", "127.0.0.1:0", "--db"])
            .arg(db)
            .arg("--static-dir")
            .arg(&static_dir)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn huifang serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            for line in lines.by_ref().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("huifang listening on ") {
                    let _ = tx.send(url.to_owned());
                    break;
                }
            }
            lines.for_each(drop);
        });
        let base = rx
            .recv_timeout(Duration::from_secs(300))
            .expect("huifang serve did not start");
        Server { base, child }
    }

    /// The server's peak resident memory so far (VmHWM), in KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
