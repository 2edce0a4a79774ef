//! Huifang (回访) browser app: works offline, keeps records on the device, syncs when it can.
//!
//! The shared parts (HTTP, browser APIs, the local store, the sync engine, app state, texts)
//! sit at the top; each feature folder holds its screens and the plain logic behind them, and
//! `widgets` holds the pieces several features draw.

mod api;
mod browser;
mod i18n;
mod json;
mod sorting;
mod state;
mod store;
mod sw;
mod sync;

mod audit;
mod catalog;
mod charts;
mod customer_book;
mod customer_import;
mod customers;
mod dashboard;
mod devices;
mod people;
mod plans;
mod review;
mod rules;
mod settings;
mod shell;
mod stats;
mod tasks;
mod tickets;
mod visits;
mod widgets;

/// Starts the field app (`/`): tasks, visits, customers, the user's tickets.
pub fn start_field() {
    start(shell::Door::Field, shell::routes::field);
}

/// Starts the console (`/console`): supervision, every ticket, plans, every visit, rules.
pub fn start_console() {
    start(shell::Door::Console, shell::routes::console);
}

/// Migrates the local store, then mounts one front door. Each binary names its door's route
/// table, so the other door's screens are not in its bundle.
fn start(door: shell::Door, routes: fn() -> leptos::prelude::AnyView) {
    console_error_panic_hook::set_once();
    // Migrate before any screen reads the store, so nothing ever sees old-format data.
    if let Err(e) = store::LocalStore::browser().migrate() {
        web_sys::console::error_1(&format!("local data migration failed: {e:?}").into());
    }
    leptos::mount::mount_to_body(move || leptos::view! { <shell::App door routes /> });
}
