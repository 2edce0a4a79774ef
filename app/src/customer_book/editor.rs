//! The editor of one customer, new or stored: every field, each refused one with its reason
//! in the reader's language, archive and restore, and the conflict when someone else saved
//! the customer first.

use huifang_domain::customer_book::{
    CustomerEdit, CustomerProfile, FieldProblem, FieldReason, changed_fields,
};
use leptos::prelude::*;

use super::form::Form;
use super::remote;
use crate::api::ApiFailure;
use crate::i18n::{self, Key};
use crate::state::use_app;

/// Why a field is refused: a rule of the domain, or its value being another customer's.
#[derive(Debug, Clone, PartialEq)]
enum Why {
    Rule(FieldReason),
    Taken,
}

type Errors = Vec<(String, Why)>;

fn rules(problems: Vec<FieldProblem>) -> Errors {
    problems
        .into_iter()
        .map(|p| (p.field, Why::Rule(p.reason)))
        .collect()
}

/// The label of a field by its wire name, for the conflict message.
fn label(field: &str) -> Key {
    match field {
        "external_id" => Key::BookFieldExternalId,
        "name" => Key::BookFieldName,
        "contact" => Key::BookFieldContact,
        "class" => Key::BookFieldClass,
        "vip" => Key::BookFieldVip,
        "tags" => Key::BookColTags,
        "region" => Key::BookFieldRegion,
        "products" => Key::BookFieldProducts,
        "purchase_date" => Key::BookFieldPurchaseDate,
        "summary" => Key::BookFieldSummary,
        _ => Key::BookArchive,
    }
}

