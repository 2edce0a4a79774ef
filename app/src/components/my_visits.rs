use leptos::prelude::*;

use super::signature_pad::SignatureView;
use crate::field;
use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::store::{LocalStore, VisitState};

/// The user's records on this device, newest first, each with its sync state.
#[component]
pub fn MyVisits() -> impl IntoView {
    let app = use_app();
    let visits = Memo::new(move |_| {
        app.data_rev.track();
        let owner = app.session.with(|s| s.as_ref().map(|s| s.user.id));
        owner
            .map(|id| LocalStore::browser().visits(id))
            .unwrap_or_default()
    });
    view! {
        <section class="page">
            <h1 class="page-title">{move || app.t(Key::MyVisitsTitle)}</h1>
            <Show when=move || visits.with(Vec::is_empty)>
                <p class="empty">{move || app.t(Key::MyVisitsEmpty)}</p>
            </Show>
            <ul class="list">
                <For
                    each=move || visits.get()
                    key=|v| (v.id, v.seq, v.state.as_str())
                    children=move |v| {
                        let status = v.state.as_str();
                        let badge_key = match v.state {
                            VisitState::Queued => Key::StatusQueued,
                            VisitState::Synced => Key::StatusSynced,
                            VisitState::Rejected { .. } => Key::StatusRejected,
                        };
                        let record = v.record.clone();
                        let when = v.record.contacted_at;
                        let escalated = v.record.escalate;
                        let id = v.id;
                        let reached = v.record.outcome == huifang_domain::Outcome::Reached
                            && app.session.with_untracked(|s| s.as_ref().is_some_and(|s| s.user.role.can_record_visits()));
                        let signature = v.record.signature.clone();
                        let place = v.record.place.as_ref().and_then(field::fix_text);
                        view! {
                            <li
                                class="row visit-row"
                                data-testid="my-visit-row"
                                data-status=status
                                data-id=v.id.to_string()
                            >
                                <span class="row-main">
                                    <span class="row-title">
                                        {v.customer_name.clone()}
                                        <span class=format!("badge badge-{status}")>{move || app.t(badge_key)}</span>
                                        {escalated.then(|| view! { <span class="badge badge-rejected" data-testid="escalated-badge">{move || app.t(Key::Escalated)}</span> })}
                                    </span>
                                    <span class="row-sub">
                                        {move || {
                                            let lang = app.lang.get();
                                            let mut parts = vec![
                                                i18n::visit_type_label(lang, record.visit_type).to_owned(),
                                                i18n::channel_label(lang, record.channel).to_owned(),
                                                i18n::outcome_label(lang, record.outcome).to_owned(),
                                            ];
                                            if record.attempt > 1 {
                                                parts.push(i18n::attempt_label(lang, record.attempt));
                                            }
                                            if let Some(s) = record.satisfaction {
                                                parts.push(format!("{} {s}/5", app.t(Key::FieldSatisfaction)));
                                            }
                                            parts.join(" · ")
                                        }}
                                    </span>
                                    {(!v.record.verbatim.is_empty())
                                        .then(|| view! { <span class="row-text quote">{v.record.verbatim.clone()}</span> })}
                                    {place.map(|p| view! { <span class="row-sub">{move || app.t(Key::PlaceLabel)} ": " {p.clone()}</span> })}
                                    {signature.map(|s| view! { <SignatureView signature=s /> })}
                                </span>
                                {reached.then(|| view! {
                                    <a class="btn btn-quiet row-action" data-testid="visit-report-problem" href=format!("/tickets/new?visit={id}")>
                                        {move || app.t(Key::ReportProblem)}
                                    </a>
                                })}
                                <time class="row-time" datetime=when.to_rfc3339()>
                                    {move || i18n::relative_time(app.lang.get(), when, app.now.get())}
                                </time>
                            </li>
                        }
                    }
                />
            </ul>
        </section>
    }
}
