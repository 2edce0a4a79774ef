//! 工单: the ticket list, intake, a ticket's page, the supervisor's review queue, and the rules
//! the device applies to tickets offline.

pub mod logic;
mod pages;

pub use pages::{Supervise, TicketIntakePage, TicketList, TicketPage};
