use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::my_visits::{MoreRows, PAGE};
use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::store::LocalStore;
use crate::visits::form::Draft;

/// 草稿: visits started and not saved yet, to resume or throw away.
#[component]
pub fn Drafts() -> impl IntoView {
    let app = use_app();
    let shown = RwSignal::new(PAGE);
    let drafts = Memo::new(move |_| {
        app.data_rev.track();
        LocalStore::browser().newest_drafts(shown.get())
    });
    let total = Signal::derive(move || {
        app.data_rev.track();
        LocalStore::browser().draft_count()
    });
    view! {
        <section class="page">
            <h1 class="page-title">{move || app.t(Key::DraftsTitle)}</h1>
            <Show when=move || drafts.with(Vec::is_empty)>
                <p class="empty">{move || app.t(Key::DraftsEmpty)}</p>
            </Show>
            <ul class="list">
                <For each=move || drafts.get() key=|d| (d.id, d.updated_at) children=move |d| view! { <DraftRow draft=d /> } />
            </ul>
            <MoreRows shown=shown total=total testid="drafts-more" />
        </section>
    }
}

#[component]
fn DraftRow(draft: Draft) -> impl IntoView {
    let app = use_app();
    let navigate = use_navigate();
    let confirming = RwSignal::new(false);
    let id = draft.id;
    let store = LocalStore::browser();
    let name = uuid::Uuid::parse_str(&draft.customer_id)
        .ok()
        .and_then(|c| store.customer(c))
        .map(|c| c.name);
    let href = match (draft.task_id, draft.resend_of) {
        (_, Some(seq)) => format!("/visit/new?resend={seq}&draft={id}"),
        (Some(task), None) => format!("/visit/new?task={task}&draft={id}"),
        (None, None) => format!("/visit/new?draft={id}"),
    };
    let when = draft.updated_at;
    let sub = move || {
        let lang = app.lang.get();
        let mut parts = Vec::new();
        if let Some(t) = draft.visit_type() {
            parts.push(i18n::visit_type_label(lang, t).to_owned());
        }
        if !draft.verbatim.trim().is_empty() {
            parts.push(draft.verbatim.chars().take(40).collect());
        }
        parts.join(" · ")
    };
    let discard = move |_| {
        if confirming.get_untracked() {
            LocalStore::browser().remove_draft(id);
            app.bump();
        } else {
            confirming.set(true);
        }
    };
    view! {
        <li class="row" data-testid="draft-row" data-id=id.to_string()>
            <span class="row-main">
                <span class="row-title">
                    {match name {
                        Some(n) => n.into_any(),
                        None => view! { {move || app.t(Key::NoCustomer)} }.into_any(),
                    }}
                </span>
                <span class="row-sub">{sub}</span>
                <Show when=move || confirming.get()>
                    <span class="row-text warn">{move || app.t(Key::DiscardQuestion)}</span>
                </Show>
            </span>
            <span class="row-time">{move || i18n::relative_time(app.lang.get(), when, app.now.get())}</span>
            <span class="row-actions">
                <button class="btn btn-primary" data-testid="draft-resume" on:click=move |_| navigate(&href, Default::default())>
                    {move || app.t(Key::DraftResume)}
                </button>
                <button
                    class=move || if confirming.get() { "btn btn-danger" } else { "btn btn-quiet" }
                    data-testid="draft-discard"
                    on:click=discard
                >
                    {move || app.t(if confirming.get() { Key::DiscardConfirm } else { Key::Discard })}
                </button>
                <Show when=move || confirming.get()>
                    <button class="btn btn-quiet" on:click=move |_| confirming.set(false)>
                        {move || app.t(Key::Cancel)}
                    </button>
                </Show>
            </span>
        </li>
    }
}
