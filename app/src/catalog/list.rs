//! The list of call scripts and surveys with their state (draft, published vN, retired).

use huifang_domain::catalog::{CatalogItem, CatalogKind, CatalogList};
use leptos::prelude::*;

use super::client;
use crate::api::ApiFailure;
use crate::i18n::{self, Key};
use crate::shell::use_door;
use crate::state::use_app;

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Offline,
    Failed,
    Ready(CatalogList),
}

#[component]
pub fn CatalogPage() -> impl IntoView {
    let app = use_app();
    let is_admin = move || {
        app.session
            .with(|s| s.as_ref().is_some_and(|s| s.user.role.can_edit_catalog()))
    };
    view! {
        <section class="page catalog-page" data-testid="catalog-page">
            <div class="page-head">
                <h1 class="page-title">{move || app.t(Key::CatalogTitle)}</h1>
            </div>
            <Show
                when=is_admin
                fallback=move || view! { <p class="empty">{move || app.t(Key::CatalogAdminOnly)}</p> }
            >
                <p class="muted">{move || app.t(Key::CatalogIntro)}</p>
                <div class="catalog-lists">
                    <KindList kind=CatalogKind::Scripts />
                    <KindList kind=CatalogKind::Surveys />
                </div>
            </Show>
        </section>
    }
}

/// One kind's items, with the button that starts a new one.
#[component]
fn KindList(kind: CatalogKind) -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let load = RwSignal::new(Load::Loading);
    Effect::new(move |_| {
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            load.set(match client::list(&session.token, kind).await {
                Ok(list) => Load::Ready(list),
                Err(ApiFailure::Network) => Load::Offline,
                Err(ApiFailure::Unauthorized(_)) => {
                    app.sync.need_auth();
                    Load::Failed
                }
                Err(ApiFailure::Status(..)) => Load::Failed,
            });
        });
    });
    let (title, new_label, segment) = match kind {
        CatalogKind::Scripts => (Key::CatalogScripts, Key::CatalogNewScript, "scripts"),
        CatalogKind::Surveys => (Key::CatalogSurveys, Key::CatalogNewSurvey, "surveys"),
    };
    let rows = move || match load.get() {
        Load::Loading => view! { <p class="muted">{move || app.t(Key::Loading)}</p> }.into_any(),
        Load::Offline => {
            view! { <p class="muted">{move || app.t(Key::CatalogOffline)}</p> }.into_any()
        }
        Load::Failed => view! { <p class="muted">{move || app.t(Key::ErrServer)}</p> }.into_any(),
        Load::Ready(list) if list.items.is_empty() => {
            view! { <p class="empty">{move || app.t(Key::CatalogNone)}</p> }.into_any()
        }
        Load::Ready(list) => view! {
            <table class="catalog-table">
                <thead>
                    <tr>
                        <th scope="col">{move || app.t(Key::CatalogColTitle)}</th>
                        <th scope="col">{move || app.t(Key::CatalogColType)}</th>
                        <th scope="col">{move || app.t(Key::CatalogColState)}</th>
                        <th scope="col">{move || app.t(Key::CatalogColUpdated)}</th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .items
                        .into_iter()
                        .map(|item| view! { <ItemRow item segment /> })
                        .collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    };
    view! {
        <section class="card catalog-kind" data-testid=format!("catalog-{segment}")>
            <div class="catalog-kind-head">
                <h2 class="section-title">{move || app.t(title)}</h2>
                <a
                    class="btn btn-primary"
                    href=door.path(&format!("/catalog/{segment}/new"))
                    data-testid=format!("catalog-new-{segment}")
                >
                    {move || app.t(new_label)}
                </a>
            </div>
            {rows}
        </section>
    }
}

#[component]
fn ItemRow(item: CatalogItem, segment: &'static str) -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let href = door.path(&format!("/catalog/{segment}/{}", item.id));
    let title = item.title.clone();
    let visit_type = item.visit_type;
    let updated = item.updated_at;
    let badges = move || {
        let lang = app.lang.get();
        let mut out = Vec::new();
        match item.published_version {
            Some(v) => out.push(("badge-synced", i18n::published_version(lang, v))),
            None => out.push((
                "badge-queued",
                i18n::t(lang, Key::CatalogStateDraft).to_owned(),
            )),
        }
        if item.has_draft && item.published_version.is_some() {
            out.push((
                "badge-queued",
                i18n::t(lang, Key::CatalogStateChanged).to_owned(),
            ));
        }
        if item.retired_at.is_some() {
            out.push((
                "badge-paused",
                i18n::t(lang, Key::CatalogStateRetired).to_owned(),
            ));
        }
        out.into_iter()
            .map(|(class, text)| view! { <span class=format!("badge {class}")>{text}</span> })
            .collect_view()
    };
    view! {
        <tr data-testid="catalog-row" data-id=item.id.to_string()>
            <td>
                <a href=href data-testid="catalog-open">
                    {move || {
                        if title.trim().is_empty() { app.t(Key::CatalogUntitled).to_owned() } else { title.clone() }
                    }}
                </a>
            </td>
            <td>
                {move || match visit_type {
                    Some(t) => i18n::visit_type_label(app.lang.get(), t),
                    None => app.t(Key::CatalogAnyType),
                }}
            </td>
            <td class="catalog-state" data-testid="catalog-state">{badges}</td>
            <td class="muted">{move || i18n::relative_time(app.lang.get(), updated, app.now.get())}</td>
        </tr>
    }
}
