//! What supervisors and admins look over: every visit, the escalations among them, and the
//! workbench (revisit coverage, the review queue, escalated tickets).

mod admin_visits;
mod escalations;
mod supervise;

pub use admin_visits::AdminVisits;
pub use supervise::Supervise;
