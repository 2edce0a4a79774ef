//! Trends over weeks: one line per series, broken where a week has no data.

use leptos::prelude::*;

use super::geometry::{Scale, data_max, line_path, slot_centre, ticks};
use super::{ChartTable, Legend, NoData, Series, colour};

const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 10.0;
/// More x labels than this would overlap: the rest are in the table.
const MAX_X_LABELS: usize = 8;

/// A line chart of `series` over the slots named by `x_labels` (weeks, oldest first). `top`
/// fixes the axis (5 for scores, 100 for percentages) unless the data reach beyond it. `head`
/// names the first column of the table (week).
#[component]
pub fn LineChart(
    title: String,
    head: String,
    x_labels: Vec<String>,
    series: Vec<Series>,
    #[prop(optional)] top: Option<f64>,
    /// Figures of the same weeks that only the table shows (sample sizes, another scale).
    #[prop(optional)]
    table_only: Vec<Series>,
) -> impl IntoView {
    let max = data_max(series.iter().flat_map(|s| &s.values));
    if x_labels.is_empty() || series.iter().all(|s| s.values.iter().all(Option::is_none)) {
        return view! { <figure class="chart"><figcaption>{title}</figcaption><NoData /></figure> }
            .into_any();
    }
    let unit = series[0].unit;
    let axis = ticks(top.unwrap_or(max).max(max), 4);
    let axis_top = axis.last().copied().unwrap_or(1.0);
    let (pw, ph) = (W - LEFT - 8.0, H - BOTTOM - TOP);
    let y = Scale {
        top: axis_top,
        len: ph,
    };
    let n = x_labels.len();
    let every = n.div_ceil(MAX_X_LABELS);
    let grid = axis
        .iter()
        .map(|&t| {
            let ty = TOP + ph - y.at(t);
            view! {
                <line class="chart-grid" x1=LEFT x2=W - 8.0 y1=ty y2=ty />
                <text class="chart-tick" x=LEFT - 6.0 y=ty + 4.0 text-anchor="end">{unit.show(Some(t))}</text>
            }
        })
        .collect_view();
    let xs = x_labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, l)| {
            let x = LEFT + slot_centre(i, n, pw);
            view! { <text class="chart-tick" x=x y=H - 8.0 text-anchor="middle">{l.clone()}</text> }
        })
        .collect_view();
    let lines = series
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let dots = s
                .values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    v.map(|v| {
                        view! {
                            <circle class=colour(k) cx=LEFT + slot_centre(i, n, pw) cy=TOP + ph - y.at(v) r="3.5" />
                        }
                    })
                })
                .collect_view();
            view! {
                <g class="chart-line">
                    <path class=colour(k) d=line_path(&s.values, (LEFT, TOP), pw, ph, axis_top) />
                    {dots}
                </g>
            }
        })
        .collect_view();
    let names = series.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    let mut series = series;
    series.extend(table_only);
    view! {
        <figure class="chart chart-line-figure">
            <figcaption aria-hidden="true">{title.clone()}</figcaption>
            <svg role="img" aria-label=title.clone() viewBox="0 0 640 220" class="chart-svg">
                {grid}
                {xs}
                {lines}
            </svg>
            {(names.len() > 1).then(|| view! { <Legend names /> })}
            <ChartTable title head rows=x_labels series />
        </figure>
    }
    .into_any()
}
