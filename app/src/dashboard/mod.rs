//! 看板: the console's dashboards (satisfaction, visits, revisits, SLA and backlog, per agent)
//! for supervisors and admins, drawn with the app's own SVG charts.

mod backlog;
mod logic;
mod page;
mod parts;
mod sections;

pub use page::DashboardPage;
