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

/// Asks for the device's position once (the browser asks the user first), for at most
/// `timeout_ms`. `done` gets the fix, or `Place::Denied` / `Place::Unavailable`.
pub fn locate(timeout_ms: u32, done: impl FnOnce(huifang_domain::proof::Place) + 'static) {
    use huifang_domain::proof::Place;
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let finish = move |place: Place| {
        if let Some(f) = done.borrow_mut().take() {
            f(place);
        }
    };
    let Ok(geo) = window().navigator().geolocation() else {
        finish(Place::Unavailable);
        return;
    };
    let on_fix = {
        let finish = finish.clone();
        Closure::once(move |pos: wasm_bindgen::JsValue| {
            // Read by name: web-sys still marks GeolocationPosition as unstable.
            let num = |obj: &wasm_bindgen::JsValue, name: &str| {
                js_sys::Reflect::get(obj, &name.into())
                    .ok()
                    .and_then(|v| v.as_f64())
            };
            let coords = js_sys::Reflect::get(&pos, &"coords".into()).unwrap_or_default();
            let fix = num(&coords, "latitude")
                .zip(num(&coords, "longitude"))
                .map(|(lat, lon)| {
                    let accuracy = num(&coords, "accuracy").unwrap_or(0.0);
                    crate::visits::field::place_from(lat, lon, accuracy, now())
                });
            finish(fix.unwrap_or(Place::Unavailable));
        })
    };
    let on_error = Closure::once(move |err: wasm_bindgen::JsValue| {
        /// `GeolocationPositionError.PERMISSION_DENIED`
        const PERMISSION_DENIED: f64 = 1.0;
        let code = js_sys::Reflect::get(&err, &"code".into())
            .ok()
            .and_then(|v| v.as_f64());
        finish(if code == Some(PERMISSION_DENIED) {
            Place::Denied
        } else {
            Place::Unavailable
        });
    });
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(timeout_ms);
    options.set_maximum_age(60_000);
    let _ = geo.get_current_position_with_error_callback_and_options(
        on_fix.as_ref().unchecked_ref(),
        Some(on_error.as_ref().unchecked_ref()),
        &options,
    );
    // The browser calls exactly one of them, once.
    on_fix.forget();
    on_error.forget();
}
