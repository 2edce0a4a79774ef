//! Form fields shared by the forms: a labelled `<select>` that shows its own validation error,
//! and the option list every select draws.

use huifang_domain::ValidationKind;
use leptos::prelude::*;

use crate::i18n::{self, Key};
use crate::state::use_app;

/// The `<option>`s of a select over `(value, label)` pairs, the current value selected.
#[component]
pub fn Options(options: Signal<Vec<(String, String)>>, value: Signal<String>) -> impl IntoView {
    move || {
        let current = value.get();
        options
            .get()
            .into_iter()
            .map(|(v, text)| {
                let selected = v == current;
                view! { <option value=v selected=selected>{text}</option> }
            })
            .collect_view()
    }
}

/// Every visit type as `(wire name, label in the reader's language)`, for a select.
pub fn visit_type_options() -> Signal<Vec<(String, String)>> {
    let app = use_app();
    Signal::derive(move || {
        let lang = app.lang.get();
        huifang_domain::VisitType::ALL
            .iter()
            .map(|v| {
                (
                    v.as_str().to_owned(),
                    i18n::visit_type_label(lang, *v).to_owned(),
                )
            })
            .collect()
    })
}

/// A `<select>` over `(value, label)` pairs computed in the current language.
#[component]
pub fn Pick(
    field: &'static str,
    testid: &'static str,
    label: Key,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(into)] value: Signal<String>,
    on_change: Callback<String>,
    /// The form's current validation error; the field shows it when it names this field.
    #[prop(optional, into)]
    error: Option<Signal<Option<(String, ValidationKind)>>>,
    /// The empty choice's label (default 请选择 / choose).
    #[prop(optional)]
    placeholder: Option<Key>,
    /// `data-testid` of the error line, for forms whose tests look errors up by field.
    #[prop(optional)]
    error_testid: Option<&'static str>,
    /// The form announces all its errors in one summary, so this line stays silent.
    #[prop(optional)]
    summarized: bool,
) -> impl IntoView {
    let app = use_app();
    let message = move || {
        error?.with(|e| match e {
            Some((f, kind)) if f == field => {
                Some(i18n::validation_message(app.lang.get(), field, *kind))
            }
            _ => None,
        })
    };
    view! {
        <label class="field">
            <span class="label">{move || app.t(label)}</span>
            <select
                id=format!("f-{field}")
                data-testid=testid
                aria-invalid=move || message().is_some().to_string()
                aria-describedby=move || message().map(|_| format!("err-{field}"))
                prop:value=move || value.get()
                on:change=move |ev| on_change.run(event_target_value(&ev))
            >
                <option value="">{move || app.t(placeholder.unwrap_or(Key::Choose))}</option>
                <Options options value />
            </select>
            {move || {
                message()
                    .map(|m| {
                        view! {
                            <p
                                class="field-error"
                                id=format!("err-{field}")
                                role=(!summarized).then_some("alert")
                                data-testid=error_testid
                                data-field=field
                            >
                                {m}
                            </p>
                        }
                    })
            }}
        </label>
    }
}
