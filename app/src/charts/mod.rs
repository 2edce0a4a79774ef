//! Charts drawn as SVG by the app (no charting JavaScript): a donut for shares, a line for
//! trends, bars for comparisons. Each draws its numbers as a table too, for screen readers
//! and printing; the arithmetic lives in [`geometry`] with its tests, the components only
//! place what it computes.

mod bar;
mod donut;
pub mod geometry;
mod line;

pub use bar::BarChart;
pub use donut::Donut;
pub use line::LineChart;

use leptos::prelude::*;

use crate::i18n::Key;
use crate::state::use_app;

/// One named row of numbers: a line of a trend, or one colour of grouped bars. `None` is a
/// missing value (a week without data), drawn as a gap and shown as "–" in the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
    pub unit: Unit,
}

impl Series {
    pub fn new(name: impl Into<String>, values: Vec<Option<f64>>, unit: Unit) -> Series {
        Series {
            name: name.into(),
            values,
            unit,
        }
    }
}

/// How a chart writes its values: as counts, or as percentages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unit {
    #[default]
    Count,
    Percent,
}

impl Unit {
    pub fn show(self, v: Option<f64>) -> String {
        match v {
            None => "–".into(),
            Some(v) => {
                let mut s = geometry::label(v);
                if self == Unit::Percent {
                    s.push('%');
                }
                s
            }
        }
    }
}

/// The palette, by class (style/dashboard.css): series are also named in the legend and the
/// table, so no figure is told by colour alone.
fn colour(i: usize) -> &'static str {
    [
        "chart-s0", "chart-s1", "chart-s2", "chart-s3", "chart-s4", "chart-s5",
    ][i % 6]
}

/// A legend's colour square for series `i`.
fn swatch(i: usize) -> &'static str {
    [
        "chart-swatch chart-s0",
        "chart-swatch chart-s1",
        "chart-swatch chart-s2",
        "chart-swatch chart-s3",
        "chart-swatch chart-s4",
        "chart-swatch chart-s5",
    ][i % 6]
}

/// The legend under a chart with more than one series: a swatch and the series' name.
#[component]
fn Legend(names: Vec<String>) -> impl IntoView {
    view! {
        <ul class="chart-legend" aria-hidden="true">
            {names.into_iter().enumerate().map(|(i, n)| view! {
                <li><span class=swatch(i)></span>{n}</li>
            }).collect_view()}
        </ul>
    }
}

/// The numbers of a chart as a table: one row per category, one column per series, and the
/// targets when there are any.
#[component]
fn ChartTable(
    title: String,
    head: String,
    rows: Vec<String>,
    series: Vec<Series>,
    #[prop(optional)] targets: Vec<Option<f64>>,
) -> impl IntoView {
    let app = use_app();
    let has_targets = targets.iter().any(Option::is_some);
    let target_unit = series.first().map(|s| s.unit).unwrap_or_default();
    let cols = series.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    view! {
        <table class="chart-table">
            <caption class="dash-sr">{title}</caption>
            <thead>
                <tr>
                    <th scope="col">{head}</th>
                    {cols.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}
                    {has_targets.then(|| view! { <th scope="col">{app.t(Key::ChartTarget)}</th> })}
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().enumerate().map(|(i, r)| {
                    let cells = series.iter().map(|s| s.unit.show(s.values.get(i).copied().flatten())).collect::<Vec<_>>();
                    let target = has_targets.then(|| target_unit.show(targets.get(i).copied().flatten()));
                    view! {
                        <tr>
                            <th scope="row">{r}</th>
                            {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                            {target.map(|t| view! { <td>{t}</td> })}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// What a chart shows when it has no number to draw.
#[component]
fn NoData() -> impl IntoView {
    let app = use_app();
    view! { <p class="muted chart-empty">{app.t(Key::ChartEmpty)}</p> }
}
