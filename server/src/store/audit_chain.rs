//! The tamper-evident audit trail (issue 12): every `audit_log` row carries `chain`, the
//! SHA-256 of the previous row's chain and this row's content, so an edited, deleted or
//! reordered row breaks the chain from there on. The encoding is in docs/architecture.md
//! ("Tamper-evident audit trail"), where an auditor finds what to recompute.

use huifang_domain::audit::{AuditVerification, BrokenLink};
use rusqlite::{Connection, Row, Transaction, TransactionBehavior};
use sha2::{Digest, Sha256};

use crate::error::{AppError, Result};

/// What the first row chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Rows chained per transaction by the backfill: small enough that a batch's rows and its
/// write lock are short, large enough that a commit per batch costs nothing next to the rows.
const BACKFILL_BATCH: usize = 10_000;

/// One row's content, as stored: every column but `chain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainRow {
    pub id: i64,
    pub at: String,
    pub user_id: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub content_sha256: Option<String>,
}

/// The columns [`ChainRow::from_row`] reads, in its order, then the stored chain.
const COLUMNS: &str =
    "id, at, user_id, action, entity, entity_id, before, after, content_sha256, chain";

impl ChainRow {
    fn from_row(r: &Row) -> rusqlite::Result<(ChainRow, Option<String>)> {
        Ok((
            ChainRow {
                id: r.get(0)?,
                at: r.get(1)?,
                user_id: r.get(2)?,
                action: r.get(3)?,
                entity: r.get(4)?,
                entity_id: r.get(5)?,
                before: r.get(6)?,
                after: r.get(7)?,
                content_sha256: r.get(8)?,
            },
            r.get(9)?,
        ))
    }

    /// The row's chain after `previous` (the previous row's chain, or [`GENESIS`]): the
    /// lowercase hex SHA-256 of the fields in this order, each encoded as 0x00 for NULL or
    /// 0x01, its UTF-8 length as 8 bytes big-endian, and its bytes; the id as decimal text.
    /// Length prefixes keep fields from running into each other (`"ab", "c"` ≠ `"a", "bc"`).
    pub fn link(&self, previous: &str) -> String {
        let mut h = Sha256::new();
        let id = self.id.to_string();
        let fields = [
            Some(previous),
            Some(id.as_str()),
            Some(self.at.as_str()),
            self.user_id.as_deref(),
            Some(self.action.as_str()),
            Some(self.entity.as_str()),
            Some(self.entity_id.as_str()),
            self.before.as_deref(),
            self.after.as_deref(),
            self.content_sha256.as_deref(),
        ];
        for field in fields {
            match field {
                None => h.update([0u8]),
                Some(text) => {
                    h.update([1u8]);
                    h.update((text.len() as u64).to_be_bytes());
                    h.update(text.as_bytes());
                }
            }
        }
        hex::encode(h.finalize())
    }
}

/// The newest row's id and chain, if any row exists: what the next row follows. A walk down
/// the rowid b-tree, one page per level.
fn last(tx: &Connection) -> Result<Option<(i64, Option<String>)>> {
    let mut stmt = tx.prepare_cached("SELECT id, chain FROM audit_log ORDER BY id DESC LIMIT 1")?;
    let mut rows = stmt.query([])?;
    Ok(match rows.next()? {
        Some(r) => Some((r.get(0)?, r.get(1)?)),
        None => None,
    })
}

/// Appends a row (its `id` is ignored) chained to the newest one, in the caller's
/// transaction: the read and the insert see the same newest row, because SQLite lets one
/// transaction write at a time and a rolled-back insert takes its chain with it.
pub(super) fn append(tx: &Transaction, mut row: ChainRow) -> Result<()> {
    let previous = match last(tx)? {
        None => {
            row.id = 1;
            GENESIS.to_owned()
        }
        Some((id, Some(chain))) => {
            row.id = id + 1;
            chain
        }
        // Only an older server writing next to this one leaves such a row: chaining past
        // it would hide it from the backfill, which chains the unchained tail at start-up.
        Some((id, None)) => {
            return Err(AppError::Internal(format!(
                "audit row {id} is not chained; restart the server to chain it"
            )));
        }
    };
    let chain = row.link(&previous);
    tx.prepare_cached(
        "INSERT INTO audit_log (id, at, user_id, action, entity, entity_id, before, after,
                                content_sha256, chain)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(rusqlite::params![
        row.id,
        row.at,
        row.user_id,
        row.action,
        row.entity,
        row.entity_id,
        row.before,
        row.after,
        row.content_sha256,
        chain,
    ])?;
    Ok(())
}

