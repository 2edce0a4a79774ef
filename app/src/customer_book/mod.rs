//! 客户档案 in the console (issue 11): the customer book with its searches and filters, read
//! by cursor, and the editor for one customer. Read and written online only: the book is the
//! back office's, and the field devices get the customers they act on through their pull.

mod book;
mod editor;
mod form;
mod remote;

pub use book::CustomerBook;
