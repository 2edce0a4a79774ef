//! An export as an HTTP answer: the rows written on the blocking pool, the export audited
//! once its row count is known, the file streamed to the client.

use std::io::{self, Seek, SeekFrom};

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use chrono::{DateTime, Utc};
use huifang_domain::period::Period;
use tokio::sync::mpsc;
use tokio_util::io::ReaderStream;
use uuid::Uuid;

use super::table::{ChunkWriter, CsvTable, Table, XlsxTable};
use super::{Format, Kind, Lang, content_disposition};
use crate::error::{AppError, Result};
use crate::store::{ExportAudit, ExportReader, Store};

/// CSV chunks (64 KiB each) waiting for a slow client: the reading stops when they are full.
const CHUNKS_IN_FLIGHT: usize = 8;

/// What one export request asks for.
pub struct Job {
    pub kind: Kind,
    pub period: Period,
    pub format: Format,
    pub lang: Lang,
    /// The filters beside the period, for the audit entry.
    pub filters: serde_json::Value,
    pub headers: Vec<String>,
    pub widths: Vec<f64>,
    pub by: Uuid,
    pub now: DateTime<Utc>,
}

impl Job {
    fn audit(&self, rows: u64) -> ExportAudit {
        ExportAudit {
            kind: self.kind.as_str(),
            period: self.period,
            format: self.format.as_str(),
            rows,
            filters: self.filters.clone(),
        }
    }

    fn response(&self, body: Body, length: Option<u64>) -> Result<Response> {
        let disposition = content_disposition(self.kind, &self.period, self.format, self.lang);
        let mut response = Response::new(body);
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.format.content_type()),
        );
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition)
                .map_err(|e| AppError::Internal(format!("content-disposition: {e}")))?,
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(length) = length {
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        }
        Ok(response)
    }
}

/// The rows of an export: `walk` reads them with the reader and writes each to the table,
/// answering how many it wrote.
pub trait Walk: FnOnce(&ExportReader<'_>, &mut dyn Table) -> Result<u64> + Send + 'static {}
impl<F: FnOnce(&ExportReader<'_>, &mut dyn Table) -> Result<u64> + Send + 'static> Walk for F {}

/// Runs the export of `job` and answers with its file.
pub async fn respond(store: Store, job: Job, walk: impl Walk) -> Result<Response> {
    match job.format {
        Format::Xlsx => xlsx(store, job, walk).await,
        Format::Csv => csv(store, job, walk),
    }
}

/// A file made whole in memory (the statistics table: a row per sub-problem), audited with
/// its `rows`, then sent.
pub async fn respond_bytes(store: Store, job: Job, rows: u64, file: Vec<u8>) -> Result<Response> {
    store.audit_export(job.by, job.audit(rows), job.now).await?;
    let length = file.len() as u64;
    job.response(Body::from(file), Some(length))
}

/// The workbook is a zip written at the end, so it is finished in a scratch file (unnamed:
/// the system deletes it once the answer has been sent) before the first byte goes out.
async fn xlsx(store: Store, job: Job, walk: impl Walk) -> Result<Response> {
    let (headers, widths) = (job.headers.clone(), job.widths.clone());
    let (rows, file) = store
        .export_read(move |reader| {
            let heads: Vec<&str> = headers.iter().map(String::as_str).collect();
            let mut table = XlsxTable::new(&heads, &widths)?;
            let rows = walk(reader, &mut table)?;
            let mut file = tempfile::tempfile()?;
            table.finish(&mut file)?;
            file.seek(SeekFrom::Start(0))?;
            Ok((rows, file))
        })
        .await?;
    store.audit_export(job.by, job.audit(rows), job.now).await?;
    let length = file.metadata()?.len();
    let body = Body::from_stream(ReaderStream::new(tokio::fs::File::from_std(file)));
    job.response(body, Some(length))
}

/// The CSV goes out as it is written. The body ends only after the export is audited; an
/// export that fails half-way aborts the body, so the client never takes a cut file for a
/// whole one.
fn csv(store: Store, job: Job, walk: impl Walk) -> Result<Response> {
    let mut response = job.response(Body::empty(), None)?;
    let (tx, mut rx) = mpsc::channel::<io::Result<Bytes>>(CHUNKS_IN_FLIGHT);
    let failed = tx.clone();
    let headers = job.headers.clone();
    tokio::spawn(async move {
        let written = store
            .export_read(move |reader| {
                let heads: Vec<&str> = headers.iter().map(String::as_str).collect();
                let mut table = CsvTable::new(ChunkWriter::new(tx), &heads)?;
                let rows = walk(reader, &mut table)?;
                Ok((rows, table.finish()?.into_sender()?))
            })
            .await;
        let outcome = match written {
            Ok((rows, open)) => {
                let audited = store.audit_export(job.by, job.audit(rows), job.now).await;
                drop(open);
                audited
            }
            Err(e) => Err(e),
        };
        if let Err(e) = outcome {
            tracing::warn!(kind = job.kind.as_str(), error = %e, "export ended early");
            // The client may be gone already: then there is no one to tell.
            let _ = failed.send(Err(io::Error::other(e.to_string()))).await;
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    *response.body_mut() = Body::from_stream(stream);
    Ok(response)
}
