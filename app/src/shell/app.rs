//! The frame around every screen of either front door: top bar, navigation, banners, toast;
//! the door's routes come from `routes`.

use gloo_timers::callback::Interval;
use leptos::prelude::*;
use leptos_router::components::Router;

use super::login_page::LoginPage;
use super::logout_dialog::LogoutDialog;
use super::nav::{Nav, use_door};
use super::other_users_notice::OtherUsersNotice;
use super::places::{self, Door};
use super::sw_status::{OfflineStatus, UpdateBanner, UpdateTakeover};
use crate::browser;
use crate::i18n::{self, Key};
use crate::people::SetPasswordFirst;
use crate::state::{AppCtx, set_document_lang, use_app};
use crate::store::{WARN_PERCENT, usage_percent};
use crate::sw;
use crate::sync::Trigger;
use crate::widgets::LanguageSwitch;
use crate::widgets::SyncBadge;

const PERIODIC_SYNC_MS: u32 = 30_000;
const CLOCK_TICK_MS: u32 = 15_000;
/// Unsynced records older than this are at risk (eviction, a lost tablet): say so louder.
const STALE_HOURS: i64 = 24;

/// One front door: `door` says which, `routes` is its route table (`super::routes`). Both
/// doors share the store, the session and the sync engine.
#[component]
pub fn App(door: Door, routes: fn() -> AnyView) -> impl IntoView {
    let app = AppCtx::new();
    provide_context(app);
    provide_context(door);
    set_document_lang(app.lang.get_untracked());
    provide_context(sw::register(&door.path("/sw.js")));
    browser::on_connectivity_change(move |online| {
        app.sync.set_nav_online(online);
        if online {
            app.request_sync(Trigger::Online);
        }
    });
    // Both timers live as long as the page.
    Interval::new(PERIODIC_SYNC_MS, move || {
        app.request_sync(Trigger::Periodic)
    })
    .forget();
    Interval::new(CLOCK_TICK_MS, move || app.now.set(browser::now())).forget();
    // A page about to send its user to the other door does not start a sync it would cut off.
    let stays = app
        .session
        .with_untracked(|s| s.as_ref().is_some_and(|s| door.admits(s.user.role)));
    if stays {
        app.request_sync(Trigger::Start);
    }

    // A login (not a re-login) on this page is when a user lands in their door.
    let had_session = StoredValue::new(app.session.with_untracked(Option::is_some));
    view! {
        <Router base=door.base()>
            {move || {
                let role = app.session.with(|s| s.as_ref().map(|s| s.user.role));
                let just_logged_in = role.is_some() && !had_session.get_value();
                had_session.set_value(role.is_some());
                let leave = role.and_then(|r| places::leave_for(door, r, just_logged_in));
                match (role, leave) {
                    (None, _) => view! { <LoginPage /> }.into_any(),
                    _ if app.relogin.get() => view! { <LoginPage /> }.into_any(),
                    _ if app.session.with(|s| s.as_ref().is_some_and(|s| s.must_change_password)) => {
                        view! { <SetPasswordFirst /> }.into_any()
                    }
                    (Some(_), Some(to)) => {
                        // A full page load: the other door is another bundle. Nothing of
                        // this one shows meanwhile.
                        let _ = window().location().replace(&to);
                        ().into_any()
                    }
                    (Some(_), None) => view! { <Shell routes /> }.into_any(),
                }
            }}
            <UpdateTakeover />
            <Toast />
        </Router>
    }
}

#[component]
fn Shell(routes: fn() -> AnyView) -> impl IntoView {
    view! {
        <div class="shell">
            <TopBar />
            <Banners />
            <main class="content" id="main">
                {routes()}
            </main>
            <StorageInfo />
        </div>
    }
}

#[component]
fn TopBar() -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let logout_open = RwSignal::new(false);
    let user = move || app.session.get().map(|s| s.user);
    let on_logout = move |_| {
        let stats = app.sync.status.with_untracked(|s| s.stats);
        if stats.queued + stats.rejected > 0 {
            logout_open.set(true);
        } else {
            app.log_out();
        }
    };
    view! {
        <header class="topbar">
            <div class="topbar-row">
                <span class="brand">{move || app.t(Key::AppName)}</span>
                <SyncBadge />
                <OfflineStatus />
                <span class="spacer"></span>
                // The user's name opens their password page (修改密码).
                <a
                    class="who"
                    href=door.path("/password")
                    data-testid="my-password"
                    title=move || app.t(Key::MyPassword)
                >
                    {move || {
                        user()
                            .map(|u| {
                                format!("{} · {}", u.display_name, i18n::role_label(app.lang.get(), u.role))
                            })
                    }}
                </a>
                <SwitchDoor />
                <LanguageSwitch />
                <button class="btn btn-quiet" data-testid="nav-logout" on:click=on_logout>
                    {move || app.t(Key::NavLogout)}
                </button>
            </div>
            <Nav />
        </header>
        <Show when=move || logout_open.get()>
            <LogoutDialog open=logout_open />
        </Show>
    }
}

