//! 看板: the risk banner (风险预警), the period, the filters and the five sections, each loaded on its
//! own so a slow one does not hold the others.

use huifang_domain::Role;
use huifang_domain::period::PeriodQuery;
use leptos::prelude::*;
use serde::de::DeserializeOwned;

use super::backlog::{agents, backlog};
use super::logic::filter_query;
use super::parts::{Load, Panel, shown};
use super::sections::{revisits, satisfaction, visits};
use crate::api;
use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::stats::risk_banner::RiskBanner;
use crate::widgets::{PeriodPicker, Pick, period_query_string, visit_type_options};

/// Asks for one dashboard and puts its answer in `into`, unless a newer query (`generation`)
/// was asked for meanwhile.
fn fetch<T: DeserializeOwned + Send + Sync + 'static>(
    token: String,
    part: &'static str,
    query: String,
    generation: (StoredValue<u32>, u32),
    into: RwSignal<Load<T>>,
) {
    into.set(Load::Loading);
    leptos::task::spawn_local(async move {
        let answer = api::dashboard::<T>(&token, part, &query).await;
        if generation.0.get_value() == generation.1 {
            into.set(answer.map_or(Load::Failed, Load::Ready));
        }
    });
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let app = use_app();
    let period = RwSignal::new(PeriodQuery::default());
    let visit_type = RwSignal::new(String::new());
    let channel = RwSignal::new(String::new());
    let agent = RwSignal::new(String::new());
    let people = RwSignal::new(Vec::<(String, String)>::new());
    let generation = StoredValue::new(0u32);
    let sat = RwSignal::new(Load::Loading);
    let vis = RwSignal::new(Load::Loading);
    let rev = RwSignal::new(Load::Loading);
    let back = RwSignal::new(Load::Loading);
    let agt = RwSignal::new(Load::Loading);
    let token = move || {
        app.session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
    };
    if let Some(t) = token() {
        leptos::task::spawn_local(async move {
            if let Ok(users) = api::users(&t).await {
                people.set(
                    users
                        .into_iter()
                        .filter(|u| matches!(u.role, Role::Agent | Role::Field))
                        .map(|u| (u.id.to_string(), u.display_name))
                        .collect(),
                );
            }
        });
    }
    Effect::new(move |_| {
        let period = period_query_string(&period.get());
        let filtered = {
            let mut q = period.clone();
            q.push_str(&filter_query(&[
                ("visit_type", &visit_type.get()),
                ("channel", &channel.get()),
                ("agent", &agent.get()),
            ]));
            q
        };
        let Some(t) = token() else { return };
        let n = generation.get_value() + 1;
        generation.set_value(n);
        let g = (generation, n);
        fetch(t.clone(), "satisfaction", filtered.clone(), g, sat);
        fetch(t.clone(), "visits", filtered, g, vis);
        fetch(t.clone(), "revisits", period.clone(), g, rev);
        fetch(t.clone(), "backlog", period.clone(), g, back);
        fetch(t, "agents", period, g, agt);
    });
    let channels = Signal::derive(move || {
        let lang = app.lang.get();
        huifang_domain::Channel::ALL
            .iter()
            .map(|c| {
                (
                    c.as_str().to_owned(),
                    i18n::channel_label(lang, *c).to_owned(),
                )
            })
            .collect::<Vec<_>>()
    });
    let pick =
        |field, testid, label, options: Signal<Vec<(String, String)>>, value: RwSignal<String>| {
            view! {
                <Pick field testid label options value=value placeholder=Key::DashAll
                    on_change=Callback::new(move |v| value.set(v)) />
            }
        };
    view! {
        <section class="page dash-page" data-testid="dashboard-page">
            <div class="page-head">
                <h1 class="page-title">{move || app.t(Key::DashTitle)}</h1>
            </div>
            <RiskBanner />
            <div class="dash-controls">
                <PeriodPicker value=period />
                <div class="dash-filters" role="group" aria-label=move || app.t(Key::DashFilters)>
                    {pick("visit_type", "dash-filter-type", Key::FieldVisitType, visit_type_options(), visit_type)}
                    {pick("channel", "dash-filter-channel", Key::DashChannel, channels, channel)}
                    {pick("agent", "dash-filter-agent", Key::AgentLabel, people.into(), agent)}
                </div>
                <p class="muted dash-note">{move || app.t(Key::DashFilterScope)}</p>
            </div>
            <Panel testid="dash-satisfaction" title=Key::DashSatisfaction>
                {move || shown(sat.get(), satisfaction)}
            </Panel>
            <Panel testid="dash-visits" title=Key::DashVisits>
                {move || shown(vis.get(), visits)}
            </Panel>
            <Panel testid="dash-revisits" title=Key::DashRevisitsTitle>
                {move || shown(rev.get(), revisits)}
            </Panel>
            <Panel testid="dash-backlog" title=Key::DashBacklog>
                {move || shown(back.get(), backlog)}
            </Panel>
            <Panel testid="dash-agents" title=Key::DashAgentsTitle>
                {move || shown(agt.get(), agents)}
            </Panel>
        </section>
    }
}
