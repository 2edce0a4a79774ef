//! The HTTP contract (docs/api.md), one module per feature. Most tests run the server inside
//! the test process (`TestServer::in_process`); `process` and `crash` cover what needs the
//! real `huifang` binary. Run `cargo build -p huifang-server` first.

mod audit;
mod auth;
mod catalog;
mod crash;
mod customer_book;
mod customers;
mod dashboard;
mod delivery;
mod devices;
mod exports;
mod import;
mod input;
mod people;
mod plans;
mod process;
mod reviews;
mod rules;
mod scope;
mod seed;
mod settings;
mod stats;
mod sync;
mod tasks;
mod tickets;
mod visits;
