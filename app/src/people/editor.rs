use huifang_domain::Role;
use huifang_domain::people::{NewPerson, Person, PersonChange};
use leptos::prelude::*;

use super::list::refusal_key;
use crate::api;
use crate::i18n::{self, Key};
use crate::state::use_app;

/// What the editor is open on.
#[derive(Clone, PartialEq)]
pub enum Editing {
    New,
    Existing(Person),
}

/// Adds an account, or changes the name, role and agent number of one. A new account's
/// first password is the admin's, or one the server makes and says once.
#[component]
pub fn PersonEditor(
    editing: Editing,
    /// Called after a save, with the (username, one-time password) to show, if one was made.
    on_saved: Callback<Option<(String, String)>>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let app = use_app();
    let existing = match &editing {
        Editing::New => None,
        Editing::Existing(p) => Some(p.clone()),
    };
    let is_new = existing.is_none();
    let username = RwSignal::new(
        existing
            .as_ref()
            .map(|p| p.username.clone())
            .unwrap_or_default(),
    );
    let display_name = RwSignal::new(
        existing
            .as_ref()
            .map(|p| p.display_name.clone())
            .unwrap_or_default(),
    );
    let role = RwSignal::new(existing.as_ref().map_or(Role::Field, |p| p.role));
    let agent_no = RwSignal::new(
        existing
            .as_ref()
            .map(|p| p.agent_no.clone())
            .unwrap_or_default(),
    );
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<(Option<String>, Key)>);
    let id = existing.as_ref().map(|p| p.id);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = match id {
                None => {
                    let typed = password.get_untracked();
                    let new = NewPerson {
                        username: username.get_untracked().trim().to_owned(),
                        display_name: display_name.get_untracked(),
                        role: role.get_untracked(),
                        agent_no: agent_no.get_untracked(),
                        password: (!typed.is_empty()).then_some(typed),
                    };
                    api::add_person(&session.token, &new)
                        .await
                        .map(|p| p.one_time_password.map(|otp| (p.person.username, otp)))
                }
                Some(id) => {
                    let change = PersonChange {
                        role: Some(role.get_untracked()),
                        display_name: Some(display_name.get_untracked()),
                        agent_no: Some(agent_no.get_untracked()),
                    };
                    api::change_person(&session.token, id, &change)
                        .await
                        .map(|_| None)
                }
            };
            busy.set(false);
            match result {
                Ok(otp) => on_saved.run(otp),
                Err(r) => error.set(Some((r.field.clone(), refusal_key(&r)))),
            }
        });
    };

    let field_error = move |field: &'static str| {
        move || {
            error.with(|e| match e {
                Some((Some(f), key)) if f == field => {
                    let key = *key;
                    Some(view! {
                        <p class="field-error" role="alert" data-testid="person-field-error" data-field=field>
                            {move || app.t(key)}
                        </p>
                    })
                }
                _ => None,
            })
        }
    };
    let general_error = move || {
        error.with(|e| match e {
            Some((None, key)) => {
                let key = *key;
                Some(view! {
                    <p class="form-error" role="alert" data-testid="person-error">{move || app.t(key)}</p>
                })
            }
            _ => None,
        })
    };
    let title = if is_new {
        Key::PeopleAddTitle
    } else {
        Key::PeopleEditTitle
    };
    view! {
        <form class="card person-editor" data-testid="person-editor" on:submit=submit>
            <h2>{move || app.t(title)}</h2>
            <div class="person-fields">
                <label class="field">
                    <span class="label">{move || app.t(Key::Username)}</span>
                    <input type="text" autocapitalize="none" spellcheck="false" required
                        data-testid="person-username" disabled=!is_new bind:value=username />
                    {field_error("username")}
                </label>
                <label class="field">
                    <span class="label">{move || app.t(Key::PeopleName)}</span>
                    <input type="text" data-testid="person-display-name" bind:value=display_name />
                    {field_error("display_name")}
                </label>
                <label class="field">
                    <span class="label">{move || app.t(Key::PeopleRole)}</span>
                    <select
                        data-testid="person-role"
                        prop:value=move || role.get().as_str()
                        on:change=move |ev| {
                            if let Some(r) = Role::parse(&event_target_value(&ev)) {
                                role.set(r);
                            }
                        }
                    >
                        {move || {
                            let lang = app.lang.get();
                            Role::ALL
                                .into_iter()
                                .map(|r| view! {
                                    <option value=r.as_str() selected=move || role.get() == r>
                                        {i18n::role_label(lang, r)}
                                    </option>
                                })
                                .collect_view()
                        }}
                    </select>
                </label>
                <label class="field">
                    <span class="label">{move || app.t(Key::PeopleAgentNo)}</span>
                    <input type="text" data-testid="person-agent-no" bind:value=agent_no />
                    {field_error("agent_no")}
                </label>
                <Show when=move || is_new>
                    <label class="field">
                        <span class="label">{move || app.t(Key::PeoplePasswordOptional)}</span>
                        <input type="text" autocomplete="off" data-testid="person-password" bind:value=password />
                        {field_error("password")}
                    </label>
                </Show>
            </div>
            {general_error}
            <div class="dialog-actions">
                <button type="submit" class="btn btn-primary" data-testid="person-save"
                    disabled=move || busy.get()>
                    {move || app.t(Key::PeopleSave)}
                </button>
                <button type="button" class="btn btn-quiet" on:click=move |_| on_cancel.run(())>
                    {move || app.t(Key::Cancel)}
                </button>
            </div>
        </form>
    }
}

/// The one-time password the server made, shown this once in a large monospaced line that
/// a tap selects whole (`user-select: all`), to copy or read out.
#[component]
pub fn OneTimePassword(username: String, password: String, on_done: Callback<()>) -> impl IntoView {
    let app = use_app();
    view! {
        <div class="card one-time" role="status" data-testid="one-time-password">
            <p>{move || app.t(Key::PeopleOneTime)}</p>
            <p class="one-time-line">
                <span class="muted">{username}</span>
                <code class="one-time-code" data-testid="one-time-code">{password}</code>
            </p>
            <div class="dialog-actions">
                <button type="button" class="btn btn-primary" data-testid="one-time-done"
                    on:click=move |_| on_done.run(())>
                    {move || app.t(Key::PeopleDone)}
                </button>
            </div>
        </div>
    }
}
