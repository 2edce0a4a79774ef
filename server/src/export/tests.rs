use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{NaiveDate, TimeZone, Utc};
use huifang_domain::period::{Period, PeriodKind};
use huifang_domain::stats::{ActionKind, ActionState, FeedbackStats, StatsRow, SuggestedAction};
use huifang_domain::{Channel, VisitType};

use super::*;
use crate::store::VisitExportRow;

fn december() -> Period {
    Period::containing(
        PeriodKind::Month,
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
    )
}

fn visit() -> VisitExportRow {
    VisitExportRow {
        // 14:30 in Beijing (UTC+8).
        contacted_at: Utc.with_ymd_and_hms(2026, 12, 1, 6, 30, 0).unwrap(),
        customer: "王女士".into(),
        contact: huifang_domain::mask_contact("13812345678"),
        channel: Channel::Phone,
        visit_type: VisitType::AfterSales,
        script: Some(("售后回访标准话术".into(), 3)),
        verbatim: "他说: \"找了10分钟,没找到\"\n希望首页增加入口".into(),
        satisfaction: Some(3),
        follow_up: "转交产品部门".into(),
        agent: "李客服".into(),
    }
}

fn sheet_rows(bytes: Vec<u8>) -> Vec<Vec<Data>> {
    let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

#[test]
fn a_csv_starts_with_the_bom_and_quotes_what_needs_quoting() {
    let mut table = CsvTable::new(Vec::new(), &visit_headers(Lang::Zh)).unwrap();
    table.row(&visit_cells(1, &visit(), Lang::Zh, 480)).unwrap();
    let bytes = table.finish().unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut lines = text.split("\r\n");
    assert_eq!(
        lines.next().unwrap(),
        "序号,客户姓名,联系方式(脱敏),沟通时间,沟通渠道,问题类型,沟通话术摘要,\
         客户反馈内容(原话),满意度评分(1-5分),跟进事项,负责客服"
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let row: Vec<&str> = rows[0].iter().collect();
    assert_eq!(
        row,
        [
            "1",
            "王女士",
            "138****5678",
            "2026-12-01 14:30",
            "电话",
            "售后回访",
            "售后回访标准话术 (v3)",
            "他说: \"找了10分钟,没找到\"\n希望首页增加入口",
            "3",
            "转交产品部门",
            "李客服",
        ]
    );
    // The quote, the comma and the line break are inside one quoted field.
    assert!(text.contains("\"他说: \"\"找了10分钟,没找到\"\"\n希望首页增加入口\""));
}

#[test]
fn english_headers_and_labels_on_request() {
    let cells = visit_cells(7, &visit(), Lang::En, 0);
    assert_eq!(visit_headers(Lang::En)[2], "Contact (masked)");
    assert_eq!(cells[0], Cell::Int(7));
    assert_eq!(cells[3], Cell::Text("2026-12-01 06:30".into()));
    assert_eq!(cells[4], Cell::Text("Phone".into()));
    assert_eq!(cells[5], Cell::Text("After-sales follow-up".into()));
}

#[test]
fn a_visit_without_script_or_score_leaves_those_cells_empty() {
    let mut v = visit();
    v.script = None;
    v.satisfaction = None;
    let cells = visit_cells(1, &v, Lang::Zh, 480);
    assert_eq!(cells[6], Cell::Empty);
    assert_eq!(cells[8], Cell::Empty);
}

#[test]
fn an_xlsx_table_reads_back_with_its_header_numbers_and_masked_contacts() {
    let mut table = XlsxTable::new(&visit_headers(Lang::Zh), &VISIT_WIDTHS).unwrap();
    for n in 1..=3 {
        table.row(&visit_cells(n, &visit(), Lang::Zh, 480)).unwrap();
    }
    let mut bytes = Vec::new();
    table.finish(Cursor::new(&mut bytes)).unwrap();
    let rows = sheet_rows(bytes);
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0][0], Data::String("序号".into()));
    assert_eq!(rows[3][0], Data::Float(3.0));
    assert_eq!(rows[1][2], Data::String("138****5678".into()));
    assert_eq!(rows[1][8], Data::Float(3.0));
}

