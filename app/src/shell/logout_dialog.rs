use leptos::prelude::*;

use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::sync::Trigger;

/// Asked before logging out with records that have not reached the server: never drop them.
#[component]
pub fn LogoutDialog(open: RwSignal<bool>) -> impl IntoView {
    let app = use_app();
    let status = app.sync.status;
    let unsynced = move || status.with(|s| s.stats.queued + s.stats.rejected);
    let waiting_for_sync = RwSignal::new(false);

    // "Sync now" logs out by itself once everything is up; a failure leaves the dialog open
    // with the error visible in the badge.
    Effect::new(move |_| {
        let (syncing, queued) = status.with(|s| (s.syncing, s.stats.queued + s.stats.rejected));
        if waiting_for_sync.get() && !syncing {
            waiting_for_sync.set(false);
            if queued == 0 {
                open.set(false);
                app.log_out();
            }
        }
    });

    let sync_now = move |_| {
        waiting_for_sync.set(true);
        app.request_sync(Trigger::Manual);
    };
    let keep = move |_| {
        open.set(false);
        app.log_out();
    };
    let error = move || status.with(|s| s.last_error).map(|e| app.t(e.key()));

    view! {
        <div class="modal-backdrop">
            <div
                class="card dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="logout-title"
                data-testid="logout-dialog"
            >
                <h2 id="logout-title">{move || app.t(Key::LogoutTitle)}</h2>
                <p>{move || i18n::logout_unsynced(app.lang.get(), unsynced())}</p>
                <p class="muted">{move || app.t(Key::LogoutKeepHint)}</p>
                {move || error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <div class="dialog-actions">
                    <button
                        class="btn btn-primary"
                        data-testid="logout-sync"
                        disabled=move || status.with(|s| s.syncing)
                        on:click=sync_now
                    >
                        {move || app.t(if status.with(|s| s.syncing) { Key::SyncSyncing } else { Key::LogoutSync })}
                    </button>
                    <button class="btn" data-testid="logout-keep" on:click=keep>
                        {move || app.t(Key::LogoutKeep)}
                    </button>
                    <button class="btn btn-quiet" data-testid="logout-cancel" on:click=move |_| open.set(false)>
                        {move || app.t(Key::Cancel)}
                    </button>
                </div>
            </div>
        </div>
    }
}
