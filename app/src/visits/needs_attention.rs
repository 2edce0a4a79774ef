use huifang_domain::VisitRecord;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::my_visits::{MoreRows, PAGE};
use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::store::{LocalStore, RejectedEntry};

/// Records the server refused: the user fixes and resends them, or discards them.
#[component]
pub fn NeedsAttention() -> impl IntoView {
    let app = use_app();
    let shown = RwSignal::new(PAGE);
    let entries = Memo::new(move |_| {
        app.data_rev.track();
        let n = shown.get();
        app.session
            .with(|s| s.as_ref().map(|s| s.user.id))
            .map(|owner| LocalStore::browser().first_rejected(owner, n))
            .unwrap_or_default()
    });
    let total = Signal::derive(move || app.sync.status.with(|s| s.stats.rejected));
    view! {
        <section class="page">
            <h1 class="page-title">{move || app.t(Key::AttentionTitle)}</h1>
            <Show
                when=move || !entries.with(Vec::is_empty)
                fallback=move || view! { <p class="empty">{move || app.t(Key::AttentionEmpty)}</p> }
            >
                <p class="muted">{move || app.t(Key::AttentionIntro)}</p>
            </Show>
            <ul class="list">
                <For
                    each=move || entries.get()
                    key=|e| e.seq
                    children=move |e| view! { <RejectedRow entry=e /> }
                />
            </ul>
            <MoreRows shown=shown total=total testid="attention-more" />
        </section>
    }
}

#[component]
fn RejectedRow(entry: RejectedEntry) -> impl IntoView {
    let app = use_app();
    let navigate = use_navigate();
    let confirming = RwSignal::new(false);
    let seq = entry.seq;
    let record: Option<VisitRecord> = crate::json::from_value(&entry.mutation.data).ok();
    let store = LocalStore::browser();
    let name = store
        .visit(entry.mutation.id)
        .map(|v| v.customer_name)
        .or_else(|| {
            record
                .as_ref()
                .and_then(|r| store.customer(r.customer_id))
                .map(|c| c.name)
        })
        .unwrap_or_default();
    let code = entry.code.clone();
    let field = entry.field.clone();
    // Ticket changes and review decisions are not edited here: the ticket page makes a new one.
    let is_visit = entry.mutation.kind == huifang_domain::MutationKind::VisitRecord.as_str();
    let kind = entry.mutation.kind.clone();
    let summary = move || {
        let lang = app.lang.get();
        if !is_visit {
            return i18n::mutation_kind_label(lang, &kind);
        }
        record
            .as_ref()
            .map(|r| {
                format!(
                    "{} · {}",
                    i18n::visit_type_label(lang, r.visit_type),
                    i18n::outcome_label(lang, r.outcome)
                )
            })
            .unwrap_or_default()
    };
    let edit = move |_| navigate(&format!("/visit/new?resend={seq}"), Default::default());
    let discard = move |_| {
        if confirming.get_untracked() {
            if let Some(owner) = app.user_id() {
                LocalStore::browser().discard_rejected(owner, seq);
            }
            app.bump();
        } else {
            confirming.set(true);
        }
    };
    view! {
        <li class="row rejected-row" data-testid="rejected-row" data-seq=seq>
            <span class="row-main">
                <span class="row-title">
                    {name}
                    <span class="badge badge-rejected">{move || i18n::reject_code_label(app.lang.get(), &code)}</span>
                </span>
                <span class="row-sub">{summary}</span>
                <span class="row-text server-message">
                    <code>{entry.code.clone()}</code>
                    " "
                    {field.clone().map(|f| format!("[{}] ", i18n::field_label(app.lang.get_untracked(), &f)))}
                    {entry.message.clone()}
                </span>
                <Show when=move || confirming.get()>
                    <span class="row-text warn">{move || app.t(Key::DiscardQuestion)}</span>
                </Show>
            </span>
            <span class="row-actions">
                <Show when=move || is_visit>
                    <button class="btn btn-primary" data-testid="rejected-edit" on:click=edit.clone()>
                        {move || app.t(Key::EditResend)}
                    </button>
                </Show>
                <button
                    class=move || if confirming.get() { "btn btn-danger" } else { "btn btn-quiet" }
                    data-testid="rejected-discard"
                    on:click=discard
                >
                    {move || app.t(if confirming.get() { Key::DiscardConfirm } else { Key::Discard })}
                </button>
                <Show when=move || confirming.get()>
                    <button class="btn btn-quiet" data-testid="rejected-discard-cancel" on:click=move |_| confirming.set(false)>
                        {move || app.t(Key::Cancel)}
                    </button>
                </Show>
            </span>
        </li>
    }
}
