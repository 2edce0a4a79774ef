//! What the user may do to a ticket now, each queued as a `ticket.update`.

use huifang_domain::ticket::Ticket;
use huifang_domain::{MutationKind, User};
use leptos::prelude::*;
use uuid::Uuid;

use super::shared::{me, queue};
use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::tickets::logic::{self, ActionInput, UiAction};

#[component]
pub fn TicketActions(ticket: StoredValue<Ticket>, users: RwSignal<Vec<User>>) -> impl IntoView {
    let app = use_app();
    let open = RwSignal::new(None::<UiAction>);
    let input = RwSignal::new(ActionInput::default());
    let problem = RwSignal::new(None::<Key>);
    let actions = move || {
        let Some(u) = me(app) else {
            return Vec::new();
        };
        ticket.with_value(|t| logic::allowed_actions(t, u.role, u.id))
    };
    let label = |a: UiAction| match a {
        UiAction::Assign => Key::ActAssign,
        UiAction::Start => Key::ActStart,
        UiAction::Note => Key::ActNote,
        UiAction::Wait => Key::ActWait,
        UiAction::Resume => Key::ActResume,
        UiAction::Resolve => Key::ActResolve,
        UiAction::Reopen => Key::ActReopen,
        UiAction::Close => Key::ActClose,
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(action) = open.get_untracked() else {
            return;
        };
        let i = input.get_untracked();
        if action == UiAction::Assign && i.assignee.is_none() {
            problem.set(Some(Key::ActAssigneeRequired));
            return;
        }
        if action == UiAction::Note && i.note.trim().is_empty() {
            problem.set(Some(Key::ActNoteRequired));
            return;
        }
        let update = ticket.with_value(|t| logic::build_update(t, action, &i));
        if let Err(e) = update.validate() {
            app.show_toast(i18n::validation_message(
                app.lang.get_untracked(),
                e.field,
                e.kind,
            ));
            return;
        }
        let Ok(data) = serde_json::to_value(&update) else {
            return;
        };
        let id = ticket.with_value(|t| t.id);
        if queue(app, id, MutationKind::TicketUpdate, data) {
            app.show_toast(app.t(Key::ActQueued).to_owned());
            open.set(None);
            input.set(ActionInput::default());
        }
    };
    view! {
        <section class="card ticket-actions" data-testid="ticket-actions">
            <h2 class="section-title">{move || app.t(Key::TicketActions)}</h2>
            <div class="row-actions wrap">
                {move || actions().into_iter().map(|a| view! {
                    <button
                        type="button"
                        class=move || if open.get() == Some(a) { "btn btn-primary" } else { "btn" }
                        data-testid=format!("act-{}", a.as_str())
                        aria-expanded=move || (open.get() == Some(a)).to_string()
                        on:click=move |_| { open.set(Some(a)); problem.set(None); }
                    >
                        {move || app.t(label(a))}
                    </button>
                }).collect_view()}
            </div>
            {move || open.get().map(|a| view! {
                <form class="action-form" data-testid="action-form" data-action=a.as_str() novalidate on:submit=submit>
                    {(a == UiAction::Assign).then(|| view! {
                        <label class="field">
                            <span class="label">{move || app.t(Key::ActChooseAssignee)}</span>
                            <select
                                data-testid="act-assignee"
                                on:change=move |ev| input.update(|i| i.assignee = Uuid::parse_str(&event_target_value(&ev)).ok())
                            >
                                <option value="">{move || app.t(Key::Choose)}</option>
                                {move || users.get().into_iter().filter(|u| u.role.can_record_visits()).map(|u| {
                                    let label = format!("{} · {}", u.display_name, i18n::role_label(app.lang.get(), u.role));
                                    view! { <option value=u.id.to_string()>{label}</option> }
                                }).collect_view()}
                            </select>
                            <Show when=move || users.with(Vec::is_empty)>
                                <span class="hint">{move || app.t(Key::ActUsersOffline)}</span>
                            </Show>
                        </label>
                    })}
                    {(a == UiAction::Resolve).then(|| view! {
                        <label class="field">
                            <span class="label">{move || app.t(Key::TicketResolution)}</span>
                            <textarea
                                rows="3"
                                data-testid="act-resolution"
                                prop:value=move || input.with(|i| i.resolution.clone())
                                on:input=move |ev| input.update(|i| i.resolution = event_target_value(&ev))
                            ></textarea>
                        </label>
                    })}
                    <label class="field">
                        <span class="label">{move || app.t(Key::ActNoteLabel)}</span>
                        <textarea
                            rows="2"
                            data-testid="act-note-text"
                            prop:value=move || input.with(|i| i.note.clone())
                            on:input=move |ev| input.update(|i| i.note = event_target_value(&ev))
                        ></textarea>
                    </label>
                    {move || problem.get().map(|k| view! { <p class="field-error" role="alert">{move || app.t(k)}</p> })}
                    <div class="form-actions">
                        <button type="button" class="btn btn-quiet" on:click=move |_| open.set(None)>{move || app.t(Key::Cancel)}</button>
                        <button type="submit" class="btn btn-primary" data-testid="act-submit">{move || app.t(label(a))}</button>
                    </div>
                </form>
            })}
        </section>
    }
}
