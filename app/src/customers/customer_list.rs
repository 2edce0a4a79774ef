use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::i18n::Key;
use crate::state::use_app;
use crate::store::LocalStore;

/// The customers cached on the device; tapping one starts a visit for them.
#[component]
pub fn CustomerList() -> impl IntoView {
    let app = use_app();
    let navigate = use_navigate();
    let customers = Memo::new(move |_| {
        app.data_rev.track();
        LocalStore::browser().customers()
    });
    view! {
        <section class="page">
            <h1 class="page-title">{move || app.t(Key::CustomersTitle)}</h1>
            <Show when=move || customers.with(Vec::is_empty)>
                <p class="empty">{move || app.t(Key::CustomersEmpty)}</p>
            </Show>
            <ul class="list customer-list">
                <For
                    each=move || customers.get()
                    key=|c| (c.id, c.version)
                    children=move |c| {
                        let navigate = navigate.clone();
                        let href = format!("/visit/new?customer={}", c.id);
                        view! {
                            <li>
                                <button
                                    class="row customer-row"
                                    data-testid="customer-row"
                                    data-id=c.id.to_string()
                                    on:click=move |_| navigate(&href, Default::default())
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
                                        </span>
                                        <span class="row-sub">{c.contact_masked.clone()}</span>
                                        <span class="row-text">{c.summary.clone()}</span>
                                    </span>
                                    <span class="row-action">{move || app.t(Key::StartVisit)} " ›"</span>
                                </button>
                            </li>
                        }
                    }
                />
            </ul>
        </section>
    }
}
