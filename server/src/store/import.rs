//! The customer import's SQL (issue 11): the remembered mappings, finding the customer a row
//! updates, and the batched upsert — prepared statements (kept in the connection's cache, so
//! each is compiled once per import) inside the caller's one transaction.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use chrono::{DateTime, Utc};
use huifang_domain::User;
use huifang_domain::customer_book::CustomerFields;
use huifang_domain::import::{ImportField, ImportMapping};
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Conn, Store, audit, from_json, next_version, to_json_text, ts};
use crate::error::Result;
use crate::service;
use crate::service::import::{Checked, Staged};
use crate::storage::{ImportDone, ImportQueries, ImportRows};

/// The key a header row's mapping is remembered by: headers trimmed, in order.
pub fn header_key(headers: &[String]) -> String {
    let trimmed: Vec<&str> = headers.iter().map(|h| h.trim()).collect();
    let text = serde_json::to_string(&trimmed).unwrap_or_default();
    hex::encode(Sha256::digest(text.as_bytes()))
}

impl Store {
    /// Where uploads wait for their import: beside the database (not `/tmp`, often a RAM
    /// disk), so a big file costs disk, not memory.
    pub(crate) fn scratch_dir(&self) -> PathBuf {
        self.db
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), ToOwned::to_owned)
    }

    pub(crate) async fn remembered_mapping(
        &self,
        headers: Vec<String>,
    ) -> Result<Option<ImportMapping>> {
        let key = header_key(&headers);
        self.blocking(move |db| db.read(|conn| conn.remembered_mapping(&key)))
            .await
    }

    /// Reads every row of a stored upload with `mapping` on a reader (see
    /// `service::import::check`).
    pub(crate) async fn check_import(
        &self,
        upload: Arc<service::import::Upload>,
        mapping: ImportMapping,
        done: Arc<AtomicU64>,
    ) -> Result<Checked> {
        self.blocking(move |db| {
            db.read(|conn| service::import::check(conn, &upload, &mapping, &done))
        })
        .await
    }

    /// Writes the checked rows in one transaction of the writer (see
    /// `service::import::commit`).
    pub(crate) async fn commit_import(
        &self,
        staged: Staged,
        by: User,
        now: DateTime<Utc>,
        done: Arc<AtomicU64>,
    ) -> Result<(u64, u64)> {
        self.write(move |tx| service::import::commit(tx, &staged, &by, now, &done))
            .await
    }
}

impl<C: Conn> ImportQueries for C {
    fn remembered_mapping(&self, header_key: &str) -> Result<Option<ImportMapping>> {
        let text: Option<String> = self
            .conn()
            .query_row(
                "SELECT mapping FROM import_mappings WHERE header_key = ?1",
                [header_key],
                |r| r.get(0),
            )
            .optional()?;
        text.map(|t| from_json(&t, "import mapping")).transpose()
    }

    fn import_match(&self, external_id: Option<&str>, contact: &str) -> Result<Option<Uuid>> {
        let id: Option<String> = match external_id {
            Some(external_id) => self
                .conn()
                .prepare_cached("SELECT id FROM customers WHERE external_id = ?1")?
                .query_row([external_id], |r| r.get(0))
                .optional()?,
            // The first made: rowid order is the contact index's own order, so nothing sorts.
            None => self
                .conn()
                .prepare_cached(
                    "SELECT id FROM customers WHERE contact = ?1 ORDER BY rowid LIMIT 1",
                )?
                .query_row([contact], |r| r.get(0))
                .optional()?,
        };
        id.map(|id| super::parse_uuid(&id)).transpose()
    }
}

/// The SQL of an update that sets only the columns the mapping fills, then version and time.
fn update_sql(mapping: &ImportMapping) -> String {
    let columns: Vec<&str> = ImportField::ALL
        .into_iter()
        .filter(|f| mapping.maps(*f) && !matches!(f, ImportField::ExternalId | ImportField::Tags))
        .map(ImportField::as_str)
        .collect();
    let sets: String = columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ?{}, ", i + 1))
        .collect();
    let n = columns.len();
    format!(
        "UPDATE customers SET {sets}version = ?{}, updated_at = ?{} WHERE id = ?{}",
        n + 1,
        n + 2,
        n + 3
    )
}

