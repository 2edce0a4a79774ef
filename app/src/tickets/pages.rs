//! 工单 screens: the list, the intake form (新建工单), a ticket with its clocks, timeline and
//! actions, and the supervisor's workbench (coverage, review queue, escalated queue).

use huifang_domain::sla::{ClockState, ClockView};
use huifang_domain::ticket::{
    DemandKind, DuplicateQuery, IntakeChannel, Nature, ReviewDecision, ReviewQueue, ReviewRequest,
    ReviewTarget, Ticket, TicketPriority,
};
use huifang_domain::{Emotion, MutationKind, User, ValidationKind};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use uuid::Uuid;

use crate::api;
use crate::browser;
use crate::i18n::{self, Key};
use crate::shell::use_door;
use crate::state::{AppCtx, use_app};
use crate::store::{LocalStore, keys};
use crate::sync::Trigger;
use crate::tickets::logic::{
    self as tickets, ActionInput, Filter, IntakeDraft, ShownTicket, TicketRules, UiAction,
    from_wire, wire,
};
use crate::widgets::Pick;

/// The ticket rules as last pulled, or the defaults.
fn rules(app: AppCtx) -> TicketRules {
    app.data_rev.track();
    LocalStore::browser()
        .get(keys::TICKET_RULES)
        .unwrap_or_default()
}

fn me(app: AppCtx) -> Option<User> {
    app.session.with(|s| s.as_ref().map(|s| s.user.clone()))
}

/// Every ticket the device shows, the user's queued changes laid over.
fn shown(app: AppCtx) -> Memo<Vec<ShownTicket>> {
    Memo::new(move |_| {
        app.data_rev.track();
        let Some(me) = me(app) else {
            return Vec::new();
        };
        let store = LocalStore::browser();
        let queue: Vec<_> = store
            .outbox(me.id)
            .into_iter()
            .map(|e| e.mutation)
            .collect();
        tickets::shown_tickets(&rules(app), store.tickets(), &queue, &me)
    })
}

fn cached_users() -> Vec<User> {
    LocalStore::browser().get(keys::USERS).unwrap_or_default()
}

/// A user's name from the cached list, or the logged-in user's own; `None` when this device
/// does not know them (agents cannot list the staff).
fn known_name(users: &[User], me: Option<&User>, id: Uuid) -> Option<String> {
    users
        .iter()
        .chain(me)
        .find(|u| u.id == id)
        .map(|u| u.display_name.clone())
}

fn user_name(users: &[User], id: Uuid) -> String {
    let me = use_app()
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.user.clone()));
    known_name(users, me.as_ref(), id).unwrap_or_else(|| {
        let lang = use_app().lang.get_untracked();
        i18n::t(lang, Key::SomeoneElse).to_owned()
    })
}

/// Reads the people a ticket can be assigned to, and keeps them for offline use.
fn refresh_users(app: AppCtx, users: RwSignal<Vec<User>>) {
    let Some(token) = app
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
    else {
        return;
    };
    leptos::task::spawn_local(async move {
        if let Ok(list) = api::users(&token).await {
            let _ = LocalStore::browser().put(keys::USERS, &list);
            users.set(list);
        }
    });
}

fn queue(app: AppCtx, id: Uuid, kind: MutationKind, data: serde_json::Value) -> bool {
    let Some(me) = me(app) else {
        return false;
    };
    match LocalStore::browser().queue(&me, id, kind, data, browser::now()) {
        Ok(_) => {
            app.bump();
            app.request_sync(Trigger::Saved);
            true
        }
        Err(_) => {
            app.show_toast(app.t(Key::ErrStorage).to_owned());
            false
        }
    }
}

fn clock_class(state: ClockState) -> &'static str {
    match state {
        ClockState::Running => "clock clock-running",
        ClockState::Warning => "clock clock-warning",
        ClockState::Paused => "clock clock-paused",
        ClockState::Breached => "clock clock-breached",
        ClockState::Met => "clock clock-met",
    }
}

fn offset(app: AppCtx) -> chrono::FixedOffset {
    crate::visits::field::offset(Some(crate::state::settings(app).utc_offset_minutes))
}

fn when(app: AppCtx, at: chrono::DateTime<chrono::Utc>) -> String {
    let off = offset(app);
    at.with_timezone(&off).format("%m-%d %H:%M").to_string()
}

