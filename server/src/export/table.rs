//! Writing a table row by row as CSV or as an XLSX worksheet.

use std::io::{self, Write};

use axum::body::Bytes;
use rust_xlsxwriter::{Format as XlsxFormat, Workbook, Worksheet, XlsxError};
use tokio::sync::mpsc;

use crate::error::{AppError, Result};

/// The byte-order mark that tells Excel a CSV file is UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One cell: text, or a number Excel can sum.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Num(f64),
    Empty,
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Empty, Into::into)
    }
}

impl From<u8> for Cell {
    fn from(v: u8) -> Cell {
        Cell::Int(v.into())
    }
}

/// Where the rows of an export go.
pub trait Table {
    fn row(&mut self, cells: &[Cell]) -> Result<()>;
}

fn io_error(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("export: {e}"))
}

/// A CSV table: the BOM, the header line, then one line per row (quoted as RFC 4180 wants).
pub struct CsvTable<W: Write> {
    out: csv::Writer<W>,
}

impl<W: Write> CsvTable<W> {
    pub fn new(mut inner: W, headers: &[&str]) -> Result<CsvTable<W>> {
        inner.write_all(BOM).map_err(io_error)?;
        let mut out = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(inner);
        out.write_record(headers).map_err(io_error)?;
        Ok(CsvTable { out })
    }

    /// Flushes what is buffered and hands the writer back.
    pub fn finish(self) -> Result<W> {
        self.out.into_inner().map_err(|e| io_error(e.error()))
    }
}

impl<W: Write> Table for CsvTable<W> {
    fn row(&mut self, cells: &[Cell]) -> Result<()> {
        for cell in cells {
            let text = match cell {
                Cell::Text(s) => s.clone(),
                Cell::Int(n) => n.to_string(),
                Cell::Num(x) => format!("{x:.1}"),
                Cell::Empty => String::new(),
            };
            self.out.write_field(text).map_err(io_error)?;
        }
        self.out.write_record(None::<&[u8]>).map_err(io_error)
    }
}

/// Bytes for a streamed response body: buffered into chunks of [`CHUNK`] and sent through a
/// bounded channel, so a slow client slows the reading down instead of filling memory. A
/// client that went away makes every write fail, which ends the export.
pub struct ChunkWriter {
    buf: Vec<u8>,
    tx: mpsc::Sender<io::Result<Bytes>>,
}

const CHUNK: usize = 64 * 1024;

impl ChunkWriter {
    pub fn new(tx: mpsc::Sender<io::Result<Bytes>>) -> ChunkWriter {
        ChunkWriter {
            buf: Vec::with_capacity(CHUNK),
            tx,
        }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }

    /// Sends what is left and hands back the channel: the body ends when it is dropped, which
    /// the caller does once the export is audited.
    pub fn into_sender(mut self) -> io::Result<mpsc::Sender<io::Result<Bytes>>> {
        self.send()?;
        Ok(self.tx.clone())
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Excel's last row (1,048,576 rows, the header included): a longer export goes on to a new
/// worksheet with the header again.
const SHEET_ROWS: u32 = 1_048_576;

/// An XLSX table in constant-memory worksheets: each row is written to a scratch file as it
/// comes, so a million rows take the memory of one.
pub struct XlsxTable {
    workbook: Workbook,
    headers: Vec<String>,
    widths: Vec<f64>,
    bold: XlsxFormat,
    sheet: usize,
    next_row: u32,
}

fn xlsx_error(e: XlsxError) -> AppError {
    io_error(e)
}

impl XlsxTable {
    /// `widths` are the columns' widths in characters.
    pub fn new(headers: &[&str], widths: &[f64]) -> Result<XlsxTable> {
        let mut table = XlsxTable {
            workbook: Workbook::new(),
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            widths: widths.to_vec(),
            bold: XlsxFormat::new().set_bold(),
            sheet: 0,
            next_row: 0,
        };
        table.add_sheet()?;
        Ok(table)
    }

    fn add_sheet(&mut self) -> Result<()> {
        let sheet = self
            .workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        for (col, width) in self.widths.iter().enumerate() {
            sheet
                .set_column_width(col as u16, *width)
                .map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        for (col, h) in self.headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, h, &self.bold)
                .map_err(xlsx_error)?;
        }
        self.next_row = 1;
        Ok(())
    }

    fn sheet(&mut self) -> Result<&mut Worksheet> {
        self.workbook
            .worksheet_from_index(self.sheet)
            .map_err(xlsx_error)
    }

    /// Writes the workbook into `out` (a scratch file: the XLSX is a zip, written at the end).
    pub fn finish<W: Write + Send>(mut self, out: W) -> Result<()> {
        self.workbook.save_to_writer(out).map_err(xlsx_error)
    }
}

impl Table for XlsxTable {
    fn row(&mut self, cells: &[Cell]) -> Result<()> {
        if self.next_row == SHEET_ROWS {
            self.add_sheet()?;
            self.sheet += 1;
        }
        let row = self.next_row;
        let sheet = self.sheet()?;
        for (col, cell) in cells.iter().enumerate() {
            let col = col as u16;
            match cell {
                Cell::Text(s) => sheet.write_string(row, col, s),
                Cell::Int(n) => sheet.write_number(row, col, *n as f64),
                Cell::Num(x) => sheet.write_number(row, col, *x),
                Cell::Empty => continue,
            }
            .map_err(xlsx_error)?;
        }
        self.next_row += 1;
        Ok(())
    }
}
