//! The customer book's rows (issue 11): a page of the book by cursor, one profile, and
//! customers written with their tags, each under a new change version and audited with the
//! contact masked. The use cases are `service::customer_book`.

use chrono::{DateTime, NaiveDate, Utc};
use huifang_domain::customer_book::{
    CustomerBookList, CustomerEdit, CustomerFields, CustomerProfile,
};
use huifang_domain::{Cursor, CustomerClass, User, mask_contact};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, Transaction, params};
use uuid::Uuid;

use super::paging::{self, Filters, text};
use super::{
    Conn, Store, audit, audit_change, from_json, from_sql_int, next_version, parse_ts, parse_uuid,
    to_json, to_sql_int, ts,
};
use crate::error::{AppError, Result};
use crate::service;
use crate::service::new_id;
use crate::storage::{BookFilter, CustomerBookQueries, CustomerBookRows, Page, PageAt};

impl Store {
    /// One page of the book (see `service::customer_book::list`).
    pub async fn customer_book(
        &self,
        filter: service::customer_book::BookQuery,
        at: PageAt,
    ) -> Result<CustomerBookList> {
        self.blocking(move |db| db.read(|conn| service::customer_book::list(conn, filter, &at)))
            .await
    }

    pub async fn customer_profile(&self, id: Uuid) -> Result<CustomerProfile> {
        self.blocking(move |db| db.read(|conn| service::customer_book::profile(conn, id)))
            .await
    }

    pub async fn create_customer(
        &self,
        by: User,
        fields: CustomerFields,
        now: DateTime<Utc>,
    ) -> Result<CustomerProfile> {
        self.write(move |tx| service::customer_book::create(tx, &by, fields, now))
            .await
    }

    pub async fn edit_customer(
        &self,
        by: User,
        id: Uuid,
        edit: CustomerEdit,
        now: DateTime<Utc>,
    ) -> Result<CustomerProfile> {
        self.write(move |tx| service::customer_book::edit(tx, &by, id, edit, now))
            .await
    }

    pub async fn archive_customer(
        &self,
        by: User,
        id: Uuid,
        archived: bool,
        now: DateTime<Utc>,
    ) -> Result<CustomerProfile> {
        self.write(move |tx| service::customer_book::set_archived(tx, &by, id, archived, now))
            .await
    }
}

/// A profile's columns, the customer's table aliased `c`; the tags come sorted.
const PROFILE: &str = "c.id, c.external_id, c.name, c.contact, c.class, c.vip,
    (SELECT json_group_array(tag) FROM customer_tags t WHERE t.customer_id = c.id),
    c.region, c.products, c.purchase_date, c.summary, c.archived_at, c.last_visit_at, c.version";

fn profile_from_row(r: &Row) -> Result<CustomerProfile> {
    let class: String = r.get(4)?;
    let tags: String = r.get(6)?;
    let purchase: Option<String> = r.get(9)?;
    Ok(CustomerProfile {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        external_id: r.get(1)?,
        name: r.get(2)?,
        contact_masked: mask_contact(&r.get::<_, String>(3)?),
        class: CustomerClass::parse(&class)
            .ok_or_else(|| AppError::Internal(format!("bad stored class {class:?}")))?,
        vip: r.get(5)?,
        tags: from_json(&tags, "customer tags")?,
        region: r.get(7)?,
        products: r.get(8)?,
        purchase_date: purchase
            .map(|d| {
                NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .map_err(|e| AppError::Internal(format!("bad stored date {d:?}: {e}")))
            })
            .transpose()?,
        summary: r.get(10)?,
        archived_at: r
            .get::<_, Option<String>>(11)?
            .map(|t| parse_ts(&t))
            .transpose()?,
        last_visit_at: r
            .get::<_, Option<String>>(12)?
            .map(|t| parse_ts(&t))
            .transpose()?,
        version: from_sql_int(r.get(13)?)?,
    })
}

