use huifang_domain::people::Person;
use leptos::prelude::*;

use super::editor::{Editing, OneTimePassword, PersonEditor};
use crate::api::{self, ApiFailure, Refusal};
use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::widgets::Unavailable;

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    Offline,
    Failed,
    Loaded(Vec<Person>),
}

/// An action on one account that asks before it acts.
#[derive(Clone, Copy, PartialEq)]
enum Act {
    Reset,
    Disable,
    Enable,
}

impl Act {
    fn question(self) -> Key {
        match self {
            Act::Reset => Key::PeopleConfirmReset,
            Act::Disable => Key::PeopleConfirmDisable,
            Act::Enable => Key::PeopleConfirmEnable,
        }
    }
}

/// What a refused change says to the admin.
pub(super) fn refusal_key(r: &Refusal) -> Key {
    match &r.failure {
        ApiFailure::Network => Key::PeopleOffline,
        ApiFailure::Status(409, Some(code)) if code == "last_admin" => Key::PeopleLastAdmin,
        ApiFailure::Status(409, _) => Key::PeopleTaken,
        ApiFailure::Status(400, _) => Key::PeopleFieldError,
        _ => Key::ErrServer,
    }
}

/// 人员: every account with its role and state, for admins; add, edit, reset a password,
/// disable and enable. Read online: accounts are not kept on devices.
#[component]
pub fn PeoplePage() -> impl IntoView {
    let app = use_app();
    let state = RwSignal::new(Load::Loading);
    let reload = RwSignal::new(0u32);
    let editing = RwSignal::new(None::<Editing>);
    let one_time = RwSignal::new(None::<(String, String)>);
    let confirm = RwSignal::new(None::<(Act, Person)>);
    let error = RwSignal::new(None::<Key>);

    Effect::new(move |_| {
        reload.track();
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let next = match api::people(&session.token).await {
                Ok(list) => Load::Loaded(list.people),
                Err(ApiFailure::Network) => Load::Offline,
                Err(ApiFailure::Unauthorized(_)) => {
                    app.sync.need_auth();
                    Load::Failed
                }
                Err(ApiFailure::Status(..)) => Load::Failed,
            };
            state.set(next);
        });
    });
    let saved = Callback::new(move |otp: Option<(String, String)>| {
        editing.set(None);
        one_time.set(otp);
        reload.update(|n| *n += 1);
    });

    let run = move |act: Act, person: Person| {
        confirm.set(None);
        error.set(None);
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let result = match act {
                Act::Reset => api::reset_password(&session.token, person.id)
                    .await
                    .map(|p| {
                        p.one_time_password
                            .map(|otp| (person.username.clone(), otp))
                    }),
                Act::Disable | Act::Enable => {
                    api::set_disabled(&session.token, person.id, act == Act::Disable)
                        .await
                        .map(|_| None)
                }
            };
            match result {
                Ok(otp) => {
                    one_time.set(otp);
                    reload.update(|n| *n += 1);
                }
                Err(r) => error.set(Some(refusal_key(&r))),
            }
        });
    };

    let rows = move |people: Vec<Person>| {
        let lang = app.lang.get();
        let now = app.now.get();
        people
            .into_iter()
            .map(|p| {
                let disabled = p.disabled_at.is_some();
                let state_key = if disabled { Key::PeopleDisabled } else { Key::PeopleEnabled };
                let last = p.last_login_at.map_or_else(
                    || app.t(Key::PeopleNever).to_owned(),
                    |t| i18n::relative_time(lang, t, now),
                );
                let (edit, act, ask) = (p.clone(), p.clone(), p.clone());
                let toggle = if disabled { Act::Enable } else { Act::Disable };
                let toggle_key = if disabled { Key::PeopleEnable } else { Key::PeopleDisable };
                view! {
                    <tr data-testid="person-row" data-username=p.username.clone() data-disabled=disabled.to_string()>
                        <td>
                            <span class="person-name">{p.display_name.clone()}</span>
                            <span class="muted person-username">{p.username.clone()}</span>
                        </td>
                        <td>{i18n::role_label(lang, p.role)}</td>
                        <td>{p.agent_no.clone()}</td>
                        <td>
                            <span class=if disabled { "badge badge-rejected" } else { "badge badge-synced" }>
                                {app.t(state_key)}
                            </span>
                            {p.must_change_password.then(|| view! {
                                <span class="badge badge-queued" data-testid="person-must-change">
                                    {app.t(Key::PeopleMustChange)}
                                </span>
                            })}
                        </td>
                        <td>{last}</td>
                        <td class="person-actions">
                            <button class="btn btn-quiet" data-testid="person-edit"
                                on:click=move |_| editing.set(Some(Editing::Existing(edit.clone())))>
                                {app.t(Key::PeopleEdit)}
                            </button>
                            <button class="btn btn-quiet" data-testid="person-reset"
                                on:click=move |_| confirm.set(Some((Act::Reset, act.clone())))>
                                {app.t(Key::PeopleReset)}
                            </button>
                            <button class="btn btn-quiet" data-testid="person-toggle"
                                on:click=move |_| confirm.set(Some((toggle, ask.clone())))>
                                {app.t(toggle_key)}
                            </button>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };

    let body = move || {
        match state.get() {
        Load::Loading => view! { <p class="empty">{move || app.t(Key::Loading)}</p> }.into_any(),
        Load::Offline | Load::Failed => view! {
            <Unavailable offline=state.with_untracked(|s| *s == Load::Offline) offline_key=Key::PeopleOffline reload />
        }
        .into_any(),
        Load::Loaded(people) => view! {
            <div class="card people-card">
                <table class="people-table" data-testid="people-table">
                    <thead>
                        <tr>
                            <th scope="col">{move || app.t(Key::PeopleName)}</th>
                            <th scope="col">{move || app.t(Key::PeopleRole)}</th>
                            <th scope="col">{move || app.t(Key::PeopleAgentNo)}</th>
                            <th scope="col">{move || app.t(Key::PeopleState)}</th>
                            <th scope="col">{move || app.t(Key::PeopleLastLogin)}</th>
                            <th scope="col">{move || app.t(Key::PeopleActions)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows(people)}</tbody>
                </table>
            </div>
        }
        .into_any(),
    }
    };

    view! {
        <section class="page page-people">
            <div class="page-head">
                <h1 class="page-title">{move || app.t(Key::PeopleTitle)}</h1>
                <button class="btn btn-primary" data-testid="people-add"
                    on:click=move |_| editing.set(Some(Editing::New))>
                    {move || app.t(Key::PeopleAdd)}
                </button>
            </div>
            {move || error.get().map(|key| view! {
                <p class="form-error" role="alert" data-testid="people-error">{move || app.t(key)}</p>
            })}
            {move || one_time.get().map(|(username, password)| view! {
                <OneTimePassword username password on_done=Callback::new(move |()| one_time.set(None)) />
            })}
            {move || editing.get().map(|e| view! {
                <PersonEditor editing=e on_saved=saved on_cancel=Callback::new(move |()| editing.set(None)) />
            })}
            {body}
            {move || confirm.get().map(|(act, person)| {
                let go = person.clone();
                view! {
                    <div class="modal-backdrop">
                        <div class="card dialog" role="dialog" aria-modal="true"
                            aria-labelledby="person-confirm-title" data-testid="person-confirm">
                            <h2 id="person-confirm-title">{person.display_name.clone()}</h2>
                            <p>{move || app.t(act.question())}</p>
                            <div class="dialog-actions">
                                <button class="btn btn-primary" data-testid="person-confirm-yes"
                                    on:click=move |_| run(act, go.clone())>
                                    {move || app.t(Key::PeopleConfirm)}
                                </button>
                                <button class="btn btn-quiet" on:click=move |_| confirm.set(None)>
                                    {move || app.t(Key::Cancel)}
                                </button>
                            </div>
                        </div>
                    </div>
                }
            })}
        </section>
    }
}
