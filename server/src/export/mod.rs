//! Exports (issue 12): the 客户沟通记录表, the tickets and the 反馈分类统计表 as CSV (UTF-8
//! with a byte-order mark, which is what makes Excel read Chinese text right) or XLSX.
//!
//! A table is written row by row through [`Table`]: the CSV goes out in chunks as the rows
//! are read, the XLSX is a constant-memory worksheet (rows go to a scratch file as they are
//! written). Either way memory holds a page of rows, not the export.

pub mod labels;
mod respond;
mod stats;
mod table;
mod tickets;
mod visits;

use huifang_domain::period::Period;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

pub use respond::{Job, respond, respond_bytes};
pub use stats::{stats_csv, stats_workbook};
pub use table::{Cell, ChunkWriter, CsvTable, Table, XlsxTable};
pub use tickets::ticket_widths;
pub use tickets::{ticket_cells, ticket_headers};
pub use visits::{VISIT_WIDTHS, visit_cells, visit_headers};

/// The file format asked for (`?format=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// The language of the headers and labels (`?lang=`, default zh-CN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" | "zh-CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// What is exported; it names the file and the audit entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Visits,
    Tickets,
    Stats,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Visits => "visits",
            Kind::Tickets => "tickets",
            Kind::Stats => "stats",
        }
    }

    fn title(self, lang: Lang) -> &'static str {
        lang.pick(match self {
            Kind::Visits => ("客户沟通记录表", "visits"),
            Kind::Tickets => ("工单记录表", "tickets"),
            Kind::Stats => ("反馈分类统计表", "feedback-stats"),
        })
    }
}

/// Characters kept as they are in an RFC 5987 `filename*` value (its `attr-char`).
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `Content-Disposition` for the file of `kind` over `period`: the title in the reader's
/// language (`客户沟通记录表_2026-12.xlsx`) as RFC 5987 `filename*`, and an ASCII name
/// (`visits_2026-12.xlsx`) for clients that read only `filename`.
pub fn content_disposition(kind: Kind, period: &Period, format: Format, lang: Lang) -> String {
    let key = period.key();
    let ext = format.as_str();
    let name = format!("{}_{key}.{ext}", kind.title(lang));
    let ascii = format!("{}_{key}.{ext}", kind.title(Lang::En));
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        utf8_percent_encode(&name, ATTR_CHAR)
    )
}

#[cfg(test)]
mod tests;