/// The link to the other front door, for a role that may use both. A plain link with
/// `rel="external"`: the other door is another bundle, loaded afresh.
#[component]
fn SwitchDoor() -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let target = move || {
        app.session
            .with(|s| s.as_ref().and_then(|s| places::switch(door, s.user.role)))
    };
    move || {
        target().map(|(other, href)| {
            let key = match other {
                Door::Console => Key::SwitchConsole,
                Door::Field => Key::SwitchField,
            };
            view! {
                <a
                    class="btn btn-quiet switch-door"
                    href=href
                    rel="external"
                    data-testid=format!("switch-{}", other.as_str())
                >
                    {move || app.t(key)}
                </a>
            }
        })
    }
}

#[component]
fn Banners() -> impl IntoView {
    let app = use_app();
    let status = app.sync.status;
    // Local storage can be evicted (Safari: 7 days unused), so old unsynced records get a
    // louder notice.
    let unsynced = move || {
        let s = status.with(|s| s.stats);
        let n = s.queued + s.rejected;
        (n > 0).then(|| {
            let now = app.now.get();
            let stale = s
                .oldest
                .is_some_and(|t| now - t > chrono::Duration::hours(STALE_HOURS));
            let age = s
                .oldest
                .map(|t| i18n::relative_time(app.lang.get(), t, now));
            let text = i18n::unsynced_notice(app.lang.get(), n, age.as_deref());
            (text, stale)
        })
    };
    let storage_percent = move || usage_percent(app.storage_used.get());
    view! {
        <UpdateBanner />
        <Show when=move || status.with(|s| s.account_disabled)>
            <DisabledBanner />
        </Show>
        <Show when=move || status.with(|s| s.auth_needed && !s.account_disabled)>
            <div class="banner banner-warn" role="alert" data-testid="relogin-banner">
                <span>{move || app.t(Key::ReloginBanner)}</span>
                <button class="btn btn-primary" on:click=move |_| app.relogin.set(true)>
                    {move || app.t(Key::ReloginButton)}
                </button>
            </div>
        </Show>
        <Show when=move || { storage_percent() >= WARN_PERCENT }>
            <div class="banner banner-warn" role="alert" data-testid="storage-warning">
                {move || i18n::storage_warning(app.lang.get(), storage_percent())}
            </div>
        </Show>
        {move || {
            unsynced()
                .map(|(text, stale)| {
                    let class = if stale { "banner banner-warn" } else { "banner banner-info" };
                    view! {
                        <div class=class data-testid="unsynced-notice">
                            {text}
                        </div>
                    }
                })
        }}
        <OtherUsersNotice />
    }
}

/// The server refused this account (an admin disabled it): nothing queued is dropped, syncing
/// has stopped, and the tablet is to go to a supervisor, whose login opens over this one. The
/// records stay in this user's queue (docs/operations.md says how they reach the server).
#[component]
fn DisabledBanner() -> impl IntoView {
    let app = use_app();
    let queued = move || app.sync.status.with(|s| s.stats.queued + s.stats.rejected);
    view! {
        <div class="banner banner-warn" role="alert" data-testid="disabled-banner">
            <span>
                {move || app.t(Key::DisabledBanner)}
                " "
                {move || i18n::disabled_kept(app.lang.get(), queued())}
            </span>
            <button
                class="btn btn-primary"
                data-testid="disabled-handover"
                on:click=move |_| app.relogin.set(true)
            >
                {move || app.t(Key::DisabledHandOver)}
            </button>
        </div>
    }
}

#[component]
fn StorageInfo() -> impl IntoView {
    let app = use_app();
    let persisted = move || {
        app.persisted.get().map(|granted| {
            app.t(if granted {
                Key::PersistGranted
            } else {
                Key::PersistDenied
            })
        })
    };
    view! {
        <footer class="storage-info" data-testid="storage-info">
            {move || format!("{} {}%", app.t(Key::StorageUsed), usage_percent(app.storage_used.get()))}
            {move || persisted().map(|p| format!(" · {p}"))}
        </footer>
    }
}

#[component]
fn Toast() -> impl IntoView {
    let app = use_app();
    view! {
        {move || {
            app.toast
                .get()
                .map(|(_, text)| {
                    view! {
                        <div class="toast" role="status" data-testid="toast">
                            {text}
                        </div>
                    }
                })
        }}
    }
}
