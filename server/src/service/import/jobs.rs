//! The imports in progress: each upload's scratch files and where it stands, kept in memory
//! (an import lives minutes; a restart drops it with its scratch files, and nothing is written
//! before its commit, which is one transaction). One import per admin at a time; an upload
//! left alone for an hour is dropped.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Body;
use chrono::{DateTime, Utc};
use http_body_util::BodyExt;
use huifang_domain::User;
use huifang_domain::import::{
    ImportMapping, ImportPreview, ImportState, ImportStatus, ImportUpload, guess_mapping,
};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use super::{Staged, Upload, read_shape};
use crate::error::{AppError, Result};
use crate::service::new_id;
use crate::store::Store;

/// The largest file taken: a CRM export of a few hundred thousand customers.
pub const UPLOAD_LIMIT: usize = 64 * 1024 * 1024;
/// An import nobody has looked at for this long is dropped with its files.
const IDLE: Duration = Duration::from_secs(3600);

#[derive(Clone, Default)]
pub struct Imports {
    jobs: Arc<Mutex<HashMap<Uuid, Arc<Job>>>>,
}

struct Job {
    owner: Uuid,
    upload: Arc<Upload>,
    /// Rows read (validating) or written (committing).
    done: Arc<AtomicU64>,
    state: Mutex<JobState>,
}

struct JobState {
    state: ImportState,
    touched: Instant,
    /// What the last preview staged, when it found no error.
    staged: Option<Staged>,
    created: u64,
    updated: u64,
    error: Option<String>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Job {
    fn status(&self) -> ImportStatus {
        let st = lock(&self.state);
        let total = match st.state {
            ImportState::Committing | ImportState::Done => {
                st.staged.as_ref().map_or(0, |s| s.done.rows)
            }
            _ => self.upload.rows,
        };
        ImportStatus {
            id: self.upload.id,
            state: st.state,
            done: self.done.load(Ordering::Relaxed),
            total,
            created: st.created,
            updated: st.updated,
            error: st.error.clone(),
        }
    }
}

impl Imports {
    fn job(&self, by: &User, id: Uuid) -> Result<Arc<Job>> {
        let job = lock(&self.jobs)
            .get(&id)
            .filter(|j| j.owner == by.id)
            .cloned()
            .ok_or(AppError::NotFound)?;
        lock(&job.state).touched = Instant::now();
        Ok(job)
    }

    /// Drops the admin's other imports and every idle one, except those committing.
    fn make_room(&self, by: &User) {
        lock(&self.jobs).retain(|_, job| {
            let st = lock(&job.state);
            st.state == ImportState::Committing
                || (job.owner != by.id && st.touched.elapsed() < IDLE)
        });
    }

