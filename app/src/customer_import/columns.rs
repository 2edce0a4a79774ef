//! The mapping table: for each column of the file, the customer field it fills.

use huifang_domain::import::ImportField;
use leptos::prelude::*;

use super::mapping::{ImportDraft, option_value};
use crate::i18n::{self, Key};
use crate::state::use_app;

#[component]
pub fn ColumnMapping(draft: RwSignal<Option<ImportDraft>>, busy: Signal<bool>) -> impl IntoView {
    let app = use_app();
    let headers = draft.with_untracked(|d| {
        d.as_ref()
            .map(|d| d.upload.headers.clone())
            .unwrap_or_default()
    });
    let rows = headers
        .into_iter()
        .enumerate()
        .map(|(column, header)| {
            let current = move || {
                draft.with(|d| d.as_ref().and_then(|d| d.columns.get(column).copied().flatten()))
            };
            let options = std::iter::once(None)
                .chain(ImportField::ALL.into_iter().map(Some))
                .map(|field| {
                    let text = move || match field {
                        Some(f) => i18n::import_field(app.lang.get(), f),
                        None => app.t(Key::ImportSkip),
                    };
                    view! {
                        <option value=option_value(field) selected=move || current() == field>
                            {text}
                        </option>
                    }
                })
                .collect_view();
            let label = header.clone();
            view! {
                <tr>
                    <th scope="row" class="import-header">{header.clone()}</th>
                    <td>
                        <select data-testid="import-map" data-column=header
                                aria-label=move || format!("{label} → {}", app.t(Key::ImportFieldCol))
                                disabled=busy
                                on:change=move |ev| {
                                    let value = event_target_value(&ev);
                                    draft.update(|d| if let Some(d) = d { d.choose(column, &value) });
                                }>
                            {options}
                        </select>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="import-mapping">
            <h2 class="section-title">{move || app.t(Key::ImportMappingTitle)}</h2>
            <table class="import-table import-mapping-table" data-testid="import-mapping">
                <thead>
                    <tr>
                        <th scope="col">{move || app.t(Key::ImportColumn)}</th>
                        <th scope="col">{move || app.t(Key::ImportFieldCol)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {move || draft.with(|d| d.as_ref().and_then(ImportDraft::problem)).map(|p| view! {
                <p class="import-problem" role="alert" data-testid="import-mapping-problem">
                    {move || i18n::mapping_problem(app.lang.get(), &p)}
                </p>
            })}
        </div>
    }
}