/// Which index a page walks, chosen by the search likely to be most selective; the other filters
/// are checked on the rows of that walk and kept off the indexes (a unary `+`), so SQLite,
/// which has no statistics, cannot pick an index whose order is not the list's and sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    /// One row at most (a unique index).
    ExternalId,
    /// The last four digits, in name order.
    Contact,
    /// The tag's rows, by customer id.
    Tag,
    /// Oldest visit first, never visited before all.
    LastVisit,
    /// Name order, class, VIP and region the equality prefix of an index (migration 0011).
    Name,
}

impl Walk {
    fn of(f: &BookFilter) -> Walk {
        if f.external_id.is_some() {
            Walk::ExternalId
        } else if f.contact.is_some() {
            Walk::Contact
        } else if f.name.is_some() || f.class.is_some() || f.vip.is_some() || f.region.is_some() {
            // An index's equality prefix narrows the walk more surely than a tag or a date
            // range checked row by row would.
            Walk::Name
        } else if f.tag.is_some() {
            Walk::Tag
        } else if f.last_visit_before.is_some() {
            Walk::LastVisit
        } else {
            Walk::Name
        }
    }

    fn from(self) -> &'static str {
        match self {
            // CROSS JOIN keeps the tag's index the outer loop: its order is the list's.
            Walk::Tag => "customer_tags g CROSS JOIN customers c ON c.id = g.customer_id",
            _ => "customers c",
        }
    }

    /// The order, its key columns for the cursor's row value, and how many parts it has.
    fn order(self) -> (&'static str, &'static str, usize) {
        match self {
            Walk::Tag => ("g.customer_id", "(g.customer_id)", 1),
            Walk::LastVisit => (
                "coalesce(c.last_visit_at, '0'), c.id",
                "(coalesce(c.last_visit_at, '0'), c.id)",
                2,
            ),
            _ => ("c.name, c.id", "(c.name, c.id)", 2),
        }
    }

    /// The cursor of a row read with [`PROFILE`]: its values of the order's columns.
    fn key(self, r: &Row) -> rusqlite::Result<Cursor> {
        let id: String = r.get(0)?;
        Ok(Cursor(match self {
            Walk::Tag => vec![id],
            Walk::LastVisit => vec![
                r.get::<_, Option<String>>(12)?
                    .unwrap_or_else(|| "0".to_owned()),
                id,
            ],
            _ => vec![r.get(2)?, id],
        }))
    }
}

/// Digits of a stored contact, without the separators people type.
const CONTACT_DIGITS: &str =
    "replace(replace(replace(replace(c.contact, ' ', ''), '-', ''), '(', ''), ')', '')";

fn filters(f: &BookFilter, walk: Walk) -> Filters {
    let mut w = Filters::default();
    let led = |on: bool| if on { "" } else { "+" };
    let name_walk = walk == Walk::Name;
    w.bind(
        &format!(
            "{}c.archived = ?",
            led(matches!(walk, Walk::Name | Walk::Contact | Walk::LastVisit))
        ),
        [Value::Integer(i64::from(f.archived))],
    );
    if let Some(e) = &f.external_id {
        w.bind("c.external_id = ?", [text(e.clone())]);
    }
    if let Some(c) = &f.contact {
        let p = led(walk == Walk::Contact);
        w.bind(
            &format!("{p}substr(c.contact, -4) = ?"),
            [text(c.last_four())],
        );
        w.bind(
            &format!("{CONTACT_DIGITS} LIKE ?"),
            [text(format!("{}%{}", c.head, c.tail))],
        );
    }
    if let Some(t) = &f.tag {
        let term = if walk == Walk::Tag {
            "g.tag = ?"
        } else {
            // A lookup of the tags' primary key, on the rows of another walk.
            "EXISTS (SELECT 1 FROM customer_tags g WHERE g.customer_id = c.id AND g.tag = ?)"
        };
        w.bind(term, [text(t.clone())]);
    }
    if let Some(before) = f.last_visit_before {
        let p = led(walk == Walk::LastVisit);
        w.bind(
            &format!("{p}coalesce(c.last_visit_at, '0') < ?"),
            [text(ts(before))],
        );
    }
    if let Some(region) = &f.region {
        w.bind(
            &format!("{}c.region = ?", led(name_walk)),
            [text(region.clone())],
        );
    }
    if let Some(class) = f.class {
        w.bind(
            &format!("{}c.class = ?", led(name_walk)),
            [text(class.as_str())],
        );
    }
    if let Some(vip) = f.vip {
        w.bind(
            &format!("{}c.vip = ?", led(name_walk)),
            [Value::Integer(i64::from(vip))],
        );
    }
    if let Some(name) = &f.name {
        let p = led(name_walk);
        w.bind(
            &format!("{p}c.name >= ? AND {p}c.name < ?"),
            [text(name.clone()), text(format!("{name}\u{10FFFF}"))],
        );
    }
    w
}

