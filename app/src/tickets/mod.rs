//! 工单: the ticket list, intake, a ticket's page and its actions, and the rules the device
//! applies to tickets offline.

mod actions;
mod drill;
mod grade_badges;
mod intake;
pub mod list;
pub mod logic;
mod online;
pub mod shared;
mod ticket_page;

pub use intake::TicketIntakePage;
pub use list::TicketList;
pub use ticket_page::TicketPage;