#[component]
fn GradeBadges(impact: huifang_domain::ticket::Impact, priority: TicketPriority) -> impl IntoView {
    let app = use_app();
    let impact_class = format!("badge grade-impact-{}", wire(impact));
    let priority_class = format!("badge grade-priority-{}", wire(priority));
    view! {
        <span class=impact_class data-testid="ticket-impact" data-value=wire(impact)>
            {move || i18n::impact_label(app.lang.get(), impact)}
        </span>
        <span class=priority_class data-testid="ticket-priority" data-value=wire(priority)>
            {move || i18n::ticket_priority_label(app.lang.get(), priority)}
        </span>
    }
}

/// 工单 list with its filters.
#[component]
pub fn TicketList() -> impl IntoView {
    let app = use_app();
    let list = shown(app);
    let supervisor = move || me(app).is_some_and(|u| u.role.can_manage_tickets());
    let filter = RwSignal::new(me(app).map_or(Filter::Mine, |u| Filter::default_for(u.role)));
    let users = RwSignal::new(cached_users());
    if supervisor() {
        refresh_users(app, users);
    }
    let filters = move || {
        let mut f = vec![(Filter::Mine, Key::FilterMine)];
        if supervisor() {
            f.extend([
                (Filter::All, Key::FilterAll),
                (Filter::Escalated, Key::FilterEscalated),
                (Filter::AwaitingReview, Key::FilterReview),
            ]);
        }
        f
    };
    let rows = move || {
        let now = app.now.get();
        let r = rules(app);
        let me = app.user_id().unwrap_or_default();
        list.get()
            .into_iter()
            .filter_map(|t| {
                let views = r.clocks(&t.ticket, now);
                tickets::matches(filter.get(), &t, &views, me).then_some((t, views))
            })
            .collect::<Vec<_>>()
    };
    let count = move |f: Filter| {
        let now = app.now.get();
        let r = rules(app);
        let me = app.user_id().unwrap_or_default();
        list.with(|l| {
            l.iter()
                .filter(|t| tickets::matches(f, t, &r.clocks(&t.ticket, now), me))
                .count()
        })
    };
    view! {
        <section class="page">
            <div class="page-head">
                <h1 class="page-title">{move || app.t(Key::TicketsTitle)}</h1>
                <Show when=move || me(app).is_some_and(|u| u.role.can_record_visits())>
                    <a class="btn btn-primary" href="/tickets/new" data-testid="ticket-new">
                        {move || app.t(Key::NavNewTicket)}
                    </a>
                </Show>
            </div>
            <div class="seg" role="tablist">
                {move || {
                    filters()
                        .into_iter()
                        .map(|(f, key)| {
                            view! {
                                <button
                                    type="button"
                                    role="tab"
                                    class="seg-btn"
                                    data-testid=format!("ticket-filter-{}", f.as_str())
                                    aria-selected=move || (filter.get() == f).to_string()
                                    on:click=move |_| filter.set(f)
                                >
                                    {move || app.t(key)}
                                    <span class="count">{move || count(f)}</span>
                                </button>
                            }
                        })
                        .collect_view()
                }}
            </div>
            <Show when=move || rows().is_empty()>
                <p class="empty">{move || app.t(Key::TicketsEmpty)}</p>
            </Show>
            <ul class="list">
                {move || {
                    rows()
                        .into_iter()
                        .map(|(t, views)| view! { <TicketRow shown=t views users=users.get() /> })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}

#[component]
fn TicketRow(shown: ShownTicket, views: Vec<ClockView>, users: Vec<User>) -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let t = shown.ticket;
    let id = t.id;
    let assignee = t.assignee.map(|a| user_name(&users, a));
    let top = tickets::most_urgent(&views).cloned();
    let state = t.state;
    let dept = t.department.clone();
    let sub = t.intake.sub_problem.clone();
    let nature = t.intake.nature;
    let reports = t.reports;
    let title = if t.intake.reporter.is_empty() {
        None
    } else {
        Some(t.intake.reporter.clone())
    };
    let description = t.intake.description.clone();
    view! {
        <li
            class="row ticket-row"
            data-testid="ticket-row"
            data-id=id.to_string()
            data-state=wire(state)
            data-local=shown.local.to_string()
        >
            <a class="row-main row-link" href=door.path(&format!("/tickets/{id}"))>
                <span class="row-title">
                    {move || {
                        title.clone().unwrap_or_else(|| app.t(Key::Anonymous).to_owned())
                    }}
                    <GradeBadges impact=t.grade.impact priority=t.grade.priority />
                    <span class="badge badge-state" data-testid="ticket-state">
                        {move || i18n::ticket_state_label(app.lang.get(), state)}
                    </span>
                    {shown.local.then(|| view! {
                        <span class="badge badge-queued" data-testid="ticket-local">{move || app.t(Key::TicketPendingSync)}</span>
                    })}
                    {(reports > 1).then(|| view! {
                        <span class="badge" data-testid="ticket-reports">{reports} " " {move || app.t(Key::TicketReports)}</span>
                    })}
                </span>
                <span class="row-sub">
                    {move || {
                        let lang = app.lang.get();
                        let mut parts = vec![
                            format!("{} / {}", i18n::nature_label(lang, nature), i18n::sub_problem_label(lang, &sub)),
                            dept.as_deref().map_or_else(|| app.t(Key::TicketNoDept).to_owned(), |d| i18n::department_label(lang, d)),
                        ];
                        parts.push(assignee.clone().unwrap_or_else(|| app.t(Key::TicketUnassigned).to_owned()));
                        parts.join(" · ")
                    }}
                </span>
                <span class="row-text">{description}</span>
            </a>
            {top.map(|c| {
                let kind = c.kind;
                let st = c.state;
                let due = c.due_at;
                view! {
                    <span class=clock_class(st) data-testid="ticket-clock" data-state=wire(st)>
                        <span class="clock-kind">{move || i18n::clock_kind_label(app.lang.get(), kind)}</span>
                        <span class="clock-state">{move || i18n::clock_state_label(app.lang.get(), st)}</span>
                        <time class="clock-due">{move || when(app, due)}</time>
                    </span>
                }
            })}
        </li>
    }
}

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
                    tickets::offline_duplicates(&i, l, app.now.get())
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

/// One ticket: intake, grade, clocks, timeline, history and the actions the user may take.
#[component]
pub fn TicketPage() -> impl IntoView {
    let app = use_app();
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|s| Uuid::parse_str(&s).ok())
    };
    let list = shown(app);
    let ticket = Memo::new(move |_| {
        let id = id()?;
        list.with(|l| l.iter().find(|t| t.ticket.id == id).cloned())
    });
    let users = RwSignal::new(cached_users());
    if me(app).is_some_and(|u| u.role.can_manage_tickets()) {
        refresh_users(app, users);
    }
    // Online, the page reads the ticket fresh rather than waiting for the next pull.
    Effect::new(move |_| {
        let Some(id) = id() else {
            return;
        };
        let Some(token) = app
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Ok(view) = api::ticket(&token, id).await {
                let store = LocalStore::browser();
                if store
                    .ticket(id)
                    .is_none_or(|old| old.version < view.ticket.version)
                    && store.put_tickets(&[view.ticket]).is_ok()
                {
                    app.bump();
                }
            }
        });
    });
    view! {
        <section class="page page-ticket">
            {move || match ticket.get() {
                None => view! {
                    <h1 class="page-title">{move || app.t(Key::TicketTitle)}</h1>
                    <p class="empty" data-testid="ticket-missing">{move || app.t(Key::TicketNotFound)}</p>
                }.into_any(),
                Some(s) => view! { <TicketDetail shown=s users /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn TicketDetail(shown: ShownTicket, users: RwSignal<Vec<User>>) -> impl IntoView {
    let app = use_app();
    let t = StoredValue::new(shown.ticket.clone());
    let ticket = shown.ticket;
    let state = ticket.state;
    let intake = ticket.intake.clone();
    let anonymous = intake.is_anonymous();
    let clocks = move || {
        let now = app.now.get();
        t.with_value(|t| rules(app).clocks(t, now))
    };
    let name_of = move |id: Uuid| users.with(|u| user_name(u, id));
    // Names the timeline already carries, for people this device cannot list.
    let timeline_names: StoredValue<Vec<(Uuid, String)>> = StoredValue::new(
        ticket
            .timeline
            .iter()
            .filter(|e| !e.by_name.is_empty())
            .map(|e| (e.by, e.by_name.clone()))
            .collect(),
    );
    let history_name = move |id: Uuid| {
        users
            .with_untracked(|u| known_name(u, me(app).as_ref(), id))
            .or_else(|| {
                timeline_names.with_value(|names| {
                    names
                        .iter()
                        .find(|(by, _)| *by == id)
                        .map(|(_, n)| n.clone())
                })
            })
            .unwrap_or_else(|| id.to_string().chars().take(8).collect())
    };
    let title = if intake.reporter.is_empty() {
        None
    } else {
        Some(intake.reporter.clone())
    };
    let grade = ticket.grade.clone();
    let dept = ticket.department.clone();
    let assignee = ticket.assignee;
    let resolution = ticket.resolution.clone();
    let timeline = ticket.timeline.clone();
    let history = ticket.history.clone();
    let review = ticket.review.clone();
    let pending = shown.pending;
    view! {
        <div class="ticket-head" data-testid="ticket-detail" data-id=ticket.id.to_string() data-state=wire(state)>
            <h1 class="page-title">
                {move || title.clone().unwrap_or_else(|| app.t(Key::Anonymous).to_owned())}
            </h1>
            <p class="grade-line">
                <GradeBadges impact=grade.impact priority=grade.priority />
                <span class="badge badge-state" data-testid="ticket-state">
                    {move || i18n::ticket_state_label(app.lang.get(), state)}
                </span>
                {shown.local.then(|| view! { <span class="badge badge-queued" data-testid="ticket-local">{move || app.t(Key::TicketPendingSync)}</span> })}
                {(ticket.reports > 1).then(|| view! { <span class="badge" data-testid="ticket-reports">{ticket.reports} " " {move || app.t(Key::TicketReports)}</span> })}
                {ticket.waiting_on_customer.then(|| view! { <span class="badge badge-paused" data-testid="ticket-waiting">{move || app.t(Key::TicketWaiting)}</span> })}
            </p>
            {(pending > 0 && !shown.local).then(|| view! {
                <p class="banner banner-info" data-testid="ticket-pending">{pending} " " {move || app.t(Key::TicketPendingChanges)}</p>
            })}
        </div>
        <div class="ticket-layout">
            <div class="ticket-main">
                <section class="card" data-testid="ticket-intake">
                    <h2 class="section-title">{move || app.t(Key::TicketIntakeSection)}</h2>
                    <dl class="facts">
                        <dt>{move || app.t(Key::IntakeNature)}</dt>
                        <dd>{
                            let sub = intake.sub_problem.clone();
                            let n = intake.nature;
                            move || format!("{} / {}", i18n::nature_label(app.lang.get(), n), i18n::sub_problem_label(app.lang.get(), &sub))
                        }</dd>
                        <dt>{move || app.t(Key::IntakeChannel)}</dt>
                        <dd>{let c = intake.channel; move || i18n::intake_channel_label(app.lang.get(), c)}</dd>
                        {intake.contact.clone().map(|c| view! { <dt>{move || app.t(Key::IntakeContact)}</dt><dd>{c}</dd> })}
                        {intake.emotion.map(|e| view! { <dt>{move || app.t(Key::IntakeEmotion)}</dt><dd>{move || i18n::emotion_label(app.lang.get(), e)}</dd> })}
                        <dt>{move || app.t(Key::IntakeDemand)}</dt>
                        <dd>{let d = intake.demand; move || i18n::demand_kind_label(app.lang.get(), d)}</dd>
                        {intake.personal_injury.then(|| view! { <dt></dt><dd class="warn">{move || app.t(Key::IntakeInjury)}</dd> })}
                        {intake.property_loss.then(|| view! { <dt></dt><dd class="warn">{move || app.t(Key::IntakeLoss)}</dd> })}
                        <dt>{move || app.t(Key::TicketRouting)}</dt>
                        <dd data-testid="ticket-department">{
                            let dept = dept.clone();
                            move || dept.as_deref().map_or_else(|| app.t(Key::TicketNoDept).to_owned(), |d| i18n::department_label(app.lang.get(), d))
                        }</dd>
                        <dt>{move || app.t(Key::TicketAssignee)}</dt>
                        <dd data-testid="ticket-assignee">{move || assignee.map_or_else(|| app.t(Key::TicketUnassigned).to_owned(), name_of)}</dd>
                        <dt>{move || app.t(Key::TicketRevisits)}</dt>
                        <dd>{ticket.revisits}</dd>
                    </dl>
                    <p class="row-text quote">{intake.description.clone()}</p>
                    {anonymous.then(|| view! { <p class="hint">{move || app.t(Key::IntakeAnonymousHint)}</p> })}
                </section>
                <section class="card" data-testid="ticket-grade">
                    <h2 class="section-title">{move || app.t(Key::TicketGradeSection)}</h2>
                    {if grade.fired.is_empty() {
                        view! { <p class="muted">{move || app.t(Key::NoRuleFired)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="rules">
                                {grade.fired.iter().map(|k| {
                                    let key = k.clone();
                                    view! { <li data-testid="fired-rule" data-rule=k.clone()>{move || i18n::rule_label(app.lang.get(), &key)}</li> }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                {resolution.map(|r| view! {
                    <section class="card" data-testid="ticket-resolution">
                        <h2 class="section-title">{move || app.t(Key::TicketResolution)}</h2>
                        <p class="row-text">{r}</p>
                        {review.map(|rv| {
                            let d = rv.decision;
                            view! {
                                <p class="row-sub" data-testid="ticket-review" data-decision=wire(d)>
                                    {move || i18n::review_decision_label(app.lang.get(), d)}
                                    {(!rv.comment.is_empty()).then(|| format!(" · {}", rv.comment))}
                                </p>
                            }
                        })}
                    </section>
                })}
                <TicketActions ticket=t users />
                <section class="card" data-testid="ticket-timeline">
                    <h2 class="section-title">{move || app.t(Key::TicketTimeline)}</h2>
                    <ol class="timeline">
                        {timeline.into_iter().rev().map(|e| {
                            let kind = match &e.event {
                                huifang_domain::ticket::TimelineEvent::Note { .. } => "note",
                                huifang_domain::ticket::TimelineEvent::State { .. } => "state",
                                huifang_domain::ticket::TimelineEvent::Report { .. } => "report",
                                huifang_domain::ticket::TimelineEvent::Revisit { .. } => "revisit",
                                huifang_domain::ticket::TimelineEvent::Breached { .. } => "breached",
                                huifang_domain::ticket::TimelineEvent::Review { .. } => "review",
                            };
                            let event = e.event.clone();
                            let who = if e.by_name.is_empty() { None } else { Some(e.by_name.clone()) };
                            let at = e.at;
                            view! {
                                <li class=format!("tl tl-{kind}") data-testid="timeline-entry" data-type=kind>
                                    <span class="tl-meta">
                                        <time>{move || when(app, at)}</time>
                                        " · "
                                        {move || who.clone().unwrap_or_else(|| app.t(Key::ByServer).to_owned())}
                                    </span>
                                    <span class="tl-text">{move || i18n::timeline_text(app.lang.get(), &event)}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                </section>
            </div>
            <aside class="ticket-aside">
                <section class="card clocks-card" data-testid="ticket-clocks">
                    <h2 class="section-title">{move || app.t(Key::TicketClocks)}</h2>
                    <Show when=move || !clocks().is_empty() fallback=move || view! { <p class="muted">{move || app.t(Key::TicketNoClocks)}</p> }>
                        <ul class="clocks">
                            {move || clocks().into_iter().map(|c| {
                                let lang = app.lang.get();
                                view! {
                                    <li class=clock_class(c.state) data-testid="clock" data-kind=wire(c.kind) data-state=wire(c.state)>
                                        <span class="clock-kind">{i18n::clock_kind_label(lang, c.kind)}</span>
                                        <span class="clock-state">{i18n::clock_state_label(lang, c.state)}</span>
                                        <span class="clock-due">{app.t(Key::ClockDue)} " " {when(app, c.due_at)}</span>
                                        <span class="clock-used">
                                            {app.t(Key::ClockUsed)} " " {i18n::minutes_text(lang, c.used_minutes)} " / " {i18n::minutes_text(lang, c.budget_minutes)}
                                        </span>
                                        <progress max=c.budget_minutes.max(1) value=c.used_minutes.clamp(0, c.budget_minutes.max(1))></progress>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </Show>
                </section>
                <section class="card history-card" data-testid="ticket-history">
                    <h2 class="section-title">{move || app.t(Key::TicketHistory)}</h2>
                    {if history.is_empty() {
                        view! { <p class="muted">{move || app.t(Key::TicketHistoryEmpty)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="history">
                                {history.into_iter().rev().map(|h| {
                                    let field = h.field.clone();
                                    let show = |v: &serde_json::Value| match v {
                                        serde_json::Value::String(s) => match Uuid::parse_str(s) {
                                            Ok(id) => history_name(id),
                                            Err(_) => s.clone(),
                                        },
                                        serde_json::Value::Null => "—".to_owned(),
                                        other => other.to_string(),
                                    };
                                    let old = show(&h.old);
                                    let new = show(&h.new);
                                    let at = h.at;
                                    let by = history_name(h.by);
                                    view! {
                                        <li class=if h.concurrent { "hist hist-concurrent" } else { "hist" } data-testid="history-entry" data-field=h.field.clone() data-concurrent=h.concurrent.to_string()>
                                            <span class="tl-meta"><time>{move || when(app, at)}</time> " · " {by}</span>
                                            <span class="tl-text">
                                                {move || i18n::ticket_field_label(app.lang.get(), &field)} ": "
                                                <del data-testid="history-old">{old}</del> " → " <ins>{new}</ins>
                                            </span>
                                            {h.concurrent.then(|| view! {
                                                <span class="badge badge-rejected" data-testid="history-concurrent">{move || app.t(Key::TicketConcurrent)}</span>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
            </aside>
        </div>
    }
}

#[component]
fn TicketActions(ticket: StoredValue<Ticket>, users: RwSignal<Vec<User>>) -> impl IntoView {
    let app = use_app();
    let open = RwSignal::new(None::<UiAction>);
    let input = RwSignal::new(ActionInput::default());
    let problem = RwSignal::new(None::<Key>);
    let actions = move || {
        let Some(u) = me(app) else {
            return Vec::new();
        };
        ticket.with_value(|t| tickets::allowed_actions(t, u.role, u.id))
    };
    let label = |a: UiAction| match a {
        UiAction::Assign => Key::ActAssign,
        UiAction::Start => Key::ActStart,
        UiAction::Note => Key::ActNote,
        UiAction::Wait => Key::ActWait,
        UiAction::Resume => Key::ActResume,
        UiAction::Resolve => Key::ActResolve,
        UiAction::Reopen => Key::ActReopen,
        UiAction::Close => Key::ActClose,
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(action) = open.get_untracked() else {
            return;
        };
        let i = input.get_untracked();
        if action == UiAction::Assign && i.assignee.is_none() {
            problem.set(Some(Key::ActAssigneeRequired));
            return;
        }
        if action == UiAction::Note && i.note.trim().is_empty() {
            problem.set(Some(Key::ActNoteRequired));
            return;
        }
        let update = ticket.with_value(|t| tickets::build_update(t, action, &i));
        if let Err(e) = update.validate() {
            app.show_toast(i18n::validation_message(
                app.lang.get_untracked(),
                e.field,
                e.kind,
            ));
            return;
        }
        let Ok(data) = serde_json::to_value(&update) else {
            return;
        };
        let id = ticket.with_value(|t| t.id);
        if queue(app, id, MutationKind::TicketUpdate, data) {
            app.show_toast(app.t(Key::ActQueued).to_owned());
            open.set(None);
            input.set(ActionInput::default());
        }
    };
    view! {
        <section class="card ticket-actions" data-testid="ticket-actions">
            <h2 class="section-title">{move || app.t(Key::TicketActions)}</h2>
            <div class="row-actions wrap">
                {move || actions().into_iter().map(|a| view! {
                    <button
                        type="button"
                        class=move || if open.get() == Some(a) { "btn btn-primary" } else { "btn" }
                        data-testid=format!("act-{}", a.as_str())
                        aria-expanded=move || (open.get() == Some(a)).to_string()
                        on:click=move |_| { open.set(Some(a)); problem.set(None); }
                    >
                        {move || app.t(label(a))}
                    </button>
                }).collect_view()}
            </div>
            {move || open.get().map(|a| view! {
                <form class="action-form" data-testid="action-form" data-action=a.as_str() novalidate on:submit=submit>
                    {(a == UiAction::Assign).then(|| view! {
                        <label class="field">
                            <span class="label">{move || app.t(Key::ActChooseAssignee)}</span>
                            <select
                                data-testid="act-assignee"
                                on:change=move |ev| input.update(|i| i.assignee = Uuid::parse_str(&event_target_value(&ev)).ok())
                            >
                                <option value="">{move || app.t(Key::Choose)}</option>
                                {move || users.get().into_iter().filter(|u| u.role.can_record_visits()).map(|u| {
                                    let label = format!("{} · {}", u.display_name, i18n::role_label(app.lang.get(), u.role));
                                    view! { <option value=u.id.to_string()>{label}</option> }
                                }).collect_view()}
                            </select>
                            <Show when=move || users.with(Vec::is_empty)>
                                <span class="hint">{move || app.t(Key::ActUsersOffline)}</span>
                            </Show>
                        </label>
                    })}
                    {(a == UiAction::Resolve).then(|| view! {
                        <label class="field">
                            <span class="label">{move || app.t(Key::TicketResolution)}</span>
                            <textarea
                                rows="3"
                                data-testid="act-resolution"
                                prop:value=move || input.with(|i| i.resolution.clone())
                                on:input=move |ev| input.update(|i| i.resolution = event_target_value(&ev))
                            ></textarea>
                        </label>
                    })}
                    <label class="field">
                        <span class="label">{move || app.t(Key::ActNoteLabel)}</span>
                        <textarea
                            rows="2"
                            data-testid="act-note-text"
                            prop:value=move || input.with(|i| i.note.clone())
                            on:input=move |ev| input.update(|i| i.note = event_target_value(&ev))
                        ></textarea>
                    </label>
                    {move || problem.get().map(|k| view! { <p class="field-error" role="alert">{move || app.t(k)}</p> })}
                    <div class="form-actions">
                        <button type="button" class="btn btn-quiet" on:click=move |_| open.set(None)>{move || app.t(Key::Cancel)}</button>
                        <button type="submit" class="btn btn-primary" data-testid="act-submit">{move || app.t(label(a))}</button>
                    </div>
                </form>
            })}
        </section>
    }
}

/// 主管工作台: revisit coverage against the targets, the review queue, the escalated queue.
#[component]
pub fn Supervise() -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let coverage = RwSignal::new(None::<Vec<huifang_domain::ticket::CoverageRow>>);
    let reviews = RwSignal::new(None::<ReviewQueue>);
    let failed = RwSignal::new(false);
    let load = move || {
        let Some(token) = app
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            match api::coverage(&token).await {
                Ok(c) => coverage.set(Some(c)),
                Err(_) => failed.set(true),
            }
            match api::reviews(&token).await {
                Ok(r) => reviews.set(Some(r)),
                Err(_) => failed.set(true),
            }
        });
    };
    load();
    let list = shown(app);
    let escalated = move || {
        let now = app.now.get();
        let r = rules(app);
        list.get()
            .into_iter()
            .filter_map(|t| {
                let v = r.clocks(&t.ticket, now);
                tickets::is_escalated(&t.ticket, &v).then_some((t, v))
            })
            .collect::<Vec<_>>()
    };
    // Decisions made here leave the queue at once (queued, or already sent).
    let done = RwSignal::new(Vec::<Uuid>::new());
    let decided = Memo::new(move |_| {
        app.data_rev.track();
        let done = done.get();
        let Some(me) = app.user_id() else {
            return done;
        };
        LocalStore::browser()
            .outbox(me)
            .into_iter()
            .filter(|e| e.mutation.kind == MutationKind::ReviewDecide.as_str())
            .filter_map(|e| serde_json::from_value::<ReviewRequest>(e.mutation.data).ok())
            .map(|r| match r.target {
                ReviewTarget::Visit(id) | ReviewTarget::Ticket(id) => id,
            })
            .chain(done)
            .collect::<Vec<Uuid>>()
    });
    let review_tickets = move || {
        let decided = decided.get();
        match reviews.get() {
            Some(q) => q
                .tickets
                .into_iter()
                .filter(|t| !decided.contains(&t.id))
                .collect::<Vec<_>>(),
            None => list
                .get()
                .into_iter()
                .map(|s| s.ticket)
                .filter(|t| tickets::awaits_review(t) && !decided.contains(&t.id))
                .collect(),
        }
    };
    let review_visits = move || {
        let decided = decided.get();
        reviews
            .get()
            .map(|q| {
                q.visits
                    .into_iter()
                    .filter(|v| !decided.contains(&v.id))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    view! {
        <section class="page page-supervise">
            <h1 class="page-title">{move || app.t(Key::SuperviseTitle)}</h1>
            <Show when=move || failed.get()>
                <p class="banner banner-info" data-testid="supervise-offline">{move || app.t(Key::SuperviseOffline)}</p>
            </Show>
            <section class="card" data-testid="coverage">
                <h2 class="section-title">{move || app.t(Key::CoverageTitle)}</h2>
                {move || match coverage.get() {
                    None => view! { <p class="muted">{move || app.t(Key::Loading)}</p> }.into_any(),
                    Some(rows) if rows.is_empty() => view! { <p class="muted">{move || app.t(Key::CoverageEmpty)}</p> }.into_any(),
                    Some(rows) => view! {
                        <table class="coverage-table">
                            <thead>
                                <tr>
                                    <th scope="col">{move || app.t(Key::FieldVisitType)}</th>
                                    <th scope="col">{move || app.t(Key::CoverageResolved)}</th>
                                    <th scope="col">{move || app.t(Key::CoverageRevisited)}</th>
                                    <th scope="col">"%"</th>
                                    <th scope="col">{move || app.t(Key::CoverageTarget)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|r| {
                                    use huifang_domain::ticket::CoverageStanding;
                                    let vt = r.visit_type;
                                    let (standing, class, verdict, rate) = match r.standing() {
                                        CoverageStanding::NoCases => ("no_cases", "badge", Key::CoverageNoCases, None),
                                        CoverageStanding::Met => ("met", "badge badge-synced", Key::CoverageMet, Some(r.percent)),
                                        CoverageStanding::Below => ("below", "badge badge-rejected", Key::CoverageBelow, Some(r.percent)),
                                    };
                                    let rate = rate.map(|p| format!("{p}% "));
                                    view! {
                                        <tr
                                            data-testid="coverage-row"
                                            data-type=wire(vt)
                                            data-standing=standing
                                            data-meets=r.meets_target.to_string()
                                        >
                                            <th scope="row">{move || i18n::visit_type_label(app.lang.get(), vt)}</th>
                                            <td>{r.resolved}</td>
                                            <td>{r.revisited}</td>
                                            <td>
                                                <span class=class data-testid="coverage-rate">
                                                    {rate} {move || app.t(verdict)}
                                                </span>
                                            </td>
                                            <td>{r.target_percent} "%"</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }}
            </section>
            <section class="card" data-testid="review-queue">
                <h2 class="section-title">{move || app.t(Key::ReviewTitle)}</h2>
                <Show when=move || review_tickets().is_empty() && review_visits().is_empty()>
                    <p class="muted">{move || app.t(Key::ReviewEmpty)}</p>
                </Show>
                <ul class="list">
                    {move || review_tickets().into_iter().map(|t| {
                        let text = t.resolution.clone().unwrap_or_default();
                        let who = if t.intake.reporter.is_empty() { None } else { Some(t.intake.reporter.clone()) };
                        let href = door.path(&format!("/tickets/{}", t.id));
                        view! {
                            <ReviewRow target=ReviewTarget::Ticket(t.id) done>
                                <a class="row-title review-open" href=href data-testid="review-open">
                                    {move || app.t(Key::ReviewTickets)} " · "
                                    {move || who.clone().unwrap_or_else(|| app.t(Key::Anonymous).to_owned())}
                                </a>
                                <span class="row-text">{text.clone()}</span>
                            </ReviewRow>
                        }
                    }).collect_view()}
                    {move || review_visits().into_iter().map(|v| {
                        let vt = v.record.visit_type;
                        let verbatim = v.record.verbatim.clone();
                        view! {
                            <ReviewRow target=ReviewTarget::Visit(v.id) done>
                                <span class="row-title">
                                    {move || app.t(Key::ReviewVisits)} " · " {v.customer_name.clone()} " · "
                                    {move || i18n::visit_type_label(app.lang.get(), vt)}
                                </span>
                                {(!verbatim.is_empty()).then(|| view! { <span class="row-text quote">{verbatim.clone()}</span> })}
                            </ReviewRow>
                        }
                    }).collect_view()}
                </ul>
            </section>
            <section class="card" data-testid="escalated-queue">
                <h2 class="section-title">{move || app.t(Key::EscalatedQueue)}</h2>
                <Show when=move || escalated().is_empty()>
                    <p class="muted">{move || app.t(Key::TicketsEmpty)}</p>
                </Show>
                <ul class="list">
                    {move || escalated().into_iter().map(|(t, views)| view! { <TicketRow shown=t views users=cached_users() /> }).collect_view()}
                </ul>
            </section>
        </section>
    }
}

#[component]
fn ReviewRow(target: ReviewTarget, done: RwSignal<Vec<Uuid>>, children: Children) -> impl IntoView {
    let app = use_app();
    let comment = RwSignal::new(String::new());
    let problem = RwSignal::new(false);
    let (kind, id) = match target {
        ReviewTarget::Visit(id) => ("visit", id),
        ReviewTarget::Ticket(id) => ("ticket", id),
    };
    let decide = move |decision: ReviewDecision| {
        let req = ReviewRequest {
            target,
            decision,
            comment: comment.get_untracked().trim().to_owned(),
        };
        if req.validate().is_err() {
            problem.set(true);
            return;
        }
        if let Ok(data) = serde_json::to_value(&req)
            && queue(app, browser::new_uuid(), MutationKind::ReviewDecide, data)
        {
            done.update(|d| d.push(id));
            app.show_toast(app.t(Key::ReviewQueued).to_owned());
        }
    };
    view! {
        <li class="row review-row" data-testid="review-row" data-kind=kind data-id=id.to_string()>
            <span class="row-main">
                {children()}
                <label class="field">
                    <span class="label">{move || app.t(Key::ReviewComment)}</span>
                    <input
                        data-testid="review-comment"
                        prop:value=move || comment.get()
                        on:input=move |ev| { comment.set(event_target_value(&ev)); problem.set(false); }
                    />
                </label>
                <Show when=move || problem.get()>
                    <span class="field-error" role="alert">{move || app.t(Key::ReviewCommentRequired)}</span>
                </Show>
            </span>
            <span class="row-actions">
                <button class="btn btn-primary" data-testid="review-sign-off" on:click=move |_| decide(ReviewDecision::SignOff)>
                    {move || app.t(Key::ReviewSignOff)}
                </button>
                <button class="btn" data-testid="review-return" on:click=move |_| decide(ReviewDecision::Return)>
                    {move || app.t(Key::ReviewReturn)}
                </button>
            </span>
        </li>
    }
}
