//! The supervisor's "All" (全部) ticket list, read online by cursor: the device keeps only the
//! tickets its user acts on, so every ticket is a server question.

use huifang_domain::ticket::TicketView;
use huifang_domain::{ListTotal, User};
use leptos::prelude::*;

use super::list::TicketRow;
use super::logic::ShownTicket;
use crate::api::{self, ApiFailure};
use crate::i18n::Key;
use crate::state::use_app;

const LIMIT: u32 = 50;

#[derive(Clone, PartialEq)]
enum Online {
    Loading,
    Offline,
    Failed,
    /// The pages read so far, and the cursor of the next one.
    Loaded {
        views: Vec<TicketView>,
        next: Option<String>,
    },
}

/// Every ticket, newest change first, a page at a time ("load more"); `total` gets the
/// server's count for the filter's badge.
#[component]
pub fn OnlineTickets(
    users: RwSignal<Vec<User>>,
    total: RwSignal<Option<ListTotal>>,
    /// More of the query string (the statistics' drill-down), already encoded.
    #[prop(into)]
    filter: String,
) -> impl IntoView {
    let app = use_app();
    let filter = StoredValue::new(filter);
    let state = RwSignal::new(Online::Loading);
    let busy = RwSignal::new(false);
    let load = move |after: Option<String>| {
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        busy.set(true);
        let filter = filter.get_value();
        leptos::task::spawn_local(async move {
            let answer = api::tickets(&session.token, &filter, after.as_deref(), LIMIT).await;
            busy.set(false);
            match answer {
                Ok(list) => {
                    total.set(Some(list.total));
                    state.update(|s| {
                        let mut views =
                            match (after.is_some(), std::mem::replace(s, Online::Loading)) {
                                (true, Online::Loaded { views, .. }) => views,
                                _ => Vec::new(),
                            };
                        views.extend(list.tickets);
                        *s = Online::Loaded {
                            views,
                            next: list.next,
                        };
                    });
                }
                Err(ApiFailure::Network) => state.set(Online::Offline),
                Err(ApiFailure::Unauthorized(_)) => {
                    app.sync.need_auth();
                    state.set(Online::Failed);
                }
                Err(ApiFailure::Status(..)) => state.set(Online::Failed),
            }
        });
    };
    load(None);

    move || match state.get() {
        Online::Loading => view! { <p class="empty">{move || app.t(Key::Loading)}</p> }.into_any(),
        failed @ (Online::Offline | Online::Failed) => {
            let key = if failed == Online::Offline {
                Key::TicketsAllOffline
            } else {
                Key::ErrServer
            };
            view! {
                <div class="empty" data-testid="tickets-online-offline">
                    <p>{move || app.t(key)}</p>
                    <button class="btn" on:click=move |_| {
                        state.set(Online::Loading);
                        load(None);
                    }>
                        {move || app.t(Key::Retry)}
                    </button>
                </div>
            }
            .into_any()
        }
        Online::Loaded { views, next } => {
            let empty = views.is_empty();
            let rows = views
                .into_iter()
                .map(|v| {
                    let shown = ShownTicket {
                        ticket: v.ticket,
                        local: false,
                        pending: 0,
                    };
                    view! { <TicketRow shown views=v.clocks users=users.get_untracked() /> }
                })
                .collect_view();
            view! {
                {empty.then(|| view! { <p class="empty">{move || app.t(Key::TicketsEmpty)}</p> })}
                <ul class="list" data-testid="tickets-online">{rows}</ul>
                {next.map(|cursor| view! {
                    <div class="pager">
                        <button
                            class="btn"
                            data-testid="tickets-more"
                            disabled=move || busy.get()
                            on:click=move |_| load(Some(cursor.clone()))
                        >
                            {move || app.t(Key::LoadMore)}
                        </button>
                    </div>
                })}
            }
            .into_any()
        }
    }
}
