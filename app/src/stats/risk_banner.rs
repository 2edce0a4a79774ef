//! 风险预警: the red banner over the statistics (and the dashboard). It reads the warnings
//! itself, so any screen can place it; nothing to warn about draws nothing.

use huifang_domain::risk::RiskWarnings;
use leptos::prelude::*;

use crate::api;
use crate::i18n::{self, Key};
use crate::state::use_app;

#[component]
pub fn RiskBanner() -> impl IntoView {
    let app = use_app();
    let warnings = RwSignal::new(RiskWarnings::default());
    if let Some(session) = app.session.get_untracked() {
        leptos::task::spawn_local(async move {
            if let Ok(w) = api::risks(&session.token).await {
                warnings.set(w);
            }
        });
    }
    let shown = move || warnings.with(|w| !w.spikes.is_empty() || w.csat_drop.is_some());
    view! {
        <Show when=shown>
            <section class="risk-banner" role="alert" data-testid="risk-banner">
                <h2 class="risk-title">{move || app.t(Key::RiskTitle)}</h2>
                <ul class="risk-list">
                    {move || {
                        let lang = app.lang.get();
                        let w = warnings.get();
                        let spikes = w.spikes.into_iter().map(|s| {
                            let text = i18n::spike_text(lang, &s.sub_problem, s.reports, s.weekly_average);
                            view! {
                                <li class="risk-item" data-testid="risk-item" data-sub-problem=s.sub_problem>
                                    {text}
                                </li>
                            }
                        });
                        let drop = w.csat_drop.map(|d| {
                            let text = i18n::csat_drop_text(lang, d.csat, d.previous_csat);
                            view! {
                                <li class="risk-item" data-testid="risk-item" data-kind="csat_drop">{text}</li>
                            }
                        });
                        (spikes.collect_view(), drop)
                    }}
                </ul>
            </section>
        </Show>
    }
}