impl<C: Conn> CustomerBookQueries for C {
    fn customer_profile(&self, id: Uuid) -> Result<Option<CustomerProfile>> {
        self.conn()
            .query_row(
                &format!("SELECT {PROFILE} FROM customers c WHERE c.id = ?1"),
                [id.to_string()],
                |r| Ok(profile_from_row(r)),
            )
            .optional()?
            .transpose()
    }

    fn customer_book_page(
        &self,
        filter: &BookFilter,
        at: &PageAt,
    ) -> Result<Page<CustomerProfile>> {
        let conn = self.conn();
        let walk = Walk::of(filter);
        let (order, key_cols, parts) = walk.order();
        let after = paging::after(at, parts)?;
        let mut f = filters(filter, walk);
        let total = paging::count(
            conn,
            &format!("SELECT 1 FROM {} {}", walk.from(), f.sql()),
            f.params(),
            at.cap,
        )?;
        if let Some(c) = &after {
            let marks = vec!["?"; parts].join(", ");
            f.bind(
                &format!("{key_cols} > ({marks})"),
                c.0.iter().cloned().map(text),
            );
        }
        let limit = at.limit + 1;
        let mut stmt = conn.prepare(&format!(
            "SELECT {PROFILE} FROM {} {} ORDER BY {order} LIMIT {limit}",
            walk.from(),
            f.sql()
        ))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(f.params()), |r| {
                let key = walk.key(r)?;
                Ok(profile_from_row(r).map(|p| (p, key)))
            })?
            .map(|row| row?)
            .collect::<Result<Vec<_>>>()?;
        Ok(paging::page(rows, at.limit, total))
    }

    fn contact_holder(&self, contact: &str) -> Result<Option<Uuid>> {
        holder(self.conn(), "contact", contact)
    }

    fn external_id_holder(&self, external_id: &str) -> Result<Option<Uuid>> {
        holder(self.conn(), "external_id", external_id)
    }

    fn customer_archived(&self, id: Uuid) -> Result<Option<bool>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT archived_at IS NOT NULL FROM customers WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?)
    }
}

/// The customer whose `column` (`contact` or `external_id`, each indexed) holds `value`.
fn holder(conn: &rusqlite::Connection, column: &str, value: &str) -> Result<Option<Uuid>> {
    conn.prepare_cached(&format!(
        "SELECT id FROM customers WHERE {column} = ?1 LIMIT 1"
    ))?
    .query_row([value], |r| r.get::<_, String>(0))
    .optional()?
    .map(|id| parse_uuid(&id))
    .transpose()
}

