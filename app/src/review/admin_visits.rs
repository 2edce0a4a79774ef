use huifang_domain::VisitList;
use huifang_domain::period::PeriodQuery;
use leptos::prelude::*;

use super::escalations::Escalations;
use crate::api::{self, ApiFailure};
use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::widgets::{ExportButtons, PeriodPicker, Unavailable, period_query_string};

const LIMIT: u32 = 50;

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    Offline,
    Failed,
    Loaded(VisitList),
}

/// Every stored visit, read from the server page by page (supervisors and admins). The list
/// is read by cursor: each page's cursor is kept, so "previous" goes back the way it came.
#[component]
pub fn AdminVisits() -> impl IntoView {
    let app = use_app();
    // The `after` of every page opened so far; the last one is shown.
    let pages = RwSignal::new(vec![None::<String>]);
    let state = RwSignal::new(Load::Loading);
    let reload = RwSignal::new(0u32);

    Effect::new(move |_| {
        let after = pages.with(|p| p.last().cloned().flatten());
        reload.track();
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        state.set(Load::Loading);
        leptos::task::spawn_local(async move {
            let next = match api::visits(&session.token, after.as_deref(), LIMIT).await {
                Ok(list) => Load::Loaded(list),
                Err(ApiFailure::Network) => Load::Offline,
                Err(ApiFailure::Unauthorized(_)) => {
                    app.sync.need_auth();
                    Load::Failed
                }
                Err(ApiFailure::Status(..)) => Load::Failed,
            };
            state.set(next);
        });
    });

    let body = move || {
        match state.get() {
        Load::Loading => view! { <p class="empty">{move || app.t(Key::Loading)}</p> }.into_any(),
        Load::Offline | Load::Failed => view! {
            <Unavailable offline=state.with_untracked(|s| *s == Load::Offline) offline_key=Key::AdminOffline reload testid="admin-offline" />
        }
        .into_any(),
        Load::Loaded(list) => {
            let current = pages.with_untracked(Vec::len);
            let next = list.next.clone();
            let last = next.is_none();
            let empty = list.visits.is_empty();
            let rows = list
                .visits
                .into_iter()
                .map(|v| {
                    let r = v.record.clone();
                    let at = r.contacted_at;
                    let received = v.received_at;
                    view! {
                        <li class="row admin-row" data-testid="admin-visit-row" data-id=v.id.to_string()>
                            <span class="row-main">
                                <span class="row-title">
                                    {v.customer_name.clone()}
                                    {r.satisfaction.map(|s| view! { <span class="badge badge-score">{format!("{s}/5")}</span> })}
                                </span>
                                <span class="row-sub">
                                    {move || {
                                        let lang = app.lang.get();
                                        format!(
                                            "{} · {} · {} · {} {}",
                                            i18n::visit_type_label(lang, r.visit_type),
                                            i18n::channel_label(lang, r.channel),
                                            i18n::outcome_label(lang, r.outcome),
                                            app.t(Key::AgentLabel),
                                            v.agent_name,
                                        )
                                    }}
                                </span>
                                {(!v.record.verbatim.is_empty())
                                    .then(|| view! { <span class="row-text quote">{v.record.verbatim.clone()}</span> })}
                            </span>
                            <span class="row-time">
                                <time datetime=at.to_rfc3339()>{move || i18n::relative_time(app.lang.get(), at, app.now.get())}</time>
                                <span class="muted small">
                                    {move || format!("{} {}", app.t(Key::ReceivedLabel), i18n::relative_time(app.lang.get(), received, app.now.get()))}
                                </span>
                            </span>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <p class="muted">
                    {move || app.t(Key::AdminTotalLabel)} " "
                    <strong data-testid="admin-visits-total">{i18n::list_total(list.total)}</strong>
                </p>
                {empty.then(|| view! { <p class="empty">{move || app.t(Key::AdminEmpty)}</p> })}
                <ul class="list">{rows}</ul>
                <div class="pager">
                    <button
                        class="btn"
                        data-testid="admin-visits-prev"
                        disabled={current <= 1}
                        on:click=move |_| pages.update(|p| if p.len() > 1 { p.pop(); })
                    >
                        {move || app.t(Key::Prev)}
                    </button>
                    <span data-testid="admin-visits-page">{move || i18n::page_n(app.lang.get(), current)}</span>
                    <button
                        class="btn"
                        data-testid="admin-visits-next"
                        disabled=last
                        on:click=move |_| pages.update(|p| p.push(next.clone()))
                    >
                        {move || app.t(Key::Next)}
                    </button>
                </div>
            }
            .into_any()
        }
    }
    };

    view! {
        <section class="page">
            <h1 class="page-title">{move || app.t(Key::AdminTitle)}</h1>
            <ExportPanel />
            <Escalations />
            {body}
        </section>
    }
}

/// 导出 the 客户沟通记录表 of a chosen period (this month until another is picked).
#[component]
fn ExportPanel() -> impl IntoView {
    let period = RwSignal::new(PeriodQuery::default());
    view! {
        <div class="export-panel">
            <PeriodPicker value=period />
            <ExportButtons kind="visits" period=Signal::derive(move || period.with(period_query_string)) />
        </div>
    }
}
