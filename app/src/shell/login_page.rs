use huifang_domain::LoginRequest;
use leptos::prelude::*;

use super::other_users_notice::OtherUsersNotice;
use crate::api::{self, ApiFailure};
use crate::i18n::Key;
use crate::state::use_app;
use crate::store::{LocalStore, Session};
use crate::widgets::LanguageSwitch;

/// The first screen without a session, and the re-login screen when it expired.
#[component]
pub fn LoginPage() -> impl IntoView {
    let app = use_app();
    let username = RwSignal::new(
        app.session
            .get_untracked()
            .map(|s| s.user.username)
            .unwrap_or_default(),
    );
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<Key>);
    let has_unsynced = app.sync.status.with_untracked(|s| s.stats.queued > 0);
    let relogin = app.session.get_untracked().is_some();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let req = LoginRequest {
            username: username.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            let result = api::login(&req).await;
            busy.set(false);
            let failure = match result {
                Ok(resp) => {
                    let previous = app.session.get_untracked().map(|s| s.user.id);
                    if previous.is_some_and(|id| id != resp.user.id) {
                        // Another person takes over the tablet: the last user's customer
                        // files are not theirs to read. Queued records stay.
                        LocalStore::browser().forget_user_data();
                    }
                    let session = Session {
                        token: resp.token,
                        user: resp.user,
                        expires_at: resp.expires_at,
                        must_change_password: resp.must_change_password,
                    };
                    match app.logged_in(session) {
                        Ok(()) => return,
                        Err(_) => Key::StorageFull,
                    }
                }
                Err(ApiFailure::Unauthorized(code)) if code == "account_disabled" => {
                    Key::LoginDisabled
                }
                Err(ApiFailure::Unauthorized(_)) => Key::LoginInvalid,
                Err(ApiFailure::Status(429, _)) => Key::LoginRateLimited,
                Err(ApiFailure::Network) => Key::LoginOffline,
                Err(ApiFailure::Status(..)) => Key::LoginFailed,
            };
            error.set(Some(failure));
        });
    };

    view! {
        <div class="login-page">
            <div class="login-lang">
                <LanguageSwitch />
            </div>
            <form class="card login-card" on:submit=submit>
                <h1 class="login-brand">{move || app.t(Key::AppName)}</h1>
                <p class="muted">{move || app.t(Key::LoginSubtitle)}</p>
                <Show when=move || relogin>
                    <p class="banner banner-warn">{move || app.t(Key::ReloginBanner)}</p>
                </Show>
                <label class="field">
                    <span class="label">{move || app.t(Key::Username)}</span>
                    <input
                        type="text"
                        name="username"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        required
                        data-testid="login-username"
                        bind:value=username
                    />
                </label>
                <label class="field">
                    <span class="label">{move || app.t(Key::Password)}</span>
                    <input
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                        data-testid="login-password"
                        bind:value=password
                    />
                </label>
                {move || {
                    error
                        .get()
                        .map(|key| {
                            view! {
                                <p class="form-error" role="alert" data-testid="login-error">
                                    {move || app.t(key)}
                                </p>
                            }
                        })
                }}
                <Show when=move || has_unsynced>
                    <p class="muted">{move || app.t(Key::LoginKeptRecords)}</p>
                </Show>
                <OtherUsersNotice />
                <button
                    type="submit"
                    class="btn btn-primary btn-block"
                    data-testid="login-submit"
                    disabled=move || busy.get()
                >
                    {move || app.t(if busy.get() { Key::LoginBusy } else { Key::LoginSubmit })}
                </button>
                <Show when=move || relogin>
                    <button
                        type="button"
                        class="btn btn-quiet btn-block"
                        on:click=move |_| app.relogin.set(false)
                    >
                        {move || app.t(Key::Cancel)}
                    </button>
                </Show>
            </form>
        </div>
    }
}
