//! The statistics screen: the period picker, the risk banner, the table.

use huifang_domain::period::PeriodQuery;
use leptos::prelude::*;

use crate::i18n::Key;
use crate::state::use_app;
use crate::widgets::PeriodPicker;

#[component]
pub fn StatisticsPage() -> impl IntoView {
    let app = use_app();
    let period = RwSignal::new(PeriodQuery::default());
    view! {
        <section class="page stats-page" data-testid="stats-page">
            <div class="page-head">
                <h1 class="page-title">{move || app.t(Key::StatsTitle)}</h1>
            </div>
            <PeriodPicker value=period />
            <p class="muted" data-testid="stats-query">
                {move || crate::widgets::period_query_string(&period.get())}
            </p>
        </section>
    }
}
