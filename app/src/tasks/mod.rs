//! Visit tasks: the field user's list of what is due, and planning a new one.

mod plan_visit;
mod task_list;

pub use plan_visit::PlanVisit;
pub use task_list::MyTasks;
