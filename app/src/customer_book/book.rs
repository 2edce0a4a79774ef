//! The customer book's screen: the searches and filters, the table read by cursor with "load
//! more", and the editor opened above it for a new or a chosen customer.

use huifang_domain::ListTotal;
use huifang_domain::customer_book::CustomerProfile;
use leptos::prelude::*;

use super::editor::CustomerEditor;
use super::form::Query;
use super::remote;
use crate::api::ApiFailure;
use crate::i18n::{self, Key};
use crate::state::use_app;

const LIMIT: u32 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Loading,
    Ready,
    Offline,
    Failed,
}

/// Which customer the editor holds, if it is open.
#[derive(Debug, Clone, PartialEq)]
enum Editing {
    Closed,
    New,
    Customer(Box<CustomerProfile>),
}

#[component]
pub fn CustomerBook() -> impl IntoView {
    let app = use_app();
    // What the search boxes hold, and what the list was last asked for.
    let draft = RwSignal::new(Query::new());
    let asked = RwSignal::new(Query::new());
    let rows = RwSignal::new(Vec::<CustomerProfile>::new());
    let next = RwSignal::new(None::<String>);
    let total = RwSignal::new(None::<ListTotal>);
    let status = RwSignal::new(Status::Loading);
    let editing = RwSignal::new(Editing::Closed);
    let reload = RwSignal::new(0u32);

    let load = move |after: Option<String>| {
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        let query = asked.get_untracked().to_query_string();
        status.set(Status::Loading);
        leptos::task::spawn_local(async move {
            match remote::list(&session.token, &query, after.as_deref(), LIMIT).await {
                Ok(page) => {
                    if after.is_some() {
                        rows.update(|r| r.extend(page.customers));
                    } else {
                        rows.set(page.customers);
                    }
                    next.set(page.next);
                    total.set(Some(page.total));
                    status.set(Status::Ready);
                }
                Err((ApiFailure::Network, _)) => status.set(Status::Offline),
                Err((ApiFailure::Unauthorized(_), _)) => {
                    app.sync.need_auth();
                    status.set(Status::Failed);
                }
                Err(_) => status.set(Status::Failed),
            }
        });
    };
    Effect::new(move |_| {
        asked.track();
        reload.track();
        load(None);
    });

    let done = Callback::new(move |()| {
        editing.set(Editing::Closed);
        reload.update(|n| *n += 1);
    });

    view! {
        <section class="page book">
            <header class="book-head">
                <h1 class="page-title">{move || app.t(Key::BookTitle)}</h1>
                <div class="book-head-actions">
                    <a class="btn" href="/console/customers/import" data-testid="customer-import">
                        {move || app.t(Key::BookImport)}
                    </a>
                    <button class="btn btn-primary" data-testid="book-new"
                            on:click=move |_| editing.set(Editing::New)>
                        {move || app.t(Key::BookNew)}
                    </button>
                </div>
            </header>
            {move || match editing.get() {
                Editing::Closed => None,
                Editing::New => Some(view! { <CustomerEditor start=None on_done=done /> }.into_any()),
                Editing::Customer(p) => Some(view! { <CustomerEditor start=Some(*p) on_done=done /> }.into_any()),
            }}
            <Filters draft on_search=Callback::new(move |()| asked.set(draft.get_untracked())) />
            <p class="muted" aria-live="polite">
                {move || app.t(Key::BookTotal)} " "
                <strong data-testid="book-total">{move || total.get().map(i18n::list_total)}</strong>
            </p>
            {move || match status.get() {
                Status::Offline => Some(view! { <p class="empty" data-testid="book-offline">{app.t(Key::BookOffline)}</p> }.into_any()),
                Status::Failed => Some(view! { <p class="empty">{app.t(Key::ErrServer)}</p> }.into_any()),
                _ if status.get() == Status::Ready && rows.with(Vec::is_empty) => {
                    Some(view! { <p class="empty" data-testid="book-empty">{app.t(Key::BookEmpty)}</p> }.into_any())
                }
                _ => None,
            }}
            <Table rows on_edit=Callback::new(move |p| editing.set(Editing::Customer(Box::new(p)))) />
            {move || next.get().map(|cursor| view! {
                <div class="more-rows">
                    <button class="btn" data-testid="book-more" disabled=move || status.get() == Status::Loading
                            on:click=move |_| load(Some(cursor.clone()))>
                        {move || app.t(Key::BookLoadMore)}
                    </button>
                </div>
            })}
        </section>
    }
}