/// Chains the rows a server before migration 0018 wrote: the unchained tail after the last
/// chained row, in id order, a batch per transaction, streaming. Run after the migrations and
/// before any write; idempotent (a chained database costs one lookup). An unchained row
/// *before* a chained one is left alone: it was tampered with and `verify` reports it.
/// Answers how many rows it chained.
pub(super) fn backfill(conn: &mut Connection) -> Result<u64> {
    let Some((_, None)) = last(conn)? else {
        return Ok(0);
    };
    let start: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, chain FROM audit_log WHERE chain IS NOT NULL ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })?;
    let (mut after, mut previous) = start.unwrap_or((0, GENESIS.to_owned()));
    let total: i64 = conn.query_row(
        "SELECT COUNT(*) FROM audit_log WHERE id > ?1",
        [after],
        |r| r.get(0),
    )?;
    tracing::info!(rows = total, "chaining the audit trail (once, issue 12)");
    let mut chained = 0u64;
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut done = 0;
        {
            let mut read = tx.prepare(&format!(
                "SELECT {COLUMNS} FROM audit_log WHERE id > ?1 ORDER BY id LIMIT {BACKFILL_BATCH}"
            ))?;
            let mut write =
                tx.prepare("UPDATE audit_log SET chain = ?2 WHERE id = ?1 AND chain IS NULL")?;
            let mut rows = read.query([after])?;
            while let Some(r) = rows.next()? {
                let (row, _) = ChainRow::from_row(r)?;
                let chain = row.link(&previous);
                write.execute(rusqlite::params![row.id, chain])?;
                after = row.id;
                previous = chain;
                done += 1;
            }
        }
        tx.commit()?;
        chained += done as u64;
        if done < BACKFILL_BATCH {
            break;
        }
        tracing::info!(chained, of = total, "chaining the audit trail");
    }
    tracing::info!(chained, "audit trail chained");
    Ok(chained)
}

/// Recomputes every link in id order, streaming in one read (one snapshot), and reports the
/// first that does not hold. A broken row's successor is checked against the chain the row
/// stores, so one edited or deleted row counts once.
pub fn verify(conn: &Connection) -> Result<AuditVerification> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    let mut previous = GENESIS.to_owned();
    let mut previous_id: Option<i64> = None;
    let mut checked = 0u64;
    let mut broken = 0u64;
    let mut first_broken = None;
    while let Some(r) = rows.next()? {
        let (row, stored) = ChainRow::from_row(r)?;
        let expected = row.link(&previous);
        checked += 1;
        if stored.as_deref() != Some(expected.as_str()) {
            broken += 1;
            if first_broken.is_none() {
                first_broken = Some(BrokenLink {
                    id: row.id.unsigned_abs(),
                    previous_id: previous_id.map(i64::unsigned_abs),
                    expected: expected.clone(),
                    stored: stored.clone(),
                });
            }
        }
        previous = stored.unwrap_or(expected);
        previous_id = Some(row.id);
    }
    Ok(AuditVerification {
        intact: broken == 0,
        checked,
        broken,
        head: previous_id.map(|_| previous),
        first_broken,
    })
}

