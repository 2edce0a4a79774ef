//! What every dashboard section is made of: its loading state and the figure tiles.

use leptos::prelude::*;

use crate::i18n::Key;
use crate::state::use_app;

/// A section's answer from the server.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Failed,
    Ready(T),
}

/// A dashboard section: a card with its title, and what it holds once its answer is in
/// (loading and failure said in words, in place, so one slow part does not blank the rest).
#[component]
pub fn Panel<T, V>(
    testid: &'static str,
    title: Key,
    data: RwSignal<Load<T>>,
    show: fn(T) -> V,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let app = use_app();
    view! {
        <section class="card dash-section" data-testid=testid aria-labelledby=format!("{testid}-title")>
            <h2 class="section-title" id=format!("{testid}-title")>{move || app.t(title)}</h2>
            {move || match data.get() {
                Load::Loading => view! { <p class="muted" data-testid="dash-loading">{app.t(Key::Loading)}</p> }.into_any(),
                Load::Failed => view! { <p class="banner banner-error" role="alert">{app.t(Key::DashFailed)}</p> }.into_any(),
                Load::Ready(d) => {
                    // Read the language here so a switch redraws the section's texts.
                    app.lang.track();
                    show(d).into_any()
                }
            }}
        </section>
    }
}

/// One figure: its name, value, the sample behind it and how it moved since the previous
/// period (an arrow and a signed difference, so the change is not told by colour alone).
#[component]
pub fn Figure(
    testid: &'static str,
    label: Key,
    value: String,
    #[prop(optional)] sample: Option<u64>,
    #[prop(optional)] previous: Option<String>,
    #[prop(optional_no_strip)] change: Option<String>,
) -> impl IntoView {
    let app = use_app();
    let trend = change.as_deref().map(|c| {
        if c.starts_with('▲') {
            "dash-up"
        } else if c.starts_with('▼') {
            "dash-down"
        } else {
            "dash-flat"
        }
    });
    view! {
        <div class="dash-figure" data-testid=testid>
            <span class="dash-figure-label">{app.t(label)}</span>
            <strong class="dash-figure-value" data-testid="value">{value}</strong>
            {sample.map(|n| view! {
                <span class="dash-figure-note">{app.t(Key::DashSample)}" n = "{n}</span>
            })}
            {previous.map(|p| view! {
                <span class="dash-figure-note" data-testid="previous">
                    {app.t(Key::DashPrevious)}" "{p}
                    {change.map(|c| view! { " " <span class=trend>{c}</span> })}
                </span>
            })}
        </div>
    }
}
