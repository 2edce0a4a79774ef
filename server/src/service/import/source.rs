//! Reading an uploaded file row by row, never whole: CSV with the `csv` crate (UTF-8 with or
//! without BOM, else GB18030, the superset of the GBK Chinese Excel writes), XLSX's first
//! sheet with calamine's cell reader (only the shared strings are held in memory).

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use calamine::{DataRef, Reader, Xlsx};
use encoding_rs::{Encoding, GB18030, UTF_8};
use huifang_domain::import::{Cell, FileFormat};

use crate::error::{AppError, Result};

/// What is sniffed to tell the format, the encoding and the delimiter.
const SAMPLE: usize = 64 * 1024;

/// One line of a file: its header row, then its rows numbered as a spreadsheet shows them.
pub enum Line {
    Header(Vec<String>),
    Row(u64, Vec<Cell>),
}

/// How to read a stored upload.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    pub format: FileFormat,
    /// A CSV's text encoding and field delimiter.
    encoding: &'static Encoding,
    delimiter: u8,
    /// Lines end in `\r\n`.
    crlf: bool,
}

impl Kind {
    pub fn encoding_name(&self) -> Option<String> {
        (self.format == FileFormat::Csv).then(|| self.encoding.name().to_owned())
    }
}

fn unreadable(why: impl std::fmt::Display) -> AppError {
    AppError::bad_request(format!("the file cannot be read: {why}"), Some("file"))
}

/// Tells the format (an XLSX is a ZIP archive), and for a CSV its encoding and delimiter.
pub fn sniff(path: &Path) -> Result<Kind> {
    let mut sample = Vec::with_capacity(SAMPLE);
    File::open(path)?
        .take(SAMPLE as u64)
        .read_to_end(&mut sample)?;
    if sample.starts_with(b"PK\x03\x04") {
        return Ok(Kind {
            format: FileFormat::Xlsx,
            encoding: UTF_8,
            delimiter: b',',
            crlf: false,
        });
    }
    if sample.starts_with(&[0xFF, 0xFE]) || sample.starts_with(&[0xFE, 0xFF]) {
        return Err(unreadable(
            "UTF-16 text; save the sheet as CSV (UTF-8) or XLSX",
        ));
    }
    let encoding = match std::str::from_utf8(&sample) {
        Ok(_) => UTF_8,
        // Cut inside a character at the end of the sample: still UTF-8.
        Err(e) if e.error_len().is_none() => UTF_8,
        Err(_) => GB18030,
    };
    let first_line = sample.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |d: u8| first_line.iter().filter(|b| **b == d).count();
    let delimiter = [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|d| (count(*d), *d == b','))
        .unwrap_or(b',');
    Ok(Kind {
        format: FileFormat::Csv,
        encoding,
        delimiter,
        crlf: first_line.ends_with(b"\r"),
    })
}

/// Calls `visit` with the header row (the first row that is not blank) and then every row
/// under it, blank ones left out; `visit` answers whether to go on.
pub fn scan(path: &Path, kind: Kind, visit: impl FnMut(Line) -> Result<bool>) -> Result<()> {
    match kind.format {
        FileFormat::Csv => scan_csv(path, kind, visit),
        FileFormat::Xlsx => scan_xlsx(path, visit),
    }
}

