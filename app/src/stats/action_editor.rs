//! 建议措施 edited in its row: kind, text, open/done, saved for the table's period from the
//! version the editor read (a carried action is saved as this period's own).

use huifang_domain::period::Period;
use huifang_domain::stats::{ActionKind, ActionState, SuggestedAction};
use leptos::prelude::*;
use serde_json::json;

use super::table::kind_options;
use crate::api::{self, ActionRefusal};
use crate::i18n::Key;
use crate::state::use_app;
use crate::widgets::Options;

#[derive(Clone, Copy, PartialEq)]
enum Outcome {
    Idle,
    Saved,
    Stale,
    Invalid,
    Failed,
}

#[component]
pub fn ActionEditor(
    sub_problem: String,
    period: Period,
    action: Option<SuggestedAction>,
) -> impl IntoView {
    let app = use_app();
    let kind = RwSignal::new(action.as_ref().map_or(ActionKind::Script, |a| a.kind));
    let text = RwSignal::new(action.as_ref().map(|a| a.text.clone()).unwrap_or_default());
    let state = RwSignal::new(action.as_ref().map_or(ActionState::Open, |a| a.state));
    let version = RwSignal::new(action.as_ref().map_or(0, |a| a.version));
    let since = RwSignal::new(action.map(|a| a.since));
    let outcome = RwSignal::new(Outcome::Idle);
    let busy = RwSignal::new(false);
    let id = format!("action-{sub_problem}");
    let show = move |a: &SuggestedAction| {
        kind.set(a.kind);
        text.set(a.text.clone());
        state.set(a.state);
        since.set(Some(a.since.clone()));
    };
    let save = {
        let sub_problem = sub_problem.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(session) = app.session.get_untracked() else {
                return;
            };
            let q = period.to_query();
            let body = json!({
                "period": q.period, "date": q.date, "from": q.from, "to": q.to,
                "sub_problem": sub_problem,
                "kind": kind.get_untracked().as_str(),
                "text": text.get_untracked(),
                "state": state.get_untracked().as_str(),
                "version": version.get_untracked(),
            });
            busy.set(true);
            leptos::task::spawn_local(async move {
                let answer = api::save_stats_action(&session.token, &body).await;
                busy.set(false);
                match answer {
                    Ok(a) => {
                        version.set(a.version);
                        show(&a);
                        outcome.set(Outcome::Saved);
                    }
                    Err(ActionRefusal::Stale(current)) => {
                        // The row now shows what is stored; this period's own version, if any.
                        version.set(current.as_ref().map_or(0, |a| a.version));
                        if let Some(a) = current.as_ref() {
                            show(a);
                        }
                        outcome.set(Outcome::Stale);
                    }
                    Err(ActionRefusal::Invalid(_)) => outcome.set(Outcome::Invalid),
                    Err(ActionRefusal::Failed(_)) => outcome.set(Outcome::Failed),
                }
            });
        }
    };
    let message = move || match outcome.get() {
        Outcome::Idle => None,
        Outcome::Saved => Some(("ok", app.t(Key::StatsActionSaved))),
        Outcome::Stale => Some(("err", app.t(Key::StatsActionStale))),
        Outcome::Invalid => Some(("err", app.t(Key::StatsActionInvalid))),
        Outcome::Failed => Some(("err", app.t(Key::ErrServer))),
    };
    let kinds = Signal::derive(move || kind_options(app.lang.get()));
    let states = Signal::derive(move || {
        vec![
            ("open".to_owned(), app.t(Key::StatsActionOpen).to_owned()),
            ("done".to_owned(), app.t(Key::StatsActionDone).to_owned()),
        ]
    });
    view! {
        <form class="action-editor" data-testid="stats-action" on:submit=save>
            <div class="action-controls">
                <select
                    id=format!("{id}-kind")
                    data-testid="stats-action-kind"
                    aria-label=move || app.t(Key::StatsActionKind)
                    prop:value=move || kind.get().as_str()
                    on:change=move |ev| {
                        if let Some(k) = ActionKind::parse(&event_target_value(&ev)) {
                            kind.set(k);
                        }
                    }
                >
                    <Options options=kinds value=Signal::derive(move || kind.get().as_str().to_owned()) />
                </select>
                <select
                    id=format!("{id}-state")
                    data-testid="stats-action-state"
                    aria-label=move || app.t(Key::StatsActionState)
                    prop:value=move || state.get().as_str()
                    on:change=move |ev| {
                        if let Some(s) = ActionState::parse(&event_target_value(&ev)) {
                            state.set(s);
                        }
                    }
                >
                    <Options options=states value=Signal::derive(move || state.get().as_str().to_owned()) />
                </select>
            </div>
            <textarea
                id=format!("{id}-text")
                data-testid="stats-action-text-input"
                rows="2"
                maxlength="500"
                aria-label=move || app.t(Key::StatsActionText)
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <div class="action-foot">
                {move || {
                    since
                        .get()
                        .filter(|s| *s != period.key())
                        .map(|s| {
                            view! {
                                <span class="muted" data-testid="stats-action-since">
                                    {move || app.t(Key::StatsActionSince)}
                                    " "
                                    {s}
                                </span>
                            }
                        })
                }}
                <button class="btn" type="submit" data-testid="stats-action-save" disabled=move || busy.get()>
                    {move || app.t(Key::StatsActionSave)}
                </button>
            </div>
            {move || {
                message()
                    .map(|(kind, m)| {
                        view! {
                            <p class=format!("action-msg {kind}") role="status" data-testid="stats-action-msg">
                                {m}
                            </p>
                        }
                    })
            }}
        </form>
    }
}
