//! The 反馈分类统计表 as a file: the handbook's columns, and in the XLSX a native Excel
//! doughnut chart of the shares drawn from the table's own cells (so it follows an edit).

use huifang_domain::stats::{FeedbackStats, StatsRow};
use rust_xlsxwriter::{Chart, ChartType, Format as XlsxFormat, Workbook};

use super::table::{CsvTable, Table};
use super::{Cell, Lang, labels};
use crate::error::{AppError, Result};

pub fn stats_headers(lang: Lang) -> [&'static str; 8] {
    lang.pick((
        [
            "统计周期",
            "反馈类型",
            "具体问题",
            "出现频次",
            "占比(%)",
            "典型原话",
            "处理建议(话术优化/流程改进/产品迭代)",
            "责任部门",
        ],
        [
            "Period",
            "Feedback type",
            "Sub-problem",
            "Count",
            "Share (%)",
            "Typical quote",
            "Suggested action",
            "Department",
        ],
    ))
}

const WIDTHS: [f64; 8] = [12.0, 10.0, 14.0, 10.0, 10.0, 40.0, 36.0, 12.0];

/// `话术优化: 统一致歉开场白`: the kind of action, then what it says.
fn action_text(row: &StatsRow, lang: Lang) -> Option<String> {
    row.action.as_ref().map(|a| {
        let kind = labels::action_kind(lang, a.kind);
        if a.text.is_empty() {
            kind.to_owned()
        } else {
            format!("{kind}: {}", a.text)
        }
    })
}

fn cells(stats: &FeedbackStats, row: &StatsRow, lang: Lang) -> Vec<Cell> {
    vec![
        stats.period.key().into(),
        labels::nature_key(lang, &row.nature).into(),
        labels::sub_problem(lang, &row.sub_problem).into(),
        Cell::Int(row.count as i64),
        // One decimal, as the console shows it.
        Cell::Num((row.share * 10.0).round() / 10.0),
        row.quote.as_deref().into(),
        action_text(row, lang).into(),
        row.department.as_deref().into(),
    ]
}

/// The table as CSV (with the BOM).
pub fn stats_csv(stats: &FeedbackStats, lang: Lang) -> Result<Vec<u8>> {
    let mut table = CsvTable::new(Vec::new(), &stats_headers(lang))?;
    for row in &stats.rows {
        table.row(&cells(stats, row, lang))?;
    }
    table.finish()
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::Internal(format!("export: {e}"))
}

/// The table as an XLSX workbook, a doughnut chart of the counts by sub-problem beside it
/// (Excel computes the shares of the slices itself).
pub fn stats_workbook(stats: &FeedbackStats, lang: Lang) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let name = lang.pick(("反馈分类统计表", "Feedback statistics"));
    sheet.set_name(name).map_err(xlsx_error)?;
    let bold = XlsxFormat::new().set_bold();
    for (col, (h, w)) in stats_headers(lang).iter().zip(WIDTHS).enumerate() {
        let col = col as u16;
        sheet
            .write_string_with_format(0, col, *h, &bold)
            .map_err(xlsx_error)?;
        sheet.set_column_width(col, w).map_err(xlsx_error)?;
    }
    let percent = XlsxFormat::new().set_num_format("0.0");
    for (i, row) in stats.rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (col, cell) in cells(stats, row, lang).into_iter().enumerate() {
            let col = col as u16;
            match cell {
                Cell::Text(s) => sheet.write_string(r, col, s),
                Cell::Int(n) => sheet.write_number(r, col, n as f64),
                Cell::Num(x) => sheet.write_number_with_format(r, col, x, &percent),
                Cell::Empty => continue,
            }
            .map_err(xlsx_error)?;
        }
    }
    if !stats.rows.is_empty() {
        let last = stats.rows.len() as u32;
        let mut chart = Chart::new(ChartType::Doughnut);
        chart
            .add_series()
            .set_name(lang.pick(("占比", "Share")))
            .set_categories((name, 1, 2, last, 2))
            .set_values((name, 1, 3, last, 3));
        chart
            .title()
            .set_name(&format!("{name} {}", stats.period.key()));
        sheet
            .insert_chart(1, WIDTHS.len() as u16 + 1, &chart)
            .map_err(xlsx_error)?;
    }
    workbook.save_to_buffer().map_err(xlsx_error)
}
