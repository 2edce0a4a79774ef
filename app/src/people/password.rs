use huifang_domain::people::{PasswordChange, password_problem};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiFailure};
use crate::i18n::{self, Key};
use crate::state::use_app;

/// The screen a one-time password leads to, before anything else of either door.
#[component]
pub fn SetPasswordFirst() -> impl IntoView {
    let app = use_app();
    view! {
        <main class="login-page" id="main">
            <div class="card login-card" data-testid="set-password">
                <h1 class="login-brand">{move || app.t(Key::SetPasswordTitle)}</h1>
                <p class="muted">{move || app.t(Key::SetPasswordHint)}</p>
                <PasswordForm first=true />
                <button
                    type="button"
                    class="btn btn-quiet btn-block"
                    data-testid="set-password-logout"
                    on:click=move |_| app.log_out()
                >
                    {move || app.t(Key::NavLogout)}
                </button>
            </div>
        </main>
    }
}

/// 修改密码, reached from the user's name in the top bar.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let app = use_app();
    view! {
        <section class="page page-password">
            <h1 class="page-title">{move || app.t(Key::MyPassword)}</h1>
            <div class="card password-card">
                <PasswordForm first=false />
            </div>
        </section>
    }
}

/// Current password, the new one twice. The domain's rule is checked here first, so a weak
/// password is refused offline with the same words the server would use.
#[component]
fn PasswordForm(first: bool) -> impl IntoView {
    let app = use_app();
    let navigate = use_navigate();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    // (the field it is about, the sentence)
    let error = RwSignal::new(None::<(&'static str, String)>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        let lang = app.lang.get_untracked();
        let change = PasswordChange {
            current: current.get_untracked(),
            new: new.get_untracked(),
        };
        if let Some(p) =
            password_problem(&session.user.username, &change.new, Some(&change.current))
        {
            error.set(Some(("new", i18n::password_problem(lang, p))));
            return;
        }
        if change.new != again.get_untracked() {
            error.set(Some(("again", app.t(Key::PasswordMismatch).to_owned())));
            return;
        }
        error.set(None);
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = api::change_password(&session.token, &change).await;
            busy.set(false);
            let key = match result {
                Ok(()) => {
                    app.password_changed();
                    app.show_toast(app.t(Key::PasswordChanged).to_owned());
                    if !first {
                        navigate("/", Default::default());
                    }
                    return;
                }
                Err(r) if r.field.as_deref() == Some("current") => {
                    error.set(Some(("current", app.t(Key::PasswordWrong).to_owned())));
                    return;
                }
                Err(r) => match r.failure {
                    ApiFailure::Network => Key::ErrNetwork,
                    ApiFailure::Unauthorized(_) => {
                        app.sync.need_auth();
                        Key::ReloginBanner
                    }
                    ApiFailure::Status(429, _) => Key::LoginRateLimited,
                    ApiFailure::Status(..) => Key::ErrServer,
                },
            };
            error.set(Some(("", app.t(key).to_owned())));
        });
    };

    view! {
        <form class="password-form" on:submit=submit>
            <PasswordInput label=Key::CurrentPassword field="current" testid="password-current" value=current error />
            <PasswordInput label=Key::NewPassword field="new" testid="password-new" value=new error />
            <PasswordInput label=Key::ConfirmPassword field="again" testid="password-again" value=again error />
            <FieldError field="" error />
            <button
                type="submit"
                class="btn btn-primary btn-block"
                data-testid="password-save"
                disabled=move || busy.get()
            >
                {move || app.t(Key::PasswordSave)}
            </button>
        </form>
    }
}

/// What the form says is wrong, and with which field (`""`: the form as a whole).
type FormError = RwSignal<Option<(&'static str, String)>>;

/// The message of `field`, when the form's error is about it.
#[component]
fn FieldError(field: &'static str, error: FormError) -> impl IntoView {
    move || {
        error.with(|e| match e {
            Some((f, text)) if *f == field => Some(view! {
                <p class="field-error" id=format!("err-pw-{field}") role="alert" data-testid="password-error">
                    {text.clone()}
                </p>
            }),
            _ => None,
        })
    }
}

/// One password box: the current one (the browser fills it in) or a new one (it offers to
/// make one up), marked invalid with its message when the form's error is about it.
#[component]
fn PasswordInput(
    label: Key,
    field: &'static str,
    testid: &'static str,
    value: RwSignal<String>,
    error: FormError,
) -> impl IntoView {
    let app = use_app();
    let autocomplete = if field == "current" {
        "current-password"
    } else {
        "new-password"
    };
    let invalid = move || {
        error
            .with(|e| e.as_ref().is_some_and(|(f, _)| *f == field))
            .to_string()
    };
    view! {
        <label class="field">
            <span class="label">{move || app.t(label)}</span>
            <input
                type="password"
                autocomplete=autocomplete
                required
                data-testid=testid
                aria-invalid=invalid
                bind:value=value
            />
            <FieldError field error />
        </label>
    }
}
