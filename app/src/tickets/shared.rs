//! What the ticket screens share: the rules and tickets as the device shows them, the
//! people a ticket can name, and queuing a change.

use huifang_domain::sla::ClockState;
use huifang_domain::{MutationKind, User};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api;
use crate::browser;
use crate::i18n::{self, Key};
use crate::state::{AppCtx, use_app};
use crate::store::{LocalStore, keys};
use crate::sync::Trigger;
use crate::tickets::logic::{self, ShownTicket, TicketRules};

/// The ticket rules as last pulled, or the defaults.
pub fn rules(app: AppCtx) -> TicketRules {
    app.data_rev.track();
    LocalStore::browser()
        .get(keys::TICKET_RULES)
        .unwrap_or_default()
}

pub fn me(app: AppCtx) -> Option<User> {
    app.session.with(|s| s.as_ref().map(|s| s.user.clone()))
}

/// Every ticket the device shows, the user's queued changes laid over.
pub fn shown(app: AppCtx) -> Memo<Vec<ShownTicket>> {
    Memo::new(move |_| {
        app.data_rev.track();
        let Some(me) = me(app) else {
            return Vec::new();
        };
        let store = LocalStore::browser();
        let queue: Vec<_> = store
            .outbox(me.id)
            .into_iter()
            .map(|e| e.mutation)
            .collect();
        logic::shown_tickets(&rules(app), store.tickets(), &queue, &me)
    })
}

pub fn cached_users() -> Vec<User> {
    LocalStore::browser().get(keys::USERS).unwrap_or_default()
}

/// A user's name from the cached list, or the logged-in user's own; `None` when this device
/// does not know them (agents cannot list the staff).
pub fn known_name(users: &[User], me: Option<&User>, id: Uuid) -> Option<String> {
    users
        .iter()
        .chain(me)
        .find(|u| u.id == id)
        .map(|u| u.display_name.clone())
}

pub fn user_name(users: &[User], id: Uuid) -> String {
    let me = use_app()
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.user.clone()));
    known_name(users, me.as_ref(), id).unwrap_or_else(|| {
        let lang = use_app().lang.get_untracked();
        i18n::t(lang, Key::SomeoneElse).to_owned()
    })
}

/// Reads the people a ticket can be assigned to, and keeps them for offline use.
pub fn refresh_users(app: AppCtx, users: RwSignal<Vec<User>>) {
    let Some(token) = app
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
    else {
        return;
    };
    leptos::task::spawn_local(async move {
        if let Ok(list) = api::users(&token).await {
            let _ = LocalStore::browser().put(keys::USERS, &list);
            users.set(list);
        }
    });
}

pub fn queue(app: AppCtx, id: Uuid, kind: MutationKind, data: serde_json::Value) -> bool {
    let Some(me) = me(app) else {
        return false;
    };
    match LocalStore::browser().queue(&me, id, kind, data, browser::now()) {
        Ok(_) => {
            app.bump();
            app.request_sync(Trigger::Saved);
            true
        }
        Err(_) => {
            app.show_toast(app.t(Key::ErrStorage).to_owned());
            false
        }
    }
}

pub fn clock_class(state: ClockState) -> &'static str {
    match state {
        ClockState::Running => "clock clock-running",
        ClockState::Warning => "clock clock-warning",
        ClockState::Paused => "clock clock-paused",
        ClockState::Breached => "clock clock-breached",
        ClockState::Met => "clock clock-met",
    }
}

pub fn offset(app: AppCtx) -> chrono::FixedOffset {
    crate::visits::field::offset(Some(crate::state::settings(app).utc_offset_minutes))
}

pub fn when(app: AppCtx, at: chrono::DateTime<chrono::Utc>) -> String {
    i18n::clock(at, offset(app))
}
