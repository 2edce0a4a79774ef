//! 100,000 customers imported through HTTP from a CSV and from an XLSX file (issue 11, see
//! docs/benchmarks.md): upload, preview and commit times, how long a device's push waits
//! while the commit holds the writer, and the server's peak memory.
//!
//! `cargo build --release -p huifang-server && cargo bench -p huifang-tests --bench import`
//! (`IMPORT_ROWS` changes the size).
//!
//! Wall-clock numbers on a shared 2-core machine vary from run to run; the bench prints them
//! next to their targets and exits non-zero when one is missed, never a test.

use std::time::{Duration, Instant};

use huifang_domain::import::{
    ImportPreview, ImportState, ImportStatus, ImportUpload, PreviewRequest,
};
use huifang_tests::{Session, TestServer};
use rust_xlsxwriter::Workbook;

const TOTAL_TARGET: Duration = Duration::from_secs(30);
const RSS_TARGET_MIB: f64 = 150.0;
const HEADER: [&str; 10] = [
    "客户编号",
    "姓名",
    "电话",
    "客户等级",
    "VIP",
    "标签",
    "区域",
    "产品",
    "购买日期",
    "备注",
];

fn row(i: usize) -> [String; 10] {
    [
        format!("CRM-{i:07}"),
        format!("客户{i}"),
        format!("139{i:08}"),
        ["A", "B", "C", "D"][i % 4].to_owned(),
        if i.is_multiple_of(10) { "是" } else { "否" }.to_owned(),
        if i.is_multiple_of(3) {
            "老客户,空调"
        } else {
            ""
        }
        .to_owned(),
        ["浦东", "浦西", "闵行", "嘉定"][i % 4].to_owned(),
        "空调 KFR-35GW 一台".to_owned(),
        format!("2025-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
        "2025 年购买,安装满意,曾报修一次,已处理。".to_owned(),
    ]
}

fn csv_file(rows: usize) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).unwrap();
    for i in 0..rows {
        w.write_record(row(i)).unwrap();
    }
    w.into_inner().unwrap()
}

fn xlsx_file(rows: usize, offset: usize) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..rows {
        for (c, v) in row(i + offset).iter().enumerate() {
            sheet.write_string(i as u32 + 1, c as u16, v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
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

struct Timing {
    upload: Duration,
    preview: Duration,
    commit: Duration,
}

async fn run(admin: &Session, agent: &Session, name: &str, file: Vec<u8>, rows: usize) -> Timing {
    let mb = file.len() as f64 / 1e6;
    let t = Instant::now();
    let res = admin
        .post(&format!("/api/imports?name={name}"))
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let up: ImportUpload = res.json().await.unwrap();
    let upload = t.elapsed();
    assert_eq!(up.rows as usize, rows);
    let t = Instant::now();
    let preview: ImportPreview = admin
        .post(&format!("/api/imports/{}/preview", up.id))
        .json(&PreviewRequest {
            mapping: up.mapping,
        })
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let previewed = t.elapsed();
    assert_eq!(
        preview.counts.with_errors,
        0,
        "{:?}",
        preview.errors.first()
    );
    let t = Instant::now();
    let res = admin
        .post(&format!("/api/imports/{}/commit", up.id))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    // A device pushes a visit while the import holds the writer.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let customer = agent.a_customer().await;
    let pushed = Instant::now();
    agent.push_fresh(&[agent.visit(1, customer)]).await;
    let push_during_commit = pushed.elapsed();
    loop {
        let s: ImportStatus = admin.get_ok(&format!("/api/imports/{}", up.id)).await;
        match s.state {
            ImportState::Committing => tokio::time::sleep(Duration::from_millis(100)).await,
            ImportState::Done => break,
            other => panic!("import {other:?}: {:?}", s.error),
        }
    }
    let commit = t.elapsed();
    println!(
        "{name}: {mb:.1} MB, {rows} rows: upload {:.2} s, preview {:.2} s, commit {:.2} s \
         (a push sent meanwhile waited {:.2} s), total {:.2} s",
        upload.as_secs_f64(),
        previewed.as_secs_f64(),
        commit.as_secs_f64(),
        push_during_commit.as_secs_f64(),
        (upload + previewed + commit).as_secs_f64()
    );
    Timing {
        upload,
        preview: previewed,
        commit,
    }
}

#[tokio::main]
async fn main() {
    let rows: usize = std::env::var("IMPORT_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let server = TestServer::start();
    let admin = server.admin().await;
    let agent = server.field().await;
    println!(
        "server peak RSS before: {:.1} MiB",
        peak_rss_mib(server.pid())
    );
    let mut missed = Vec::new();
    let csv = run(&admin, &agent, "crm.csv", csv_file(rows), rows).await;
    println!(
        "server peak RSS after the CSV: {:.1} MiB",
        peak_rss_mib(server.pid())
    );
    // Other external ids and numbers: the XLSX creates its own 100,000 customers.
    let xlsx = run(&admin, &agent, "crm.xlsx", xlsx_file(rows, rows), rows).await;
    let rss = peak_rss_mib(server.pid());
    println!("server peak RSS after the XLSX: {rss:.1} MiB (target {RSS_TARGET_MIB} MiB)");
    for (name, t) in [("csv", &csv), ("xlsx", &xlsx)] {
        let total = t.upload + t.preview + t.commit;
        if total > TOTAL_TARGET {
            missed.push(format!("{name}: {total:?} > {TOTAL_TARGET:?}"));
        }
    }
    if rss > RSS_TARGET_MIB {
        missed.push(format!("peak RSS {rss:.1} MiB > {RSS_TARGET_MIB} MiB"));
    }
    if !missed.is_empty() {
        eprintln!("targets missed: {missed:?}");
        std::process::exit(1);
    }
}
