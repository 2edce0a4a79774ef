//! The use cases, written against storage traits and the domain's rules, never against SQL.
//! Each runs inside the unit of work its caller opened (the `Store` facade opens one
//! transaction per call), so it is all or nothing.

pub mod tickets;
