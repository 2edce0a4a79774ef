//! What a preview found: the counts, the refused cells, and the first rows as they would be
//! stored.

use huifang_domain::import::{ImportPreview, PreviewRow, RowAction, RowError};
use leptos::prelude::*;

use crate::i18n::{self, Key};
use crate::state::use_app;

#[component]
pub fn ImportPreview(preview: ImportPreview) -> impl IntoView {
    let app = use_app();
    let c = preview.counts;
    let errors = preview.error_count.max(c.with_errors);
    let has_errors = errors != 0;
    let rows = preview.rows;
    view! {
        <div class="import-preview">
            <p class="import-counts" data-testid="import-counts" aria-live="polite"
               data-create=c.to_create data-update=c.to_update data-errors=errors>
                <span class="import-count">{move || app.t(Key::ImportToCreate)} " " <strong>{c.to_create}</strong></span>
                <span class="import-count">{move || app.t(Key::ImportToUpdate)} " " <strong>{c.to_update}</strong></span>
                <span class="import-count" class:import-count-bad=has_errors>
                    {move || app.t(Key::ImportWithErrors)} " " <strong>{errors}</strong>
                </span>
            </p>
            <RowErrors errors=preview.errors />
            {(!rows.is_empty()).then(|| view! { <FirstRows rows /> })}
        </div>
    }
}

/// The refused cells, each with its row, column and reason in the reader's language.
#[component]
fn RowErrors(errors: Vec<RowError>) -> impl IntoView {
    let app = use_app();
    if errors.is_empty() {
        return None;
    }
    let items = errors
        .into_iter()
        .map(|e| {
            let place = e.header.clone();
            view! {
                <li class="import-error" data-testid="import-error" data-row=e.row
                    data-column=e.header.clone() data-reason=e.reason.as_str()>
                    <span class="import-error-place">
                        {move || i18n::import_error_place(app.lang.get(), e.row, &place)}
                    </span>
                    <span class="import-error-reason">
                        {move || i18n::import_field(app.lang.get(), e.field)} ": "
                        {move || i18n::field_reason(app.lang.get(), e.reason)}
                        {move || e.first_row.map(|r| i18n::import_first_row(app.lang.get(), r))}
                    </span>
                </li>
            }
        })
        .collect_view();
    Some(view! {
        <div class="import-errors">
            <h2 class="section-title">{move || app.t(Key::ImportErrorsTitle)}</h2>
            <p class="muted">{move || app.t(Key::ImportErrorsFix)}</p>
            <ul class="import-error-list" data-testid="import-errors">{items}</ul>
        </div>
    })
}

/// The first rows of the file as they would be stored.
#[component]
fn FirstRows(rows: Vec<PreviewRow>) -> impl IntoView {
    let app = use_app();
    let head = [
        Key::ImportColAction,
        Key::BookColExternalId,
        Key::BookColName,
        Key::BookColContact,
        Key::BookColClass,
        Key::BookColVip,
        Key::BookColTags,
        Key::BookColRegion,
        Key::BookFieldPurchaseDate,
    ]
    .map(|k| view! { <th scope="col">{move || app.t(k)}</th> });
    let body = rows
        .into_iter()
        .map(|r| {
            let action = match r.action {
                RowAction::Create => Key::ImportActionCreate,
                RowAction::Update => Key::ImportActionUpdate,
            };
            view! {
                <tr data-testid="import-row" data-row=r.row>
                    <td>{move || app.t(action)}</td>
                    <td>{r.external_id.unwrap_or_default()}</td>
                    <td>{r.name}</td>
                    <td>{r.contact_masked}</td>
                    <td>{r.class.as_str()}</td>
                    <td>{if r.vip { "VIP" } else { "" }}</td>
                    <td>{r.tags.join(", ")}</td>
                    <td>{r.region}</td>
                    <td>{r.purchase_date.map(|d| d.to_string()).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="import-rows">
            <h2 class="section-title">{move || app.t(Key::ImportFirstRows)}</h2>
            <div class="import-table-wrap">
                <table class="import-table">
                    <thead><tr>{head.into_iter().collect_view()}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </div>
    }
}
