//! What supervisors and admins look over: every visit, and the escalations among them.

mod admin_visits;
mod escalations;

pub use admin_visits::AdminVisits;
