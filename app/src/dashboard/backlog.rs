//! The SLA and backlog section and the per-agent table.

use huifang_domain::dashboard::{AgentsDashboard, BacklogDashboard, DepartmentCount};
use leptos::prelude::*;

use super::logic::{AgentColumn, sort_agents};
use super::parts::Figure;
use super::sections::{count, num, pct};
use crate::charts::{BarChart, Series, Unit};
use crate::i18n::{self, Key, Lang};
use crate::state::use_app;

fn departments(lang: Lang, rows: &[DepartmentCount]) -> (Vec<String>, Vec<Option<f64>>) {
    rows.iter()
        .map(|r| {
            let name = match &r.department {
                Some(d) => i18n::department_label(lang, d),
                None => i18n::t(lang, Key::DashNoDepartment).to_owned(),
            };
            (name, Some(r.count as f64))
        })
        .unzip()
}

pub fn backlog(d: BacklogDashboard) -> impl IntoView {
    let app = use_app();
    let lang = app.lang.get_untracked();
    let counted =
        |key: Key, values: Vec<Option<f64>>| vec![Series::new(app.t(key), values, Unit::Count)];
    let grades = d
        .by_grade
        .iter()
        .map(|g| i18n::impact_label(lang, g.impact).to_owned())
        .collect::<Vec<_>>();
    let open_by_grade = counted(
        Key::DashOpen,
        d.by_grade.iter().map(|g| Some(g.open as f64)).collect(),
    );
    let (depts, open_by_dept) = departments(lang, &d.by_department);
    let kinds = d
        .breaches_by_kind
        .iter()
        .map(|b| i18n::clock_kind_label(lang, b.kind).to_owned())
        .collect::<Vec<_>>();
    let by_kind = counted(
        Key::DashBreaches,
        d.breaches_by_kind
            .iter()
            .map(|b| Some(b.breaches as f64))
            .collect(),
    );
    let (breach_depts, breaches_by_dept) = departments(lang, &d.breaches_by_department);
    let ages = [
        Key::DashAgeUnder1d,
        Key::DashAge1to3,
        Key::DashAge3to7,
        Key::DashAgeOver7,
    ]
    .map(|k| app.t(k).to_owned())
    .to_vec();
    let a = d.age;
    let age = counted(
        Key::DashOpen,
        [a.under_1d, a.d1_to_3, a.d3_to_7, a.over_7d]
            .map(|n| Some(n as f64))
            .to_vec(),
    );
    view! {
        <div class="dash-figures">
            <Figure testid="fig-open" label=Key::DashOpen value=count(d.open) />
            <Figure testid="fig-overdue" label=Key::DashOverdueNow value=count(d.overdue_now) />
            <Figure testid="fig-due-24h" label=Key::DashDue24h value=count(d.due_next_24h) />
        </div>
        <div class="dash-charts">
            <BarChart title=app.t(Key::DashOpenByGrade).into() head=app.t(Key::DashGrade).into()
                categories=grades series=open_by_grade />
            <BarChart title=app.t(Key::DashOpenByDept).into() head=app.t(Key::DashDepartment).into()
                categories=depts series=counted(Key::DashOpen, open_by_dept) horizontal=true />
            <BarChart title=app.t(Key::DashBreachesByKind).into() head=app.t(Key::DashClock).into()
                categories=kinds series=by_kind horizontal=true />
            <BarChart title=app.t(Key::DashBreachesByDept).into() head=app.t(Key::DashDepartment).into()
                categories=breach_depts series=counted(Key::DashBreaches, breaches_by_dept) horizontal=true />
            <BarChart title=app.t(Key::DashBacklogAge).into() head=app.t(Key::DashAge).into()
                categories=ages series=age />
        </div>
    }
}

fn column_key(c: AgentColumn) -> Key {
    match c {
        AgentColumn::Name => Key::AgentLabel,
        AgentColumn::Visits => Key::DashVisitsDone,
        AgentColumn::Reached => Key::DashReached,
        AgentColumn::Satisfaction => Key::DashAverage,
        AgentColumn::OnTime => Key::DashOnTime,
        AgentColumn::Resolved => Key::DashResolved,
        AgentColumn::Reopened => Key::DashReopenRate,
        AgentColumn::Returned => Key::DashReturned,
    }
}

/// The per-agent table; a column's header sorts by it, a second press reverses.
pub fn agents(d: AgentsDashboard) -> impl IntoView {
    let app = use_app();
    if d.agents.is_empty() {
        return view! { <p class="muted">{app.t(Key::ChartEmpty)}</p> }.into_any();
    }
    let sort = RwSignal::new((AgentColumn::Visits, true));
    let rows = move || {
        let mut list = d.agents.clone();
        let (by, desc) = sort.get();
        sort_agents(&mut list, by, desc);
        list.into_iter()
            .map(|a| {
                view! {
                    <tr data-testid="agent-row">
                        <th scope="row">{a.display_name}</th>
                        <td>{count(a.visits)}</td>
                        <td>{pct(a.reached_rate)}</td>
                        <td>{num(a.average_satisfaction)}" (n = "{a.satisfaction_sample}")"</td>
                        <td>{pct(a.on_time_rate)}</td>
                        <td>{count(a.tickets_resolved)}</td>
                        <td>{pct(a.reopen_rate)}</td>
                        <td>{count(a.returned_by_review)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let head = AgentColumn::ALL
        .into_iter()
        .map(|c| {
            let aria = move || match sort.get() {
                (by, true) if by == c => "descending",
                (by, false) if by == c => "ascending",
                _ => "none",
            };
            view! {
                <th scope="col" aria-sort=aria>
                    <button type="button" class="dash-sort"
                        on:click=move |_| sort.update(|(by, desc)| {
                            *desc = if *by == c { !*desc } else { c != AgentColumn::Name };
                            *by = c;
                        })>
                        {app.t(column_key(c))}
                    </button>
                </th>
            }
        })
        .collect_view();
    view! {
        <div class="dash-table-scroll">
            <table class="dash-agents" data-testid="agent-table">
                <caption class="dash-sr">{app.t(Key::DashAgentsTitle)}</caption>
                <thead><tr>{head}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
