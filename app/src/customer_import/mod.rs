//! 导入客户 in the console (issue 11): an admin chooses a CRM export, checks which customer
//! field each column fills, previews what the import would do (every refused cell named by
//! row and column), and imports it in the background while a progress bar runs.

mod columns;
mod mapping;
mod page;
mod picker;
mod preview;
mod progress;
mod remote;

pub use page::CustomerImport;
