//! Comparisons: bars per category (a department, an agent, a grade), grouped when there is more
//! than one series, vertical or horizontal, with an optional target marker per category.

use leptos::prelude::*;

use super::geometry::{self, Scale, bar_band, data_max, ticks};
use super::{ChartTable, Legend, NoData, Series, colour};

const W: f64 = 640.0;
/// Room for the names of horizontal bars, which are read on their left.
const NAME_W: f64 = 150.0;
const ROW_H: f64 = 28.0;

/// Bars of `series` for each of `categories`, with `targets` drawn as marker lines (coverage
/// against its target). `horizontal` suits long names and many rows (agents, departments).
#[component]
pub fn BarChart(
    title: String,
    head: String,
    categories: Vec<String>,
    series: Vec<Series>,
    #[prop(optional)] targets: Vec<Option<f64>>,
    #[prop(optional)] horizontal: bool,
    #[prop(optional)] top: Option<f64>,
) -> impl IntoView {
    let max = data_max(series.iter().flat_map(|s| &s.values).chain(&targets));
    if categories.is_empty() || series.iter().all(|s| s.values.iter().all(Option::is_none)) {
        return view! { <figure class="chart"><figcaption>{title}</figcaption><NoData /></figure> }
            .into_any();
    }
    let unit = series[0].unit;
    let axis = ticks(top.unwrap_or(max).max(max), 4);
    let axis_top = axis.last().copied().unwrap_or(1.0);
    let n = categories.len();
    let groups = series.len().max(1) as f64;
    // Vertical: categories across (slot width) and values up; horizontal: the other way.
    let (plot_from, value_len, slot, height) = if horizontal {
        (NAME_W, W - NAME_W - 40.0, ROW_H, ROW_H * n as f64 + 28.0)
    } else {
        (40.0, 170.0, (W - 48.0) / n as f64, 220.0)
    };
    let v = Scale {
        top: axis_top,
        len: value_len,
    };
    let (bar, offset) = bar_band(slot, series.len());
    // (x, y, w, h) of a rectangle from the value axis' zero, for slot i and series k.
    let rect = move |i: usize, k: usize, value: f64| {
        let across = i as f64 * slot + offset + k as f64 * bar;
        let len = v.at(value);
        if horizontal {
            (NAME_W, across + 4.0, len, bar)
        } else {
            (plot_from + across, 10.0 + value_len - len, bar, len)
        }
    };
    let grid = axis
        .iter()
        .map(|&t| {
            let at = v.at(t);
            // (x1, x2, y1, y2) of the gridline, (x, y, anchor) of its label.
            let ((x1, x2, y1, y2), (tx, ty, anchor)) = if horizontal {
                let x = NAME_W + at;
                ((x, x, 4.0, height - 20.0), (x, height - 6.0, "middle"))
            } else {
                let y = 10.0 + value_len - at;
                (
                    (plot_from, W - 8.0, y, y),
                    (plot_from - 6.0, y + 4.0, "end"),
                )
            };
            view! {
                <line class="chart-grid" x1=x1 x2=x2 y1=y1 y2=y2 />
                <text class="chart-tick" x=tx y=ty text-anchor=anchor>{unit.show(Some(t))}</text>
            }
        })
        .collect_view();
    let names = categories
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mid = i as f64 * slot + slot / 2.0;
            let (x, y, anchor) = if horizontal {
                (NAME_W - 6.0, mid + 8.0, "end")
            } else {
                (plot_from + mid, height - 12.0, "middle")
            };
            view! { <text class="chart-tick" x=x y=y text-anchor=anchor>{c.clone()}</text> }
        })
        .collect_view();
    let bars = series
        .iter()
        .enumerate()
        .flat_map(|(k, s)| {
            s.values.iter().enumerate().filter_map(move |(i, val)| {
                let (x, y, w, h) = rect(i, k, (*val)?);
                Some(view! { <rect class=colour(k) x=x y=y width=w height=h /> })
            })
        })
        .collect_view();
    let markers = targets
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let at = v.at((*t)?);
            let from = i as f64 * slot + offset - 3.0;
            let to = from + bar * groups + 6.0;
            let (x1, x2, y1, y2) = if horizontal {
                (NAME_W + at, NAME_W + at, from + 4.0, to + 4.0)
            } else {
                let y = 10.0 + value_len - at;
                (plot_from + from, plot_from + to, y, y)
            };
            Some(view! { <line class="chart-target" x1=x1 x2=x2 y1=y1 y2=y2 /> })
        })
        .collect_view();
    let mut view_box = String::from("0 0 640 ");
    geometry::push_num(&mut view_box, height);
    let legend = series.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    view! {
        <figure class="chart chart-bar-figure">
            <figcaption aria-hidden="true">{title.clone()}</figcaption>
            <svg role="img" aria-label=title.clone() viewBox=view_box class="chart-svg">
                {grid}
                {bars}
                {markers}
                {names}
            </svg>
            {(legend.len() > 1).then(|| view! { <Legend names=legend /> })}
            <ChartTable title head rows=categories series targets />
        </figure>
    }
    .into_any()
}
