use leptos::prelude::*;

use crate::i18n::Key;
use crate::state::use_app;

/// Shows the other language's name; tapping switches to it (and remembers it).
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let app = use_app();
    view! {
        <button
            class="btn btn-quiet"
            data-testid="lang-switch"
            lang=move || app.lang.get().other().code()
            on:click=move |_| app.set_lang(app.lang.get_untracked().other())
        >
            {move || app.t(Key::LangSwitchTo)}
        </button>
    }
}
