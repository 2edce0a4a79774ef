//! Registers the service worker, learns whether this page can work offline, and lets a
//! waiting new version take over when the page says so.
//!
//! A new version never takes over by itself: its worker waits until `take_over` (the user's
//! tap, or a safe moment: `shell::sw_status`), then activates and the page reloads once, so
//! one page never runs a mix of versions. The very first version takes over at once (its
//! worker claims the page): there is nothing to mix with.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorker, ServiceWorkerRegistration, ServiceWorkerState};

/// Whether the page can be opened again without a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offline {
    /// The worker is installing, or the page is not under it yet.
    Preparing,
    /// The worker controls the page and holds every file of this door.
    Ready,
    /// The install failed, or the worker's cache is incomplete (it asks again later).
    NotReady,
}

impl Offline {
    pub fn as_str(self) -> &'static str {
        match self {
            Offline::Preparing => "preparing",
            Offline::Ready => "ready",
            Offline::NotReady => "not-ready",
        }
    }
}

/// A new version of the app, installed and waiting to take over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update {
    None,
    /// It was already waiting when this page started.
    AtStart,
    /// It finished installing while this page ran.
    Arrived,
}

/// What the page knows of its service worker. `offline` is `None` in a browser without
/// service workers, and until the worker first answers.
#[derive(Debug, Clone, Copy)]
pub struct Worker {
    pub offline: RwSignal<Option<Offline>>,
    pub update: RwSignal<Update>,
}

thread_local! {
    static TAKING_OVER: Cell<bool> = const { Cell::new(false) };
}

/// An incomplete cache (evicted files, a failed install) is asked about again.
const ASK_AGAIN_MS: u32 = 15_000;
/// How long a waiting version may take to take over before the page reloads to let it.
const NUDGE_AFTER_MS: u32 = 3_000;
const NUDGE_AGAIN_MS: i64 = 60_000;
/// Session storage (this tab only, outside the store's keys): when the page last reloaded to
/// let a new version take over.
const NUDGED_AT: &str = "huifang/sw-nudged-at";

fn container() -> Option<web_sys::ServiceWorkerContainer> {
    let nav = web_sys::window()?.navigator();
    // Browsers without service workers (or insecure origins) lack the property.
    js_sys::Reflect::has(&nav, &"serviceWorker".into())
        .unwrap_or(false)
        .then(|| nav.service_worker())
}

fn controller() -> Option<ServiceWorker> {
    container().and_then(|c| c.controller())
}

/// Asks the worker that controls the page whether every file of its door is cached; the
/// answer arrives as a message (`on_answer` in `register`).
fn ask_status() {
    if let Some(c) = controller() {
        let _ = c.post_message(&"status".into());
    }
}

fn field(value: &wasm_bindgen::JsValue, name: &str) -> wasm_bindgen::JsValue {
    js_sys::Reflect::get(value, &name.into()).unwrap_or_default()
}

/// Registers the door's worker (`/sw.js`, or `/console/sw.js` whose scope is `/console/`).
pub fn register(script: &str) -> Worker {
    let worker = Worker {
        offline: RwSignal::new(None),
        update: RwSignal::new(Update::None),
    };
    let Some(sw) = container() else {
        return worker;
    };
    let script = script.to_owned();
    let had_controller = controller().is_some();
    if !had_controller {
        worker.offline.set(Some(Offline::Preparing));
    }

    let on_answer = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
        let data = field(&event, "data");
        if field(&data, "type").as_string().as_deref() != Some("status") {
            return;
        }
        if field(&data, "ready").as_bool() == Some(true) {
            worker.offline.set(Some(Offline::Ready));
        } else {
            worker.offline.set(Some(Offline::NotReady));
            gloo_timers::callback::Timeout::new(ASK_AGAIN_MS, ask_status).forget();
        }
    });
    sw.set_onmessage(Some(on_answer.as_ref().unchecked_ref()));
    on_answer.forget();

    let on_change = Closure::<dyn Fn()>::new(|| {
        // A new version this page let take over: reload into it. Otherwise this is the first
        // version claiming the page.
        if TAKING_OVER.with(Cell::get) {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        } else {
            ask_status();
        }
    });
    sw.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();

    leptos::task::spawn_local(async move {
        let Ok(reg) = JsFuture::from(sw.register(&script)).await else {
            worker.offline.set(Some(Offline::NotReady));
            return;
        };
        let reg: ServiceWorkerRegistration = reg.unchecked_into();
        if had_controller {
            ask_status();
            if reg.waiting().is_some() {
                worker.update.set(Update::AtStart);
            }
        } else if let Some(active) = reg.active() {
            // A page loaded past the worker (a hard reload) is not under it, but the next
            // load is: what the worker holds is what counts.
            let _ = active.post_message(&"status".into());
        }
        if let Some(installing) = reg.installing() {
            watch(worker, installing);
        }
        let watched = Rc::new(reg.clone());
        let on_found = Closure::<dyn Fn()>::new(move || {
            if let Some(installing) = watched.installing() {
                watch(worker, installing);
            }
        });
        reg.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
        on_found.forget();
    });
    worker
}

/// Follows one installing worker: with a controller it is an update, without one the first
/// install, whose failure means the page cannot work offline.
fn watch(worker: Worker, installing: ServiceWorker) {
    let w = installing.clone();
    let on_state = Closure::<dyn Fn()>::new(move || {
        let controlled = controller().is_some();
        match w.state() {
            ServiceWorkerState::Installed if controlled => worker.update.set(Update::Arrived),
            ServiceWorkerState::Redundant if !controlled => {
                worker.offline.set(Some(Offline::NotReady));
            }
            _ => {}
        }
    });
    installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
    on_state.forget();
}

/// Lets the waiting worker take over; the page reloads into the new version when it does.
pub fn take_over() {
    let Some(container) = container() else {
        return;
    };
    TAKING_OVER.with(|a| a.set(true));
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
                gloo_timers::callback::Timeout::new(NUDGE_AFTER_MS, nudge).forget();
            }
            None => reload(),
        }
    });
}

fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Chromium lets a waiting worker take over once the old one is idle, and a worker kept
/// awake (DevTools attached, seen in the browser tests) may not count as idle for minutes; a
/// navigation makes it let go. So when the new version has not taken over shortly after being
/// asked, the page reloads itself: the moment is safe, since `take_over` was called. At most
/// once a minute, so a version that never activates cannot make the page reload again and
/// again.
fn nudge() {
    let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) else {
        return;
    };
    // Whole milliseconds: formatting or parsing an f64 would pull the float code back into
    // the wasm (about 20 KB on the wire).
    let now = js_sys::Date::now() as i64;
    let last = storage
        .get_item(NUDGED_AT)
        .ok()
        .flatten()
        .and_then(|t| t.parse::<i64>().ok());
    if last.is_some_and(|t| now - t < NUDGE_AGAIN_MS) {
        return;
    }
    let _ = storage.set_item(NUDGED_AT, &now.to_string());
    reload();
}
