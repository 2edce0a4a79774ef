//! The exports (issue 12, docs/benchmarks.md "Exports"): a generated centre's year of visits
//! downloaded as XLSX and as CSV from a real `huifang` process, rows per second and the
//! server's peak memory, each file read back and its rows counted.
//!
//! `cargo build --release -p huifang-server && EXPORT_VISITS=1000000 cargo bench -p
//! huifang-tests --bench export` (default 20,000 visits; `EXPORT_TICKETS` defaults to a fifth
//! of them). Figures are printed next to their targets; a missed target exits non-zero.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use calamine::{Reader, Xlsx, open_workbook};
use chrono::{FixedOffset, Utc};
use huifang_domain::{LoginResponse, Role};
use huifang_server::seed::{SEED_PASSWORD, staff_name};
use huifang_tests::huifang_bin;

const XLSX_ROWS_PER_SEC_TARGET: f64 = 50_000.0;
const RSS_TARGET_MIB: f64 = 150.0;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seed(db: &Path, visits: u64, tickets: u64) {
    let started = Instant::now();
    let status = Command::new(huifang_bin())
        .arg("seed")
        .arg("--db")
        .arg(db)
        .args(["--visits", &visits.to_string()])
        .args(["--tickets", &tickets.to_string()])
        .args(["--agents", &(visits / 5_000).clamp(10, 200).to_string()])
        .args(["--customers", &(visits / 16).max(500).to_string()])
        .args(["--months", "12"])
        .env("RUST_LOG", "warn")
        .status()
        .expect("run huifang seed");
    assert!(status.success(), "huifang seed failed");
    println!(
        "seeded {visits} visits, {tickets} tickets in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

/// `huifang serve` on `db`, and its base URL.
fn serve(db: &Path) -> (Child, String) {
    let static_dir = db.with_file_name("static");
    std::fs::create_dir_all(&static_dir).expect("static dir");
    let mut child = Command::new(huifang_bin())
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
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let base = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("huifang listening on ").map(str::to_owned))
        .expect("huifang serve did not start");
    std::thread::spawn(move || lines.for_each(drop));
    (child, base)
}

fn peak_rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    kib as f64 / 1024.0
}

/// Downloads `url` into `file`, chunk by chunk; the time it took.
async fn download(client: &reqwest::Client, token: &str, url: &str, file: &Path) -> Duration {
    let started = Instant::now();
    let mut res = client.get(url).bearer_auth(token).send().await.unwrap();
    assert_eq!(res.status(), 200, "{url}");
    let mut out = std::io::BufWriter::new(std::fs::File::create(file).unwrap());
    while let Some(chunk) = res.chunk().await.unwrap() {
        out.write_all(&chunk).unwrap();
    }
    out.flush().unwrap();
    started.elapsed()
}

#[tokio::main]
async fn main() {
    let visits = env_number("EXPORT_VISITS", 20_000);
    let tickets = env_number("EXPORT_TICKETS", visits / 5);
    let dir = tempfile::tempdir().expect("scratch directory");
    let db = dir.path().join("centre.db");
    seed(&db, visits, tickets);
    let (mut child, base) = serve(&db);
    let client = reqwest::Client::new();
    let login: LoginResponse = client
        .post(format!("{base}/api/auth/login"))
        .json(&serde_json::json!({
            "username": staff_name(Role::Supervisor, 1),
            "password": SEED_PASSWORD,
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The seed's year: 366 days up to today in Beijing, the longest custom period.
    let today = Utc::now()
        .with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive();
    let from = today - chrono::Duration::days(365);
    let query = format!("period=custom&from={from}&to={today}");
    println!(
        "server peak RSS before: {:.1} MiB",
        peak_rss_mib(child.id())
    );
    let mut missed = Vec::new();

    let xlsx = dir.path().join("visits.xlsx");
    let took = download(
        &client,
        &login.token,
        &format!("{base}/api/exports/visits?format=xlsx&{query}"),
        &xlsx,
    )
    .await;
    let rss = peak_rss_mib(child.id());
    let mut book: Xlsx<_> = open_workbook(&xlsx).expect("the XLSX reads back");
    let rows: usize = book
        .worksheets()
        .iter()
        .map(|(_, range)| range.height().saturating_sub(1))
        .sum();
    let rate = rows as f64 / took.as_secs_f64();
    println!(
        "xlsx: {rows} rows, {:.1} MB in {:.2} s: {rate:.0} rows/s (target {XLSX_ROWS_PER_SEC_TARGET}), \
         server peak RSS {rss:.1} MiB (target {RSS_TARGET_MIB})",
        std::fs::metadata(&xlsx).unwrap().len() as f64 / 1e6,
        took.as_secs_f64()
    );
    assert_eq!(
        rows as u64, visits,
        "every visit of the year is in the file"
    );
    if rate < XLSX_ROWS_PER_SEC_TARGET {
        missed.push(format!("xlsx {rate:.0} rows/s"));
    }
    std::fs::remove_file(&xlsx).ok();

    let csv = dir.path().join("visits.csv");
    let took = download(
        &client,
        &login.token,
        &format!("{base}/api/exports/visits?format=csv&{query}"),
        &csv,
    )
    .await;
    let rss = peak_rss_mib(child.id());
    let rows = csv::Reader::from_path(&csv)
        .expect("the CSV reads back")
        .records()
        .count();
    println!(
        "csv: {rows} rows, {:.1} MB in {:.2} s: {:.0} rows/s, server peak RSS {rss:.1} MiB",
        std::fs::metadata(&csv).unwrap().len() as f64 / 1e6,
        took.as_secs_f64(),
        rows as f64 / took.as_secs_f64()
    );
    assert_eq!(rows as u64, visits);
    if rss > RSS_TARGET_MIB {
        missed.push(format!("peak RSS {rss:.1} MiB"));
    }
    let _ = child.kill();
    let _ = child.wait();
    if !missed.is_empty() {
        eprintln!("targets missed: {missed:?}");
        std::process::exit(1);
    }
}
