//! Importing customers from a CRM export (issue 11). An upload is stored in a scratch file
//! and read once for its header row and row count; a preview reads every row with the
//! admin's mapping on a reader connection — the domain decides each cell — and stages the
//! rows that would be stored, already checked, in a second scratch file (JSON lines); the
//! commit streams that file into the writer's one transaction. So the writer spends its time
//! on SQL only (see docs/architecture.md, "Customer import"), and neither pass holds the file.

mod jobs;
pub mod source;

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use huifang_domain::User;
use huifang_domain::customer_book::CustomerFields;
use huifang_domain::import::{
    FileKeys, ImportCounts, ImportMapping, ImportPreview, LISTED_ERRORS, PREVIEW_ROWS, PreviewRow,
    RowAction, read_row,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use jobs::Imports;
use source::{Kind, Line};

use crate::error::{AppError, Result};
use crate::storage::{ImportDone, ImportQueries, ImportRows};

/// A stored upload, read once for its shape.
#[derive(Debug)]
pub struct Upload {
    pub id: Uuid,
    pub file_name: String,
    pub kind: Kind,
    pub headers: Vec<String>,
    pub rows: u64,
    /// The directory holding the file and the staged rows; removed with the upload.
    dir: tempfile::TempDir,
}

impl Upload {
    fn file(&self) -> PathBuf {
        self.dir.path().join("upload")
    }

    fn staged(&self) -> PathBuf {
        self.dir.path().join("staged.jsonl")
    }
}

/// Reads a stored file's header row and counts its rows (blank ones left out).
fn read_shape(path: &std::path::Path) -> Result<(Kind, Vec<String>, u64)> {
    let kind = source::sniff(path)?;
    let mut headers = None;
    let mut rows = 0u64;
    source::scan(path, kind, |line| {
        match line {
            Line::Header(h) => headers = Some(h),
            Line::Row(..) => rows += 1,
        }
        Ok(true)
    })?;
    let headers = headers
        .filter(|h| !h.is_empty())
        .ok_or_else(|| AppError::bad_request("the file has no header row", Some("file")))?;
    Ok((kind, headers, rows))
}

/// One checked row as staged for the commit.
#[derive(Serialize, Deserialize)]
struct StagedRow {
    row: u64,
    fields: CustomerFields,
}

/// A preview: what it showed, and the rows it staged when none had an error.
pub struct Checked {
    pub preview: ImportPreview,
    pub staged: Option<Staged>,
}

/// Rows checked by a preview, waiting in a scratch file for the commit.
#[derive(Debug, Clone)]
pub struct Staged {
    path: PathBuf,
    pub done: ImportDone,
}

/// Reads every row with `mapping`: each cell by the domain's rules, the keys repeated in the
/// file, and whether the row would create a customer or update one (on this reader, so the
/// counts are as of now; the commit decides again inside its transaction). Counts rows read in
/// `done`.
pub fn check<S: ImportQueries>(
    s: &S,
    upload: &Upload,
    mapping: &ImportMapping,
    done: &AtomicU64,
) -> Result<Checked> {
    mapping
        .check(upload.headers.len())
        .map_err(|e| AppError::bad_request(e.to_string(), Some("mapping")))?;
    let headers = &upload.headers;
    let mut keys = FileKeys::default();
    let mut counts = ImportCounts::default();
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut error_count = 0u64;
    let mut staged = BufWriter::new(File::create(upload.staged())?);
    let mut header_seen = false;
    source::scan(&upload.file(), upload.kind, |line| {
        let Line::Row(row, cells) = line else {
            header_seen = true;
            return Ok(true);
        };
        counts.rows += 1;
        done.store(counts.rows, Ordering::Relaxed);
        let mut found = match read_row(mapping, headers, row, &cells) {
            Ok(fields) => {
                let repeated = keys.check(mapping, headers, row, &fields);
                if repeated.is_empty() {
                    Ok(fields)
                } else {
                    Err(repeated)
                }
            }
            Err(refused) => Err(refused),
        };
        match &mut found {
            Ok(fields) => {
                let action = match s.import_match(fields.external_id.as_deref(), &fields.contact)? {
                    Some(_) => {
                        counts.to_update += 1;
                        RowAction::Update
                    }
                    None => {
                        counts.to_create += 1;
                        RowAction::Create
                    }
                };
                if rows.len() < PREVIEW_ROWS {
                    rows.push(PreviewRow::new(row, action, fields));
                }
                if counts.with_errors == 0 {
                    let line = StagedRow {
                        row,
                        fields: std::mem::replace(fields, empty_fields()),
                    };
                    serde_json::to_writer(&mut staged, &line)
                        .map_err(|e| AppError::Internal(format!("stage a row: {e}")))?;
                    staged.write_all(b"\n")?;
                }
            }
            Err(refused) => {
                counts.with_errors += 1;
                error_count += refused.len() as u64;
                let room = LISTED_ERRORS.saturating_sub(errors.len());
                errors.extend(refused.drain(..).take(room));
            }
        }
        Ok(true)
    })?;
    debug_assert!(header_seen);
    staged.flush()?;
    let preview = ImportPreview {
        counts,
        rows,
        errors,
        error_count,
    };
    let staged = (counts.with_errors == 0).then(|| Staged {
        path: upload.staged(),
        done: ImportDone {
            id: upload.id,
            file_name: upload.file_name.clone(),
            headers: upload.headers.clone(),
            mapping: mapping.clone(),
            rows: counts.rows,
            created: 0,
            updated: 0,
        },
    });
    Ok(Checked { preview, staged })
}

fn empty_fields() -> CustomerFields {
    CustomerFields {
        external_id: None,
        name: String::new(),
        contact: String::new(),
        class: huifang_domain::CustomerClass::C,
        vip: false,
        tags: Vec::new(),
        region: String::new(),
        products: String::new(),
        purchase_date: None,
        summary: String::new(),
    }
}

/// Writes the staged rows: each finds the customer it updates again (the data may have
/// changed since the preview) and is created or updated; then the mapping is remembered and
/// the import audited. All in the caller's transaction, so all rows or none. Counts rows
/// written in `done`; answers (created, updated).
pub fn commit<S: ImportRows>(
    s: &S,
    staged: &Staged,
    by: &User,
    now: DateTime<Utc>,
    done: &AtomicU64,
) -> Result<(u64, u64)> {
    let mapping = &staged.done.mapping;
    let (mut created, mut updated) = (0u64, 0u64);
    for (n, line) in BufReader::new(File::open(&staged.path)?)
        .lines()
        .enumerate()
    {
        let StagedRow { fields, .. } = serde_json::from_str(&line?)
            .map_err(|e| AppError::Internal(format!("bad staged row: {e}")))?;
        let existing = s.import_match(fields.external_id.as_deref(), &fields.contact)?;
        if existing.is_some() {
            updated += 1;
        } else {
            created += 1;
        }
        s.upsert_imported(existing, &fields, mapping, now)?;
        done.store(n as u64 + 1, Ordering::Relaxed);
    }
    let finished = ImportDone {
        created,
        updated,
        ..staged.done.clone()
    };
    s.finish_import(&finished, by, now)?;
    Ok((created, updated))
}
