//! 新建工单: the intake form, its suggested grade and the duplicates it may be.

use huifang_domain::ticket::{DemandKind, DuplicateQuery, IntakeChannel, Nature, Ticket};
use huifang_domain::{Emotion, MutationKind, ValidationKind};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

use super::grade_badges::GradeBadges;
use super::shared::{queue, rules, shown, when};
use crate::api;
use crate::browser;
use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::store::LocalStore;
use crate::tickets::logic::{self, IntakeDraft, from_wire, wire};
use crate::widgets::Pick;

const CHANNELS: [IntakeChannel; 6] = [
    IntakeChannel::Hotline,
    IntakeChannel::App,
    IntakeChannel::Shop,
    IntakeChannel::SocialMedia,
    IntakeChannel::Visit,
    IntakeChannel::Survey,
];
const DEMANDS: [DemandKind; 3] = [
    DemandKind::Compensation,
    DemandKind::Improvement,
    DemandKind::Emotional,
];

/// 新建工单: the intake form, with the suggested grade and likely duplicates.
#[component]
pub fn TicketIntakePage() -> impl IntoView {
    let app = use_app();
    let navigate = use_navigate();
    let query = use_query_map();
    let initial = query
        .with_untracked(|q| q.get("visit"))
        .and_then(|v| Uuid::parse_str(&v).ok())
        .and_then(|id| LocalStore::browser().visit(id))
        .map(|v| IntakeDraft::from_visit(v.id, &v.record, &v.customer_name))
        .unwrap_or_else(|| IntakeDraft {
            channel: wire(IntakeChannel::Hotline),
            ..IntakeDraft::default()
        });
    let from_visit = initial.visit_id.is_some();
    let draft = RwSignal::new(initial);
    let error = RwSignal::new(None::<(String, ValidationKind)>);
    let customers = Memo::new(move |_| {
        app.data_rev.track();
        LocalStore::browser().customers()
    });
    let list = shown(app);
    let set = move |f: fn(&mut IntakeDraft, String)| {
        Callback::new(move |v: String| {
            draft.update(|d| f(d, v));
            error.set(None);
        })
    };
    let lang = move || app.lang.get();

    let suggestion = move || {
        let r = rules(app);
        draft.with(|d| d.partial()).map(|i| r.suggest(&i))
    };

    // Likely duplicates: asked of the server when online, from the device's tickets otherwise.
    let online_dups = RwSignal::new(None::<Vec<Ticket>>);
    Effect::new(move |_| {
        let (customer, contact, sub, anonymous) = draft.with(|d| {
            (
                d.customer_id.clone(),
                d.contact.clone(),
                d.sub_problem.clone(),
                d.anonymous,
            )
        });
        online_dups.set(None);
        let customer_id = Uuid::parse_str(&customer).ok().filter(|_| !anonymous);
        let contact = Some(contact.trim().to_owned()).filter(|c| !c.is_empty() && !anonymous);
        if sub.is_empty() || (customer_id.is_none() && contact.is_none()) {
            return;
        }
        let Some(token) = app
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
        else {
            return;
        };
        if !app.sync.status.with_untracked(|s| s.online()) {
            return;
        }
        let q = DuplicateQuery {
            customer_id,
            contact,
            sub_problem: sub,
        };
        leptos::task::spawn_local(async move {
            if let Ok(found) = api::ticket_duplicates(&token, &q).await {
                online_dups.set(Some(found));
            }
        });
    });
    let duplicates = move || {
        let offline: Vec<Ticket> = draft
            .with(|d| {
                d.to_intake().ok().or_else(|| {
                    let mut i = d.partial()?;
                    i.customer_id = Uuid::parse_str(&d.customer_id)
                        .ok()
                        .filter(|_| !d.anonymous);
                    i.contact =
                        Some(d.contact.trim().to_owned()).filter(|c| !c.is_empty() && !d.anonymous);
                    Some(i)
                })
            })
            .map(|i| {
                list.with(|l| {
                    logic::offline_duplicates(&i, l, app.now.get())
                        .into_iter()
                        .cloned()
                        .collect()
                })
            })
            .unwrap_or_default();
        let from_server = online_dups.get();
        let was_online = from_server.is_some();
        let mut all = from_server.unwrap_or_default();
        for t in offline {
            if !all.iter().any(|a| a.id == t.id) {
                all.push(t);
            }
        }
        (all, was_online)
    };

    let save = {
        let navigate = navigate.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let d = draft.get_untracked();
            let intake = match d.to_intake() {
                Ok(i) => i,
                Err(e) => {
                    error.set(Some((e.field.to_owned(), e.kind)));
                    return;
                }
            };
            let id = browser::new_uuid();
            let target = intake.duplicate_of.unwrap_or(id);
            let Ok(data) = serde_json::to_value(&intake) else {
                return;
            };
            if queue(app, id, MutationKind::TicketCreate, data) {
                app.show_toast(
                    app.t(if intake.duplicate_of.is_some() {
                        Key::IntakeLinked
                    } else {
                        Key::IntakeSaved
                    })
                    .to_owned(),
                );
                navigate(&format!("/tickets/{target}"), Default::default());
            }
        }
    };
    let field_error = move |field: &'static str| {
        move || {
            error.with(|e| match e {
                Some((f, kind)) if f == field => Some(view! {
                    <span class="field-error" role="alert">{i18n::validation_message(app.lang.get(), field, *kind)}</span>
                }),
                _ => None,
            })
        }
    };

    view! {
        <section class="page page-intake">
            <h1 class="page-title">{move || app.t(Key::IntakeTitle)}</h1>
            <div class="intake-layout">
            <form class="card intake-form" data-testid="intake-form" novalidate on:submit=save>
                {from_visit.then(|| view! {
                    <p class="banner banner-info" data-testid="intake-from-visit">
                        {move || app.t(Key::IntakeFromVisit)} " " {move || draft.with(|d| d.reporter.clone())}
                    </p>
                })}
                <label class="toggle toggle-inline">
                    <input
                        type="checkbox"
                        data-testid="intake-anonymous"
                        prop:checked=move || draft.with(|d| d.anonymous)
                        on:change=move |ev| draft.update(|d| d.anonymous = event_target_checked(&ev))
                    />
                    <span>{move || app.t(Key::IntakeAnonymous)}</span>
                </label>
                <Show when=move || draft.with(|d| d.anonymous)>
                    <p class="hint" data-testid="intake-anonymous-hint">{move || app.t(Key::IntakeAnonymousHint)}</p>
                </Show>
                <Show when=move || !draft.with(|d| d.anonymous)>
                    <div class="grid-2">
                        <Pick
                            field="customer_id"
                            testid="intake-customer"
                            label=Key::FieldCustomer
                            placeholder=Key::NoCustomer
                            options=Signal::derive(move || customers.get().into_iter().map(|c| (c.id.to_string(), c.name)).collect())
                            value=Signal::derive(move || draft.with(|d| d.customer_id.clone()))
                            on_change=set(|d, v| {
                                if let Some(c) = Uuid::parse_str(&v).ok().and_then(|id| LocalStore::browser().customer(id)) {
                                    d.reporter = c.name;
                                }
                                d.customer_id = v;
                                d.duplicate_of = None;
                            })
                            error=error
                        />
                        <label class="field">
                            <span class="label">{move || app.t(Key::IntakeReporter)}</span>
                            <input
                                id="f-reporter"
                                data-testid="intake-reporter"
                                maxlength=huifang_domain::ticket::MAX_REPORTER.to_string()
                                prop:value=move || draft.with(|d| d.reporter.clone())
                                on:input=move |ev| draft.update(|d| d.reporter = event_target_value(&ev))
                            />
                            {field_error("reporter")}
                        </label>
                        <label class="field">
                            <span class="label">{move || app.t(Key::IntakeContact)}</span>
                            <input
                                id="f-contact"
                                type="tel"
                                inputmode="tel"
                                data-testid="intake-contact"
                                maxlength=huifang_domain::ticket::MAX_CONTACT.to_string()
                                prop:value=move || draft.with(|d| d.contact.clone())
                                on:change=move |ev| draft.update(|d| { d.contact = event_target_value(&ev); d.duplicate_of = None; })
                            />
                            {field_error("contact")}
                        </label>
                    </div>
                </Show>
                <div class="grid-2">
                    <Pick
                        field="channel"
                        testid="intake-channel"
                        label=Key::IntakeChannel
                        options=Signal::derive(move || CHANNELS.iter().map(|c| (wire(*c), i18n::intake_channel_label(lang(), *c).to_owned())).collect())
                        value=Signal::derive(move || draft.with(|d| d.channel.clone()))
                        on_change=set(|d, v| d.channel = v)
                        error=error
                    />
                    <Pick
                        field="nature"
                        testid="intake-nature"
                        label=Key::IntakeNature
                        options=Signal::derive(move || Nature::ALL.iter().map(|n| (wire(*n), i18n::nature_label(lang(), *n).to_owned())).collect())
                        value=Signal::derive(move || draft.with(|d| d.nature.clone()))
                        on_change=set(|d, v| {
                            d.nature = v;
                            d.sub_problem.clear();
                            d.duplicate_of = None;
                        })
                        error=error
                    />
                    <Pick
                        field="sub_problem"
                        testid="intake-sub-problem"
                        label=Key::IntakeSubProblem
                        options=Signal::derive(move || {
                            draft
                                .with(|d| from_wire::<Nature>(&d.nature))
                                .map(|n| n.sub_problems().iter().map(|s| ((*s).to_owned(), i18n::sub_problem_label(lang(), s))).collect())
                                .unwrap_or_default()
                        })
                        value=Signal::derive(move || draft.with(|d| d.sub_problem.clone()))
                        on_change=set(|d, v| {
                            d.sub_problem = v;
                            d.duplicate_of = None;
                        })
                        error=error
                    />
                    <Pick
                        field="emotion"
                        testid="intake-emotion"
                        label=Key::IntakeEmotion
                        options=Signal::derive(move || Emotion::ALL.iter().map(|e| (wire(*e), i18n::emotion_label(lang(), *e).to_owned())).collect())
                        value=Signal::derive(move || draft.with(|d| d.emotion.clone()))
                        on_change=set(|d, v| d.emotion = v)
                        error=error
                    />
                    <Pick
                        field="demand"
                        testid="intake-demand"
                        label=Key::IntakeDemand
                        options=Signal::derive(move || DEMANDS.iter().map(|d| (wire(*d), i18n::demand_kind_label(lang(), *d).to_owned())).collect())
                        value=Signal::derive(move || draft.with(|d| d.demand.clone()))
                        on_change=set(|d, v| d.demand = v)
                        error=error
                    />
                </div>
                <label class="field">
                    <span class="label">{move || app.t(Key::IntakeDescription)}</span>
                    <textarea
                        id="f-description"
                        rows="4"
                        data-testid="intake-description"
                        placeholder=move || app.t(Key::IntakeDescriptionHint)
                        maxlength=huifang_domain::ticket::MAX_DESCRIPTION.to_string()
                        aria-invalid=move || error.with(|e| e.as_ref().is_some_and(|(f, _)| f == "description")).to_string()
                        prop:value=move || draft.with(|d| d.description.clone())
                        on:input=move |ev| { draft.update(|d| d.description = event_target_value(&ev)); error.set(None); }
                    ></textarea>
                    {field_error("description")}
                </label>
                <div class="choices">
                    <label class="toggle toggle-inline">
                        <input
                            type="checkbox"
                            data-testid="intake-injury"
                            prop:checked=move || draft.with(|d| d.personal_injury)
                            on:change=move |ev| draft.update(|d| d.personal_injury = event_target_checked(&ev))
                        />
                        <span>{move || app.t(Key::IntakeInjury)}</span>
                    </label>
                    <label class="toggle toggle-inline">
                        <input
                            type="checkbox"
                            data-testid="intake-loss"
                            prop:checked=move || draft.with(|d| d.property_loss)
                            on:change=move |ev| draft.update(|d| d.property_loss = event_target_checked(&ev))
                        />
                        <span>{move || app.t(Key::IntakeLoss)}</span>
                    </label>
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary btn-wide" data-testid="intake-save">
                        {move || app.t(Key::IntakeSave)}
                    </button>
                </div>
            </form>
            <aside class="intake-aside">
                <section class="card grade-suggestion" data-testid="grade-suggestion" aria-live="polite">
                    <h2 class="section-title">{move || app.t(Key::SuggestedGrade)}</h2>
                    {move || match suggestion() {
                        None => view! { <p class="muted">{move || app.t(Key::NoRuleFired)}</p> }.into_any(),
                        Some(g) => {
                            let fired = g.fired.clone();
                            view! {
                                <p class="grade-line">
                                    <GradeBadges impact=g.impact priority=g.priority />
                                </p>
                                {if fired.is_empty() {
                                    view! { <p class="muted">{move || app.t(Key::NoRuleFired)}</p> }.into_any()
                                } else {
                                    view! {
                                        <p class="label">{move || app.t(Key::RulesFired)}</p>
                                        <ul class="rules">
                                            {fired.into_iter().map(|k| {
                                                let key = k.clone();
                                                view! { <li data-testid="fired-rule" data-rule=k>{move || i18n::rule_label(app.lang.get(), &key)}</li> }
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            }.into_any()
                        }
                    }}
                    {move || draft.with(|d| {
                        let n = from_wire::<Nature>(&d.nature)?;
                        let dept = rules(app).routing.route(n, &d.sub_problem)?.to_owned();
                        Some(view! {
                            <p class="row-sub" data-testid="suggested-department">
                                {move || app.t(Key::TicketRouting)} ": " {i18n::department_label(app.lang.get(), &dept)}
                            </p>
                        })
                    })}
                    <p class="hint">{move || app.t(Key::SuggestedGradeHint)}</p>
                </section>
                {move || {
                    let (dups, online) = duplicates();
                    (!dups.is_empty()).then(|| view! {
                        <section class="card duplicates" data-testid="duplicates">
                            <h2 class="section-title">{move || app.t(Key::DuplicatesTitle)}</h2>
                            <p class="hint">{move || app.t(Key::DuplicatesHint)}</p>
                            {(!online).then(|| view! { <p class="hint">{move || app.t(Key::DuplicatesOffline)}</p> })}
                            <ul class="list">
                                {dups.into_iter().map(|t| {
                                    let id = t.id;
                                    let linked = move || draft.with(|d| d.duplicate_of == Some(id));
                                    let state = t.state;
                                    let desc = t.intake.description.clone();
                                    view! {
                                        <li class="row" data-testid="duplicate-row" data-id=id.to_string()>
                                            <span class="row-main">
                                                <span class="row-title">
                                                    {move || i18n::ticket_state_label(app.lang.get(), state)}
                                                    " · "
                                                    {move || when(app, t.created_at)}
                                                </span>
                                                <span class="row-text">{desc}</span>
                                            </span>
                                            <button
                                                type="button"
                                                class=move || if linked() { "btn btn-primary" } else { "btn" }
                                                data-testid="duplicate-link"
                                                aria-pressed=move || linked().to_string()
                                                on:click=move |_| draft.update(|d| d.duplicate_of = if d.duplicate_of == Some(id) { None } else { Some(id) })
                                            >
                                                {move || app.t(if linked() { Key::DuplicateUnlink } else { Key::DuplicateLink })}
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    })
                }}
            </aside>
            </div>
        </section>
    }
}
