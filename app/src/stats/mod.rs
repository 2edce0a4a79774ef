//! 反馈分类统计表: the console's statistics screen (supervisors, admins), its risk banner and
//! the drill-down into the tickets behind each count.

mod action_editor;
mod page;
pub mod risk_banner;
mod table;

pub use page::StatisticsPage;
