//! Writes at a centre's volume (issue 10, see docs/benchmarks.md): 500 logins, 500 devices
//! pushing 25 visits at once, and HTTP ingest against raw SQLite inserts of the same rows, on
//! a real `huifang` process, with the server's peak memory after each.
//!
//! `cargo build --release -p huifang-server && cargo bench -p huifang-tests --bench writes`
//! (`WRITES_DEVICES`, `WRITES_VISITS`, `WRITES_LOGINS` and `WRITES_INGEST` change the sizes).
//!
//! Wall-clock numbers on a shared 2-core machine vary from run to run; the bench prints them
//! next to their targets and exits non-zero when one is missed, never a test.

use std::time::Duration;

use huifang_tests::TestServer;
use huifang_tests::load::{ingest, login_storm, push_storm};

const RSS_TARGET_MIB: f64 = 150.0;
const PUSH_P99_TARGET: Duration = Duration::from_millis(250);
const INGEST_RATIO_TARGET: f64 = 0.5;

fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The server's peak resident memory so far (VmHWM), in MiB.
fn peak_rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    kib as f64 / 1024.0
}

#[tokio::main]
async fn main() {
    let (devices, visits) = (size("WRITES_DEVICES", 500), size("WRITES_VISITS", 25));
    let (logins, ingested) = (size("WRITES_LOGINS", 500), size("WRITES_INGEST", 20_000));
    let server = TestServer::start();
    println!(
        "server started: peak RSS {:.1} MiB",
        peak_rss_mib(server.pid())
    );
    let mut missed = Vec::new();

    let l = login_storm(&server.base, logins).await;
    let rss = peak_rss_mib(server.pid());
    println!(
        "{logins} logins (16 at a time): {:.1} s, p50 {:?}, p99 {:?}, {} errors; peak RSS {rss:.1} MiB (target ≤ {RSS_TARGET_MIB})",
        l.wall.as_secs_f64(),
        l.percentile(0.5),
        l.percentile(0.99),
        l.errors
    );

    let storm = push_storm(&server.base, devices, visits).await;
    let (lost, duplicated) = storm.lost_and_duplicated(&server.db());
    let p99 = storm.percentile(0.99);
    let rss = peak_rss_mib(server.pid());
    println!(
        "{devices} devices × {visits} visits at once: p50 {:?}, p99 {p99:?} (target ≤ {PUSH_P99_TARGET:?}), {} errors, {lost} lost, {duplicated} duplicated; all answered in {:.2} s ({:.0} visits/s); peak RSS {rss:.1} MiB",
        storm.percentile(0.5),
        storm.errors,
        storm.wall.as_secs_f64(),
        storm.visits_per_sec()
    );
    if p99 > PUSH_P99_TARGET {
        missed.push(format!("push p99 {p99:?} > {PUSH_P99_TARGET:?}"));
    }
    if storm.errors + lost as usize + duplicated as usize > 0 {
        missed.push("pushes failed, lost or duplicated".to_owned());
    }

    for ingesting in [1, 8] {
        let i = ingest(&server.base, &server.db, ingesting, ingested, 100).await;
        println!(
            "ingest of {} visits from {} device(s), {} per push: HTTP {:.0} visits/s, raw SQLite {:.0} rows/s, ratio {:.2} (target ≥ {INGEST_RATIO_TARGET})",
            i.visits,
            i.devices,
            i.batch,
            i.http_per_sec,
            i.raw_per_sec,
            i.ratio()
        );
        if i.ratio() < INGEST_RATIO_TARGET {
            missed.push(format!(
                "ingest ratio {:.2} ({ingesting} device(s))",
                i.ratio()
            ));
        }
    }

    let rss = peak_rss_mib(server.pid());
    println!("server peak RSS over the run: {rss:.1} MiB");
    if rss > RSS_TARGET_MIB {
        missed.push(format!("peak RSS {rss:.1} MiB"));
    }
    // `exit` runs no destructors: the server is stopped first.
    drop(server);
    if missed.is_empty() {
        println!("all targets met");
    } else {
        eprintln!("targets missed: {}", missed.join("; "));
        std::process::exit(1);
    }
}