/// A labelled input (or text area) bound to one field of the form, with its error line.
#[component]
fn Text(
    field: &'static str,
    label: Key,
    value: Signal<String>,
    set: Callback<String>,
    errors: RwSignal<Errors>,
    #[prop(optional)] hint: Option<Signal<String>>,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(optional)] multiline: bool,
) -> impl IntoView {
    let app = use_app();
    let message = move || {
        errors.with(|e| {
            e.iter()
                .find(|(f, _)| f == field)
                .map(|(_, why)| match why {
                    Why::Rule(r) => i18n::field_reason(app.lang.get(), *r),
                    Why::Taken if field == "contact" => app.t(Key::BookDuplicateContact),
                    Why::Taken => app.t(Key::BookDuplicateExternalId),
                })
        })
    };
    let id = format!("book-{field}");
    let input = if multiline {
        view! {
            <textarea
                id=id.clone()
                rows="3"
                data-testid=format!("book-field-{field}")
                aria-invalid=move || message().is_some().to_string()
                aria-describedby=move || message().map(|_| format!("book-err-{field}"))
                prop:value=move || value.get()
                on:input=move |ev| set.run(event_target_value(&ev))
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                type=kind.unwrap_or("text")
                placeholder=move || hint.map(|h| h.get())
                data-testid=format!("book-field-{field}")
                aria-invalid=move || message().is_some().to_string()
                aria-describedby=move || message().map(|_| format!("book-err-{field}"))
                prop:value=move || value.get()
                on:input=move |ev| set.run(event_target_value(&ev))
            />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label class="label" for=id>{move || app.t(label)}</label>
            {input}
            {move || message().map(|m| view! {
                <p class="field-error" id=format!("book-err-{field}") role="alert"
                   data-testid="book-field-error" data-field=field>{m}</p>
            })}
        </div>
    }
}

/// One text field of the form, read and written.
fn bind(
    form: RwSignal<Form>,
    get: fn(&Form) -> &String,
    set: fn(&mut Form) -> &mut String,
) -> (Signal<String>, Callback<String>) {
    (
        Signal::derive(move || form.with(|f| get(f).clone())),
        Callback::new(move |v| form.update(|f| *set(f) = v)),
    )
}

/// The editor of `start` (a new customer when `None`); `on_done` closes it once the customer
/// is saved, archived or restored, or the editing is cancelled.
#[component]
pub fn CustomerEditor(start: Option<CustomerProfile>, on_done: Callback<()>) -> impl IntoView {
    let app = use_app();
    let form = RwSignal::new(start.as_ref().map_or_else(Form::new_customer, Form::of));
    // The stored customer the edit started from.
    let base = RwSignal::new(start);
    let errors = RwSignal::new(Errors::new());
    let failed = RwSignal::new(None::<Key>);
    let conflict = RwSignal::new(None::<CustomerProfile>);
    let busy = RwSignal::new(false);

    let refused = move |(failure, body): remote::Refusal| {
        let code = body
            .as_ref()
            .map(|b| b.error.code.clone())
            .unwrap_or_default();
        let detail = body.map(|b| b.detail).unwrap_or_default();
        match (failure, code.as_str()) {
            (ApiFailure::Unauthorized(_), _) => app.sync.need_auth(),
            (ApiFailure::Network, _) => failed.set(Some(Key::BookOffline)),
            (_, "invalid") => {
                let problems = detail
                    .get("problems")
                    .and_then(|d| serde_json::from_value(d.clone()).ok())
                    .unwrap_or_default();
                errors.set(rules(problems));
            }
            (_, "duplicate_contact") => errors.set(vec![("contact".into(), Why::Taken)]),
            (_, "duplicate_external_id") => {
                errors.set(vec![("external_id".into(), Why::Taken)]);
            }
            (_, "conflict") => {
                let current = detail
                    .get("current")
                    .and_then(|d| serde_json::from_value(d.clone()).ok());
                conflict.set(current);
            }
            _ => failed.set(Some(Key::BookFailed)),
        }
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        errors.set(Vec::new());
        failed.set(None);
        let fields = match form.with_untracked(Form::fields) {
            Ok(fields) => fields,
            Err(problems) => {
                errors.set(rules(problems));
                return;
            }
        };
        busy.set(true);
        let started = base.get_untracked();
        leptos::task::spawn_local(async move {
            let result = match started {
                None => remote::create(&session.token, &fields).await,
                Some(b) => {
                    let edit = CustomerEdit {
                        version: b.version,
                        fields,
                    };
                    remote::edit(&session.token, b.id, &edit).await
                }
            };
            busy.set(false);
            match result {
                Ok(_) => on_done.run(()),
                Err(refusal) => refused(refusal),
            }
        });
    };

    let archive = move |_| {
        let (Some(session), Some(b)) = (app.session.get_untracked(), base.get_untracked()) else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = remote::set_archived(&session.token, b.id, b.archived_at.is_none()).await;
            busy.set(false);
            match result {
                Ok(_) => on_done.run(()),
                Err(refusal) => refused(refusal),
            }
        });
    };

    let reload_latest = move |_| {
        if let Some(current) = conflict.get_untracked() {
            form.set(Form::of(&current));
            base.set(Some(current));
            conflict.set(None);
            errors.set(Vec::new());
        }
    };

    let editing = move || base.with(Option::is_some);
    let archived = move || base.with(|b| b.as_ref().is_some_and(|b| b.archived_at.is_some()));
    let (external_id, set_external_id) = bind(form, |f| &f.external_id, |f| &mut f.external_id);
    let (name, set_name) = bind(form, |f| &f.name, |f| &mut f.name);
    let (contact, set_contact) = bind(form, |f| &f.contact, |f| &mut f.contact);
    let (tags, set_tags) = bind(form, |f| &f.tags, |f| &mut f.tags);
    let (region, set_region) = bind(form, |f| &f.region, |f| &mut f.region);
    let (products, set_products) = bind(form, |f| &f.products, |f| &mut f.products);
    let (purchase, set_purchase) = bind(form, |f| &f.purchase_date, |f| &mut f.purchase_date);
    let (summary, set_summary) = bind(form, |f| &f.summary, |f| &mut f.summary);
    let contact_hint = Signal::derive(move || {
        base.with(|b| match b {
            Some(b) => format!("{} · {}", b.contact_masked, app.t(Key::BookContactKeep)),
            None => "13812345678".to_owned(),
        })
    });
    let class_error = move || {
        errors.with(|e| {
            e.iter()
                .any(|(f, _)| f == "class")
                .then(|| i18n::field_reason(app.lang.get(), FieldReason::BadClass))
        })
    };

    view! {
        <form class="card book-editor" data-testid="book-editor" on:submit=save novalidate>
            <h2 class="section-title">
                {move || app.t(if editing() { Key::BookEditTitle } else { Key::BookNewTitle })}
            </h2>
            {move || archived().then(|| view! {
                <p class="banner banner-info" data-testid="book-archived-note">{app.t(Key::BookArchivedNote)}</p>
            })}
            {move || conflict.get().map(|current| {
                let mine = base.get_untracked();
                let changed: Vec<&str> = mine
                    .as_ref()
                    .map(|m| changed_fields(m, &current))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|f| app.t(label(f)))
                    .collect();
                view! {
                    <div class="banner banner-warn" role="alert" data-testid="book-conflict">
                        <p>{i18n::book_conflict(app.lang.get(), &changed)}</p>
                        <button type="button" class="btn" data-testid="book-conflict-reload" on:click=reload_latest>
                            {app.t(Key::BookConflictReload)}
                        </button>
                    </div>
                }
            })}
            {move || failed.get().map(|k| view! {
                <p class="form-error" role="alert" data-testid="book-failed">{app.t(k)}</p>
            })}
            <div class="book-editor-grid">
                <Text field="name" label=Key::BookFieldName value=name set=set_name errors />
                <Text field="contact" label=Key::BookFieldContact value=contact set=set_contact errors
                      hint=contact_hint kind="tel" />
                <div class="field">
                    <label class="label" for="book-class">{move || app.t(Key::BookFieldClass)}</label>
                    <select
                        id="book-class"
                        data-testid="book-field-class"
                        aria-invalid=move || class_error().is_some().to_string()
                        prop:value=move || form.with(|f| f.class.clone())
                        on:change=move |ev| form.update(|f| f.class = event_target_value(&ev))
                    >
                        {["A", "B", "C", "D"].map(|c| view! { <option value=c>{c}</option> })}
                    </select>
                    {move || class_error().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </div>
                <label class="toggle book-vip">
                    <input
                        type="checkbox"
                        data-testid="book-field-vip"
                        prop:checked=move || form.with(|f| f.vip)
                        on:change=move |ev| form.update(|f| f.vip = event_target_checked(&ev))
                    />
                    <span>{move || app.t(Key::BookFieldVip)}</span>
                </label>
                <Text field="external_id" label=Key::BookFieldExternalId value=external_id
                      set=set_external_id errors />
                <Text field="region" label=Key::BookFieldRegion value=region set=set_region errors />
                <Text field="tags" label=Key::BookFieldTags value=tags set=set_tags errors />
                <Text field="purchase_date" label=Key::BookFieldPurchaseDate value=purchase
                      set=set_purchase errors kind="date" />
                <Text field="products" label=Key::BookFieldProducts value=products
                      set=set_products errors />
                <Text field="summary" label=Key::BookFieldSummary value=summary set=set_summary
                      errors multiline=true />
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" data-testid="book-save" disabled=move || busy.get()>
                    {move || app.t(Key::BookSave)}
                </button>
                <button type="button" class="btn" data-testid="book-cancel" on:click=move |_| on_done.run(())>
                    {move || app.t(Key::BookCancel)}
                </button>
                {move || editing().then(|| view! {
                    <button type="button" class="btn btn-quiet" data-testid="book-archive"
                            disabled=move || busy.get() on:click=archive>
                        {move || app.t(if archived() { Key::BookUnarchive } else { Key::BookArchive })}
                    </button>
                })}
            </div>
        </form>
    }
}
