//! Lists by cursor in SQL: a WHERE built from only the filters present (so each query names
//! the index its filters lead), the cursor as a row-value bound on the list's order, one row
//! more than the page to know whether another follows, and a total counted up to a cap.

use huifang_domain::paging::{Cursor, ListTotal};
use rusqlite::Connection;
use rusqlite::types::Value;

use crate::error::{AppError, Result};
use crate::storage::{Page, PageAt};

/// A WHERE clause and its parameters, in the order of their `?`s.
#[derive(Debug, Clone, Default)]
pub(super) struct Filters {
    terms: Vec<String>,
    params: Vec<Value>,
}

impl Filters {
    /// Adds a term with no parameter.
    pub fn term(&mut self, sql: &str) {
        self.terms.push(sql.to_owned());
    }

    /// Adds a term whose `?`s take `values`, in order.
    pub fn bind(&mut self, sql: &str, values: impl IntoIterator<Item = Value>) {
        self.terms.push(sql.to_owned());
        self.params.extend(values);
    }

    /// `WHERE …` (empty without terms).
    pub fn sql(&self) -> String {
        if self.terms.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.terms.join(" AND "))
        }
    }

    pub fn params(&self) -> &[Value] {
        &self.params
    }
}

pub(super) fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

/// The key of the cursor a client sent back, `parts` long; a cursor from elsewhere is the
/// client's mistake.
pub(super) fn after(at: &PageAt, parts: usize) -> Result<Option<Cursor>> {
    at.after
        .as_deref()
        .map(|c| {
            Cursor::decode(c, parts)
                .map_err(|e| AppError::bad_request(e.to_string(), Some("after")))
        })
        .transpose()
}

/// An integer part of a cursor.
pub(super) fn int_part(c: &Cursor, i: usize) -> Result<i64> {
    c.0[i].parse().map_err(|_| {
        AppError::bad_request("the cursor is not one this list handed out", Some("after"))
    })
}

/// Counts the rows `select` (a `SELECT 1 …` or a compound of them, with `?`s for `params`)
/// finds, reading at most `cap + 1` of them.
pub(super) fn count(
    conn: &Connection,
    select: &str,
    params: &[Value],
    cap: u64,
) -> Result<ListTotal> {
    let limit = i64::try_from(cap.saturating_add(1)).unwrap_or(i64::MAX);
    let n: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM ({select} LIMIT {limit})"),
        rusqlite::params_from_iter(params),
        |r| r.get(0),
    )?;
    Ok(ListTotal::capped(n.unsigned_abs(), cap))
}

/// A page from up to `limit + 1` rows, each with its sort key: the extra row only says that
/// another page follows, which then starts after the last row kept.
pub(super) fn page<T>(mut rows: Vec<(T, Cursor)>, limit: u32, total: ListTotal) -> Page<T> {
    let limit = limit as usize;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more {
        rows.last().map(|(_, key)| key.clone())
    } else {
        None
    };
    Page {
        items: rows.into_iter().map(|(item, _)| item).collect(),
        total,
        next,
    }
}