fn column_value(f: &CustomerFields, field: ImportField) -> rusqlite::types::Value {
    use rusqlite::types::Value;
    let text = |s: &str| Value::Text(s.to_owned());
    match field {
        ImportField::ExternalId => f.external_id.as_deref().map_or(Value::Null, text),
        ImportField::Name => text(&f.name),
        ImportField::Contact => text(&f.contact),
        ImportField::Class => text(f.class.as_str()),
        ImportField::Vip => Value::Integer(i64::from(f.vip)),
        ImportField::Tags => Value::Null,
        ImportField::Region => text(&f.region),
        ImportField::Products => text(&f.products),
        ImportField::PurchaseDate => f
            .purchase_date
            .map_or(Value::Null, |d| text(&d.format("%Y-%m-%d").to_string())),
        ImportField::Summary => text(&f.summary),
    }
}

impl ImportRows for Transaction<'_> {
    fn upsert_imported(
        &self,
        existing: Option<Uuid>,
        f: &CustomerFields,
        mapping: &ImportMapping,
        now: DateTime<Utc>,
    ) -> Result<Uuid> {
        let version = super::to_sql_int(next_version(self)?);
        let at = ts(now);
        let id = match existing {
            Some(id) => {
                let mut values: Vec<rusqlite::types::Value> = ImportField::ALL
                    .into_iter()
                    .filter(|field| {
                        mapping.maps(*field)
                            && !matches!(field, ImportField::ExternalId | ImportField::Tags)
                    })
                    .map(|field| column_value(f, field))
                    .collect();
                values.push(version.into());
                values.push(at.into());
                values.push(id.to_string().into());
                self.prepare_cached(&update_sql(mapping))?
                    .execute(rusqlite::params_from_iter(values))?;
                if mapping.maps(ImportField::Tags) {
                    self.prepare_cached("DELETE FROM customer_tags WHERE customer_id = ?1")?
                        .execute([id.to_string()])?;
                }
                id
            }
            None => {
                let id = service::new_id();
                self.prepare_cached(
                    "INSERT INTO customers (id, external_id, name, contact, class, vip, region,
                         products, purchase_date, summary, version, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
                )?
                .execute(params![
                    id.to_string(),
                    column_value(f, ImportField::ExternalId),
                    f.name,
                    f.contact,
                    f.class.as_str(),
                    f.vip,
                    f.region,
                    f.products,
                    column_value(f, ImportField::PurchaseDate),
                    f.summary,
                    version,
                    at,
                ])?;
                id
            }
        };
        let mut tag = self.prepare_cached(
            "INSERT OR IGNORE INTO customer_tags (customer_id, tag) VALUES (?1, ?2)",
        )?;
        for t in &f.tags {
            tag.execute(params![id.to_string(), t])?;
        }
        Ok(id)
    }

    fn finish_import(&self, done: &ImportDone, by: &User, now: DateTime<Utc>) -> Result<()> {
        self.execute(
            "INSERT INTO import_mappings (header_key, headers, mapping, updated_by, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (header_key) DO UPDATE SET mapping = excluded.mapping,
                 updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            params![
                header_key(&done.headers),
                to_json_text(&done.headers)?,
                to_json_text(&done.mapping)?,
                by.id.to_string(),
                ts(now),
            ],
        )?;
        let fields: Vec<&str> = done
            .mapping
            .columns
            .iter()
            .flatten()
            .map(|f| f.as_str())
            .collect();
        audit(
            self,
            now,
            Some(by.id),
            "customer.import",
            "import",
            done.id,
            &json!({
                "file": done.file_name,
                "fields": fields,
                "rows": done.rows,
                "created": done.created,
                "updated": done.updated,
            }),
        )
    }
}
