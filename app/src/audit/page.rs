//! The screen: the filter form and quick filters, the list newest first with "more", and the
//! tamper check.

use gloo_net::http::Request;
use huifang_domain::User;
use huifang_domain::audit::{AuditEntry, AuditList};
use leptos::prelude::*;

use super::chain::ChainStatus;
use super::entry::AuditRow;
use super::filters::{Filters, Quick};
use super::{ACTIONS, ENTITIES};
use crate::api::{self, ApiFailure};
use crate::i18n::{self, Key};
use crate::state::{settings, use_app};
use crate::widgets::Unavailable;

const LIMIT: u32 = 30;

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    Offline,
    Failed,
    Loaded,
}

#[component]
pub fn AuditTrail() -> impl IntoView {
    let app = use_app();
    let offset =
        Memo::new(move |_| crate::visits::field::offset(Some(settings(app).utc_offset_minutes)));
    let filters = RwSignal::new(Filters::default());
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let total = RwSignal::new(None::<huifang_domain::paging::ListTotal>);
    let next = RwSignal::new(None::<String>);
    let state = RwSignal::new(Load::Loading);
    let reload = RwSignal::new(0u32);
    let people = RwSignal::new(Vec::<User>::new());

    Effect::new(move |_| {
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Ok(list) = api::users(&session.token).await {
                people.set(list);
            }
        });
    });

    let load = move |more: bool| {
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        let mut query = filters.get_untracked().query(offset.get_untracked(), LIMIT);
        if more {
            match next.get_untracked() {
                Some(after) => query.push_str(&format!("&after={after}")),
                None => return,
            }
        } else {
            state.set(Load::Loading);
        }
        leptos::task::spawn_local(async move {
            let url = format!("/api/audit?{query}");
            let answer = api::exchange::<()>(Request::get(&url), &session.token, None).await;
            let page = match answer {
                Ok((200, body)) => crate::json::from_value::<AuditList>(&body).ok(),
                Err(ApiFailure::Network) => {
                    state.set(Load::Offline);
                    return;
                }
                Err(ApiFailure::Unauthorized(_)) => {
                    app.sync.need_auth();
                    None
                }
                Err(ApiFailure::Status(..)) | Ok(_) => None,
            };
            let Some(page) = page else {
                state.set(Load::Failed);
                return;
            };
            next.set(page.next);
            total.set(Some(page.total));
            if more {
                entries.update(|e| e.extend(page.entries));
            } else {
                entries.set(page.entries);
            }
            state.set(Load::Loaded);
        });
    };
    Effect::new(move |_| {
        reload.track();
        load(false);
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        filters.update(|f| f.quick = None);
        load(false);
    };
    let quick = move |q: Option<Quick>| {
        filters.update(|f| {
            f.quick = q;
            f.action.clear();
        });
        load(false);
    };

    let list = move || {
        match state.get() {
        Load::Loading => view! { <p class="empty">{move || app.t(Key::Loading)}</p> }.into_any(),
        Load::Offline | Load::Failed => view! {
            <Unavailable offline=state.with_untracked(|s| *s == Load::Offline) offline_key=Key::AuditOffline reload testid="audit-offline" />
        }
        .into_any(),
        Load::Loaded => view! {
            <p class="muted">
                <strong data-testid="audit-total">{move || total.get().map(i18n::list_total)}</strong>
                " " {move || app.t(Key::AuditTotal)}
            </p>
            <Show when=move || entries.with(Vec::is_empty)>
                <p class="empty" data-testid="audit-empty">{move || app.t(Key::AuditEmpty)}</p>
            </Show>
            <ul class="list audit-list" data-testid="audit-list">
                <For
                    each=move || entries.get()
                    key=|e| e.id
                    children=move |e| view! { <AuditRow entry=e offset /> }
                />
            </ul>
            <Show when=move || next.with(Option::is_some)>
                <button type="button" class="btn" data-testid="audit-more" on:click=move |_| load(true)>
                    {move || app.t(Key::AuditMore)}
                </button>
            </Show>
        }
        .into_any(),
    }
    };

    view! {
        <section class="page audit-page">
            <h1 class="page-title">{move || app.t(Key::AuditTitle)}</h1>
            <p class="muted">{move || app.t(Key::AuditIntro)}</p>
            <div class="audit-layout">
                <div class="audit-main">
                    <form class="card audit-filters" data-testid="audit-filters" on:submit=on_submit>
                        <label class="field">
                            <span class="label">{move || app.t(Key::AuditPerson)}</span>
                            <select data-testid="audit-filter-user" on:change=move |ev| filters.update(|f| f.user = event_target_value(&ev))>
                                <option value="">{move || app.t(Key::AuditAnyone)}</option>
                                {move || people.get().into_iter().map(|u| {
                                    let id = u.id.to_string();
                                    let selected = filters.with(|f| f.user == id);
                                    view! { <option value=id selected=selected>{u.display_name}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <label class="field">
                            <span class="label">{move || app.t(Key::AuditAction)}</span>
                            <select data-testid="audit-filter-action" prop:value=move || filters.with(|f| f.action.clone()) on:change=move |ev| filters.update(|f| f.action = event_target_value(&ev))>
                                <option value="">{move || app.t(Key::AuditAnyAction)}</option>
                                {ACTIONS.iter().map(|a| view! {
                                    <option value=*a>{move || i18n::audit_action_label(app.lang.get(), a)}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <label class="field">
                            <span class="label">{move || app.t(Key::AuditEntity)}</span>
                            <select data-testid="audit-filter-entity" on:change=move |ev| filters.update(|f| f.entity = event_target_value(&ev))>
                                <option value="">{move || app.t(Key::AuditAnyEntity)}</option>
                                {ENTITIES.iter().map(|e| view! {
                                    <option value=*e>{move || i18n::audit_entity_label(app.lang.get(), e)}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <label class="field">
                            <span class="label">{move || app.t(Key::AuditFrom)}</span>
                            <input type="date" data-testid="audit-filter-from" on:change=move |ev| filters.update(|f| f.from = event_target_value(&ev)) />
                        </label>
                        <label class="field">
                            <span class="label">{move || app.t(Key::AuditTo)}</span>
                            <input type="date" data-testid="audit-filter-to" on:change=move |ev| filters.update(|f| f.to = event_target_value(&ev)) />
                        </label>
                        <div class="form-actions">
                            <button type="submit" class="btn btn-primary" data-testid="audit-apply">{move || app.t(Key::AuditApply)}</button>
                        </div>
                    </form>
                    <div class="seg audit-quick" role="group" aria-label=move || app.t(Key::AuditQuick)>
                        <button
                            type="button"
                            class="seg-btn"
                            data-testid="audit-quick-all"
                            aria-pressed=move || filters.with(|f| f.quick.is_none()).to_string()
                            on:click=move |_| quick(None)
                        >
                            {move || app.t(Key::AuditQuickAll)}
                        </button>
                        {Quick::ALL.into_iter().map(|q| view! {
                            <button
                                type="button"
                                class="seg-btn"
                                data-testid=q.testid()
                                aria-pressed=move || filters.with(|f| f.quick == Some(q)).to_string()
                                on:click=move |_| quick(Some(q))
                            >
                                {move || app.t(q.key())}
                            </button>
                        }).collect_view()}
                    </div>
                    {list}
                </div>
                <ChainStatus />
            </div>
        </section>
    }
}
