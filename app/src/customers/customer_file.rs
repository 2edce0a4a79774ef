use leptos::prelude::*;
use uuid::Uuid;

use crate::api::{self, ApiFailure};
use crate::browser;
use crate::i18n::{self, Key};
use crate::state::{settings, use_app};
use crate::store::{CachedFile, LocalStore};
use crate::visits::field;

/// 客户档案: class, VIP, masked contact, summary and past visits, read before the visit so
/// nothing is asked twice. Served from the device; refreshed when the server is reachable.
#[component]
pub fn CustomerFilePanel(customer: Signal<Option<Uuid>>) -> impl IntoView {
    let app = use_app();
    let file = RwSignal::new(None::<CachedFile>);
    let fresh = RwSignal::new(false);
    // The full number lives only here, for this screen: it is never written to the device.
    let revealed = RwSignal::new(None::<Result<String, Key>>);

    Effect::new(move |_| {
        let Some(id) = customer.get() else {
            file.set(None);
            return;
        };
        revealed.set(None);
        fresh.set(false);
        file.set(LocalStore::browser().file(id));
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Ok(f) = api::customer_file(&session.token, id).await {
                let now = browser::now();
                // A full storage still shows the file; it just will not open offline.
                let _ = LocalStore::browser().put_file(f.clone(), now);
                // The visit form may be gone (saved, or left) when the answer arrives.
                if customer.try_get_untracked() == Some(Some(id)) {
                    file.set(Some(CachedFile { file: f, at: now }));
                    fresh.set(true);
                }
            }
        });
    });

    let can_reveal = move || {
        app.session.with(|s| {
            s.as_ref()
                .is_some_and(|s| s.user.role.can_reveal_contacts())
        })
    };
    let reveal = move |_| {
        let (Some(id), Some(session)) = (customer.get_untracked(), app.session.get_untracked())
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            let result = match api::reveal(&session.token, id).await {
                Ok(c) => Ok(c.contact),
                Err(ApiFailure::Network) => Err(Key::RevealOffline),
                Err(_) => Err(Key::RevealFailed),
            };
            revealed.set(Some(result));
        });
    };
    let offset = move || field::offset(Some(settings(app).utc_offset_minutes));
    // Before the file arrives the list entry still says who it is.
    let basic = move || {
        app.data_rev.track();
        customer
            .get()
            .and_then(|id| LocalStore::browser().customer(id))
    };

    view! {
        <Show when=move || customer.get().is_some()>
            <section class="card customer-file" data-testid="customer-file">
                <h2 class="section-title">{move || app.t(Key::FileTitle)}</h2>
                {move || {
                    let c = file.with(|f| f.as_ref().map(|f| f.file.customer.clone())).or_else(basic)?;
                    Some(view! {
                        <p class="row-title">
                            {c.name.clone()}
                            <span class="badge badge-class">{move || app.t(Key::ClassPrefix)} " " {c.class.as_str()}</span>
                            {c.vip.then(|| view! { <span class="badge badge-vip">{move || app.t(Key::Vip)}</span> })}
                        </p>
                        <p class="contact-line">
                            <span data-testid="masked-contact">{c.contact_masked.clone()}</span>
                            <Show when=can_reveal>
                                {move || match revealed.get() {
                                    Some(Ok(number)) => view! { <strong class="revealed" data-testid="revealed-contact">{number}</strong> }.into_any(),
                                    Some(Err(key)) => view! { <span class="field-error" role="alert">{move || app.t(key)}</span> }.into_any(),
                                    None => view! {
                                        <button type="button" class="btn btn-quiet" data-testid="reveal-contact" on:click=reveal>
                                            {move || app.t(Key::RevealContact)}
                                        </button>
                                    }.into_any(),
                                }}
                            </Show>
                        </p>
                        <p class="row-text">{c.summary.clone()}</p>
                    })
                }}
                {move || {
                    let cached = file.get();
                    match (&cached, fresh.get()) {
                        (None, _) => Some(view! { <p class="muted small">{move || app.t(Key::FileNotCached)}</p> }.into_any()),
                        (Some(f), false) => {
                            let when = i18n::clock(f.at, offset());
                            Some(view! { <p class="muted small" data-testid="file-cached-at">{move || i18n::cached_at(app.lang.get(), &when)}</p> }.into_any())
                        }
                        _ => None,
                    }
                }}
                {move || file.get().map(|f| view! { <PastVisits file=f.file offset=offset() /> })}
            </section>
        </Show>
    }
}

#[component]
fn PastVisits(file: huifang_domain::CustomerFile, offset: chrono::FixedOffset) -> impl IntoView {
    let app = use_app();
    let count = file.visits.len();
    let rows = file
        .visits
        .into_iter()
        .map(|v| {
            let r = v.record;
            let when = i18n::clock(r.contacted_at, offset);
            let agent = v.agent_name;
            let sub = move || {
                let lang = app.lang.get();
                let mut parts = vec![
                    when.clone(),
                    i18n::visit_type_label(lang, r.visit_type).to_owned(),
                    i18n::outcome_label(lang, r.outcome).to_owned(),
                    agent.clone(),
                ];
                if let Some(s) = r.satisfaction {
                    parts.push(format!("{} {s}/5", app.t(Key::FieldSatisfaction)));
                }
                parts.join(" · ")
            };
            let quote = r.verbatim.clone();
            view! {
                <li class="file-visit" data-testid="customer-file-visit">
                    <span class="row-sub">{sub}</span>
                    {(!quote.is_empty()).then(|| view! { <span class="row-text quote">{quote.clone()}</span> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <details class="past-visits">
            <summary>{move || app.t(Key::FilePastVisits)} " (" {count} ")"</summary>
            {(count == 0).then(|| view! { <p class="muted small">{move || app.t(Key::FileNoVisits)}</p> })}
            <ul class="list file-visits">{rows}</ul>
        </details>
    }
}
