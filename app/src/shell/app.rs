//! The frame around every screen: top bar, navigation, banners, toast, routes.

use gloo_timers::callback::Interval;
use huifang_domain::Role;
use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

use super::login_page::LoginPage;
use super::logout_dialog::LogoutDialog;
use super::nav::Nav;
use super::other_users_notice::OtherUsersNotice;
use crate::browser;
use crate::customers::CustomerList;
use crate::i18n::{self, Key};
use crate::review::{AdminVisits, Supervise};
use crate::rules::RulesPage;
use crate::state::{AppCtx, set_document_lang, use_app};
use crate::store::{WARN_PERCENT, usage_percent};
use crate::sw;
use crate::sync::Trigger;
use crate::tasks::MyTasks;
use crate::tasks::PlanVisit;
use crate::tickets::{TicketIntakePage, TicketList, TicketPage};
use crate::visits::Drafts;
use crate::visits::MyVisits;
use crate::visits::NeedsAttention;
use crate::visits::VisitPage;
use crate::widgets::LanguageSwitch;
use crate::widgets::SyncBadge;

const PERIODIC_SYNC_MS: u32 = 30_000;
const CLOCK_TICK_MS: u32 = 15_000;
/// Unsynced records older than this are at risk (eviction, a lost tablet): say so louder.
const STALE_HOURS: i64 = 24;

#[component]
pub fn App() -> impl IntoView {
    let app = AppCtx::new();
    provide_context(app);
    set_document_lang(app.lang.get_untracked());
    sw::register(app.update_ready);
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
    if app.session.get_untracked().is_some() {
        app.request_sync(Trigger::Start);
    }

    view! {
        <Router>
            {move || {
                if app.session.with(Option::is_none) || app.relogin.get() {
                    view! { <LoginPage /> }.into_any()
                } else {
                    view! { <Shell /> }.into_any()
                }
            }}
            <UpdateBanner />
            <Toast />
        </Router>
    }
}

#[component]
fn Shell() -> impl IntoView {
    let app = use_app();
    let role = move || app.session.with(|s| s.as_ref().map(|s| s.user.role));
    let home = move || match role() {
        Some(Role::Admin) => "/admin",
        _ => "/tasks",
    };
    view! {
        <div class="shell">
            <TopBar />
            <Banners />
            <main class="content" id="main">
                <Routes fallback=move || view! { <p class="empty">{move || app.t(Key::NotFound)}</p> }>
                    <Route path=path!("/") view=move || view! { <Redirect path=home() /> } />
                    <Route path=path!("/login") view=move || view! { <Redirect path=home() /> } />
                    <Route path=path!("/tasks") view=MyTasks />
                    <Route path=path!("/plan") view=PlanVisit />
                    <Route path=path!("/drafts") view=Drafts />
                    <Route path=path!("/customers") view=CustomerList />
                    <Route path=path!("/visit/new") view=VisitPage />
                    <Route path=path!("/visits") view=MyVisits />
                    <Route path=path!("/attention") view=NeedsAttention />
                    <Route path=path!("/admin") view=AdminVisits />
                    <Route path=path!("/tickets") view=TicketList />
                    <Route path=path!("/tickets/new") view=TicketIntakePage />
                    <Route path=path!("/tickets/:id") view=TicketPage />
                    <Route path=path!("/supervise") view=Supervise />
                    <Route path=path!("/rules") view=RulesPage />
                </Routes>
            </main>
            <StorageInfo />
        </div>
    }
}

#[component]
fn TopBar() -> impl IntoView {
    let app = use_app();
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
                <span class="spacer"></span>
                <span class="who">
                    {move || {
                        user()
                            .map(|u| {
                                format!("{} · {}", u.display_name, i18n::role_label(app.lang.get(), u.role))
                            })
                    }}
                </span>
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
        <Show when=move || status.with(|s| s.auth_needed)>
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
fn UpdateBanner() -> impl IntoView {
    let app = use_app();
    view! {
        <Show when=move || app.update_ready.get()>
            <div class="update-banner" role="status" data-testid="update-banner">
                <span>{move || app.t(Key::UpdateBanner)}</span>
                <button class="btn btn-primary" on:click=move |_| sw::activate_update()>
                    {move || app.t(Key::UpdateReload)}
                </button>
            </div>
        </Show>
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
