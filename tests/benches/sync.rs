//! Sync throughput and latency of a real `huifang` process (see docs/benchmarks.md).
//!
//! `cargo build --release -p huifang-server && cargo bench -p huifang-tests` (the bench finds
//! `target/release/huifang` next to itself; `HUIFANG_BIN` takes an absolute path).
//!
//! Wall-clock numbers on a shared 2-core machine vary from run to run; the bench prints them and
//! checks them against generous targets, never a test.

use std::time::{Duration, Instant};

use huifang_domain::MAX_BATCH;
use huifang_tests::TestServer;
use uuid::Uuid;

const BATCHES: u64 = 40;
/// Push targets: a full batch is acknowledged well inside a flaky connection's patience.
const BATCH_P95_TARGET: Duration = Duration::from_millis(750);
const LIST_TARGET: Duration = Duration::from_millis(100);
const RSS_TARGET_KIB: u64 = 150 * 1024;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let server = TestServer::start();
    let field = server.login("field").await;
    let customers = field.customers().await;
    let device = Uuid::from_u128(0xbe7c);

    let mut batch_times = Vec::new();
    let started = Instant::now();
    for b in 0..BATCHES {
        let batch: Vec<_> = (1..=MAX_BATCH as u64)
            .map(|i| {
                let seq = b * MAX_BATCH as u64 + i;
                field.visit(seq, customers[seq as usize % customers.len()].id)
            })
            .collect();
        let t = Instant::now();
        let answer = field.push(device, &batch).await.expect("push");
        batch_times.push(t.elapsed());
        assert_eq!(answer.acked_seq, (b + 1) * MAX_BATCH as u64);
        assert!(answer.rejected.is_empty());
        if b == BATCHES - 1 {
            let t = Instant::now();
            field.push(device, &batch).await.expect("replay");
            println!(
                "replay of an acknowledged {MAX_BATCH}-batch: {:?}",
                t.elapsed()
            );
        }
    }
    let total = started.elapsed();
    let stored = BATCHES * MAX_BATCH as u64;
    batch_times.sort();
    let p50 = percentile(&batch_times, 0.5);
    let p95 = percentile(&batch_times, 0.95);
    println!(
        "push: {stored} visits in {BATCHES} batches of {MAX_BATCH}: {:.1} s, {:.0} visits/s, batch p50 {p50:?}, p95 {p95:?}, max {:?}",
        total.as_secs_f64(),
        stored as f64 / total.as_secs_f64(),
        batch_times.last().unwrap()
    );

    let supervisor = server.login("supervisor").await;
    let mut list_times = Vec::new();
    let mut after = None;
    for _ in 1..=20 {
        let t = Instant::now();
        let list = supervisor.visits(after.as_deref(), 50).await;
        list_times.push(t.elapsed());
        let all = stored + huifang_tests::DEMO_VISITS;
        assert_eq!(list.total.count, all.min(huifang_domain::paging::TOTAL_CAP));
        after = list.next;
    }
    list_times.sort();
    let list_p95 = percentile(&list_times, 0.95);
    println!(
        "list visits (page of 50 out of {stored}): p50 {:?}, p95 {list_p95:?}",
        percentile(&list_times, 0.5)
    );

    let rss = peak_rss_kib(server.pid());
    println!("server peak RSS: {:.1} MiB", rss as f64 / 1024.0);

    let mut missed = Vec::new();
    if p95 > BATCH_P95_TARGET {
        missed.push(format!("push batch p95 {p95:?} > {BATCH_P95_TARGET:?}"));
    }
    if list_p95 > LIST_TARGET {
        missed.push(format!("list p95 {list_p95:?} > {LIST_TARGET:?}"));
    }
    if rss > RSS_TARGET_KIB {
        missed.push(format!("peak RSS {rss} KiB > {RSS_TARGET_KIB} KiB"));
    }
    if missed.is_empty() {
        println!("all targets met");
    } else {
        eprintln!("targets missed: {}", missed.join("; "));
        std::process::exit(1);
    }
}
