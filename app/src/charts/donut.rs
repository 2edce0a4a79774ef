//! Shares of a whole as a ring, each slice named with its percent beside it.

use leptos::prelude::*;

use super::geometry::donut;
use super::{ChartTable, NoData, Series, Unit, colour, swatch};
use crate::i18n::Key;
use crate::state::use_app;

/// A donut of `values` named by `labels`, with its table (count and share).
#[component]
pub fn Donut(title: String, labels: Vec<String>, values: Vec<f64>) -> impl IntoView {
    let app = use_app();
    let arcs = donut(&values, 80.0, 78.0, 48.0);
    if arcs.iter().all(Option::is_none) {
        return view! { <figure class="chart"><figcaption>{title}</figcaption><NoData /></figure> }
            .into_any();
    }
    let shares = arcs
        .iter()
        .map(|a| Some(a.as_ref().map_or(0.0, |a| a.percent)))
        .collect::<Vec<_>>();
    let keys = labels
        .iter()
        .zip(&shares)
        .enumerate()
        .map(|(i, (l, s))| {
            view! {
                <li>
                    <span class=swatch(i)></span>
                    {l.clone()}" "<strong>{Unit::Percent.show(*s)}</strong>
                </li>
            }
        })
        .collect_view();
    let slices = arcs
        .into_iter()
        .enumerate()
        .filter_map(|(i, a)| a.map(|a| view! { <path class=colour(i) d=a.path /> }))
        .collect_view();
    let series = vec![
        Series::new(
            app.t(Key::ChartCount),
            values.into_iter().map(Some).collect(),
            Unit::Count,
        ),
        Series::new(app.t(Key::ChartShare), shares, Unit::Percent),
    ];
    view! {
        <figure class="chart chart-donut">
            <figcaption aria-hidden="true">{title.clone()}</figcaption>
            <div class="chart-donut-body">
                <svg role="img" aria-label=title.clone() viewBox="0 0 160 160" class="chart-svg-donut">
                    {slices}
                </svg>
                <ul class="chart-legend chart-legend-col" aria-hidden="true">{keys}</ul>
            </div>
            <ChartTable title head=app.t(Key::ChartItem).into() rows=labels series />
        </figure>
    }
    .into_any()
}
