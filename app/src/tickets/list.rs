//! 工单 list with its filters.

use huifang_domain::User;
use huifang_domain::period::{Period, PeriodQuery, local_day};
use huifang_domain::sla::ClockView;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::drill::Drill;
use super::grade_badges::GradeBadges;
use super::online::OnlineTickets;
use super::shared::{cached_users, clock_class, me, refresh_users, rules, shown, user_name, when};
use crate::i18n::{self, Key};
use crate::shell::{Door, use_door};
use crate::state::{settings, use_app};
use crate::tickets::logic::{self, Filter, ShownTicket, wire};
use crate::widgets::{ExportButtons, PeriodPicker, period_query_string};

/// 工单 list with its filters.
#[component]
pub fn TicketList() -> impl IntoView {
    let app = use_app();
    let list = shown(app);
    let supervisor = move || me(app).is_some_and(|u| u.role.can_manage_tickets());
    let query = use_query_map();
    let drill = Memo::new(move |_| query.with(|q| Drill::from_params(|name| q.get(name))));
    let drilled = move || supervisor() && !drill.with(Drill::is_empty);
    let filter = RwSignal::new(if drilled() {
        Filter::All
    } else {
        me(app).map_or(Filter::Mine, |u| Filter::default_for(u.role))
    });
    let users = RwSignal::new(cached_users());
    // The server's count of every ticket, once the online "All" list has read it.
    let all_total = RwSignal::new(None);
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
                logic::matches(filter.get(), &t, &views, me).then_some((t, views))
            })
            .collect::<Vec<_>>()
    };
    let count = move |f: Filter| {
        if f == Filter::All {
            return all_total.get().map(i18n::list_total).unwrap_or_default();
        }
        let now = app.now.get();
        let r = rules(app);
        let me = app.user_id().unwrap_or_default();
        list.with(|l| {
            l.iter()
                .filter(|t| logic::matches(f, t, &r.clocks(&t.ticket, now), me))
                .count()
                .to_string()
        })
    };
    // "All" lists what the server has; the device holds only the tickets its user acts on.
    let online = move || supervisor() && filter.get() == Filter::All;
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
            <TicketExport />
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
            <Show when=drilled>
                <DrillChip drill=drill />
            </Show>
            <Show
                when=online
                fallback=move || view! {
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
                }
            >
                {move || {
                    let filter = if drilled() { drill.with(Drill::query_string) } else { String::new() };
                    view! { <OnlineTickets users total=all_total filter /> }
                }}
            </Show>
        </section>
    }
}

/// The drill-down the list shows (a sub-problem in a period), removable.
#[component]
fn DrillChip(drill: Memo<Drill>) -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let label = move || {
        let lang = app.lang.get();
        let d = drill.get();
        let today = local_day(crate::browser::now(), settings(app).utc_offset_minutes);
        let period = (d.period != Default::default())
            .then(|| Period::from_query(&d.period, today).ok())
            .flatten();
        match d.sub_problem {
            Some(sub) => i18n::drill_chip(lang, &sub, period),
            None => period
                .map(|p| i18n::period_label(lang, p))
                .unwrap_or_default(),
        }
    };
    view! {
        <div class="drill-chip" data-testid="ticket-drill-chip">
            <span class="label">{move || app.t(Key::DrillFilter)}</span>
            <span data-testid="ticket-drill-label">{label}</span>
            <a
                class="drill-remove"
                href=door.path("/tickets")
                data-testid="ticket-drill-remove"
                aria-label=move || app.t(Key::DrillRemove)
                title=move || app.t(Key::DrillRemove)
            >
                "×"
            </a>
        </div>
    }
}

#[component]
pub fn TicketRow(shown: ShownTicket, views: Vec<ClockView>, users: Vec<User>) -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let t = shown.ticket;
    let id = t.id;
    let assignee = t.assignee.map(|a| user_name(&users, a));
    let top = logic::most_urgent(&views).cloned();
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

/// 导出 the tickets created in a chosen period: in the console, for those who may export.
#[component]
fn TicketExport() -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let period = RwSignal::new(PeriodQuery::default());
    view! {
        <Show when=move || door == Door::Console && me(app).is_some_and(|u| u.role.can_export_records())>
            <div class="export-panel">
                <PeriodPicker value=period />
                <ExportButtons kind="tickets" period=Signal::derive(move || period.with(period_query_string)) />
            </div>
        </Show>
    }
}
