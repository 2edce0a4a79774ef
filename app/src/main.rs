//! Huifang (回访) browser app: works offline, keeps records on the device, syncs when it can.

mod api;
mod browser;
mod components;
mod field;
mod form;
mod i18n;
mod nav;
mod state;
mod store;
mod sw;
mod sync;
mod tickets;

fn main() {
    console_error_panic_hook::set_once();
    // Migrate before any screen reads the store, so nothing ever sees old-format data.
    if let Err(e) = store::LocalStore::browser().migrate() {
        web_sys::console::error_1(&format!("local data migration failed: {e:?}").into());
    }
    leptos::mount::mount_to_body(components::App);
}