/// The search (by name, number, external id or tag) and the filters; applied on 查找.
#[component]
fn Filters(draft: RwSignal<Query>, on_search: Callback<()>) -> impl IntoView {
    let app = use_app();
    let select = |id: &'static str,
                  label: Key,
                  get: fn(&Query) -> String,
                  set: fn(&mut Query, String),
                  options: Vec<(&'static str, Option<Key>)>| {
        view! {
            <div class="field">
                <label class="label" for=id>{move || app.t(label)}</label>
                <select id=id data-testid=id
                        prop:value=move || draft.with(get)
                        on:change=move |ev| draft.update(|q| set(q, event_target_value(&ev)))>
                    {options.into_iter().map(|(v, k)| view! {
                        <option value=v>{move || k.map_or(v, |k| app.t(k))}</option>
                    }).collect_view()}
                </select>
            </div>
        }
    };
    // Class letters read the same in every language.
    let classes = || {
        vec![
            ("", Some(Key::BookAny)),
            ("A", None),
            ("B", None),
            ("C", None),
            ("D", None),
        ]
    };
    view! {
        <form class="book-filters" role="search" data-testid="book-filters"
              on:submit=move |ev| { ev.prevent_default(); on_search.run(()); }>
            {select("book-search-by", Key::BookSearchBy, |q| q.by.clone(), |q, v| q.by = v, vec![
                ("name", Some(Key::BookByName)),
                ("contact", Some(Key::BookByContact)),
                ("external_id", Some(Key::BookByExternalId)),
                ("tag", Some(Key::BookByTag)),
            ])}
            <div class="field book-search-text">
                <label class="label" for="book-search-text">{move || app.t(Key::BookSearchText)}</label>
                <input id="book-search-text" type="search" data-testid="book-search-text"
                       prop:value=move || draft.with(|q| q.text.clone())
                       on:input=move |ev| draft.update(|q| q.text = event_target_value(&ev)) />
            </div>
            {select("book-class", Key::BookColClass, |q| q.class.clone(), |q, v| q.class = v, classes())}
            {select("book-vip", Key::BookColVip, |q| q.vip.clone(), |q, v| q.vip = v, vec![
                ("", Some(Key::BookAny)),
                ("true", Some(Key::BookVipOnly)),
                ("false", Some(Key::BookNotVip)),
            ])}
            <div class="field">
                <label class="label" for="book-region">{move || app.t(Key::BookRegion)}</label>
                <input id="book-region" data-testid="book-region"
                       prop:value=move || draft.with(|q| q.region.clone())
                       on:input=move |ev| draft.update(|q| q.region = event_target_value(&ev)) />
            </div>
            <div class="field">
                <label class="label" for="book-last-visit">{move || app.t(Key::BookLastVisitBefore)}</label>
                <input id="book-last-visit" type="date" data-testid="book-last-visit"
                       prop:value=move || draft.with(|q| q.last_visit_before.clone())
                       on:input=move |ev| draft.update(|q| q.last_visit_before = event_target_value(&ev)) />
            </div>
            {select("book-archived", Key::BookShow,
                |q| if q.archived { "archived".into() } else { String::new() },
                |q, v| q.archived = v == "archived",
                vec![("", Some(Key::BookActive)), ("archived", Some(Key::BookArchived))])}
            <button type="submit" class="btn btn-primary" data-testid="book-search">
                {move || app.t(Key::BookSearch)}
            </button>
        </form>
    }
}

/// The customers found, one row each; a row's 编辑 opens the editor.
#[component]
fn Table(
    rows: RwSignal<Vec<CustomerProfile>>,
    on_edit: Callback<CustomerProfile>,
) -> impl IntoView {
    let app = use_app();
    let heads = [
        Key::BookColName,
        Key::BookColContact,
        Key::BookColClass,
        Key::BookColVip,
        Key::BookColTags,
        Key::BookColRegion,
        Key::BookColLastVisit,
        Key::BookColExternalId,
        Key::BookColActions,
    ];
    view! {
        <div class="book-table-wrap">
            <table class="book-table" data-testid="book-table">
                <thead>
                    <tr>{heads.map(|k| view! { <th scope="col">{move || app.t(k)}</th> })}</tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|p| (p.id, p.version) let:p>
                        {
                            let edit = p.clone();
                            let who = p.name.clone();
                            let last = p.last_visit_at;
                            view! {
                                <tr data-testid="book-row" data-id=p.id.to_string()>
                                    <td class="book-name">{p.name.clone()}</td>
                                    <td data-testid="book-contact">{p.contact_masked.clone()}</td>
                                    <td>{p.class.as_str()}</td>
                                    <td>{p.vip.then(|| view! { <span class="badge badge-vip">{app.t(Key::Vip)}</span> })}</td>
                                    <td>{p.tags.join("、")}</td>
                                    <td>{p.region.clone()}</td>
                                    <td>{move || match last {
                                        Some(at) => i18n::relative_time(app.lang.get(), at, app.now.get()),
                                        None => app.t(Key::BookNever).to_owned(),
                                    }}</td>
                                    <td>{p.external_id.clone().unwrap_or_default()}</td>
                                    <td>
                                        <button class="btn btn-quiet" data-testid="book-edit"
                                                aria-label=move || format!("{} {who}", app.t(Key::BookEdit))
                                                on:click=move |_| on_edit.run(edit.clone())>
                                            {move || app.t(Key::BookEdit)}
                                        </button>
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
        </div>
    }
}
