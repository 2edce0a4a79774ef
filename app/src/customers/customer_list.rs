use gloo_timers::future::TimeoutFuture;
use huifang_domain::Customer;
use huifang_domain::scope::CustomerLookup;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiFailure};
use crate::i18n::Key;
use crate::state::use_app;
use crate::store::LocalStore;

/// A lookup waits this long after the last keystroke before asking the server.
const SEARCH_DELAY_MS: u32 = 350;

/// Where the server side of a lookup stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Online {
    /// Nothing asked (no lookup typed, or not enough of one).
    Idle,
    Searching,
    Done,
    Offline,
    Failed,
}

/// The customers on the device (those of the user's tasks and tickets, and any found
/// before); tapping one starts a visit for them. The search box narrows the device's list as
/// the user types and asks the server too when online; a customer found there is kept on the
/// device when tapped, so the visit goes on offline.
#[component]
pub fn CustomerList() -> impl IntoView {
    let app = use_app();
    let query = RwSignal::new(String::new());
    let found: RwSignal<Vec<Customer>> = RwSignal::new(Vec::new());
    let online = RwSignal::new(Online::Idle);
    let generation = StoredValue::new(0u64);
    let held = Memo::new(move |_| {
        app.data_rev.track();
        LocalStore::browser().customers()
    });
    let lookup = Memo::new(move |_| CustomerLookup::parse(&query.get()).ok());
    let local = Memo::new(move |_| {
        let all = held.get();
        match lookup.get() {
            Some(l) => all
                .into_iter()
                .filter(|c| l.matches(&c.name, &c.contact_masked))
                .collect(),
            None if query.with(|q| q.trim().is_empty()) => all,
            None => Vec::new(),
        }
    });
    // The device's matches, then those found on the server that the device does not hold.
    let rows = Memo::new(move |_| {
        let mut rows: Vec<(Customer, bool)> = local.get().into_iter().map(|c| (c, false)).collect();
        let here = held.get();
        found.with(|f| {
            rows.extend(
                f.iter()
                    .filter(|c| here.iter().all(|h| h.id != c.id))
                    .map(|c| (c.clone(), true)),
            );
        });
        rows
    });
    let search = move |text: String| {
        query.set(text);
        found.set(Vec::new());
        let this = generation.get_value() + 1;
        generation.set_value(this);
        let Some(l) = lookup.get_untracked() else {
            online.set(Online::Idle);
            return;
        };
        let Some(token) = app
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
        else {
            online.set(Online::Offline);
            return;
        };
        online.set(Online::Searching);
        let q = match l {
            CustomerLookup::NamePrefix(p) | CustomerLookup::ContactEnd(p) => p,
        };
        leptos::task::spawn_local(async move {
            // A newer keystroke, or the list left (its values disposed), makes this one moot.
            let current = move || generation.try_get_value() == Some(this);
            TimeoutFuture::new(SEARCH_DELAY_MS).await;
            if !current() {
                return;
            }
            let answer = api::find_customers(&token, &q).await;
            if !current() {
                return;
            }
            match answer {
                Ok(list) => {
                    found.set(list);
                    online.set(Online::Done);
                }
                Err(ApiFailure::Network) => online.set(Online::Offline),
                Err(_) => online.set(Online::Failed),
            }
        });
    };
    let too_few_digits = move || {
        lookup.with(Option::is_none)
            && query.with(|q| {
                let q = q.trim();
                !q.is_empty() && q.chars().all(|c| c.is_ascii_digit())
            })
    };
    let empty = move || {
        if held.with(Vec::is_empty) && query.with(|q| q.trim().is_empty()) {
            Some(Key::CustomersEmpty)
        } else if rows.with(Vec::is_empty)
            && lookup.with(Option::is_some)
            && online.get() != Online::Searching
        {
            Some(Key::CustomerSearchNone)
        } else {
            None
        }
    };
    view! {
        <section class="page">
            <h1 class="page-title">{move || app.t(Key::CustomersTitle)}</h1>
            <label class="field customer-search">
                <span class="label">{move || app.t(Key::CustomerSearchLabel)}</span>
                <input
                    type="search"
                    data-testid="customer-search"
                    autocomplete="off"
                    placeholder=move || app.t(Key::CustomerSearchPlaceholder)
                    prop:value=move || query.get()
                    on:input=move |ev| search(event_target_value(&ev))
                />
                <span class="hint" data-testid="customer-search-status" aria-live="polite">
                    {move || {
                        if too_few_digits() {
                            return app.t(Key::CustomerSearchDigits);
                        }
                        match online.get() {
                            Online::Searching => app.t(Key::CustomerSearchSearching),
                            Online::Offline => app.t(Key::CustomerSearchOffline),
                            Online::Failed => app.t(Key::CustomerSearchFailed),
                            Online::Idle | Online::Done => "",
                        }
                    }}
                </span>
            </label>
            {move || empty().map(|key| view! { <p class="empty" data-testid="customers-empty">{move || app.t(key)}</p> })}
            <ul class="list customer-list">
                <For
                    each=move || rows.get()
                    key=|(c, found)| (c.id, c.version, *found)
                    children=move |(c, found)| view! { <CustomerRow customer=c found /> }
                />
            </ul>
        </section>
    }
}

/// One customer; tapping starts a visit (`found`: found on the server, so first kept on the
/// device).
#[component]
fn CustomerRow(customer: Customer, found: bool) -> impl IntoView {
    let app = use_app();
    let navigate = use_navigate();
    let c = customer;
    let href = format!("/visit/new?customer={}", c.id);
    let kept = c.clone();
    let start = move |_| {
        if found {
            if LocalStore::browser()
                .put_customers(std::slice::from_ref(&kept))
                .is_err()
            {
                app.show_toast(app.t(Key::CustomerKeepFailed).to_owned());
                return;
            }
            app.bump();
        }
        navigate(&href, Default::default());
    };
    view! {
        <li>
            <button
                class="row customer-row"
                data-testid="customer-row"
                data-id=c.id.to_string()
                data-found=found.then_some("server")
                on:click=start
            >
                <span class="row-main">
                    <span class="row-title">
                        {c.name.clone()}
                        <span class="badge badge-class">
                            {move || app.t(Key::ClassPrefix)}
                            " "
                            {c.class.as_str()}
                        </span>
                        {c.vip.then(|| view! { <span class="badge badge-vip">{move || app.t(Key::Vip)}</span> })}
                        {found.then(|| view! { <span class="badge badge-found">{move || app.t(Key::CustomerSearchOnline)}</span> })}
                    </span>
                    <span class="row-sub">{c.contact_masked.clone()}</span>
                    <span class="row-text">{c.summary.clone()}</span>
                </span>
                <span class="row-action">{move || app.t(Key::StartVisit)} " ›"</span>
            </button>
        </li>
    }
}
