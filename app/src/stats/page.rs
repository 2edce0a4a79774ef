//! The statistics screen: the period picker, the risk banner, the exports, the donut of the
//! shares and the table.

use huifang_domain::period::PeriodQuery;
use huifang_domain::stats::FeedbackStats;
use leptos::prelude::*;

use super::risk_banner::RiskBanner;
use super::table::StatsTable;
use crate::api::{self, ApiFailure};
use crate::charts::Donut;
use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::widgets::{ExportButtons, PeriodPicker, period_query_string};

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    Failed(Key),
    Loaded(FeedbackStats),
}

#[component]
pub fn StatisticsPage() -> impl IntoView {
    let app = use_app();
    let period = RwSignal::new(PeriodQuery {
        period: Some("month".into()),
        ..PeriodQuery::default()
    });
    let state = RwSignal::new(Load::Loading);
    let can_edit = move || {
        app.session.with(|s| {
            s.as_ref()
                .is_some_and(|s| s.user.role.can_plan_improvements())
        })
    };
    Effect::new(move |_| {
        let query = period_query_string(&period.get());
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        state.set(Load::Loading);
        leptos::task::spawn_local(async move {
            let answer = api::feedback_stats(&session.token, &query).await;
            // A later pick may have answered first; only the current one is shown.
            if period_query_string(&period.get_untracked()) != query {
                return;
            }
            state.set(match answer {
                Ok(s) => Load::Loaded(s),
                Err(ApiFailure::Network) => Load::Failed(Key::StatsOffline),
                Err(ApiFailure::Unauthorized(_)) => {
                    app.sync.need_auth();
                    Load::Failed(Key::ErrServer)
                }
                Err(ApiFailure::Status(..)) => Load::Failed(Key::ErrServer),
            });
        });
    });
    view! {
        <section class="page stats-page" data-testid="stats-page">
            <div class="page-head">
                <h1 class="page-title">{move || app.t(Key::StatsTitle)}</h1>
            </div>
            <RiskBanner />
            <PeriodPicker value=period />
            <ExportButtons kind="stats" period=Signal::derive(move || period.with(period_query_string)) />
            {move || match state.get() {
                Load::Loading => view! { <p class="empty">{move || app.t(Key::Loading)}</p> }.into_any(),
                Load::Failed(key) => view! {
                    <p class="empty" role="alert" data-testid="stats-failed">{move || app.t(key)}</p>
                }
                .into_any(),
                Load::Loaded(stats) => view! {
                    <SharesDonut stats=stats.clone() />
                    <StatsTable stats can_edit=can_edit() />
                }
                .into_any(),
            }}
        </section>
    }
}

/// 占比: the period's shares by sub-problem, the handbook's pie chart, with its table.
#[component]
fn SharesDonut(stats: FeedbackStats) -> impl IntoView {
    let app = use_app();
    move || {
        let lang = app.lang.get();
        let labels = stats
            .rows
            .iter()
            .map(|r| i18n::sub_problem_label(lang, &r.sub_problem).to_owned())
            .collect();
        let values = stats.rows.iter().map(|r| r.count as f64).collect();
        view! {
            <div class="stats-chart" data-testid="stats-chart">
                <Donut title=app.t(Key::StatsColShare).to_owned() labels values />
            </div>
        }
    }
}
