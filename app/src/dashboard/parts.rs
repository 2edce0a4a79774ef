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

/// A dashboard section: a card with its title around what `children` draw.
#[component]
pub fn Panel(testid: &'static str, title: Key, children: Children) -> impl IntoView {
    let app = use_app();
    let heading = move || {
        let mut id = String::from(testid);
        id.push_str("-title");
        id
    };
    view! {
        <section class="card dash-section" data-testid=testid aria-labelledby=heading()>
            <h2 class="section-title" id=heading()>{move || app.t(title)}</h2>
            {children()}
        </section>
    }
}

/// A section's body once its answer is in; loading and failure said in words, in place, so
/// one slow part does not blank the rest. Reads the language, so a switch redraws the texts.
pub fn shown<T, V: IntoView + 'static>(load: Load<T>, show: fn(T) -> V) -> AnyView {
    let app = use_app();
    app.lang.track();
    match load {
        Load::Ready(d) => show(d).into_any(),
        Load::Loading => waiting(Key::Loading, "dash-loading"),
        Load::Failed => waiting(Key::DashFailed, "dash-failed"),
    }
}

fn waiting(text: Key, testid: &'static str) -> AnyView {
    let app = use_app();
    let class = if testid == "dash-failed" {
        "banner banner-error"
    } else {
        "muted"
    };
    view! { <p class=class data-testid=testid>{app.t(text)}</p> }.into_any()
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
