//! The use cases: what a push, a visit, a task plan, a revisit, a review, a contact reveal and
//! a login do, written against the storage traits (`crate::storage`) and the domain's rules,
//! never against SQL. Each function runs inside whatever unit of work its caller opened (the
//! `Store` facade opens one transaction per call), so it is all or nothing.
//!
//! Handlers parse and authorize, then call the `Store`; the `Store` runs one of these on a
//! blocking thread; these decide and call the storage.

pub mod auth;
pub mod catalog;
pub mod customer_book;
pub mod customers;
pub mod dashboard;
pub mod devices;
pub mod import;
pub mod people;
pub mod plans;
pub mod pull;
pub mod recurring;
pub mod settings;
pub mod stats;
pub mod sync;
pub mod tasks;
pub mod tickets;
pub mod visits;

#[cfg(test)]
mod tests;

use chrono::FixedOffset;
use huifang_domain::Settings;

use crate::error::{AppError, Result};

/// The organisation's local time, for quiet hours and "today".
pub fn utc_offset(s: &Settings) -> Result<FixedOffset> {
    FixedOffset::east_opt(s.utc_offset_minutes * 60).ok_or_else(|| {
        AppError::Internal(format!("bad stored UTC offset {}", s.utc_offset_minutes))
    })
}

/// A random (version 4) UUID for server-made records.
pub fn new_id() -> uuid::Uuid {
    uuid::Builder::from_random_bytes(rand::random()).into_uuid()
}
