//! 客户档案 rows: customers with their contact masked, the full contact, and the audit of
//! revealing it (the use cases are `service::customers`).

use chrono::{DateTime, Utc};
use huifang_domain::{Customer, CustomerClass, CustomerFile, RevealedContact, User, mask_contact};
use rusqlite::{Connection, OptionalExtension, Row, Transaction};
use serde_json::json;
use uuid::Uuid;

use super::{Conn, Store, audit_change, from_sql_int, parse_uuid};
use crate::error::{AppError, Result};
use crate::service;
use crate::storage::{CustomerQueries, CustomerRows};

pub(super) const COLUMNS: &str = "id, name, class, vip, contact, summary, version";

impl Store {
    /// The customer and their latest visits (see `service::customers::customer_file`).
    pub async fn customer_file(&self, id: Uuid) -> Result<CustomerFile> {
        self.blocking(move |db| db.read(|conn| service::customers::customer_file(conn, id)))
            .await
    }

    /// The full contact of one customer, audited (see `service::customers::reveal_contact`).
    pub async fn reveal_contact(
        &self,
        by: User,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<RevealedContact> {
        self.write(move |tx| service::customers::reveal_contact(tx, &by, id, now))
            .await
    }
}

impl<C: Conn> CustomerQueries for C {
    fn customer_exists(&self, id: Uuid) -> Result<bool> {
        // Cached: a push asks this for every visit it carries.
        Ok(self
            .conn()
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM customers WHERE id = ?1)")?
            .query_row([id.to_string()], |r| r.get(0))?)
    }

    fn customer(&self, id: Uuid) -> Result<Option<Customer>> {
        customer(self.conn(), id)
    }

    fn contact(&self, id: Uuid) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT contact FROM customers WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?)
    }
}

impl CustomerRows for Transaction<'_> {
    fn log_contact_reveal(
        &self,
        by: &User,
        customer: Uuid,
        contact_masked: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        audit_change(
            self,
            now,
            Some(by.id),
            "contact.reveal",
            ("customer", customer),
            None,
            &json!({"by": by.username, "contact_masked": contact_masked}),
        )
    }
}

fn customer(conn: &Connection, id: Uuid) -> Result<Option<Customer>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM customers WHERE id = ?1"),
        [id.to_string()],
        |r| Ok(customer_from_row(r)),
    )
    .optional()?
    .transpose()
}

/// Reads [`COLUMNS`]; the contact leaves only masked.
pub(super) fn customer_from_row(r: &Row) -> Result<Customer> {
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