impl CustomerBookRows for Transaction<'_> {
    fn insert_book_customer(
        &self,
        fields: &CustomerFields,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Uuid> {
        let id = new_id();
        let version = next_version(self)?;
        self.prepare_cached(
            "INSERT INTO customers (id, external_id, name, class, vip, contact, region, products,
                                    purchase_date, summary, version, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
        )?
        .execute(params![
            id.to_string(),
            fields.external_id,
            fields.name,
            fields.class.as_str(),
            fields.vip,
            fields.contact,
            fields.region,
            fields.products,
            fields.purchase_date.map(|d| d.to_string()),
            fields.summary,
            to_sql_int(version),
            ts(now),
        ])?;
        write_tags(self, id, &fields.tags)?;
        let after = self
            .customer_profile(id)?
            .ok_or_else(|| AppError::Internal("customer vanished".into()))?;
        audit(
            self,
            now,
            Some(by),
            "customer.create",
            "customer",
            id,
            &to_json(&after)?,
        )?;
        Ok(id)
    }

    fn update_book_customer(
        &self,
        before: &CustomerProfile,
        fields: &CustomerFields,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let version = next_version(self)?;
        self.prepare_cached(
            "UPDATE customers SET external_id = ?2, name = ?3, class = ?4, vip = ?5, contact = ?6,
                                  region = ?7, products = ?8, purchase_date = ?9, summary = ?10,
                                  version = ?11, updated_at = ?12
             WHERE id = ?1",
        )?
        .execute(params![
            before.id.to_string(),
            fields.external_id,
            fields.name,
            fields.class.as_str(),
            fields.vip,
            fields.contact,
            fields.region,
            fields.products,
            fields.purchase_date.map(|d| d.to_string()),
            fields.summary,
            to_sql_int(version),
            ts(now),
        ])?;
        self.prepare_cached("DELETE FROM customer_tags WHERE customer_id = ?1")?
            .execute([before.id.to_string()])?;
        write_tags(self, before.id, &fields.tags)?;
        audit_profile(self, before, "customer.update", by, now)
    }

    fn set_customer_archived(
        &self,
        before: &CustomerProfile,
        archived: bool,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let version = next_version(self)?;
        self.execute(
            "UPDATE customers SET archived_at = ?2, version = ?3, updated_at = ?4 WHERE id = ?1",
            params![
                before.id.to_string(),
                archived.then(|| ts(now)),
                to_sql_int(version),
                ts(now)
            ],
        )?;
        let action = if archived {
            "customer.archive"
        } else {
            "customer.unarchive"
        };
        audit_profile(self, before, action, by, now)
    }
}

fn write_tags(tx: &Transaction, id: Uuid, tags: &[String]) -> Result<()> {
    let mut insert =
        tx.prepare_cached("INSERT INTO customer_tags (customer_id, tag) VALUES (?1, ?2)")?;
    for tag in tags {
        insert.execute(params![id.to_string(), tag])?;
    }
    Ok(())
}

/// The audit row of a change: the profile (contact masked) before and after.
fn audit_profile(
    tx: &Transaction,
    before: &CustomerProfile,
    action: &str,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let after = tx
        .customer_profile(before.id)?
        .ok_or_else(|| AppError::Internal("customer vanished".into()))?;
    audit_change(
        tx,
        now,
        Some(by),
        action,
        ("customer", before.id),
        Some(&to_json(before)?),
        &to_json(&after)?,
    )
}

/// What [`upsert_customer`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    Created,
    Updated,
}

/// Writes one customer with its tags, for a bulk import in one transaction: the customer with
/// the same external id, else (with no external id) the same contact, is updated; otherwise
/// one is created. `fields` must be normalized and free of problems (`CustomerFields::
/// problems`). Each customer is audited like an edit (`customer.create` / `customer.update`).
/// A contact that is another customer's is refused (`duplicate_contact`), as in the editor.
pub fn upsert_customer(
    tx: &Transaction,
    fields: &CustomerFields,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<(Uuid, Upserted)> {
    let existing = match &fields.external_id {
        Some(e) => tx.external_id_holder(e)?,
        None => tx.contact_holder(&fields.contact)?,
    };
    if let Some(holder) = tx.contact_holder(&fields.contact)?
        && Some(holder) != existing
    {
        return Err(AppError::Duplicate("contact"));
    }
    match existing {
        Some(id) => {
            let before = tx.customer_profile(id)?.ok_or(AppError::NotFound)?;
            tx.update_book_customer(&before, fields, by, now)?;
            Ok((id, Upserted::Updated))
        }
        None => Ok((tx.insert_book_customer(fields, by, now)?, Upserted::Created)),
    }
}
