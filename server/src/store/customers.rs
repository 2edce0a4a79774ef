//! 客户档案: the file read before a visit, and revealing a full contact for one call.

use chrono::{DateTime, Utc};
use huifang_domain::customer::FILE_VISITS;
use huifang_domain::{Customer, CustomerClass, CustomerFile, RevealedContact, User, mask_contact};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::json;
use uuid::Uuid;

use super::visits::{Newest, VisitFilter, summaries};
use super::{Store, audit_change, from_sql_int, parse_uuid, to_sql_int};
use crate::error::{AppError, Result};

const COLUMNS: &str = "id, name, class, vip, contact, summary, version";

impl Store {
    /// The customer (contact masked) and their latest visits by contact time, newest first.
    pub async fn customer_file(&self, id: Uuid) -> Result<CustomerFile> {
        self.blocking(move |db| {
            db.read(|conn| {
                let customer = customer(conn, id)?.ok_or(AppError::NotFound)?;
                let filter = VisitFilter {
                    customer: Some(id),
                    ..VisitFilter::default()
                };
                let visits = summaries(conn, filter, Newest::Contacted, FILE_VISITS as u64, 0)?;
                Ok(CustomerFile { customer, visits })
            })
        })
        .await
    }

    /// The full contact of one customer. Written to the audit trail (who, when, which
    /// customer; never the number itself), because a full number leaving the server is
    /// exactly what the privacy rules watch.
    pub async fn reveal_contact(
        &self,
        by: User,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<RevealedContact> {
        self.blocking(move |db| {
            db.write(|tx| {
                let contact: String = tx
                    .query_row(
                        "SELECT contact FROM customers WHERE id = ?1",
                        [id.to_string()],
                        |r| r.get(0),
                    )
                    .optional()?
                    .ok_or(AppError::NotFound)?;
                audit_change(
                    tx,
                    now,
                    Some(by.id),
                    "contact.reveal",
                    ("customer", id),
                    None,
                    &json!({"by": by.username, "contact_masked": mask_contact(&contact)}),
                )?;
                Ok(RevealedContact {
                    customer_id: id,
                    contact,
                })
            })
        })
        .await
    }
}

pub(super) fn customer(conn: &Connection, id: Uuid) -> Result<Option<Customer>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM customers WHERE id = ?1"),
        [id.to_string()],
        |r| Ok(customer_from_row(r)),
    )
    .optional()?
    .transpose()
}

/// Customers changed after `since`, by version, at most `limit`.
pub(super) fn customers_since(
    conn: &Connection,
    since: u64,
    limit: usize,
) -> Result<Vec<Customer>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM customers WHERE version > ?1 ORDER BY version LIMIT ?2"
    ))?;

    stmt.query_map(params![to_sql_int(since), limit as i64], |r| {
        Ok(customer_from_row(r))
    })?
    .map(|row| row?)
    .collect()
}

/// Reads [`COLUMNS`]; the contact leaves only masked.
fn customer_from_row(r: &Row) -> Result<Customer> {
    let class: String = r.get(2)?;
    Ok(Customer {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        name: r.get(1)?,
        class: CustomerClass::parse(&class)
            .ok_or_else(|| AppError::Internal(format!("bad stored class {class:?}")))?,
        vip: r.get(3)?,
        contact_masked: mask_contact(&r.get::<_, String>(4)?),
        summary: r.get(5)?,
        version: from_sql_int(r.get(6)?)?,
    })
}
