//! Exports (issue 12): the 客户沟通记录表, the tickets and the 反馈分类统计表 of a period as CSV
//! (with the BOM) and XLSX, contacts masked, supervisors and admins only, every export audited.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{FixedOffset, NaiveDate};
use huifang_domain::audit::AuditList;
use huifang_domain::mask_contact;
use huifang_domain::stats::FeedbackStats;
use huifang_tests::{Session, TestServer, expect_bad_request, expect_error, intake};
use reqwest::StatusCode;
use uuid::Uuid;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The organisation's calendar day (the demo runs on Beijing time) of `server`'s clock.
fn today(server: &TestServer) -> NaiveDate {
    let beijing = FixedOffset::east_opt(8 * 3600).unwrap();
    server.now().with_timezone(&beijing).date_naive()
}

/// The name and full contact of a customer, read from the database.
fn customer(server: &TestServer, id: Uuid) -> (String, String) {
    server
        .db()
        .query_row(
            "SELECT name, contact FROM customers WHERE id = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

/// Status, headers and body of a GET.
async fn download(
    session: &Session,
    path: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let res = session.get(path).send().await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.bytes().await.unwrap().to_vec())
}

fn csv_rows(body: &[u8]) -> Vec<Vec<String>> {
    assert!(
        body.starts_with(BOM),
        "a CSV export starts with the UTF-8 BOM"
    );
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&body[BOM.len()..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn xlsx_rows(body: Vec<u8>) -> Vec<Vec<Data>> {
    let mut book = Xlsx::new(Cursor::new(body)).expect("a real XLSX file");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(x) => x.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn the_visit_record_exports_as_csv_and_xlsx_masked_and_audited() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let id = field.a_customer().await;
    let (name, contact) = customer(&server, id);
    let words = ["第一条,有逗号", "第二条 \"引号\"", "第三条\n两行"];
    let visits: Vec<_> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let mut data = field.visit_data(id);
            data["verbatim"] = (*w).into();
            data["contacted_at"] =
                serde_json::to_value(server.now() - chrono::TimeDelta::minutes(30 - i as i64))
                    .unwrap();
            field.mutation(i as u64 + 1, "visit.record", data)
        })
        .collect();
    field.push_fresh(&visits).await;
    let supervisor = server.supervisor().await;
    let query = format!(
        "period=day&date={}&agent={}&visit_type=repair&channel=phone",
        today(&server),
        field.user.id
    );

    let (status, headers, body) = download(
        &supervisor,
        &format!("/api/exports/visits?format=csv&{query}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment; filename=\"visits_"));
    assert!(disposition.contains("filename*=UTF-8''%E5%AE%A2%E6%88%B7"));
    let rows = csv_rows(&body);
    assert_eq!(rows[0][0], "序号");
    assert_eq!(rows[0][2], "联系方式(脱敏)");
    assert_eq!(rows.len(), 4, "the header and the three visits");
    for (i, row) in rows[1..].iter().enumerate() {
        assert_eq!(row[0], (i + 1).to_string());
        assert_eq!(row[1], name);
        assert_eq!(row[2], mask_contact(&contact));
        assert_eq!(row[4], "电话");
        assert_eq!(row[5], "维修回访");
        assert_eq!(row[7], words[i], "in contact order, quoted intact");
        assert_eq!(row[8], "4");
        assert_eq!(row[10], field.user.display_name);
    }
    assert!(
        !String::from_utf8_lossy(&body).contains(&contact),
        "the full contact never leaves"
    );

    let (status, headers, body) = download(
        &supervisor,
        &format!("/api/exports/visits?format=xlsx&lang=en&{query}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        headers["content-length"].to_str().unwrap(),
        body.len().to_string()
    );
    let rows = xlsx_rows(body);
    assert_eq!(text(&rows[0][2]), "Contact (masked)");
    assert_eq!(rows.len(), 4);
    for (i, row) in rows[1..].iter().enumerate() {
        assert_eq!(text(&row[1]), name);
        assert_eq!(text(&row[2]), mask_contact(&contact));
        assert_eq!(text(&row[4]), "Phone");
        assert_eq!(text(&row[7]), words[i]);
    }

    let admin = server.admin().await;
    let audit: AuditList = admin.get_ok("/api/audit?action=export").await;
    assert_eq!(audit.entries.len(), 2, "one entry per export");
    for (entry, format) in audit.entries.iter().zip(["xlsx", "csv"]) {
        assert_eq!(entry.user_id, Some(supervisor.user.id));
        let after = entry.after.as_ref().unwrap();
        assert_eq!(after["kind"], "visits");
        assert_eq!(after["format"], format);
        assert_eq!(after["rows"], 3);
        assert_eq!(after["period"]["kind"], "day");
        assert_eq!(after["period"]["first"], today(&server).to_string());
        assert_eq!(after["filters"]["agent"], field.user.id.to_string());
        assert_eq!(after["filters"]["channel"], "phone");
    }
}

#[tokio::test]
async fn a_filter_narrows_the_export_and_an_empty_one_has_the_header_only() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let id = field.a_customer().await;
    field.push_fresh(&[field.visit(1, id)]).await;
    let supervisor = server.supervisor().await;
    let day = today(&server);
    let (_, _, body) = download(
        &supervisor,
        &format!(
            "/api/exports/visits?format=csv&period=day&date={day}&agent={}&channel=email",
            field.user.id
        ),
    )
    .await;
    assert_eq!(csv_rows(&body).len(), 1, "the header alone");
}

#[tokio::test]
async fn the_ticket_export_lists_the_period_tickets_with_grade_state_and_clocks() {
    let server = TestServer::in_process();
    let agent = server.agent().await;
    let id = server.a_customer().await;
    let (_, contact) = customer(&server, id);
    let ticket = agent
        .create_ticket(intake(Some(id), "hotline", "service", "attitude"))
        .await;
    let supervisor = server.supervisor().await;
    let (status, headers, body) = download(
        &supervisor,
        &format!(
            "/api/exports/tickets?format=csv&period=day&date={}",
            today(&server)
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename=\"tickets_")
    );
    assert!(!String::from_utf8_lossy(&body).contains(&contact));
    let rows = csv_rows(&body);
    let header = &rows[0];
    assert_eq!(
        header[..4],
        ["工单编号", "创建时间", "反映人", "联系方式(脱敏)"]
    );
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let row = rows
        .iter()
        .find(|r| r[0] == ticket.to_string())
        .expect("the new ticket is exported");
    assert_eq!(row[col("问题性质")], "服务");
    assert_eq!(row[col("具体问题")], "服务态度");
    assert_eq!(row[col("状态")], "新建");
    assert!(!row[col("影响程度")].is_empty() && !row[col("优先级")].is_empty());
    // Each clock kind has three columns (开始, 时限, 结果); a new ticket runs at least one.
    let clocks: Vec<usize> = (0..header.len())
        .filter(|&i| header[i].ends_with("开始") && !row[i].is_empty())
        .collect();
    assert!(!clocks.is_empty(), "a clock started: {row:?}");
    for i in clocks {
        assert!(!row[i + 1].is_empty(), "its deadline");
        assert_eq!(row[i + 2], "进行中", "a new ticket's clock is running");
    }

    let (status, _, body) = download(
        &supervisor,
        &format!(
            "/api/exports/tickets?format=xlsx&period=day&date={}",
            today(&server)
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let rows = xlsx_rows(body);
    assert!(rows.iter().any(|r| text(&r[0]) == ticket.to_string()));
    assert_eq!(server.audit_rows("export"), 2);
}

#[tokio::test]
async fn the_statistics_table_exports_with_its_counts_and_a_chart() {
    let server = TestServer::in_process();
    let agent = server.agent().await;
    for (nature, sub) in [
        ("service", "attitude"),
        ("service", "attitude"),
        ("product", "function"),
    ] {
        server.hotline_ticket(&agent, nature, sub).await;
    }
    let supervisor = server.supervisor().await;
    let query = format!("period=day&date={}", today(&server));
    let (status, headers, body) = download(
        &supervisor,
        &format!("/api/exports/stats?format=xlsx&{query}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename=\"feedback-stats_")
    );
    let has_chart = body.windows(20).any(|w| w == b"xl/charts/chart1.xml");
    assert!(has_chart, "a native Excel chart of the shares");
    let rows = xlsx_rows(body);
    assert_eq!(text(&rows[0][0]), "统计周期");
    // The rows the statistics endpoint answers, in its order, with the same counts.
    let stats: FeedbackStats = supervisor
        .get_ok(&format!("/api/stats/feedback?{query}"))
        .await;
    assert_eq!(rows.len(), stats.rows.len() + 1);
    for (row, expected) in rows[1..].iter().zip(&stats.rows) {
        assert_eq!(text(&row[0]), stats.period.key());
        assert_eq!(text(&row[3]), expected.count.to_string());
    }
    let attitude = rows.iter().find(|r| text(&r[2]) == "服务态度").unwrap();
    let function = rows.iter().find(|r| text(&r[2]) == "功能问题").unwrap();
    assert_eq!(text(&attitude[1]), "服务");
    assert_eq!(text(&function[1]), "产品");

    let (status, _, body) = download(
        &supervisor,
        &format!("/api/exports/stats?format=csv&{query}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let csv = csv_rows(&body);
    assert_eq!(csv.len(), rows.len(), "the same table in both formats");

    let admin = server.admin().await;
    let audit: AuditList = admin.get_ok("/api/audit?action=export").await;
    let after = audit.entries[0].after.as_ref().unwrap();
    assert_eq!(after["kind"], "stats");
    assert_eq!(after["rows"], rows.len() as u64 - 1);
}

#[tokio::test]
async fn only_supervisors_and_admins_export() {
    let server = TestServer::in_process();
    for who in ["field", "agent"] {
        let session = server.login(who).await;
        for kind in ["visits", "tickets", "stats"] {
            // Refused before the parameters are even read.
            let res = session
                .get(&format!("/api/exports/{kind}?format=nope"))
                .send()
                .await
                .unwrap();
            expect_error(res, StatusCode::FORBIDDEN, "forbidden").await;
        }
    }
    for who in ["supervisor", "admin"] {
        let session = server.login(who).await;
        for kind in ["visits", "tickets", "stats"] {
            let (status, _, body) =
                download(&session, &format!("/api/exports/{kind}?format=csv")).await;
            assert_eq!(status, StatusCode::OK, "{who} exports {kind}");
            assert!(body.starts_with(BOM));
        }
    }
    assert_eq!(server.audit_rows("export"), 6);
}

#[tokio::test]
async fn bad_parameters_answer_400_naming_the_field_and_nothing_is_audited() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    let cases = [
        ("visits", "", "format"),
        ("visits", "format=xls", "format"),
        ("tickets", "format=pdf", "format"),
        ("stats", "format=csv&period=month&date=yesterday", "date"),
        ("visits", "format=csv&lang=fr", "lang"),
        ("visits", "format=csv&period=fortnight", "period"),
        ("tickets", "format=xlsx&period=day&date=2026-13-01", "date"),
        ("visits", "format=csv&agent=someone", "agent"),
        ("visits", "format=csv&visit_type=party", "visit_type"),
        ("visits", "format=csv&channel=pigeon", "channel"),
    ];
    for (kind, query, field) in cases {
        let res = supervisor
            .get(&format!("/api/exports/{kind}?{query}"))
            .send()
            .await
            .unwrap();
        expect_bad_request(res, field).await;
    }
    assert_eq!(server.audit_rows("export"), 0);
}
