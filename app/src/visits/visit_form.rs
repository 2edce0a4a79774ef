use gloo_timers::future::TimeoutFuture;
use huifang_domain::survey::{Survey, SurveyError};
use huifang_domain::task::next_attempt;
use huifang_domain::visit::{MAX_ATTEMPT, MAX_FOLLOW_UP, MAX_VERBATIM};
use huifang_domain::{Channel, Demand, Emotion, Outcome, ValidationKind, VisitType};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

use super::script_stepper::ScriptStepper;
use super::survey_form::SurveyForm;
use crate::browser;
use crate::customers::CustomerFilePanel;
use crate::i18n::{self, Key, Lang};
use crate::state::{settings, use_app};
use crate::store::{BrowserBackend, LocalStore, StoreError};
use crate::sync::Trigger;
use crate::visits::field;
use crate::visits::form::{
    Draft, FormError, default_audience, script_for, script_values, survey_for,
};
use crate::widgets::Pick;
use crate::widgets::PlaceStatus;
use crate::widgets::SignaturePad;
use crate::widgets::VisitTimer;

/// Long enough not to write on every keystroke, short enough that a crash loses a few words.
const AUTOSAVE_MS: u32 = 500;

/// What the address asks the form to show.
struct Wanted {
    draft: Option<Uuid>,
    resend: Option<u64>,
    task: Option<Uuid>,
    customer: Option<Uuid>,
}

/// Picks the draft to show, and whether it was restored: the draft named in the address
/// (a reload, or "resume" in the drafts list), else the one already open for the same task
/// or rejected record (never two drafts of one visit), else a fresh form prefilled from
/// the rejected record, the task or the customer chosen.
fn initial_draft(
    store: &LocalStore<BrowserBackend>,
    owner: Option<Uuid>,
    w: &Wanted,
) -> (Draft, bool) {
    let now = browser::now();
    if let Some(saved) = w.draft.and_then(|id| store.draft(id)) {
        return (saved, true);
    }
    let drafts = store.drafts();
    let same = drafts.into_iter().find(|d| {
        (w.resend.is_some() && d.resend_of == w.resend) || (w.task.is_some() && d.task_id == w.task)
    });
    if let Some(saved) = same {
        return (saved, true);
    }
    let id = w.draft.unwrap_or_else(browser::new_uuid);
    if let Some(entry) = owner
        .zip(w.resend)
        .and_then(|(owner, seq)| store.rejected_entry(owner, seq))
        && let Ok(record) = crate::json::from_value(&entry.mutation.data)
    {
        return (
            Draft::from_record(id, &record, entry.seq, entry.mutation.id),
            false,
        );
    }
    if let Some(task) = w.task.and_then(|t| store.task(t)) {
        return (Draft::from_task(id, &task, now), false);
    }
    (Draft::new(id, w.customer, now), false)
}

/// The visit screen, made anew for each draft: "new visit" while a draft is open starts
/// another one instead of staying in it.
#[component]
pub fn VisitPage() -> impl IntoView {
    let query = use_query_map();
    let draft = Memo::new(move |_| query.with(|q| q.get("draft")));
    move || {
        draft.track();
        view! { <VisitForm /> }
    }
}