    /// Stores the body in a scratch file as it arrives (at most [`UPLOAD_LIMIT`] bytes),
    /// reads its header row and counts its rows, and proposes a mapping: the one remembered
    /// for this header row, else one guessed from the header names.
    pub async fn upload(
        &self,
        store: &Store,
        by: &User,
        file_name: String,
        declared_len: Option<u64>,
        body: Body,
    ) -> Result<ImportUpload> {
        if declared_len.is_some_and(|n| n > UPLOAD_LIMIT as u64) {
            return Err(AppError::PayloadTooLarge {
                limit: UPLOAD_LIMIT,
            });
        }
        self.make_room(by);
        let dir = tempfile::Builder::new()
            .prefix(".huifang-import-")
            .tempdir_in(store.scratch_dir())?;
        let path = dir.path().join("upload");
        let mut file = tokio::fs::File::create(&path).await?;
        let mut body = body;
        let mut written = 0usize;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| {
                AppError::bad_request(format!("the upload could not be read: {e}"), Some("file"))
            })?;
            if let Ok(chunk) = frame.into_data() {
                written += chunk.len();
                if written > UPLOAD_LIMIT {
                    return Err(AppError::PayloadTooLarge {
                        limit: UPLOAD_LIMIT,
                    });
                }
                file.write_all(&chunk).await?;
            }
        }
        file.flush().await?;
        drop(file);
        if written == 0 {
            return Err(AppError::bad_request("the file is empty", Some("file")));
        }
        let (kind, headers, rows) = tokio::task::spawn_blocking(move || read_shape(&path))
            .await
            .map_err(|e| AppError::Internal(format!("reading an upload failed: {e}")))??;
        let remembered = store
            .remembered_mapping(headers.clone())
            .await?
            .filter(|m| m.columns.len() == headers.len());
        let answer = ImportUpload {
            id: new_id(),
            format: kind.format,
            encoding: kind.encoding_name(),
            headers: headers.clone(),
            rows,
            remembered: remembered.is_some(),
            mapping: remembered.unwrap_or_else(|| guess_mapping(&headers)),
        };
        let job = Job {
            owner: by.id,
            upload: Arc::new(Upload {
                id: answer.id,
                file_name,
                kind,
                headers,
                rows,
                dir,
            }),
            done: Arc::new(AtomicU64::new(0)),
            state: Mutex::new(JobState {
                state: ImportState::Uploaded,
                touched: Instant::now(),
                staged: None,
                created: 0,
                updated: 0,
                error: None,
            }),
        };
        lock(&self.jobs).insert(answer.id, Arc::new(job));
        Ok(answer)
    }

    pub fn status(&self, by: &User, id: Uuid) -> Result<ImportStatus> {
        Ok(self.job(by, id)?.status())
    }

    /// Reads every row with `mapping` (progress in the status meanwhile) and answers what a
    /// commit would do; nothing is written.
    pub async fn preview(
        &self,
        store: &Store,
        by: &User,
        id: Uuid,
        mapping: ImportMapping,
    ) -> Result<ImportPreview> {
        let job = self.job(by, id)?;
        {
            let mut st = lock(&job.state);
            if matches!(
                st.state,
                ImportState::Validating | ImportState::Committing | ImportState::Done
            ) {
                return Err(AppError::Conflict(format!(
                    "the import is {}",
                    state_name(st.state)
                )));
            }
            st.state = ImportState::Validating;
            st.staged = None;
        }
        job.done.store(0, Ordering::Relaxed);
        let checked = store
            .check_import(Arc::clone(&job.upload), mapping, Arc::clone(&job.done))
            .await;
        let mut st = lock(&job.state);
        match checked {
            Ok(checked) => {
                st.state = ImportState::Previewed;
                st.staged = checked.staged;
                Ok(checked.preview)
            }
            // A mapping refused as a whole previews nothing: the upload waits for another.
            Err(e) => {
                st.state = ImportState::Uploaded;
                Err(e)
            }
        }
    }

    /// Starts writing what the last preview staged, in the background; the status follows it.
    /// Refused while the last preview found errors.
    pub fn commit(
        &self,
        store: &Store,
        by: &User,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<ImportStatus> {
        let job = self.job(by, id)?;
        let staged = {
            let mut st = lock(&job.state);
            if st.state != ImportState::Previewed {
                return Err(AppError::Conflict(format!(
                    "the import is {}; preview it first",
                    state_name(st.state)
                )));
            }
            let Some(staged) = st.staged.clone() else {
                return Err(AppError::ImportHasErrors);
            };
            st.state = ImportState::Committing;
            staged
        };
        job.done.store(0, Ordering::Relaxed);
        let (store, by, running) = (store.clone(), by.clone(), Arc::clone(&job));
        tokio::spawn(async move {
            let started = Instant::now();
            let outcome = store
                .commit_import(staged, by, now, Arc::clone(&running.done))
                .await;
            let mut st = lock(&running.state);
            match outcome {
                Ok((created, updated)) => {
                    tracing::info!(
                        import = %running.upload.id, created, updated,
                        secs = started.elapsed().as_secs_f64(), "customers imported"
                    );
                    st.state = ImportState::Done;
                    st.created = created;
                    st.updated = updated;
                }
                Err(e) => {
                    tracing::error!(import = %running.upload.id, error = %e, "an import failed");
                    st.state = ImportState::Failed;
                    st.error = Some(match e {
                        AppError::BadRequest { .. } | AppError::Conflict(_) => e.to_string(),
                        _ => "the server failed to write the import; see its log".to_owned(),
                    });
                }
            }
        });
        Ok(job.status())
    }
}

fn state_name(state: ImportState) -> &'static str {
    match state {
        ImportState::Uploaded => "uploaded",
        ImportState::Validating => "being validated",
        ImportState::Previewed => "previewed",
        ImportState::Committing => "being committed",
        ImportState::Done => "done",
        ImportState::Failed => "failed",
    }
}