fn scan_csv(path: &Path, kind: Kind, mut visit: impl FnMut(Line) -> Result<bool>) -> Result<()> {
    let (len, ends_in_line_end) = {
        let mut file = File::open(path)?;
        let len = file.metadata()?.len();
        let mut last = [0u8];
        if len > 0 {
            file.seek(SeekFrom::End(-1))?;
            file.read_exact(&mut last)?;
        }
        (len, last[0] == b'\n')
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(kind.delimiter)
        .from_reader(BufReader::new(File::open(path)?));
    let mut record = csv::ByteRecord::new();
    let mut header = true;
    // Rows as a spreadsheet numbers them: the csv crate skips blank lines, which a
    // spreadsheet shows as rows, and a quoted cell may span lines, which it does not.
    // The csv crate skips blank lines (a spreadsheet shows them as rows) and counts the line
    // ends inside quoted cells (a spreadsheet does not): a record's row is the lines read
    // through its end less the line ends inside cells so far. The reader leaves a record's
    // final `\n` for the next read when a `\r` comes first, or when there is none.
    let mut inside_so_far = 0u64;
    let decode = |bytes: &[u8]| -> String {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        kind.encoding
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()
    };
    while reader.read_byte_record(&mut record).map_err(unreadable)? {
        inside_so_far += record.iter().flatten().filter(|b| **b == b'\n').count() as u64;
        let at = reader.position();
        let left = kind.crlf || (at.byte() >= len && !ends_in_line_end);
        let row = (at.line() - 1 + u64::from(left)).saturating_sub(inside_so_far);
        let cells: Vec<Cell> = record
            .iter()
            .map(|field| match decode(field) {
                s if s.trim().is_empty() => Cell::Empty,
                s => Cell::Text(s),
            })
            .collect();
        if huifang_domain::import::is_blank_row(&cells) {
            continue;
        }
        let go_on = if header {
            header = false;
            visit(Line::Header(header_texts(&cells)))?
        } else {
            visit(Line::Row(row, cells))?
        };
        if !go_on {
            break;
        }
    }
    Ok(())
}

/// Header cells as text, without the empty columns at the end.
fn header_texts(cells: &[Cell]) -> Vec<String> {
    let mut headers: Vec<String> = cells.iter().map(Cell::text).collect();
    while headers.last().is_some_and(String::is_empty) {
        headers.pop();
    }
    headers
}

fn cell(value: DataRef) -> Cell {
    match value {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(n) => Cell::Number(n as f64),
        DataRef::Float(n) => Cell::Number(n),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::String(s) => Cell::Text(s),
        DataRef::SharedString(s) => Cell::Text(s.to_owned()),
        DataRef::DateTime(d) if d.is_datetime() => d
            .as_datetime()
            .map_or(Cell::Number(d.as_f64()), |t| Cell::Date(t.date())),
        DataRef::DateTime(d) => Cell::Number(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s),
        DataRef::Error(e) => Cell::Text(format!("#{e}")),
    }
}

fn scan_xlsx(path: &Path, mut visit: impl FnMut(Line) -> Result<bool>) -> Result<()> {
    let mut book: Xlsx<_> = calamine::open_workbook(path).map_err(unreadable)?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| unreadable("the workbook has no sheet"))?;
    let mut cells = book.worksheet_cells_reader(&first).map_err(unreadable)?;
    let mut header = true;
    // The row being gathered: its index (0 first) and cells by column.
    let mut current: Option<(u32, Vec<Cell>)> = None;
    let mut emit = |row: u32, cells: Vec<Cell>| -> Result<bool> {
        if huifang_domain::import::is_blank_row(&cells) {
            return Ok(true);
        }
        if header {
            header = false;
            visit(Line::Header(header_texts(&cells)))
        } else {
            visit(Line::Row(u64::from(row) + 1, cells))
        }
    };
    while let Some(c) = cells.next_cell().map_err(unreadable)? {
        let (row, col) = c.get_position();
        let value = cell(c.get_value().clone());
        if current.as_ref().is_some_and(|(r, _)| *r != row) {
            let (r, done) = current.take().expect("checked above");
            if !emit(r, done)? {
                return Ok(());
            }
        }
        let (_, line) = current.get_or_insert_with(|| (row, Vec::new()));
        let col = col as usize;
        if line.len() <= col {
            line.resize(col + 1, Cell::Empty);
        }
        line[col] = value;
    }
    if let Some((r, done)) = current {
        emit(r, done)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each row's number and cells as text.
    type Rows = Vec<(u64, Vec<String>)>;

    fn rows_of(bytes: &[u8]) -> (Kind, Vec<String>, Rows) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, bytes).unwrap();
        let kind = sniff(&path).unwrap();
        let (mut headers, mut rows) = (Vec::new(), Vec::new());
        scan(&path, kind, |line| {
            match line {
                Line::Header(h) => headers = h,
                Line::Row(n, cells) => rows.push((n, cells.iter().map(Cell::text).collect())),
            }
            Ok(true)
        })
        .unwrap();
        (kind, headers, rows)
    }

    #[test]
    fn csv_rows_are_numbered_as_a_spreadsheet_shows_them() {
        for file in [
            "a,b\n1,\"x\ny\"\n\n2,z\n,\n3,w\n",
            "a,b\r\n1,\"x\r\ny\"\r\n\r\n2,z\r\n,\r\n3,w",
            "a,b\r\n1,\"x\r\ny\"\r\n\r\n2,z\r\n,\r\n3,w\r\n",
            "\u{feff}a,b\n1,\"x,\ny\"\n\n2,\n,\n3,w",
        ] {
            let (_, headers, rows) = rows_of(file.as_bytes());
            assert_eq!(headers, ["a", "b"]);
            let numbers: Vec<u64> = rows.iter().map(|(n, _)| *n).collect();
            assert_eq!(numbers, [2, 4, 6], "{file:?}");
            assert!(rows[0].1[1].starts_with('x'));
        }
        let (_, _, rows) = rows_of("编号,姓名\nC1,\"两台\n一台\"\nC2,李\n\n,韩\n".as_bytes());
        let numbers: Vec<u64> = rows.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [2, 3, 5]);
    }

    #[test]
    fn gb18030_and_tabs_are_told_from_the_bytes() {
        let (text, _, _) = GB18030.encode("姓名\t电话\n王女士\t13812345678\n");
        let (kind, headers, rows) = rows_of(&text);
        assert_eq!(kind.encoding_name().as_deref(), Some("gb18030"));
        assert_eq!(headers, ["姓名", "电话"]);
        assert_eq!(rows[0].1, ["王女士", "13812345678"]);
        let (kind, headers, _) = rows_of("\u{feff}姓名,电话\n".as_bytes());
        assert_eq!(kind.encoding_name().as_deref(), Some("UTF-8"));
        assert_eq!(headers, ["姓名", "电话"]);
    }
}