/// The visit record form (回访记录表), with the customer file and the script beside it.
#[component]
fn VisitForm() -> impl IntoView {
    let app = use_app();
    let navigate = use_navigate();
    let query = use_query_map();
    let store = LocalStore::browser();
    let wanted = query.with_untracked(|q| Wanted {
        draft: q.get("draft").and_then(|s| Uuid::parse_str(&s).ok()),
        resend: q.get("resend").and_then(|s| s.parse::<u64>().ok()),
        task: q.get("task").and_then(|s| Uuid::parse_str(&s).ok()),
        customer: q.get("customer").and_then(|s| Uuid::parse_str(&s).ok()),
    });
    let (initial, restored) = initial_draft(&store, app.user_id(), &wanted);
    if restored {
        app.show_toast(app.t(Key::DraftRestored).to_owned());
    }
    // The address names the draft, so a reload comes back to it.
    if wanted.draft != Some(initial.id) {
        let mut url = format!("/visit/new?draft={}", initial.id);
        if let Some(t) = initial.task_id {
            url.push_str(&format!("&task={t}"));
        }
        if let Some(seq) = initial.resend_of {
            url.push_str(&format!("&resend={seq}"));
        }
        if let Some(c) = wanted.customer {
            url.push_str(&format!("&customer={c}"));
        }
        navigate(
            &url,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    }
    let draft = RwSignal::new(initial);
    // After the first save attempt the form is checked on every change, so a fixed field
    // loses its error (and its line in the summary) at once, not at the next save.
    let attempted = RwSignal::new(false);
    let storage_error = RwSignal::new(false);
    let draft_unsaved = RwSignal::new(false);
    let saving = RwSignal::new(false);

    let customers = Memo::new(move |_| {
        app.data_rev.track();
        LocalStore::browser().customers()
    });
    let customer_id = Memo::new(move |_| draft.with(|d| Uuid::parse_str(&d.customer_id).ok()));
    let customer = Memo::new(move |_| {
        let id = customer_id.get()?;
        customers.with(|list| list.iter().find(|c| c.id == id).cloned())
    });
    let visit_type = Memo::new(move |_| draft.with(Draft::visit_type));
    let script = Memo::new(move |_| {
        app.data_rev.track();
        script_for(visit_type.get(), &LocalStore::browser().scripts())
    });
    let survey = Memo::new(move |_| {
        app.data_rev.track();
        survey_for(visit_type.get(), &LocalStore::browser().surveys())
    });
    let audience = Memo::new(move |_| {
        draft
            .with(|d| d.audience)
            .unwrap_or_else(|| default_audience(customer.get().as_ref()))
    });
    let offset = move || field::offset(Some(settings(app).utc_offset_minutes));
    let values = Signal::derive(move || {
        let user = app.session.get().map(|s| s.user);
        let next = draft
            .with(|d| crate::visits::form::from_local_input(&d.call_back_at))
            .map(|t| i18n::clock(t, offset()));
        script_values(
            customer.get().as_ref(),
            user.as_ref(),
            &settings(app).company,
            next,
            app.t(Key::ScriptLater),
        )
    });

    let problems = Memo::new(move |_| {
        if !attempted.get() {
            return Vec::new();
        }
        let (script, survey) = (script.get(), survey.get());
        draft.with(|d| {
            d.to_record(
                browser::now(),
                script.as_ref(),
                survey.as_ref(),
                audience.get(),
            )
            .err()
            .unwrap_or_default()
        })
    });
    let field_problem = move |field: &'static str| {
        problems.with(|list| {
            list.iter().find_map(|p| match p {
                FormError::Field(e) if e.field == field => Some(e.kind),
                _ => None,
            })
        })
    };
    let field_signal = move |field: &'static str| {
        Signal::derive(move || field_problem(field).map(|kind| (field.to_owned(), kind)))
    };
    let survey_problems = Signal::derive(move || {
        problems.with(|list| {
            list.iter()
                .filter_map(|p| match p {
                    FormError::Survey(e) => Some(e.clone()),
                    FormError::Field(_) => None,
                })
                .collect::<Vec<SurveyError>>()
        })
    });
    // A survey that asks for the overall stars gives the score; the scale would ask twice.
    let scale_shown = Memo::new(move |_| {
        survey.with(|s| s.as_ref().and_then(Survey::overall_question).is_none())
    });

    // Autosave, debounced: only the last change in a burst of typing is written.
    let generation = StoredValue::new(0u64);
    Effect::new(move |first: Option<()>| {
        let mut current = draft.get();
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
                store.remove_draft(current.id);
                Ok(())
            } else {
                current.updated_at = browser::now();
                store.put_draft(&current)
            };
            draft_unsaved.set(result.is_err());
            app.storage_used.set(store.usage());
        });
    });

    let set = move |f: fn(&mut Draft, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            draft.update(|d| f(d, v));
        }
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let now = browser::now();
        let d = draft.get_untracked();
        let script = script.get_untracked();
        let survey = survey.get_untracked();
        attempted.set(true);
        let record = match d.to_record(
            now,
            script.as_ref(),
            survey.as_ref(),
            audience.get_untracked(),
        ) {
            Ok(r) => r,
            Err(list) => {
                if let Some(first) = list.first() {
                    focus_field(&first.target());
                }
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
        let s = settings(app);
        let off = field::offset(Some(s.utc_offset_minutes));
        let next = (record.outcome != Outcome::Reached).then(|| {
            let lang = app.lang.get_untracked();
            match next_attempt(
                record.outcome,
                record.attempt,
                record.contacted_at,
                record.call_back_at,
                &s.quiet_hours,
                off,
            ) {
                Some(n) => i18n::next_attempt_text(
                    lang,
                    n.attempt,
                    &i18n::clock(n.due_from, off),
                    n.channel,
                ),
                None => i18n::no_more_attempts(lang).to_owned(),
            }
        });
        let task = record.task_id;
        match store.save_visit(&session.user, id, record, name, now, d.resend_of) {
            Ok(_) => {
                store.remove_draft(d.id);
                // Stop a pending autosave from writing the saved form back as a draft.
                generation.update_value(|g| *g += 1);
                if let Some(t) = task {
                    // The server closes it on the next sync; the lists drop it now.
                    let _ = store.finish_task(t);
                }
                storage_error.set(false);
                let saved = app.t(Key::Saved);
                app.show_toast(match next {
                    Some(n) => format!("{saved} · {n}"),
                    None => saved.to_owned(),
                });
                app.bump();
                // Escalations in particular must reach the supervisors at once.
                app.request_sync(Trigger::Saved);
                navigate(
                    if task.is_some() { "/tasks" } else { "/visits" },
                    Default::default(),
                );
            }
            Err(StoreError::QuotaExceeded | StoreError::Unavailable(_)) => {
                storage_error.set(true);
            }
        }
        saving.set(false);
    };

    let clear = move |_| {
        draft.update(|d| {
            let fresh = Draft::new(d.id, Uuid::parse_str(&d.customer_id).ok(), browser::now());
            *d = Draft {
                channel: d.channel.clone(),
                visit_type: d.visit_type.clone(),
                attempt: d.attempt.clone(),
                task_id: d.task_id,
                ..fresh
            };
        });
        attempted.set(false);
    };

    let reached = move || draft.with(Draft::reached);
    let on_site = move || draft.with(Draft::on_site);
    let lang = move || app.lang.get();
    // Field lines do not announce themselves: the summary does, once for all of them.
    let field_error = move |field: &'static str| {
        move || {
            field_problem(field).map(|kind| {
                let text = i18n::validation_message(lang(), field, kind);
                view! {
                    <p class="field-error" id=format!("err-{field}") data-testid="visit-error" data-field=field>
                        {text}
                    </p>
                }
            })
        }
    };
    let invalid = move |field: &'static str| move || field_problem(field).is_some().to_string();
    let described =
        move |field: &'static str| move || field_problem(field).map(|_| format!("err-{field}"));
    let quiet_now = move || {
        let s = settings(app);
        let off = offset();
        let now = app.now.get();
        (draft.with(|d| d.outcome.is_empty()) && s.quiet_hours.is_quiet(now, off))
            .then(|| i18n::clock(s.quiet_hours.next_allowed(now, off), off))
    };

    view! {
        <section class="page page-visit">
            <h1 class="page-title">
                {move || app.t(if draft.with(|d| d.resend_of.is_some()) { Key::ResendTitle } else { Key::NewVisitTitle })}
            </h1>
            {move || quiet_now().map(|next| view! {
                <p class="banner banner-warn" role="alert" data-testid="quiet-hours-warning">
                    {move || i18n::quiet_warning(app.lang.get(), &next)}
                </p>
            })}
            <div class="visit-layout">
            <aside class="visit-aside">
                <CustomerFilePanel customer=customer_id.into() />
                <ScriptStepper draft script=script.into() values audience=audience.into() />
            </aside>
            <form class="card visit-form" data-testid="visit-form" novalidate on:submit=save>
                <ErrorSummary problems=problems.into() survey=survey.into() />
                <VisitTimer draft />
                <div class="grid-2">
                    <label class="field">
                        <span class="label">{move || app.t(Key::FieldCustomer)}</span>
                        <select
                            id="f-customer_id"
                            data-testid="visit-customer"
                            aria-invalid=invalid("customer_id")
                            aria-describedby=described("customer_id")
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
                            aria-describedby=described("contacted_at")
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
                        on_change=Callback::new(move |v: String| draft.update(|d| d.channel = v))
                        error=field_signal("channel")
                    />
                    <EnumSelect
                        field="visit_type"
                        testid="visit-type"
                        label=Key::FieldVisitType
                        options=VisitType::ALL.iter().map(|v| (v.as_str(), i18n::visit_type_label(Lang::Zh, *v), i18n::visit_type_label(Lang::En, *v))).collect()
                        value=Signal::derive(move || draft.with(|d| d.visit_type.clone()))
                        on_change=Callback::new(move |v: String| draft.update(|d| d.visit_type = v))
                        error=field_signal("visit_type")
                    />
                    <EnumSelect
                        field="outcome"
                        testid="visit-outcome"
                        label=Key::FieldOutcome
                        options=Outcome::ALL.iter().map(|v| (v.as_str(), i18n::outcome_label(Lang::Zh, *v), i18n::outcome_label(Lang::En, *v))).collect()
                        value=Signal::derive(move || draft.with(|d| d.outcome.clone()))
                        on_change=Callback::new(move |v: String| draft.update(|d| d.outcome = v))
                        error=field_signal("outcome")
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
                            aria-describedby=described("attempt")
                            prop:value=move || draft.with(|d| d.attempt.clone())
                            on:input=set(|d, v| d.attempt = v)
                        />
                        {field_error("attempt")}
                    </label>
                    <Show when=move || draft.with(|d| d.outcome == Outcome::CallBack.as_str())>
                        <label class="field">
                            <span class="label">{move || app.t(Key::FieldCallBackAt)}</span>
                            <input
                                id="f-call_back_at"
                                type="datetime-local"
                                data-testid="visit-call-back-at"
                                aria-invalid=invalid("call_back_at")
                                aria-describedby=described("call_back_at")
                                prop:value=move || draft.with(|d| d.call_back_at.clone())
                                on:change=set(|d, v| d.call_back_at = v)
                            />
                            {field_error("call_back_at")}
                        </label>
                    </Show>
                </div>
                <PlaceStatus draft />
                {field_error("place")}

                <Show when=reached>
                    <Show when=move || scale_shown.get()>
                    <fieldset class="field" id="f-satisfaction" tabindex="-1" aria-invalid=invalid("satisfaction") aria-describedby=described("satisfaction")>
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
                                            on:click=move |_| draft.update(|d| d.satisfaction = Some(n))
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
                    </Show>
                    <div class="grid-2">
                        <EnumSelect
                            field="emotion"
                            testid="visit-emotion"
                            label=Key::FieldEmotion
                            options=Emotion::ALL.iter().map(|v| (v.as_str(), i18n::emotion_label(Lang::Zh, *v), i18n::emotion_label(Lang::En, *v))).collect()
                            value=Signal::derive(move || draft.with(|d| d.emotion.clone()))
                            on_change=Callback::new(move |v: String| draft.update(|d| d.emotion = v))
                            error=field_signal("emotion")
                        />
                        <EnumSelect
                            field="demand"
                            testid="visit-demand"
                            label=Key::FieldDemand
                            options=Demand::ALL.iter().map(|v| (v.as_str(), i18n::demand_label(Lang::Zh, *v), i18n::demand_label(Lang::En, *v))).collect()
                            value=Signal::derive(move || draft.with(|d| d.demand.clone()))
                            on_change=Callback::new(move |v: String| draft.update(|d| d.demand = v))
                            error=field_signal("demand")
                        />
                    </div>
                    {move || survey.get().map(|s| view! { <SurveyForm draft survey=s errors=survey_problems /> })}
                    <label class="toggle">
                        <input
                            type="checkbox"
                            data-testid="visit-escalate"
                            prop:checked=move || draft.with(|d| d.escalate)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                draft.update(|d| d.escalate = on);
                            }
                        />
                        <span>
                            <strong>{move || app.t(Key::Escalate)}</strong>
                            <span class="hint">{move || app.t(Key::EscalateHint)}</span>
                        </span>
                    </label>
                </Show>

                <label class="field">
                    <span class="label">{move || app.t(Key::FieldVerbatim)}</span>
                    <span class="hint" id="verbatim-hint">{move || app.t(Key::VerbatimHint)}</span>
                    <textarea
                        id="f-verbatim"
                        rows="4"
                        maxlength=MAX_VERBATIM.to_string()
                        data-testid="visit-verbatim"
                        aria-describedby=move || match described("verbatim")() {
                            Some(err) => format!("verbatim-hint {err}"),
                            None => "verbatim-hint".to_owned(),
                        }
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
                        aria-describedby=described("follow_up")
                        prop:value=move || draft.with(|d| d.follow_up.clone())
                        on:input=set(|d, v| d.follow_up = v)
                    ></textarea>
                    {field_error("follow_up")}
                </label>

                <Show when=on_site>
                    <SignaturePad draft invalid=Signal::derive(move || field_problem("signature").is_some()) />
                    {field_error("signature")}
                </Show>

                <Show when=move || storage_error.get()>
                    <p class="banner banner-error" role="alert" data-testid="storage-error">
                        {move || app.t(Key::StorageFull)}
                    </p>
                </Show>
                <Show when=move || draft_unsaved.get() && !storage_error.get()>
                    <p class="banner banner-warn" role="status">{move || app.t(Key::DraftNotSaved)}</p>
                </Show>
                <div class="form-actions">
                    <button type="button" class="btn btn-quiet" data-testid="visit-clear" on:click=clear>
                        {move || app.t(Key::ClearForm)}
                    </button>
                    <button type="submit" class="btn btn-primary btn-wide" data-testid="visit-save" disabled=move || saving.get()>
                        {move || app.t(if saving.get() { Key::Saving } else { Key::Save })}
                    </button>
                </div>
            </form>
            </div>
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
    error: Signal<Option<(String, ValidationKind)>>,
) -> impl IntoView {
    let app = use_app();
    let options = Signal::derive(move || {
        let zh = app.lang.get() == Lang::Zh;
        options
            .iter()
            .map(|(wire, z, e)| (wire.to_string(), if zh { z } else { e }.to_string()))
            .collect::<Vec<_>>()
    });
    view! {
        <Pick
            field=field
            testid=testid
            label=label
            options=options
            value=value
            on_change=on_change
            error=error
            error_testid="visit-error"
            summarized=true
        />
    }
}

