//! What a console screen shows when the server it reads from cannot answer: that it is out
//! of reach (in the screen's own words) or failed, and a way to ask again.

use leptos::prelude::*;

use crate::i18n::Key;
use crate::state::use_app;

/// `offline`: the server was out of reach (`offline_key` says what that means for this
/// screen); otherwise it answered with a failure. "Retry" bumps `reload`, which the screen's
/// read tracks.
#[component]
pub fn Unavailable(
    offline: bool,
    offline_key: Key,
    reload: RwSignal<u32>,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let app = use_app();
    let key = if offline { offline_key } else { Key::ErrServer };
    view! {
        <div class="empty" data-testid=(!testid.is_empty()).then_some(testid)>
            <p>{move || app.t(key)}</p>
            <button type="button" class="btn" on:click=move |_| reload.update(|n| *n += 1)>
                {move || app.t(Key::Retry)}
            </button>
        </div>
    }
}
