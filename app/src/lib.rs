//! Huifang (回访) browser app: works offline, keeps records on the device, syncs when it can.
//!
//! The shared parts (HTTP, browser APIs, the local store, the sync engine, app state, texts)
//! sit at the top; each feature folder holds its screens and the plain logic behind them, and
//! `widgets` holds the pieces several features draw.

mod api;
mod browser;
mod i18n;
mod state;
mod store;
mod sw;
mod sync;

mod customers;
mod review;
mod rules;
mod shell;
mod tasks;
mod tickets;
mod visits;
mod widgets;

/// Starts the app in the page: migrates the local store, then mounts the screens.
pub fn start() {
    console_error_panic_hook::set_once();
    // Migrate before any screen reads the store, so nothing ever sees old-format data.
    if let Err(e) = store::LocalStore::browser().migrate() {
        web_sys::console::error_1(&format!("local data migration failed: {e:?}").into());
    }
    leptos::mount::mount_to_body(shell::App);
}
