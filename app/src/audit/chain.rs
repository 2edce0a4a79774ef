//! The tamper check on the screen: `GET /api/audit/verify` on demand (it reads the whole log,
//! so it runs when an admin asks, never on its own).

use gloo_net::http::Request;
use huifang_domain::audit::AuditVerification;
use leptos::prelude::*;

use crate::api::{self, ApiFailure};
use crate::i18n::Key;
use crate::state::use_app;

#[derive(Clone, PartialEq)]
enum Check {
    NotRun,
    Running,
    Done(AuditVerification),
    Failed,
}

#[component]
pub fn ChainStatus() -> impl IntoView {
    let app = use_app();
    let check = RwSignal::new(Check::NotRun);
    let run = move |_| {
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        check.set(Check::Running);
        leptos::task::spawn_local(async move {
            let answer =
                api::exchange::<()>(Request::get("/api/audit/verify"), &session.token, None).await;
            let next = match answer {
                Ok((200, body)) => {
                    crate::json::from_value(&body).map_or(Check::Failed, Check::Done)
                }
                Err(ApiFailure::Unauthorized(_)) => {
                    app.sync.need_auth();
                    Check::Failed
                }
                _ => Check::Failed,
            };
            check.set(next);
        });
    };
    let status = move || {
        match check.get() {
        Check::NotRun => None,
        Check::Running => Some(view! { <p class="muted">{move || app.t(Key::AuditChainRunning)}</p> }.into_any()),
        Check::Failed => Some(view! { <p class="error">{move || app.t(Key::AuditChainFailed)}</p> }.into_any()),
        Check::Done(v) => Some(match v.first_broken {
            None => view! {
                <p class="audit-chain-ok" data-state="intact">
                    {move || app.t(Key::AuditChainIntact)} " " <strong>{v.checked}</strong>
                </p>
            }
            .into_any(),
            Some(b) => view! {
                <p class="audit-chain-broken" data-state="broken" role="alert">
                    {move || app.t(Key::AuditChainBroken)} " " <strong>"#"{b.id}</strong>
                    " · " {move || app.t(Key::AuditChainBrokenCount)} " " <strong>{v.broken}</strong>
                </p>
            }
            .into_any(),
        }),
    }
    };
    view! {
        <div class="card audit-chain" data-testid="audit-chain">
            <h2 class="section-title">{move || app.t(Key::AuditChainTitle)}</h2>
            <p class="muted small">{move || app.t(Key::AuditChainHint)}</p>
            <button
                type="button"
                class="btn"
                data-testid="audit-chain-run"
                disabled=move || check.with(|c| *c == Check::Running)
                on:click=run
            >
                {move || app.t(Key::AuditChainRun)}
            </button>
            <div data-testid="audit-chain-status" aria-live="polite">{status}</div>
        </div>
    }
}
