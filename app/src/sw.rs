//! Registers the service worker and offers a waiting new version to the user.
//!
//! A new version never takes over by itself: its worker waits until the user taps "reload",
//! then activates and the page reloads once, so one page never runs a mix of versions.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerRegistration, ServiceWorkerState};

thread_local! {
    static USER_ASKED: Cell<bool> = const { Cell::new(false) };
}

fn container() -> Option<web_sys::ServiceWorkerContainer> {
    let nav = web_sys::window()?.navigator();
    // Browsers without service workers (or insecure origins) lack the property.
    js_sys::Reflect::has(&nav, &"serviceWorker".into())
        .unwrap_or(false)
        .then(|| nav.service_worker())
}

pub fn register(update_ready: RwSignal<bool>) {
    let Some(sw) = container() else {
        return;
    };
    let on_change = Closure::<dyn Fn()>::new(|| {
        // The first install also changes the controller; only a reload the user asked for
        // may happen.
        if USER_ASKED.with(Cell::get)
            && let Some(w) = web_sys::window()
        {
            let _ = w.location().reload();
        }
    });
    sw.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();

    let has_controller = || container().and_then(|c| c.controller()).is_some();
    let had_controller = has_controller();
    leptos::task::spawn_local(async move {
        let Ok(reg) = JsFuture::from(sw.register("/sw.js")).await else {
            return;
        };
        let reg: ServiceWorkerRegistration = reg.unchecked_into();
        if reg.waiting().is_some() && had_controller {
            update_ready.set(true);
        }
        let watched = Rc::new(reg.clone());
        let on_found = Closure::<dyn Fn()>::new(move || {
            let Some(worker) = watched.installing() else {
                return;
            };
            let w = worker.clone();
            let on_state = Closure::<dyn Fn()>::new(move || {
                // With no controller this is the first install, not an update.
                if w.state() == ServiceWorkerState::Installed && has_controller() {
                    update_ready.set(true);
                }
            });
            worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        reg.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
        on_found.forget();
    });
}

/// The user accepted the new version: let the waiting worker take over, then reload.
pub fn activate_update() {
    let Some(container) = container() else {
        return;
    };
    USER_ASKED.with(|a| a.set(true));
    leptos::task::spawn_local(async move {
        let Ok(reg) = JsFuture::from(
            container
                .ready()
                .unwrap_or_else(|_| js_sys::Promise::reject(&"no service worker".into())),
        )
        .await
        else {
            return;
        };
        let reg: ServiceWorkerRegistration = reg.unchecked_into();
        match reg.waiting() {
            Some(waiting) => {
                let _ = waiting.post_message(&"skipWaiting".into());
            }
            None => {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().reload();
                }
            }
        }
    });
}
