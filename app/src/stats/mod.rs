//! 反馈分类统计表: the console's statistics screen (supervisors, admins), its risk banner and
//! the drill-down into the tickets behind each count.

mod page;

pub use page::StatisticsPage;
