use gloo_timers::future::TimeoutFuture;
use huifang_domain::visit::{MAX_ATTEMPT, MAX_FOLLOW_UP, MAX_VERBATIM};
use huifang_domain::{Channel, Demand, Emotion, Outcome, ValidationKind, VisitType};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

use crate::browser;
use crate::form::Draft;
use crate::i18n::{self, Key, Lang};
use crate::state::use_app;
use crate::store::{LocalStore, StoreError, keys};
use crate::sync::Trigger;

/// Long enough not to write on every keystroke, short enough that a crash loses a few words.
const AUTOSAVE_MS: u32 = 500;

/// Picks the draft to show: a rejected record of `owner` being fixed, else the autosaved
/// draft (never thrown away silently), else a fresh form for the customer chosen in the list.
fn initial_draft(
    store: &LocalStore<crate::store::BrowserBackend>,
    owner: Option<Uuid>,
    resend: Option<u64>,
    customer: Option<Uuid>,
) -> (Draft, bool) {
    let now = browser::now();
    if let Some(entry) = owner
        .zip(resend)
        .and_then(|(owner, seq)| store.rejected_entry(owner, seq))
    {
        if let Some(saved) = store
            .get::<Draft>(keys::DRAFT)
            .filter(|d| d.resend_of == resend)
        {
            return (saved, false);
        }
        if let Ok(record) = serde_json::from_value(entry.mutation.data.clone()) {
            return (
                Draft::from_record(&record, entry.seq, entry.mutation.id),
                false,
            );
        }
    }
    match store.get::<Draft>(keys::DRAFT) {
        Some(mut saved) if !saved.is_blank() => {
            if saved.customer_id.is_empty()
                && let Some(id) = customer
            {
                saved.customer_id = id.to_string();
            }
            (saved, true)
        }
        _ => (Draft::new(customer, now), false),
    }
}

