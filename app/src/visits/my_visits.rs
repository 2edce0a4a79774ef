use leptos::prelude::*;

use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::store::{Holdings, LocalStore, RETENTION, VisitState, usage_percent};
use crate::visits::field;
use crate::widgets::SignatureView;

/// Rows drawn at a time: a device can hold thousands of records, and drawing them all made
/// this screen take over a second to open.
pub const PAGE: usize = 20;

/// The user's records on this device, newest first, each with its sync state, a page at a
/// time; and what the device keeps of them.
#[component]
pub fn MyVisits() -> impl IntoView {
    let app = use_app();
    let shown = RwSignal::new(PAGE);
    let owner = move || app.session.with(|s| s.as_ref().map(|s| s.user.id));
    let holdings = Memo::new(move |_| {
        app.data_rev.track();
        owner()
            .map(|id| LocalStore::browser().holdings(id))
            .unwrap_or_default()
    });
    let total = move || holdings.with(|h| h.synced + h.queued + h.rejected);
    let visits = Memo::new(move |_| {
        app.data_rev.track();
        let n = shown.get();
        owner()
            .map(|id| LocalStore::browser().newest_visits(id, n))
            .unwrap_or_default()
    });
    view! {
        <section class="page">
            <h1 class="page-title">{move || app.t(Key::MyVisitsTitle)}</h1>
            <StoragePanel holdings=holdings />
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
            <MoreRows shown=shown total=Signal::derive(total) testid="my-visits-more" />
        </section>
    }
}

/// "Show more" under a list drawn a page at a time, with how many of how many are shown.
#[component]
pub fn MoreRows(
    shown: RwSignal<usize>,
    total: Signal<usize>,
    testid: &'static str,
) -> impl IntoView {
    let app = use_app();
    view! {
        <Show when=move || { total.get() > shown.get() }>
            <div class="more-rows">
                <span class="muted" data-testid="shown-of">
                    {move || i18n::shown_of(app.lang.get(), shown.get(), total.get())}
                </span>
                <button class="btn btn-quiet" data-testid=testid on:click=move |_| shown.update(|n| *n += PAGE)>
                    {move || app.t(Key::ShowMore)}
                </button>
            </div>
        </Show>
    }
}

/// What the device keeps and for how long, with the counts and usage now.
#[component]
fn StoragePanel(holdings: Memo<Holdings>) -> impl IntoView {
    let app = use_app();
    view! {
        <div class="storage-panel" data-testid="storage-panel">
            <p data-testid="storage-holdings">
                {move || app.t(Key::StorageTitle)} ": "
                {move || {
                    i18n::storage_holdings(
                        app.lang.get(),
                        usage_percent(app.storage_used.get()),
                        &holdings.get(),
                    )
                }}
            </p>
            <p class="muted" data-testid="storage-kept">
                {move || {
                    i18n::storage_kept(
                        app.lang.get(),
                        RETENTION.keep_days,
                        RETENTION.keep_visits,
                        RETENTION.high_percent,
                    )
                }}
            </p>
        </div>
    }
}
