//! One ticket: its intake, grade, clocks, timeline and history.

use huifang_domain::User;
use huifang_domain::ticket::Ticket;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use super::actions::TicketActions;
use super::grade_badges::GradeBadges;
use super::shared::{
    cached_users, clock_class, known_name, me, refresh_users, rules, shown, user_name, when,
};
use crate::api;
use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::store::LocalStore;
use crate::tickets::logic::{ShownTicket, shown_tickets, wire};

/// Where reading a ticket the device may not hold stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fetch {
    Reading,
    Read,
    /// No network: only what the device holds can be shown.
    Offline,
    /// The server has no such ticket, or not for this user.
    Unavailable,
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
    // A ticket the device does not keep, as last read from the server: shown with this
    // user's queued changes laid over it, never stored.
    let online: RwSignal<Option<Ticket>> = RwSignal::new(None);
    let ticket = Memo::new(move |_| {
        let id = id()?;
        list.with(|l| l.iter().find(|t| t.ticket.id == id).cloned())
            .or_else(|| {
                let read = online.get().filter(|t| t.id == id)?;
                let me = me(app)?;
                let queue: Vec<_> = LocalStore::browser()
                    .outbox(me.id)
                    .into_iter()
                    .map(|e| e.mutation)
                    .collect();
                shown_tickets(&rules(app), vec![read], &queue, &me)
                    .into_iter()
                    .find(|t| t.ticket.id == id)
            })
    });
    let users = RwSignal::new(cached_users());
    if me(app).is_some_and(|u| u.role.can_manage_tickets()) {
        refresh_users(app, users);
    }
    let fetch = RwSignal::new(Fetch::Reading);
    // Online, the page reads the ticket fresh rather than waiting for the next pull: a copy
    // the device keeps is updated; a ticket it does not keep (another's, or long closed) is
    // read only this way, and stays off the device (a pull brings it once it is in scope).
    let read = move |id: Uuid| {
        let Some(token) = app
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
        else {
            fetch.set(Fetch::Offline);
            return;
        };
        leptos::task::spawn_local(async move {
            match api::ticket(&token, id).await {
                Ok(view) => {
                    let store = LocalStore::browser();
                    match store.ticket(id) {
                        Some(old) => {
                            if old.version < view.ticket.version
                                && store.put_tickets(&[view.ticket]).is_ok()
                            {
                                app.bump();
                            }
                        }
                        None => online.set(Some(view.ticket)),
                    }
                    fetch.set(Fetch::Read);
                }
                Err(api::ApiFailure::Network) => fetch.set(Fetch::Offline),
                Err(_) => fetch.set(Fetch::Unavailable),
            }
        });
    };
    Effect::new(move |_| {
        if let Some(id) = id() {
            fetch.set(Fetch::Reading);
            read(id);
        }
    });
    // A ticket read online only is read again after each sync: the changes queued on it here
    // have reached the server and no pull brings them back.
    Effect::new(move |seen: Option<u64>| {
        let rev = app.data_rev.get();
        if seen.is_some_and(|s| s != rev)
            && let Some(id) = online.with_untracked(|t| t.as_ref().map(|t| t.id))
        {
            read(id);
        }
        rev
    });
    view! {
        <section class="page page-ticket">
            {move || match ticket.get() {
                None => {
                    let (key, state) = match fetch.get() {
                        Fetch::Reading => (Key::TicketLoading, "reading"),
                        Fetch::Offline => (Key::TicketOffline, "offline"),
                        Fetch::Unavailable => (Key::TicketUnavailable, "unavailable"),
                        Fetch::Read => (Key::TicketNotFound, "missing"),
                    };
                    view! {
                        <h1 class="page-title">{move || app.t(Key::TicketTitle)}</h1>
                        <p class="empty" data-testid="ticket-missing" data-state=state>{move || app.t(key)}</p>
                    }.into_any()
                }
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
