//! Small wrappers over browser APIs, so the rest of the app reads as plain Rust.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::JsFuture;

pub fn now() -> DateTime<Utc> {
    Utc::now()
}

fn window() -> web_sys::Window {
    web_sys::window().expect("the app runs in a browser window")
}

/// A v4 UUID from the platform's CSPRNG: record ids are made offline on many devices at once
/// and must never collide.
pub fn new_uuid() -> Uuid {
    let mut bytes = [0u8; 16];
    window()
        .crypto()
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes))
        .expect("crypto.getRandomValues is available");
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// A random number in `[0, 1)` for backoff jitter (no security needed).
pub fn random_unit() -> f64 {
    js_sys::Math::random()
}

pub fn nav_online() -> bool {
    window().navigator().on_line()
}

/// Calls `f(online)` on every `online` / `offline` event, for the life of the page.
pub fn on_connectivity_change(f: impl Fn(bool) + 'static) {
    let f = std::rc::Rc::new(f);
    for (event, online) in [("online", true), ("offline", false)] {
        let f = f.clone();
        let cb = Closure::<dyn Fn()>::new(move || f(online));
        let _ = window().add_event_listener_with_callback(event, cb.as_ref().unchecked_ref());
        // The listener lives as long as the page.
        cb.forget();
    }
}

/// Asks the browser not to evict our storage under pressure. `None` when unsupported.
pub async fn request_persist() -> Option<bool> {
    let storage = window().navigator().storage();
    let promise = storage.persist().ok()?;
    JsFuture::from(promise).await.ok()?.as_bool()
}
