//! The file input: choosing a file uploads it at once.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::Key;
use crate::state::use_app;

#[component]
pub fn ImportFilePicker(busy: Signal<bool>, on_file: Callback<web_sys::File>) -> impl IntoView {
    let app = use_app();
    let chosen = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            on_file.run(file);
        }
        // Choosing the same (corrected) file again must upload it again.
        input.set_value("");
    };
    view! {
        <div class="field import-file">
            <label class="label" for="import-file">{move || app.t(Key::ImportFile)}</label>
            <input id="import-file" type="file" accept=".csv,.xlsx" data-testid="import-file"
                   disabled=busy on:change=chosen />
        </div>
    }
}
