//! 机构设置: the organisation's settings as an admin edits them in the console.

mod draft;
mod page;

pub use page::OrgSettings;
