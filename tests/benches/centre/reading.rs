//! The reading side at a centre's volume (issue 12): every statistics, dashboard, risk,
//! device and audit endpoint for a month and for a year, and the XLSX and CSV exports of a
//! year of visits with the server's peak memory. `-- --reading` runs this phase alone, on a
//! freshly started server, so the peak memory it reports is the exports'.

use std::time::Instant;

use huifang_domain::Role;
use huifang_server::seed::staff_name;

use crate::server::Server;
use crate::{Api, Figures, Size, read_figure, sample};

/// The generated history ends on the day the seed ran; these name a month and a year inside
/// it, whatever today is.
fn periods(last_day: chrono::NaiveDate) -> [(&'static str, String); 2] {
    let month = last_day - chrono::Duration::days(15);
    let year_from = last_day - chrono::Duration::days(364);
    [
        ("a month", format!("period=month&date={month}")),
        (
            "a year",
            format!("period=custom&from={year_from}&to={last_day}"),
        ),
    ]
}

/// The local day of the newest visit, read before the server starts.
pub fn last_day(db: &std::path::Path) -> chrono::NaiveDate {
    let conn = rusqlite::Connection::open(db).expect("open the database");
    let newest: String = conn
        .query_row(
            "SELECT contacted_at FROM visits ORDER BY received_at DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("the newest visit");
    chrono::DateTime::parse_from_rfc3339(&newest)
        .expect("a stored instant")
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
        .date_naive()
}

const ENDPOINTS: [&str; 6] = [
    "/api/stats/feedback",
    "/api/dashboard/satisfaction",
    "/api/dashboard/visits",
    "/api/dashboard/revisits",
    "/api/dashboard/backlog",
    "/api/dashboard/agents",
];

pub async fn run(
    api: &Api,
    server: &Server,
    size: &Size,
    figures: &mut Figures,
    last: chrono::NaiveDate,
) {
    let supervisor = api.login(&staff_name(Role::Supervisor, 1)).await;
    let admin = api.login(&staff_name(Role::Admin, 1)).await;
    let [month, year] = periods(last);

    // The export first: the server has only started, so its peak memory is the export's.
    for format in ["xlsx", "csv"] {
        let path = format!("/api/exports/visits?format={format}&{}", year.1);
        let started = Instant::now();
        let res = api
            .client
            .get(format!("{}{path}", api.base))
            .bearer_auth(&supervisor)
            .send()
            .await
            .expect("export");
        let status = res.status();
        let bytes = res.bytes().await.expect("export body");
        let seconds = started.elapsed().as_secs_f64();
        let rows = exported_rows(api, &admin).await as f64;
        let rss = server.peak_rss_kib() as f64 / 1024.0;
        let rate = rows / seconds;
        figures.add(
            format!("export of a year of visits, {format} ({status})"),
            format!(
                "{:.1} MB in {seconds:.1} s, {rate:.0} rows/s, peak RSS {rss:.0} MiB",
                bytes.len() as f64 / 1e6
            ),
            "≥ 50,000 rows/s, < 150 MB",
            status.is_success() && rate >= 50_000.0 && rss < 150.0,
        );
    }

    for (label, query) in [&month, &year] {
        for endpoint in ENDPOINTS {
            let path = format!("{endpoint}?{query}");
            let times = sample(size.requests, size.budget, |_| {
                let (api, token, path) = (api, &supervisor, path.clone());
                async move {
                    api.get(token, &path).await;
                }
            })
            .await;
            read_figure(figures, &format!("GET {endpoint}, {label}"), &times);
        }
    }
    let once: [(&str, &String); 4] = [
        ("/api/risks", &supervisor),
        ("/api/devices", &supervisor),
        ("/api/audit", &admin),
        ("/api/audit?action=export", &admin),
    ];
    for (path, token) in once {
        let times = sample(size.requests, size.budget, |_| async move {
            api.get(token, path).await;
        })
        .await;
        read_figure(figures, &format!("GET {path}"), &times);
    }
}

/// The row count of the newest export, as its audit entry records it.
async fn exported_rows(api: &Api, admin: &str) -> u64 {
    let (page, _) = api.get(admin, "/api/audit?action=export").await;
    page["entries"][0]["after"]["rows"].as_u64().unwrap_or(0)
}