/// 请修改以下几项: every problem of the last save, each a link to its field. It is an
/// alert, so it is announced when it appears and as lines come and go; fixing a field
/// removes its line at once.
#[component]
fn ErrorSummary(problems: Signal<Vec<FormError>>, survey: Signal<Option<Survey>>) -> impl IntoView {
    let app = use_app();
    let lines = move || {
        let lang = app.lang.get();
        let survey = survey.get();
        problems.with(|list| {
            list.iter()
                .map(|p| {
                    let text = match p {
                        FormError::Field(e) => i18n::validation_message(lang, e.field, e.kind),
                        FormError::Survey(e) => {
                            let question = survey
                                .as_ref()
                                .and_then(|s| s.questions.iter().find(|q| q.key == e.question))
                                .map_or(e.question.as_str(), |q| q.text.as_str());
                            i18n::survey_problem(lang, question, &e.problem)
                        }
                    };
                    (p.target(), text)
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || problems.with(|p| !p.is_empty())>
            <div class="error-summary" role="alert" aria-labelledby="error-summary-title" data-testid="error-summary">
                <h2 class="error-summary-title" id="error-summary-title">
                    {move || i18n::error_summary_title(app.lang.get(), problems.with(Vec::len))}
                </h2>
                <ul class="error-summary-list">
                    <For
                        each=lines
                        key=|line| line.clone()
                        children=move |(target, text)| {
                            let href = format!("#{target}");
                            view! {
                                <li>
                                    <a
                                        href=href
                                        data-testid="error-summary-item"
                                        data-target=target.clone()
                                        on:click=move |ev| {
                                            ev.prevent_default();
                                            focus_field(&target);
                                        }
                                    >
                                        {text}
                                    </a>
                                </li>
                            }
                        }
                    />
                </ul>
            </div>
        </Show>
    }
}

/// Brings the element a problem names into view below the sticky bar and focuses it, so
/// the user sees and fixes it.
fn focus_field(element_id: &str) {
    use wasm_bindgen::JsCast;
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(element_id));
    if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        el.scroll_into_view();
        let _ = el.focus();
    }
}
