//! The one writer: a thread that owns the writer connection and applies the writes queued
//! for it in group commits.
//!
//! Every write is a job on a bounded queue. The thread takes the first job waiting, then the
//! ones queued behind it (up to [`MAX_BATCH`]), runs them in one `BEGIN IMMEDIATE`
//! transaction, each inside its own savepoint, commits once (`synchronous = FULL`: one fsync
//! for the whole batch) and only then answers each job. So pushes that arrive while a commit
//! is in flight share the next one, in arrival order, and none is answered before it is
//! durable. A job's error rolls back its savepoint only and is that job's answer; if the
//! commit fails, every job of the batch gets the error, since none of them was written.
//!
//! A caller waiting for room in the queue or for its answer waits asynchronously: no OS
//! thread is held per waiting request, only the writer thread itself.

use std::cell::RefCell;
use std::panic::AssertUnwindSafe;

use huifang_domain::Settings;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use tokio::sync::{mpsc, oneshot};

use crate::error::{AppError, Result};

/// Jobs waiting for the writer before callers wait for room: a few batches' worth, so the
/// queue absorbs a burst of 500 devices without letting memory grow without bound.
const QUEUE: usize = 1024;
/// Most jobs applied in one transaction. A batch's answers all wait for its commit, so this
/// also bounds how long the first job of a batch waits for the last.
const MAX_BATCH: usize = 64;

/// The sending end of the writer's queue; cloned into every `Store`.
#[derive(Clone)]
pub(super) struct Writer {
    jobs: mpsc::Sender<Box<dyn Job>>,
}

impl Writer {
    /// Starts the writer thread on `conn`; it ends when the last `Writer` is dropped, after
    /// answering what was queued.
    pub(super) fn start(conn: Connection) -> Result<Writer> {
        let (jobs, queue) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("huifang-writer".into())
            .spawn(move || run(conn, queue))?;
        Ok(Writer { jobs })
    }

    /// Runs `f` in the writer's next transaction and answers once that transaction is
    /// committed (or with `f`'s own error, having written nothing of it).
    pub(super) async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction) -> Result<T> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let job = Box::new(Pending {
            f: Some(f),
            out: None,
            answer,
        });
        self.jobs
            .send(job)
            .await
            .map_err(|_| AppError::Internal("the writer has stopped".into()))?;
        answered
            .await
            .map_err(|_| AppError::Internal("the writer dropped a write".into()))?
    }
}

/// A queued write, type-erased so writes of any result type share one queue.
trait Job: Send {
    /// Runs the write on `tx` and keeps its result; `false` when it failed.
    fn run(&mut self, tx: &Transaction) -> bool;
    /// Answers the caller: the kept result if the batch committed (`None`), else the reason.
    fn answer(self: Box<Self>, failed: Option<&str>);
}

struct Pending<T, F> {
    f: Option<F>,
    out: Option<Result<T>>,
    answer: oneshot::Sender<Result<T>>,
}

impl<T, F> Job for Pending<T, F>
where
    T: Send,
    F: FnOnce(&Transaction) -> Result<T> + Send,
{
    fn run(&mut self, tx: &Transaction) -> bool {
        let Some(f) = self.f.take() else {
            return false;
        };
        JOB_MEMO.set(Some(Memo::default()));
        // A panicking write is that write's failure, not the end of the writer.
        let out = std::panic::catch_unwind(AssertUnwindSafe(|| f(tx)))
            .unwrap_or_else(|_| Err(AppError::Internal("a write panicked".into())));
        JOB_MEMO.set(None);
        let ok = out.is_ok();
        self.out = Some(out);
        ok
    }

    fn answer(self: Box<Self>, failed: Option<&str>) {
        let out = match (self.out, failed) {
            // Its own error stands whatever became of the batch: nothing of it was written.
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(value)), None) => Ok(value),
            (_, Some(why)) => Err(AppError::Internal(format!("write not committed: {why}"))),
            (None, None) => Err(AppError::Internal("a write was never run".into())),
        };
        // The caller may have gone (its client hung up); the write stands all the same.
        let _ = self.answer.send(out);
    }
}

