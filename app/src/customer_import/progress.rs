//! The running import's progress bar, then what it did.

use huifang_domain::import::{ImportState, ImportStatus};
use leptos::prelude::*;

use crate::i18n::Key;
use crate::state::use_app;

#[component]
pub fn ImportProgress(job: ImportStatus) -> impl IntoView {
    let app = use_app();
    match job.state {
        ImportState::Done => view! {
            <div class="import-done" data-testid="import-done" role="status"
                 data-created=job.created data-updated=job.updated>
                <h2 class="section-title">{move || app.t(Key::ImportDone)}</h2>
                <p>
                    {move || app.t(Key::ImportCreated)} ": " <strong>{job.created}</strong>
                    " · " {move || app.t(Key::ImportUpdated)} ": " <strong>{job.updated}</strong>
                </p>
                <a class="btn btn-primary" href="/console/customers" data-testid="import-back">
                    {move || app.t(Key::ImportBackToBook)}
                </a>
            </div>
        }
        .into_any(),
        ImportState::Failed => view! {
            <p class="import-problem" role="alert" data-testid="import-failed">
                {move || app.t(Key::ImportFailed)} {job.error.clone().unwrap_or_default()}
            </p>
        }
        .into_any(),
        _ => view! {
            <div class="import-running">
                <label class="label" for="import-progress">
                    {move || app.t(Key::ImportRunning)} " " {job.done} " / " {job.total}
                </label>
                <progress id="import-progress" data-testid="import-progress"
                          max=job.total.max(1) value=job.done></progress>
            </div>
        }
        .into_any(),
    }
}