#[test]
fn the_file_name_is_the_title_and_the_period_with_an_ascii_fallback() {
    assert_eq!(
        content_disposition(Kind::Visits, &december(), Format::Xlsx, Lang::Zh),
        "attachment; filename=\"visits_2026-12.xlsx\"; \
         filename*=UTF-8''%E5%AE%A2%E6%88%B7%E6%B2%9F%E9%80%9A%E8%AE%B0%E5%BD%95%E8%A1%A8_2026-12.xlsx"
    );
    let custom = Period::custom(
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
    )
    .unwrap();
    assert_eq!(
        content_disposition(Kind::Tickets, &custom, Format::Csv, Lang::En),
        "attachment; filename=\"tickets_2026-12-01~2026-12-03.csv\"; \
         filename*=UTF-8''tickets_2026-12-01~2026-12-03.csv"
    );
}

#[test]
fn formats_and_languages_parse_only_known_values() {
    assert_eq!(Format::parse("csv"), Some(Format::Csv));
    assert_eq!(Format::parse("xlsx"), Some(Format::Xlsx));
    assert_eq!(Format::parse("xls"), None);
    assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
    assert_eq!(Lang::parse("en"), Some(Lang::En));
    assert_eq!(Lang::parse("fr"), None);
}

fn stats() -> FeedbackStats {
    let row = |nature: &str, sub: &str, count, share, quote: Option<&str>| StatsRow {
        nature: nature.into(),
        sub_problem: sub.into(),
        count,
        share,
        previous_count: 0,
        previous_share: 0.0,
        quote: quote.map(str::to_owned),
        department: Some("产品部".into()),
        action: None,
    };
    let mut first = row(
        "product",
        "function",
        15,
        60.0,
        Some("找了10分钟没找到,希望首页增加入口"),
    );
    first.action = Some(SuggestedAction {
        kind: ActionKind::Product,
        text: "首页增加常用工具入口".into(),
        state: ActionState::Open,
        since: "2026-12".into(),
        version: 1,
    });
    let period = december();
    FeedbackStats {
        period,
        previous: period.previous(),
        total: 25,
        previous_total: 0,
        rows: vec![first, row("experience", "logistics_delay", 10, 40.0, None)],
    }
}

#[test]
fn the_stats_workbook_has_the_handbook_columns_and_a_native_chart() {
    let bytes = stats_workbook(&stats(), Lang::Zh).unwrap();
    // The chart is a part of the package (its name is stored as is in the zip directory).
    let has = |name: &[u8]| bytes.windows(name.len()).any(|w| w == name);
    assert!(has(b"xl/charts/chart1.xml"));
    let rows = sheet_rows(bytes);
    assert_eq!(
        rows[0],
        [
            "统计周期",
            "反馈类型",
            "具体问题",
            "出现频次",
            "占比(%)",
            "典型原话",
            "处理建议(话术优化/流程改进/产品迭代)",
            "责任部门",
        ]
        .map(|h| Data::String(h.into()))
    );
    assert_eq!(
        rows[1],
        [
            Data::String("2026-12".into()),
            Data::String("产品".into()),
            Data::String("功能问题".into()),
            Data::Float(15.0),
            Data::Float(60.0),
            Data::String("找了10分钟没找到,希望首页增加入口".into()),
            Data::String("产品迭代: 首页增加常用工具入口".into()),
            Data::String("产品部".into()),
        ]
    );
    assert_eq!(rows[2][1], Data::String("体验".into()));
    assert_eq!(rows[2][5], Data::Empty);
}

#[test]
fn an_empty_period_has_the_header_and_no_chart() {
    let mut empty = stats();
    empty.rows.clear();
    let bytes = stats_workbook(&empty, Lang::En).unwrap();
    assert!(!bytes.windows(9).any(|w| w == b"xl/charts"));
    let rows = sheet_rows(bytes);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], Data::String("Period".into()));
}

#[test]
fn the_stats_csv_has_the_bom_and_one_line_per_row() {
    let bytes = stats_csv(&stats(), Lang::Zh).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][4], "60.0");
    assert_eq!(&rows[1][2], "物流延迟");
    assert_eq!(&rows[1][6], "");
}