thread_local! {
    /// What the job running on this thread has read once and reuses until it ends; `None`
    /// outside a job (on the readers' threads above all), where nothing is reused.
    static JOB_MEMO: RefCell<Option<Memo>> = const { RefCell::new(None) };
}

#[derive(Default)]
struct Memo {
    settings: Option<Option<(u64, Settings)>>,
}

/// The settings, read once per job: a push asks for them for every visit it carries (to
/// schedule a retry). What a job read first stays true until it ends, unless the job itself
/// saves new settings ([`settings_changed`]).
pub(super) fn settings_once(
    read: impl FnOnce() -> Result<Option<(u64, Settings)>>,
) -> Result<Option<(u64, Settings)>> {
    let memo = JOB_MEMO.with_borrow(|m| m.as_ref().map(|m| m.settings.clone()));
    match memo {
        None => read(),
        Some(Some(settings)) => Ok(settings),
        Some(None) => {
            let settings = read()?;
            JOB_MEMO.with_borrow_mut(|m| {
                if let Some(m) = m {
                    m.settings = Some(settings.clone());
                }
            });
            Ok(settings)
        }
    }
}

/// The job running on this thread has just written the settings: its next read reads them.
pub(super) fn settings_changed() {
    JOB_MEMO.with_borrow_mut(|m| {
        if let Some(m) = m {
            m.settings = None;
        }
    });
}

fn run(mut conn: Connection, mut queue: mpsc::Receiver<Box<dyn Job>>) {
    while let Some(first) = queue.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let outcome = apply(&mut conn, &mut batch);
        if let Err(why) = &outcome {
            tracing::error!(error = %why, jobs = batch.len(), "a group commit failed");
        }
        let failed = outcome.as_ref().err().map(String::as_str);
        for job in batch {
            job.answer(failed);
        }
    }
}

/// Runs `batch` in one transaction, each job in its own savepoint, and commits.
fn apply(conn: &mut Connection, batch: &mut [Box<dyn Job>]) -> std::result::Result<(), String> {
    let failed = |e: rusqlite::Error| e.to_string();
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(failed)?;
    for job in batch.iter_mut() {
        tx.execute_batch("SAVEPOINT job").map_err(failed)?;
        if job.run(&tx) {
            tx.execute_batch("RELEASE job").map_err(failed)?;
        } else {
            tx.execute_batch("ROLLBACK TO job; RELEASE job")
                .map_err(failed)?;
        }
        // Some errors (a full disk, an I/O error) end the whole transaction in SQLite: then
        // the jobs before this one are lost with it and must not be answered as written.
        if tx.is_autocommit() {
            return Err("the transaction was rolled back by SQLite".into());
        }
    }
    tx.commit().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer() -> Writer {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (n INTEGER PRIMARY KEY)")
            .unwrap();
        Writer::start(conn).unwrap()
    }

    fn insert(tx: &Transaction, n: i64) -> Result<usize> {
        Ok(tx.execute("INSERT INTO t (n) VALUES (?1)", [n])?)
    }

    fn count(tx: &Transaction, filter: &str) -> Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM t WHERE {filter}");
        Ok(tx.query_row(&sql, [], |r| r.get(0))?)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_write_rolls_back_alone_and_the_others_commit() {
        let w = writer();
        let writes: Vec<_> = (0..200)
            .map(|n| {
                let w = w.clone();
                tokio::spawn(async move {
                    match n % 10 {
                        // Half-written, then failing: its first insert must not survive.
                        3 => {
                            w.write(move |tx| insert(tx, 1000 + n).and(insert(tx, 1000 + n)))
                                .await
                        }
                        7 => {
                            w.write(|_| -> Result<usize> { panic!("a bug in a write") })
                                .await
                        }
                        _ => w.write(move |tx| insert(tx, n)).await,
                    }
                })
            })
            .collect();
        for (n, write) in writes.into_iter().enumerate() {
            let answer = write.await.unwrap();
            assert_eq!(
                answer.is_ok(),
                !matches!(n % 10, 3 | 7),
                "write {n}: {answer:?}"
            );
        }
        let counts = w
            .write(|tx| Ok((count(tx, "n < 1000")?, count(tx, "n >= 1000")?)))
            .await
            .unwrap();
        assert_eq!(counts, (160, 0));
    }
}
