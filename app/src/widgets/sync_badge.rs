use leptos::prelude::*;

use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::sync::{BadgeState, Trigger};

/// Online/offline dot, queued count and last success; tapping it syncs now.
#[component]
pub fn SyncBadge() -> impl IntoView {
    let app = use_app();
    let status = app.sync.status;
    let state = move || status.with(|s| s.badge());
    let error_text = move || {
        status.with(|s| match s.badge() {
            BadgeState::Auth => Some(app.t(Key::ReloginBanner)),
            _ => s.last_error.map(|e| app.t(e.key())),
        })
    };
    // Offline already says "cannot reach the server"; the line is for errors worth reading.
    let visible_error = move || match state() {
        BadgeState::Error => error_text(),
        _ => None,
    };
    let last = move || {
        let lang = app.lang.get();
        let when = status
            .with(|s| s.last_success)
            .map(|t| i18n::relative_time(lang, t, app.now.get()))
            .unwrap_or_else(|| app.t(Key::Never).to_owned());
        format!("{} {when}", app.t(Key::LastSync))
    };
    let title = move || {
        let mut parts = vec![app.t(Key::SyncNow).to_owned(), last()];
        parts.extend(error_text().map(str::to_owned));
        parts.join(" · ")
    };
    view! {
        <div class="sync-badge" data-testid="sync-badge" data-state=move || state().as_str()>
            <button
                class="sync-now"
                data-testid="sync-now"
                title=title
                on:click=move |_| app.request_sync(Trigger::Manual)
            >
                <span class="dot" aria-hidden="true"></span>
                <span class="sync-label">{move || app.t(state().key())}</span>
                <span class="sync-queued" data-testid="sync-queued">
                    {move || status.with(|s| s.stats.queued)}
                </span>
                <span class="sync-last">{last}</span>
            </button>
            {move || {
                visible_error()
                    .map(|e| {
                        view! {
                            <span class="sync-error" data-testid="sync-error">
                                {e}
                            </span>
                        }
                    })
            }}
        </div>
    }
}