/// `huifang audit verify`: [`verify`] on the database file, opened read-only so checking
/// never changes what it checks (no migration, no backfill).
pub fn verify_file(path: &std::path::Path) -> Result<AuditVerification> {
    if !path.exists() {
        return Err(AppError::Internal(format!(
            "no database at {}",
            path.display()
        )));
    }
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let chained: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info('audit_log') WHERE name = 'chain')",
        [],
        |r| r.get(0),
    )?;
    if !chained {
        return Err(AppError::Internal(format!(
            "{} has no audit chain yet (a schema before migration 0018): run `huifang migrate` \
             (or start the server) once to chain it, then verify",
            path.display()
        )));
    }
    verify(&conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64) -> ChainRow {
        ChainRow {
            id,
            at: "2026-12-01T08:00:00.000000Z".into(),
            user_id: Some("7d3c1a52-0c9e-4b5e-9a43-2f1d8e6b4c10".into()),
            action: "contact.reveal".into(),
            entity: "customer".into(),
            entity_id: "5b0e8c1d-3f2a-4e6b-8d9c-1a2b3c4d5e6f".into(),
            before: None,
            after: Some(r#"{"contact":"138****5678"}"#.into()),
            content_sha256: None,
        }
    }

    /// Known vectors, computed independently with Python's hashlib from the encoding in
    /// docs/architecture.md (the snippet there).
    #[test]
    fn the_chain_of_a_known_row_is_the_documented_encoding() {
        assert_eq!(
            row(1).link(GENESIS),
            "0b72fbf2e1454d2f50354468067d12ca0ee2976c17c5b478bff8053de729266d"
        );
        let second = ChainRow {
            before: Some("{}".into()),
            user_id: None,
            content_sha256: Some("ab".into()),
            ..row(2)
        };
        assert_eq!(
            second.link(&row(1).link(GENESIS)),
            "6024856450c46c569a07f288f0275544f889f79e81d61c209a7750d0057c4991"
        );
    }

    #[test]
    fn fields_cannot_run_into_each_other_and_null_is_not_empty() {
        let a = ChainRow {
            entity: "ab".into(),
            entity_id: "c".into(),
            ..row(1)
        };
        let b = ChainRow {
            entity: "a".into(),
            entity_id: "bc".into(),
            ..row(1)
        };
        assert_ne!(a.link(GENESIS), b.link(GENESIS));
        let empty = ChainRow {
            before: Some(String::new()),
            ..row(1)
        };
        assert_ne!(empty.link(GENESIS), row(1).link(GENESIS));
        assert_ne!(row(1).link(GENESIS), row(2).link(GENESIS), "the id counts");
    }

    /// A fresh database whose log starts empty (without the default settings' row).
    fn database() -> Connection {
        let conn = crate::store::testing::database(chrono::Utc::now());
        conn.execute("DELETE FROM audit_log", []).unwrap();
        conn
    }

    /// `n` rows through the three audit writers, in one transaction as a use case does.
    fn write(conn: &mut Connection, n: usize) {
        let tx = conn.transaction().unwrap();
        let at = chrono::Utc::now();
        let id = crate::service::new_id();
        for i in 0..n {
            let after = serde_json::json!({ "n": i });
            match i % 3 {
                0 => super::super::audit(&tx, at, None, "customer.create", "customer", id, &after),
                1 => super::super::audit_stored(&tx, at, None, "visit.record", ("visit", id), "{}"),
                _ => super::super::audit_change(
                    &tx,
                    at,
                    None,
                    "contact.reveal",
                    ("customer", id),
                    Some(&serde_json::json!({})),
                    &after,
                ),
            }
            .unwrap();
        }
        tx.commit().unwrap();
    }

    fn chains(conn: &Connection) -> Vec<(i64, Option<String>)> {
        let mut stmt = conn
            .prepare("SELECT id, chain FROM audit_log ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn each_insert_links_to_the_row_before_it() {
        let mut conn = database();
        write(&mut conn, 7);
        let mut previous = GENESIS.to_owned();
        let mut stmt = conn
            .prepare(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY id"))
            .unwrap();
        let rows: Vec<_> = stmt
            .query_map([], ChainRow::from_row)
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows.len(), 7);
        for (i, (row, stored)) in rows.into_iter().enumerate() {
            assert_eq!(row.id, i as i64 + 1, "ids follow each other");
            let expected = row.link(&previous);
            assert_eq!(stored.as_deref(), Some(expected.as_str()), "row {}", row.id);
            previous = expected;
        }
        let v = verify(&conn).unwrap();
        assert!(v.intact && v.first_broken.is_none(), "{v:?}");
        assert_eq!((v.checked, v.broken), (7, 0));
        assert_eq!(v.head, Some(previous));
    }

    #[test]
    fn a_rolled_back_insert_leaves_no_link_behind() {
        let mut conn = database();
        write(&mut conn, 2);
        {
            let tx = conn.transaction().unwrap();
            let at = chrono::Utc::now();
            let after = serde_json::json!({});
            super::super::audit(&tx, at, None, "x", "y", uuid::Uuid::nil(), &after).unwrap();
            tx.rollback().unwrap();
        }
        write(&mut conn, 2);
        assert_eq!(chains(&conn).len(), 4);
        assert!(verify(&conn).unwrap().intact);
    }

    #[test]
    fn the_backfill_chains_the_unchained_tail_in_batches_once() {
        let mut conn = database();
        write(&mut conn, BACKFILL_BATCH + 5);
        let chained = chains(&conn);
        // As a server before migration 0018 left it.
        conn.execute("UPDATE audit_log SET chain = NULL", [])
            .unwrap();
        assert_eq!(backfill(&mut conn).unwrap(), BACKFILL_BATCH as u64 + 5);
        assert_eq!(chains(&conn), chained, "the same chain as on insert");
        assert_eq!(backfill(&mut conn).unwrap(), 0, "idempotent");

        conn.execute("UPDATE audit_log SET chain = NULL WHERE id > 3", [])
            .unwrap();
        assert_eq!(backfill(&mut conn).unwrap(), BACKFILL_BATCH as u64 + 2);
        assert_eq!(chains(&conn), chained);
        write(&mut conn, 1);
        assert!(verify(&conn).unwrap().intact);
    }

    #[test]
    fn an_unchained_row_before_a_chained_one_is_not_healed_but_reported() {
        let mut conn = database();
        write(&mut conn, 5);
        conn.execute("UPDATE audit_log SET chain = NULL WHERE id = 2", [])
            .unwrap();
        assert_eq!(backfill(&mut conn).unwrap(), 0);
        let v = verify(&conn).unwrap();
        let first = v.first_broken.unwrap();
        assert_eq!((first.id, first.stored), (2, None));
        assert_eq!(v.broken, 1);
    }

    #[test]
    fn the_command_line_check_reads_the_file_and_names_a_database_not_yet_chained() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let mut conn = Connection::open(&path).unwrap();
        crate::store::schema::migrate_to(&mut conn, 15).unwrap();
        let err = verify_file(&path).unwrap_err().to_string();
        assert!(err.contains("huifang migrate"), "{err}");
        crate::store::schema::migrate(&mut conn).unwrap();
        assert!(verify_file(&path).unwrap().intact);
        let missing = verify_file(&dir.path().join("missing.db")).unwrap_err();
        assert!(missing.to_string().contains("no database at"), "{missing}");
    }

    #[test]
    fn verify_names_an_edited_a_deleted_and_a_reordered_row() {
        let mut conn = database();
        write(&mut conn, 6);
        let head = verify(&conn).unwrap().head;

        conn.execute("UPDATE audit_log SET after = '{\"n\":99}' WHERE id = 4", [])
            .unwrap();
        let v = verify(&conn).unwrap();
        assert!(!v.intact);
        let first = v.first_broken.clone().unwrap();
        assert_eq!((first.id, first.previous_id, v.broken), (4, Some(3), 1));
        assert_eq!(first.stored, chains(&conn)[3].1);
        assert_ne!(Some(first.expected), first.stored);
        assert_eq!(
            v.head, head,
            "the head is still the last row's stored chain"
        );

        let mut conn = database();
        write(&mut conn, 6);
        conn.execute("DELETE FROM audit_log WHERE id = 3", [])
            .unwrap();
        let v = verify(&conn).unwrap();
        let first = v.first_broken.unwrap();
        assert_eq!((first.id, first.previous_id, v.broken), (4, Some(2), 1));

        let mut conn = database();
        write(&mut conn, 6);
        // Rows 2 and 5 trade places, chains and all.
        conn.execute_batch(
            "UPDATE audit_log SET id = 100 WHERE id = 2;
             UPDATE audit_log SET id = 2 WHERE id = 5;
             UPDATE audit_log SET id = 5 WHERE id = 100;",
        )
        .unwrap();
        let v = verify(&conn).unwrap();
        assert_eq!(v.first_broken.unwrap().id, 2);
        assert_eq!(v.checked, 6);
    }
}
