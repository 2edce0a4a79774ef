//! Huifang (回访) shared core.
//!
//! Everything the device and the server must agree on lives here: wire types, validation and
//! business rules. The crate is pure: no I/O, no clock, no randomness. Functions that depend on
//! the time take `now` as an argument so that the same rule runs identically on a tablet with no
//! network and on the server.
//!
//! Wire types the server *reads* (requests, mutation data) reject unknown fields, so a typo
//! is an error and never silently lost. Types the server *sends* accept unknown fields, so a
//! tablet still running last month's app keeps syncing with a newer server.

mod wire;

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod catalog;
pub mod customer;
pub mod customer_book;
pub mod dashboard;
pub mod devices;
pub mod error;
pub mod import;
pub mod paging;
pub mod people;
pub mod period;
pub mod planning;
pub mod proof;
pub mod recurring;
pub mod review;
pub mod risk;
pub mod scope;
pub mod script;
pub mod settings;
pub mod sla;
pub mod stats;
pub mod survey;
pub mod sync;
pub mod task;
#[cfg(test)]
mod testing;
pub mod ticket;
pub mod visit;
pub mod vocabulary;

pub use auth::{LoginRequest, LoginResponse, Permission, Role, User};
pub use customer::{
    Customer, CustomerClass, CustomerFile, CustomerMatches, RevealedContact, mask_contact,
};
pub use error::{ApiError, ErrorBody, ErrorCode, ValidationError, ValidationKind};
pub use paging::{Cursor, ListTotal};
pub use sync::{
    BatchError, Change, Dropped, MAX_BATCH, MAX_PULL, Mutation, MutationKind, PullResponse,
    PushRequest, PushResponse, RejectCode, Rejected, Settings,
};
pub use visit::{
    Channel, Demand, Emotion, Outcome, VisitList, VisitRecord, VisitSummary, VisitType,
};
pub use wire::WireName;

/// Counts characters, not bytes: limits are about what a person typed, and Chinese text is
/// three bytes per character in UTF-8.
pub(crate) fn char_len(s: &str) -> usize {
    s.chars().count()
}
