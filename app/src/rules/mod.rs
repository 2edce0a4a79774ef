//! The organisation's rules as an admin edits them: grading, SLA, calendar, routing, revisits.

mod page;
mod revisitors;
mod risk;

pub use page::RulesPage;
