//! Customers: the list to start a visit from, and the file shown beside the visit form.

mod customer_file;
mod customer_list;

pub use customer_file::CustomerFilePanel;
pub use customer_list::CustomerList;
