//! Importing customers from a CRM export (issue 11): upload, mapping, preview with row
//! errors, all-or-nothing commit, upsert, the remembered mapping, refusals and the audit row.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use huifang_domain::customer_book::FieldReason;
use huifang_domain::import::{
    FileFormat, ImportField, ImportMapping, ImportPreview, ImportState, ImportStatus, ImportUpload,
    PreviewRequest, RowAction,
};
use huifang_tests::{Session, TestServer, expect_error};
use reqwest::StatusCode;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const HEADER: &str = "客户编号,姓名,电话,客户等级,VIP,标签,区域,购买日期,备注";

fn csv(rows: &[&str]) -> Vec<u8> {
    let mut text = String::from("\u{feff}");
    text.push_str(HEADER);
    for row in rows {
        text.push('\n');
        text.push_str(row);
    }
    text.into_bytes()
}

async fn upload(admin: &Session, name: &str, file: Vec<u8>) -> ImportUpload {
    let res = admin
        .post(&format!("/api/imports?name={name}"))
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "upload {name}");
    res.json().await.unwrap()
}

async fn preview(admin: &Session, up: &ImportUpload, mapping: &ImportMapping) -> ImportPreview {
    let res = admin
        .post(&format!("/api/imports/{}/preview", up.id))
        .json(&PreviewRequest {
            mapping: mapping.clone(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "preview");
    res.json().await.unwrap()
}

/// Commits and follows the progress until the import has finished.
async fn commit(admin: &Session, up: &ImportUpload) -> ImportStatus {
    let res = admin
        .post(&format!("/api/imports/{}/commit", up.id))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED, "commit");
    for _ in 0..600 {
        let status: ImportStatus = admin.get_ok(&format!("/api/imports/{}", up.id)).await;
        assert!(status.done <= status.total, "{status:?}");
        if !matches!(status.state, ImportState::Committing) {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the import did not finish");
}

/// Uploads, previews with the proposed mapping and commits.
async fn import(admin: &Session, name: &str, file: Vec<u8>) -> (ImportPreview, ImportStatus) {
    let up = upload(admin, name, file).await;
    let preview = preview(admin, &up, &up.mapping).await;
    assert_eq!(preview.errors, vec![], "no row errors");
    (preview, commit(admin, &up).await)
}

fn customers(server: &TestServer) -> i64 {
    server
        .db()
        .query_row("SELECT COUNT(*) FROM customers", [], |r| r.get(0))
        .unwrap()
}

fn stored(
    server: &TestServer,
    external_id: &str,
) -> (String, String, String, bool, Option<String>) {
    server
        .db()
        .query_row(
            "SELECT name, contact, class, vip, purchase_date FROM customers WHERE external_id = ?1",
            [external_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap()
}

#[tokio::test]
async fn a_csv_export_is_mapped_previewed_imported_and_audited() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let before = customers(&server);
    let file = csv(&[
        "CRM-1,王芳,13900001111,A,是,\"老客户,空调\",浦东,2026/3/1,\"两台空调\n一台冰箱\"",
        "CRM-2,李雷,13900002222,b类,否,,浦西,2026-02-15,",
        "",
        ",韩梅梅,13900003333,C,N,,,,",
    ]);
    let up = upload(&admin, "crm.csv", file).await;
    assert_eq!(up.format, FileFormat::Csv);
    assert_eq!(up.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(
        up.headers[0], "客户编号",
        "the BOM is not part of the header"
    );
    assert_eq!(up.rows, 3, "the blank line is not a row");
    assert!(!up.remembered);
    use ImportField::*;
    assert_eq!(
        up.mapping.columns,
        [
            ExternalId,
            Name,
            Contact,
            Class,
            Vip,
            Tags,
            Region,
            PurchaseDate,
            Summary
        ]
        .map(Some)
        .to_vec()
    );

    let p = preview(&admin, &up, &up.mapping).await;
    assert_eq!(
        (p.counts.rows, p.counts.to_create, p.counts.to_update),
        (3, 3, 0)
    );
    assert_eq!(
        p.rows[0].contact_masked, "139****1111",
        "masked in the preview"
    );
    assert_eq!(p.rows[0].tags, vec!["老客户", "空调"]);
    assert_eq!(
        p.rows[2].row, 5,
        "rows numbered as the spreadsheet shows them"
    );
    let text = serde_json::to_string(&p).unwrap();
    assert!(!text.contains("13900001111"), "no contact whole: {text}");
    assert_eq!(customers(&server), before, "a preview writes nothing");

    let done = commit(&admin, &up).await;
    assert_eq!(done.state, ImportState::Done, "{done:?}");
    assert_eq!(
        (done.created, done.updated, done.done, done.total),
        (3, 0, 3, 3)
    );
    assert_eq!(customers(&server), before + 3);
    assert_eq!(
        stored(&server, "CRM-1"),
        (
            "王芳".into(),
            "13900001111".into(),
            "A".into(),
            true,
            Some("2026-03-01".into())
        )
    );
    let tags: i64 = server
        .db()
        .query_row(
            "SELECT COUNT(*) FROM customer_tags t JOIN customers c ON c.id = t.customer_id
             WHERE c.external_id = 'CRM-1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tags, 2);

    let (by, after): (String, String) = server
        .db()
        .query_row(
            "SELECT user_id, after FROM audit_log WHERE action = 'customer.import'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(by, admin.user.id.to_string());
    let after: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(after["file"], "crm.csv");
    assert_eq!(
        (after["rows"].as_u64(), after["created"].as_u64()),
        (Some(3), Some(3))
    );
    assert!(
        !after.to_string().contains("1390000"),
        "no contact in the audit"
    );
    assert_eq!(
        server.audit_rows("customer.import"),
        1,
        "one row for the import"
    );
}

/// An XLSX row: id, name, phone (a number), class, VIP (a flag), purchase date (a
/// date-formatted cell), purchase date again as a bare Excel serial number.
type XlsxRow<'a> = (
    &'a str,
    &'a str,
    f64,
    &'a str,
    bool,
    Option<(u16, u8, u8)>,
    f64,
);

fn xlsx(rows: &[XlsxRow]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in [
        "ID",
        "Name",
        "Phone",
        "Class",
        "VIP",
        "Purchase date",
        "购买日期",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (i, (id, name, phone, class, vip, purchased, serial)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, *id).unwrap();
        sheet.write_string(r, 1, *name).unwrap();
        // A phone number a spreadsheet keeps as a number.
        sheet.write_number(r, 2, *phone).unwrap();
        sheet.write_string(r, 3, *class).unwrap();
        sheet.write_boolean(r, 4, *vip).unwrap();
        if let Some((y, m, d)) = purchased {
            let day = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
            sheet.write_datetime_with_format(r, 5, &day, &date).unwrap();
        }
        sheet.write_number(r, 6, *serial).unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn an_xlsx_export_with_numbers_and_dates_is_imported() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let file = xlsx(&[
        (
            "X-1",
            "赵先生",
            13700001111.0,
            "A",
            true,
            Some((2026, 3, 1)),
            46082.0,
        ),
        ("X-2", "钱女士", 13700002222.0, "D", false, None, 46083.0),
    ]);
    let up = upload(&admin, "crm.xlsx", file).await;
    assert_eq!((up.format, up.rows), (FileFormat::Xlsx, 2));
    // "Purchase date" and "购买日期" both name the field: the first column takes it.
    assert_eq!(up.mapping.columns[5], Some(ImportField::PurchaseDate));
    assert_eq!(up.mapping.columns[6], None);
    let p = preview(&admin, &up, &up.mapping).await;
    assert_eq!(p.errors, vec![]);
    assert_eq!(p.rows[0].contact_masked, "137****1111");
    let done = commit(&admin, &up).await;
    assert_eq!((done.state, done.created), (ImportState::Done, 2));
    assert_eq!(
        stored(&server, "X-1"),
        (
            "赵先生".into(),
            "13700001111".into(),
            "A".into(),
            true,
            Some("2026-03-01".into())
        )
    );

    // The serial-number column mapped instead: Excel's day 46083 is 2026-03-02.
    let file = xlsx(&[("X-2", "钱女士", 13700002222.0, "D", false, None, 46083.0)]);
    let up = upload(&admin, "again.xlsx", file).await;
    assert!(up.remembered, "the same header row");
    let mut mapping = up.mapping.clone();
    mapping.columns[5] = None;
    mapping.columns[6] = Some(ImportField::PurchaseDate);
    let p = preview(&admin, &up, &mapping).await;
    assert_eq!(p.rows[0].purchase_date.unwrap().to_string(), "2026-03-02");
    assert_eq!(p.rows[0].action, RowAction::Update);
    assert_eq!(commit(&admin, &up).await.updated, 1);
    assert_eq!(stored(&server, "X-2").4.as_deref(), Some("2026-03-02"));
}

#[tokio::test]
async fn the_mapping_of_the_last_import_is_remembered_for_its_header_row() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let header = "代码,客户,备用电话,等级,手机";
    let file = |row: &str| format!("{header}\n{row}").into_bytes();
    let up = upload(&admin, "a.csv", file("K1,周,13600001111,A,1")).await;
    assert!(!up.remembered);
    assert_eq!(up.mapping.columns[4], Some(ImportField::Contact), "guessed");
    // The admin maps the backup number instead and leaves 手机 out.
    let mut mapping = up.mapping.clone();
    mapping.columns = vec![
        Some(ImportField::ExternalId),
        Some(ImportField::Name),
        Some(ImportField::Contact),
        Some(ImportField::Class),
        None,
    ];
    assert_eq!(preview(&admin, &up, &mapping).await.counts.with_errors, 0);
    assert_eq!(commit(&admin, &up).await.state, ImportState::Done);

    let again = upload(&admin, "b.csv", file("K2,吴,13600002222,B,1")).await;
    assert!(again.remembered);
    assert_eq!(again.mapping, mapping);
    let other = upload(&admin, "c.csv", csv(&["K3,郑,13600003333,B,,,,,"])).await;
    assert!(!other.remembered, "another header row");
}

#[tokio::test]
async fn row_errors_name_row_column_and_reason_and_nothing_is_written() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let before = customers(&server);
    let file = csv(&[
        "E-1,王,13500001111,A,是,,,,",
        "E-2,,13500002222,E,也许,,,2026-13-01,",
        "E-3,李,13500001111,B,,,,,",
        "E-1,赵,13500004444,C,,,,,",
    ]);
    let up = upload(&admin, "bad.csv", file).await;
    let p = preview(&admin, &up, &up.mapping).await;
    assert_eq!((p.counts.rows, p.counts.with_errors), (4, 3));
    let got: Vec<_> = p
        .errors
        .iter()
        .map(|e| (e.row, e.header.as_str(), e.reason, e.first_row))
        .collect();
    use FieldReason::*;
    assert_eq!(
        got,
        vec![
            (3, "姓名", Missing, None),
            (3, "客户等级", BadClass, None),
            (3, "VIP", BadFlag, None),
            (3, "购买日期", BadDate, None),
            (4, "电话", DuplicateInFile, Some(2)),
            (5, "客户编号", DuplicateInFile, Some(2)),
        ]
    );
    assert_eq!(p.error_count, 6);
    let res = admin
        .post(&format!("/api/imports/{}/commit", up.id))
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::UNPROCESSABLE_ENTITY, "import_has_errors").await;
    assert_eq!(customers(&server), before);
    assert_eq!(server.audit_rows("customer.import"), 0);

    // A mapping that leaves a required field out is refused as a whole.
    let mut partial = up.mapping.clone();
    partial.columns[3] = None;
    let res = admin
        .post(&format!("/api/imports/{}/preview", up.id))
        .json(&PreviewRequest { mapping: partial })
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::BAD_REQUEST, "bad_request").await;
}

#[tokio::test]
async fn an_error_in_the_last_of_1000_rows_leaves_the_database_unchanged() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let before = customers(&server);
    let mut rows: Vec<String> = (0..999)
        .map(|i| format!("B-{i},客户{i},1380000{i:04},A,,,,,"))
        .collect();
    rows.push("B-999,最后一位,13800009999,Z,,,,,".into());
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let up = upload(&admin, "big.csv", csv(&rows)).await;
    assert_eq!(up.rows, 1000);
    let p = preview(&admin, &up, &up.mapping).await;
    assert_eq!((p.counts.to_create, p.counts.with_errors), (999, 1));
    assert_eq!(p.errors[0].row, 1001);
    let res = admin
        .post(&format!("/api/imports/{}/commit", up.id))
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::UNPROCESSABLE_ENTITY, "import_has_errors").await;
    assert_eq!(customers(&server), before);
}

#[tokio::test]
async fn a_second_import_updates_by_external_id_or_contact_and_never_duplicates() {
    let server = TestServer::in_process();
    let admin = server.admin().await;
    let before = customers(&server);
    let (_, first) = import(
        &admin,
        "one.csv",
        csv(&["U-1,孙,13400001111,A,,,,,", ",周,13400002222,B,,,,,"]),
    )
    .await;
    assert_eq!(first.created, 2);
    let (p, second) = import(
        &admin,
        "two.csv",
        csv(&[
            // Same external id, a new number: updated by id.
            "U-1,孙先生,13400009999,B,,,,,",
            // No id, same number: updated by contact.
            ",周女士,13400002222,C,,,,,",
            "U-3,吴,13400003333,D,,,,,",
        ]),
    )
    .await;
    assert_eq!((p.counts.to_update, p.counts.to_create), (2, 1));
    assert_eq!((second.updated, second.created), (2, 1));
    assert_eq!(customers(&server), before + 3);
    assert_eq!(
        stored(&server, "U-1"),
        (
            "孙先生".into(),
            "13400009999".into(),
            "B".into(),
            false,
            None
        )
    );
    let zhou: (String, String) = server
        .db()
        .query_row(
            "SELECT name, class FROM customers WHERE contact = '13400002222'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(zhou, ("周女士".into(), "C".into()));
}

#[tokio::test]
async fn only_admins_import_and_a_file_over_the_limit_is_refused() {
    let server = TestServer::in_process();
    let supervisor = server.supervisor().await;
    let res = supervisor
        .post("/api/imports")
        .body(csv(&["S-1,王,13300001111,A,,,,,"]))
        .send()
        .await
        .unwrap();
    expect_error(res, StatusCode::FORBIDDEN, "forbidden").await;

    let admin = server.admin().await;
    let up = upload(&admin, "x.csv", csv(&["S-1,王,13300001111,A,,,,,"])).await;
    let status = supervisor
        .get_status(&format!("/api/imports/{}", up.id))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A file declared over 64 MiB is refused before a byte of it is read.
    let addr = server.base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/imports HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
         Content-Length: {}\r\n\r\nxxxx",
        admin.token,
        64 * 1024 * 1024 + 1
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n = tcp.read(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("payload_too_large"), "{answer}");

    let res = admin.post("/api/imports").body("").send().await.unwrap();
    expect_error(res, StatusCode::BAD_REQUEST, "bad_request").await;
}