/// The visit record form (回访记录表).
#[component]
pub fn VisitForm() -> impl IntoView {
    let app = use_app();
    let navigate = use_navigate();
    let query = use_query_map();
    let store = LocalStore::browser();
    let resend = query.with_untracked(|q| q.get("resend").and_then(|s| s.parse::<u64>().ok()));
    let customer =
        query.with_untracked(|q| q.get("customer").and_then(|s| Uuid::parse_str(&s).ok()));
    let (initial, restored) = initial_draft(&store, app.user_id(), resend, customer);
    if restored {
        app.show_toast(app.t(Key::DraftRestored).to_owned());
    }
    let draft = RwSignal::new(initial);
    let error = RwSignal::new(None::<(String, ValidationKind)>);
    let storage_error = RwSignal::new(false);
    let draft_unsaved = RwSignal::new(false);
    let saving = RwSignal::new(false);

    let customers = Memo::new(move |_| {
        app.data_rev.track();
        LocalStore::browser().customers()
    });

    // Autosave, debounced: only the last change in a burst of typing is written.
    let generation = StoredValue::new(0u64);
    Effect::new(move |first: Option<()>| {
        let current = draft.get();
        if first.is_none() {
            return;
        }
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        leptos::task::spawn_local(async move {
            TimeoutFuture::new(AUTOSAVE_MS).await;
            if generation.try_get_value() != Some(mine) {
                return;
            }
            let store = LocalStore::browser();
            let result = if current.is_blank() {
                store.remove(keys::DRAFT);
                Ok(())
            } else {
                store.put(keys::DRAFT, &current)
            };
            draft_unsaved.set(result.is_err());
        });
    });

    let set = move |f: fn(&mut Draft, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            draft.update(|d| f(d, v));
            error.set(None);
        }
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let now = browser::now();
        let d = draft.get_untracked();
        let record = match d.to_record(now) {
            Ok(r) => r,
            Err(e) => {
                error.set(Some((e.field.to_owned(), e.kind)));
                focus_field(e.field);
                return;
            }
        };
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        saving.set(true);
        let store = LocalStore::browser();
        let id = d.visit_id.unwrap_or_else(browser::new_uuid);
        let name = store
            .customer(record.customer_id)
            .map(|c| c.name)
            .or_else(|| store.visit(id).map(|v| v.customer_name))
            .unwrap_or_default();
        match store.save_visit(&session.user, id, record, name, now, d.resend_of) {
            Ok(_) => {
                store.remove(keys::DRAFT);
                // Stop a pending autosave from writing the saved form back as a draft.
                generation.update_value(|g| *g += 1);
                storage_error.set(false);
                app.show_toast(app.t(Key::Saved).to_owned());
                app.bump();
                app.request_sync(Trigger::Saved);
                navigate("/visits", Default::default());
            }
            Err(StoreError::QuotaExceeded | StoreError::Unavailable(_)) => {
                storage_error.set(true);
            }
        }
        saving.set(false);
    };

    let clear = move |_| {
        let customer = draft.with_untracked(|d| Uuid::parse_str(&d.customer_id).ok());
        draft.set(Draft::new(customer, browser::now()));
        error.set(None);
    };

    let reached = move || draft.with(Draft::reached);
    let lang = move || app.lang.get();
    let field_error = move |field: &'static str| {
        move || {
            error.with(|e| match e {
                Some((f, kind)) if f == field => {
                    let text = i18n::validation_message(lang(), field, *kind);
                    Some(view! {
                        <p class="field-error" role="alert" data-testid="visit-error" data-field=field>
                            {text}
                        </p>
                    })
                }
                _ => None,
            })
        }
    };
    let invalid = move |field: &'static str| {
        move || {
            error
                .with(|e| e.as_ref().is_some_and(|(f, _)| f == field))
                .to_string()
        }
    };

    view! {
        <section class="page">
            <h1 class="page-title">
                {move || app.t(if draft.with(|d| d.resend_of.is_some()) { Key::ResendTitle } else { Key::NewVisitTitle })}
            </h1>
            <form class="card visit-form" data-testid="visit-form" novalidate on:submit=save>
                <div class="grid-2">
                    <label class="field">
                        <span class="label">{move || app.t(Key::FieldCustomer)}</span>
                        <select
                            id="f-customer_id"
                            data-testid="visit-customer"
                            aria-invalid=invalid("customer_id")
                            prop:value=move || draft.with(|d| d.customer_id.clone())
                            on:change=set(|d, v| d.customer_id = v)
                        >
                            <option value="">{move || app.t(Key::Choose)}</option>
                            {move || {
                                let selected = draft.with(|d| d.customer_id.clone());
                                let list = customers.get();
                                let known = list.iter().any(|c| c.id.to_string() == selected);
                                let orphan = (!known && !selected.is_empty()).then(|| {
                                    let name = Uuid::parse_str(&selected)
                                        .ok()
                                        .and_then(|id| draft.with_untracked(|d| d.visit_id).and_then(|v| LocalStore::browser().visit(v)).filter(|v| v.record.customer_id == id))
                                        .map(|v| v.customer_name)
                                        .unwrap_or_else(|| selected.clone());
                                    view! { <option value=selected.clone() selected=true>{name}</option> }
                                });
                                let options = list
                                    .into_iter()
                                    .map(|c| {
                                        let id = c.id.to_string();
                                        let is_selected = id == selected;
                                        let label = if c.vip { format!("{} · VIP", c.name) } else { c.name };
                                        view! { <option value=id selected=is_selected>{label}</option> }
                                    })
                                    .collect_view();
                                (orphan, options)
                            }}
                        </select>
                        {field_error("customer_id")}
                    </label>
                    <label class="field">
                        <span class="label">{move || app.t(Key::FieldContactedAt)}</span>
                        <input
                            id="f-contacted_at"
                            type="datetime-local"
                            data-testid="visit-contacted-at"
                            aria-invalid=invalid("contacted_at")
                            prop:value=move || draft.with(|d| d.contacted_at.clone())
                            on:change=set(|d, v| d.contacted_at = v)
                        />
                        {field_error("contacted_at")}
                    </label>
                    <EnumSelect
                        field="channel"
                        testid="visit-channel"
                        label=Key::FieldChannel
                        options=Channel::ALL.iter().map(|v| (v.as_str(), i18n::channel_label(Lang::Zh, *v), i18n::channel_label(Lang::En, *v))).collect()
                        value=Signal::derive(move || draft.with(|d| d.channel.clone()))
                        on_change=Callback::new(move |v: String| { draft.update(|d| d.channel = v); error.set(None); })
                        error=error
                    />
                    <EnumSelect
                        field="visit_type"
                        testid="visit-type"
                        label=Key::FieldVisitType
                        options=VisitType::ALL.iter().map(|v| (v.as_str(), i18n::visit_type_label(Lang::Zh, *v), i18n::visit_type_label(Lang::En, *v))).collect()
                        value=Signal::derive(move || draft.with(|d| d.visit_type.clone()))
                        on_change=Callback::new(move |v: String| { draft.update(|d| d.visit_type = v); error.set(None); })
                        error=error
                    />
                    <EnumSelect
                        field="outcome"
                        testid="visit-outcome"
                        label=Key::FieldOutcome
                        options=Outcome::ALL.iter().map(|v| (v.as_str(), i18n::outcome_label(Lang::Zh, *v), i18n::outcome_label(Lang::En, *v))).collect()
                        value=Signal::derive(move || draft.with(|d| d.outcome.clone()))
                        on_change=Callback::new(move |v: String| { draft.update(|d| d.outcome = v); error.set(None); })
                        error=error
                    />
                    <label class="field">
                        <span class="label">{move || app.t(Key::FieldAttempt)}</span>
                        <input
                            id="f-attempt"
                            type="number"
                            inputmode="numeric"
                            min="1"
                            max=MAX_ATTEMPT.to_string()
                            data-testid="visit-attempt"
                            aria-invalid=invalid("attempt")
                            prop:value=move || draft.with(|d| d.attempt.clone())
                            on:input=set(|d, v| d.attempt = v)
                        />
                        {field_error("attempt")}
                    </label>
                </div>

                <Show when=reached>
                    <fieldset class="field" id="f-satisfaction" tabindex="-1" aria-invalid=invalid("satisfaction")>
                        <legend class="label">{move || app.t(Key::FieldSatisfaction)}</legend>
                        <div class="scale">
                            {(1u8..=5)
                                .map(|n| {
                                    let pressed = move || draft.with(|d| d.satisfaction == Some(n));
                                    view! {
                                        <button
                                            type="button"
                                            class="scale-btn"
                                            data-testid=format!("visit-satisfaction-{n}")
                                            aria-pressed=move || pressed().to_string()
                                            on:click=move |_| {
                                                draft.update(|d| d.satisfaction = Some(n));
                                                error.set(None);
                                            }
                                        >
                                            {n}
                                        </button>
                                    }
                                })
                                .collect_view()}
                        </div>
                        <div class="scale-ends muted">
                            <span>{move || app.t(Key::SatisfactionLow)}</span>
                            <span>{move || app.t(Key::SatisfactionHigh)}</span>
                        </div>
                        {field_error("satisfaction")}
                    </fieldset>
                    <div class="grid-2">
                        <EnumSelect
                            field="emotion"
                            testid="visit-emotion"
                            label=Key::FieldEmotion
                            options=Emotion::ALL.iter().map(|v| (v.as_str(), i18n::emotion_label(Lang::Zh, *v), i18n::emotion_label(Lang::En, *v))).collect()
                            value=Signal::derive(move || draft.with(|d| d.emotion.clone()))
                            on_change=Callback::new(move |v: String| { draft.update(|d| d.emotion = v); error.set(None); })
                            error=error
                        />
                        <EnumSelect
                            field="demand"
                            testid="visit-demand"
                            label=Key::FieldDemand
                            options=Demand::ALL.iter().map(|v| (v.as_str(), i18n::demand_label(Lang::Zh, *v), i18n::demand_label(Lang::En, *v))).collect()
                            value=Signal::derive(move || draft.with(|d| d.demand.clone()))
                            on_change=Callback::new(move |v: String| { draft.update(|d| d.demand = v); error.set(None); })
                            error=error
                        />
                    </div>
                </Show>

                <label class="field">
                    <span class="label">{move || app.t(Key::FieldVerbatim)}</span>
                    <span class="hint" id="verbatim-hint">{move || app.t(Key::VerbatimHint)}</span>
                    <textarea
                        id="f-verbatim"
                        rows="4"
                        maxlength=MAX_VERBATIM.to_string()
                        data-testid="visit-verbatim"
                        aria-describedby="verbatim-hint"
                        aria-invalid=invalid("verbatim")
                        prop:value=move || draft.with(|d| d.verbatim.clone())
                        on:input=set(|d, v| d.verbatim = v)
                    ></textarea>
                    {field_error("verbatim")}
                </label>
                <label class="field">
                    <span class="label">{move || app.t(Key::FieldFollowUp)}</span>
                    <textarea
                        id="f-follow_up"
                        rows="2"
                        maxlength=MAX_FOLLOW_UP.to_string()
                        data-testid="visit-follow-up"
                        aria-invalid=invalid("follow_up")
                        prop:value=move || draft.with(|d| d.follow_up.clone())
                        on:input=set(|d, v| d.follow_up = v)
                    ></textarea>
                    {field_error("follow_up")}
                </label>

                <Show when=move || storage_error.get()>
                    <p class="banner banner-error" role="alert" data-testid="storage-error">
                        {move || app.t(Key::StorageFull)}
                    </p>
                </Show>
                <Show when=move || draft_unsaved.get() && !storage_error.get()>
                    <p class="banner banner-warn" role="status">{move || app.t(Key::DraftNotSaved)}</p>
                </Show>
                <div class="form-actions">
                    <button type="button" class="btn btn-quiet" on:click=clear>
                        {move || app.t(Key::ClearForm)}
                    </button>
                    <button type="submit" class="btn btn-primary btn-wide" data-testid="visit-save" disabled=move || saving.get()>
                        {move || app.t(if saving.get() { Key::Saving } else { Key::Save })}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// A `<select>` of one closed set, option values being the wire names.
#[component]
fn EnumSelect(
    field: &'static str,
    testid: &'static str,
    label: Key,
    /// (wire name, Chinese label, English label)
    options: Vec<(&'static str, &'static str, &'static str)>,
    value: Signal<String>,
    on_change: Callback<String>,
    error: RwSignal<Option<(String, ValidationKind)>>,
) -> impl IntoView {
    let app = use_app();
    let options = StoredValue::new(options);
    let message = move || {
        error.with(|e| match e {
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
                prop:value=move || value.get()
                on:change=move |ev| on_change.run(event_target_value(&ev))
            >
                <option value="">{move || app.t(Key::Choose)}</option>
                {move || {
                    let lang = app.lang.get();
                    let current = value.get();
                    options
                        .get_value()
                        .into_iter()
                        .map(|(wire, zh, en)| {
                            let text = if lang == Lang::Zh { zh } else { en };
                            view! { <option value=wire selected={current == wire}>{text}</option> }
                        })
                        .collect_view()
                }}
            </select>
            {move || {
                message()
                    .map(|text| {
                        view! {
                            <p class="field-error" role="alert" data-testid="visit-error" data-field=field>
                                {text}
                            </p>
                        }
                    })
            }}
        </label>
    }
}

/// Moves focus to the input the error names, so the user sees and fixes it.
fn focus_field(field: &str) {
    use wasm_bindgen::JsCast;
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&format!("f-{field}")));
    if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}
