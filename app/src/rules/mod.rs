//! The organisation's rules as an admin edits them: grading, SLA, calendar, routing, revisits.

mod page;

pub use page::RulesPage;
