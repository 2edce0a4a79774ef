//! The SQLite backend: the storage traits of `crate::storage` implemented in SQL, and the
//! [`Store`] facade every handler goes through.
//!
//! Handlers see only `Store`'s async methods and domain types. Each method runs one use case
//! of `crate::service` on a connection or a transaction, never on the async workers: reads on
//! a pooled reader on tokio's blocking pool, writes on the one writer thread ([`writer`]),
//! which applies them in group commits. Reads (`*Queries`) are implemented for any
//! connection ([`Conn`]), writes (`*Rows`) only for a transaction.

mod audit;
pub mod audit_chain;
mod auth;
mod catalog;
mod catalog_edit;
pub(crate) mod customer_book;
mod customers;
pub(crate) mod dashboard;
mod demo;
mod demo_content;
mod devices;
mod export;
mod import;
mod paging;
mod people;
mod plan_rows;
#[cfg(test)]
mod plans;
#[cfg(test)]
mod plans_customer_book;
#[cfg(test)]
mod plans_dashboard;
#[cfg(test)]
mod plans_import;
mod rules;
mod schema;
mod scope;
mod settings;
mod stats;
mod sync;
mod tasks;
mod tickets;
mod visits;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use sha2::{Digest, Sha256};

pub use audit::ExportAudit;
pub use demo::{DEMO_PASSWORD, DemoLogin};
// The seed generator (`crate::seed`) makes its catalog and customers the way the demo does.
pub(crate) use demo::{Catalog, insert_customer, seed_catalog};
// What the handlers and the command line name, from the layers below the facade.
pub use crate::service::auth::NewUser;
pub use crate::service::customer_book::BookQuery;
pub use crate::service::tasks::TaskSaved;
pub use crate::storage::{
    AuditFilter, PageAt, ReviewState, TaskFilter, TicketFilter, TicketQueue, VisitFilter,
};
pub use customer_book::{Upserted, upsert_customer};
pub use export::{ExportClock, ExportReader, TicketExportRow, VisitExportQuery, VisitExportRow};
pub use rules::RuleSet;

use crate::credentials::Passwords;
use crate::error::{AppError, Result};
use crate::service::new_id;
use writer::Writer;

/// Idle read connections kept for reuse; more are opened under load and closed afterwards.
const IDLE_READERS: usize = 4;
/// Statements the writer keeps prepared: the ones a push runs for every visit, and room.
const WRITER_STATEMENTS: usize = 64;

#[derive(Clone)]
pub struct Store {
    db: Arc<Db>,
    writer: Writer,
    /// Password hashing, one at a time per core in reused memory (see `crate::credentials`).
    passwords: Passwords,
}

/// The readers: a small pool, which WAL lets run alongside the one writer (owned by the
/// writer thread; SQLite allows one writer at a time anyway, so serialising writes there
/// costs nothing and avoids `SQLITE_BUSY` between our own threads).
struct Db {
    path: PathBuf,
    readers: Mutex<Vec<Connection>>,
    /// Held while the audit chain is verified: a walk of the whole log, so admins asking at
    /// once wait for each other instead of sharing the cores.
    verifying: Mutex<()>,
}

impl Store {
    /// Opens (creating if needed) the database and brings its schema up to date; `now` dates
    /// the default settings a new database gets.
    pub async fn open(path: &Path, now: DateTime<Utc>) -> Result<Store> {
        let path = path.to_owned();
        let (db, writer) = tokio::task::spawn_blocking(move || Db::open(path, now))
            .await
            .map_err(join_error)??;
        let parallel = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Store {
            db: Arc::new(db),
            writer: Writer::start(writer)?,
            passwords: Passwords::new(parallel),
        })
    }

    /// The schema version the database is at (what `huifang migrate` reports).
    pub async fn schema_version(&self) -> Result<usize> {
        self.blocking(|db| db.read(schema::version)).await
    }

    async fn blocking<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Db) -> Result<T> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || f(&db))
            .await
            .map_err(join_error)?
    }

    /// Runs `f` in a write transaction on the writer thread and answers once it is durable
    /// (see [`writer`]); an error of `f` rolls back what `f` wrote and nothing else. Waiting
    /// for the writer holds no thread.
    async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction) -> Result<T> + Send + 'static,
    {
        self.writer.write(f).await
    }
}

fn join_error(e: tokio::task::JoinError) -> AppError {
    AppError::Internal(format!("storage task failed: {e}"))
}

impl Db {
    /// The readers' side, and the writer connection for the writer thread.
    fn open(path: PathBuf, now: DateTime<Utc>) -> Result<(Db, Connection)> {
        let mut writer = connect(&path)?;
        // WAL lets readers go on while a push commits; it is a property of the file, set once.
        writer.pragma_update(None, "journal_mode", "WAL")?;
        // Every write goes through this connection, so FULL here makes every commit (a push's
        // above all) durable before the answer goes out; group commit shares each fsync among
        // the writes that queued meanwhile.
        writer.pragma_update(None, "synchronous", "FULL")?;
        writer.set_prepared_statement_cache_capacity(WRITER_STATEMENTS);
        schema::migrate(&mut writer)?;
        {
            let tx = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
            catalog::ensure_settings(&tx, now)?;
            rules::ensure_rules(&tx)?;
            tx.commit()?;
        }
        let db = Db {
            path,
            readers: Mutex::new(Vec::new()),
            verifying: Mutex::new(()),
        };
        Ok((db, writer))
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let pooled = lock(&self.readers).pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => connect(&self.path)?,
        };
        let out = f(&conn);
        let mut idle = lock(&self.readers);
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
        out
    }
}

fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    #[cfg(test)]
    let conn = plans::traced(conn);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Another process (`huifang user add`, a second instance) may hold the write lock briefly.
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// A panic while holding a connection leaves it usable (its transaction was rolled back on
/// drop), so a poisoned lock is not a reason to stop serving.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A connection the queries can run on: a pooled reader, or the writer inside a transaction
/// (so a use case reads what it has written so far).
pub(crate) trait Conn {
    fn conn(&self) -> &Connection;
}

impl Conn for Connection {
    fn conn(&self) -> &Connection {
        self
    }
}

impl Conn for Transaction<'_> {
    fn conn(&self) -> &Connection {
        self
    }
}

/// The one text form of a timestamp in the database: fixed width, so text order is time order.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_ts(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| AppError::Internal(format!("bad stored timestamp {s:?}: {e}")))
}

fn parse_uuid(s: &str) -> Result<uuid::Uuid> {
    uuid::Uuid::parse_str(s).map_err(|e| AppError::Internal(format!("bad stored id {s:?}: {e}")))
}

/// SQLite integers are signed; versions and seqs are `u64` on the wire and never get near
/// `i64::MAX`, but a hostile `since` might, so the conversion saturates instead of wrapping.
fn to_sql_int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn from_sql_int(n: i64) -> Result<u64> {
    u64::try_from(n).map_err(|_| AppError::Internal(format!("negative stored counter {n}")))
}

/// Takes the next value of the server change counter (the pull cursor).
fn next_version(tx: &Transaction) -> Result<u64> {
    let v: i64 = tx.query_row(
        "UPDATE server_version SET value = value + 1 WHERE id = 1 RETURNING value",
        [],
        |r| r.get(0),
    )?;
    from_sql_int(v)
}

/// Appends to the audit trail the creation of an entity (so `before` is NULL).
fn audit(
    tx: &Transaction,
    at: DateTime<Utc>,
    user: Option<uuid::Uuid>,
    action: &str,
    entity: &str,
    entity_id: uuid::Uuid,
    after: &serde_json::Value,
) -> Result<()> {
    audit_change(tx, at, user, action, (entity, entity_id), None, after)
}

/// Appends to the audit trail the creation of an entity whose stored form is already kept
/// whole in its own row (a visit's `record_json`): the row names who and what, and instead
/// of a second copy the SHA-256 of that stored text, against which an auditor checks it.
fn audit_stored(
    tx: &Transaction,
    at: DateTime<Utc>,
    user: Option<uuid::Uuid>,
    action: &str,
    (entity, entity_id): (&str, uuid::Uuid),
    stored: &str,
) -> Result<()> {
    audit_chain::append(
        tx,
        audit_chain::ChainRow {
            id: 0,
            at: ts(at),
            user_id: user.map(|u| u.to_string()),
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id: entity_id.to_string(),
            before: None,
            after: None,
            content_sha256: Some(hex::encode(Sha256::digest(stored.as_bytes()))),
        },
    )
}

/// Appends to the audit trail a change of an existing entity, or a read worth tracing (a
/// revealed contact), with the state before and after.
fn audit_change(
    tx: &Transaction,
    at: DateTime<Utc>,
    user: Option<uuid::Uuid>,
    action: &str,
    (entity, entity_id): (&str, uuid::Uuid),
    before: Option<&serde_json::Value>,
    after: &serde_json::Value,
) -> Result<()> {
    audit_chain::append(
        tx,
        audit_chain::ChainRow {
            id: 0,
            at: ts(at),
            user_id: user.map(|u| u.to_string()),
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id: entity_id.to_string(),
            before: before.map(ToString::to_string),
            after: Some(after.to_string()),
            content_sha256: None,
        },
    )
}

/// Serialises a domain value for a JSON column or the audit trail; failing is a bug.
fn to_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| AppError::Internal(format!("serialise: {e}")))
}

/// [`to_json`] straight to the text a JSON column stores.
fn to_json_text<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(format!("serialise: {e}")))
}

/// Parses a JSON column back into its domain type; failing means damaged data.
fn from_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| AppError::Internal(format!("bad stored {what}: {e}")))
}

/// A fresh in-memory database at the current schema, with the default settings and rules, and
/// a way to add customers (no use case creates them yet), for the service tests.
#[cfg(test)]
pub(crate) mod testing {
    use chrono::{DateTime, Utc};
    use rusqlite::{Connection, TransactionBehavior, params};
    use uuid::Uuid;

    pub fn database(now: DateTime<Utc>) -> Connection {
        let mut conn = Connection::open_in_memory().expect("in-memory database");
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        super::schema::migrate(&mut conn).unwrap();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        super::catalog::ensure_settings(&tx, now).unwrap();
        super::rules::ensure_rules(&tx).unwrap();
        tx.commit().unwrap();
        conn
    }

    pub fn add_customer(conn: &Connection, id: Uuid) {
        conn.execute(
            "UPDATE server_version SET value = value + 1 WHERE id = 1",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO customers (id, name, class, vip, contact, summary, version)
             VALUES (?1, '王女士', 'B', 0, '13812345678', '',
                     (SELECT value FROM server_version WHERE id = 1))",
            params![id.to_string()],
        )
        .unwrap();
    }

    /// The stored `note` column of a task, as SQL sees it.
    pub fn note_column(conn: &Connection, task: Uuid) -> String {
        conn.query_row(
            "SELECT note FROM tasks WHERE id = ?1",
            [task.to_string()],
            |r| r.get(0),
        )
        .unwrap()
    }
}
