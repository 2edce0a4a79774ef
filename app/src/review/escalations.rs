use huifang_domain::VisitSummary;
use leptos::prelude::*;

use crate::api;
use crate::i18n::{self, Key};
use crate::state::use_app;

/// 转接主管: visits escalated from the field, for the supervisors (needs the network).
#[component]
pub fn Escalations() -> impl IntoView {
    let app = use_app();
    let list = RwSignal::new(None::<Vec<VisitSummary>>);
    if let Some(session) = app.session.get_untracked() {
        leptos::task::spawn_local(async move {
            if let Ok(page) = api::escalations(&session.token).await {
                list.set(Some(page.visits));
            }
        });
    }
    view! {
        {move || list.get().map(|visits| {
            let empty = visits.is_empty();
            let rows = visits
                .into_iter()
                .map(|v| {
                    let r = v.record;
                    let at = r.contacted_at;
                    view! {
                        <li class="row escalation-row" data-testid="escalation-row" data-id=v.id.to_string()>
                            <span class="row-main">
                                <span class="row-title">
                                    {v.customer_name.clone()}
                                    <span class="badge badge-rejected">{move || app.t(Key::Escalated)}</span>
                                </span>
                                <span class="row-sub">
                                    {move || format!("{} · {} {}", i18n::visit_type_label(app.lang.get(), r.visit_type), app.t(Key::AgentLabel), v.agent_name)}
                                </span>
                                {(!r.verbatim.is_empty()).then(|| view! { <span class="row-text quote">{r.verbatim.clone()}</span> })}
                            </span>
                            <time class="row-time">{move || i18n::relative_time(app.lang.get(), at, app.now.get())}</time>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="escalations">
                    <h2 class="section-title">{move || app.t(Key::EscalationsTitle)}</h2>
                    {empty.then(|| view! { <p class="muted">{move || app.t(Key::EscalationsEmpty)}</p> })}
                    <ul class="list">{rows}</ul>
                </section>
            }
        })}
    }
}
