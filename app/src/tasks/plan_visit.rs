use huifang_domain::task::{NewTask, Priority};
use huifang_domain::{Channel, User, VisitType};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::{self, ApiFailure};
use crate::browser;
use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::store::LocalStore;
use crate::visits::form::{from_local_input, to_local_input};
use crate::widgets::{Pick, visit_type_options};

#[derive(Clone, PartialEq)]
enum Outcome {
    Idle,
    Busy,
    Done,
    Offline,
    Failed(Key),
}

/// 安排回访: a supervisor assigns a visit to someone. Needs the network: the assignee's
/// device learns of it from the server.
#[component]
pub fn PlanVisit() -> impl IntoView {
    let app = use_app();
    let users = RwSignal::new(Vec::<User>::new());
    let customers = Memo::new(move |_| {
        app.data_rev.track();
        LocalStore::browser().customers()
    });
    let now = browser::now();
    let customer = RwSignal::new(String::new());
    let assignee = RwSignal::new(String::new());
    let visit_type = RwSignal::new(VisitType::Satisfaction.as_str().to_owned());
    let channel = RwSignal::new(Channel::Phone.as_str().to_owned());
    let priority = RwSignal::new("normal".to_owned());
    let due_from = RwSignal::new(to_local_input(now));
    let due_until = RwSignal::new(to_local_input(now + chrono::Duration::days(1)));
    let note = RwSignal::new(String::new());
    let state = RwSignal::new(Outcome::Idle);
    // One id per filled form, so a retried submit plans the visit once.
    let request_id = StoredValue::new(browser::new_uuid());

    if let Some(session) = app.session.get_untracked() {
        leptos::task::spawn_local(async move {
            match api::users(&session.token).await {
                Ok(list) => users.set(
                    list.into_iter()
                        .filter(|u| u.role.can_record_visits())
                        .collect(),
                ),
                Err(ApiFailure::Network) => state.set(Outcome::Offline),
                Err(_) => state.set(Outcome::Failed(Key::ErrServer)),
            }
        });
    }

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parsed = (
            Uuid::parse_str(&customer.get_untracked()).ok(),
            Uuid::parse_str(&assignee.get_untracked()).ok(),
            VisitType::parse(&visit_type.get_untracked()),
            Channel::parse(&channel.get_untracked()),
            from_local_input(&due_from.get_untracked()),
            from_local_input(&due_until.get_untracked()),
        );
        let (Some(c), Some(a), Some(t), Some(ch), Some(from), Some(until)) = parsed else {
            state.set(Outcome::Failed(Key::PlanFailed));
            return;
        };
        let task = NewTask {
            id: request_id.get_value(),
            customer_id: c,
            assignee: a,
            visit_type: t,
            planned_channel: ch,
            priority: match priority.get_untracked().as_str() {
                "high" => Priority::High,
                "low" => Priority::Low,
                _ => Priority::Normal,
            },
            due_from: from,
            due_until: until,
            note: note.get_untracked().trim().to_owned(),
        };
        if task.validate().is_err() {
            state.set(Outcome::Failed(Key::PlanWindow));
            return;
        }
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        state.set(Outcome::Busy);
        leptos::task::spawn_local(async move {
            state.set(match api::create_task(&session.token, &task).await {
                Ok(_) => {
                    request_id.set_value(browser::new_uuid());
                    note.set(String::new());
                    Outcome::Done
                }
                Err(ApiFailure::Network) => Outcome::Offline,
                Err(ApiFailure::Unauthorized(_)) => {
                    app.sync.need_auth();
                    Outcome::Failed(Key::ReloginBanner)
                }
                Err(ApiFailure::Status(..)) => Outcome::Failed(Key::PlanFailed),
            });
        });
    };

    let select = move |testid: &'static str,
                       label: Key,
                       value: RwSignal<String>,
                       options: Signal<Vec<(String, String)>>| {
        view! {
            <Pick
                field=testid
                testid=testid
                label=label
                options=options
                value=value
                on_change=Callback::new(move |v| value.set(v))
            />
        }
    };
    let customer_options = Signal::derive(move || {
        customers
            .get()
            .into_iter()
            .map(|c| (c.id.to_string(), c.name))
            .collect()
    });
    let user_options = Signal::derive(move || {
        let lang = app.lang.get();
        users
            .get()
            .into_iter()
            .map(|u| {
                (
                    u.id.to_string(),
                    format!("{} · {}", u.display_name, i18n::role_label(lang, u.role)),
                )
            })
            .collect()
    });
    let type_options = visit_type_options();
    let channel_options = Signal::derive(move || {
        let lang = app.lang.get();
        Channel::ALL
            .iter()
            .map(|v| {
                (
                    v.as_str().to_owned(),
                    i18n::channel_label(lang, *v).to_owned(),
                )
            })
            .collect()
    });
    let priority_options = Signal::derive(move || {
        let lang = app.lang.get();
        [Priority::High, Priority::Normal, Priority::Low]
            .into_iter()
            .map(|p| {
                (
                    format!("{p:?}").to_lowercase(),
                    i18n::priority_label(lang, p).to_owned(),
                )
            })
            .collect()
    });

    view! {
        <section class="page">
            <h1 class="page-title">{move || app.t(Key::PlanTitle)}</h1>
            <form class="card" data-testid="plan-form" novalidate on:submit=submit>
                <div class="grid-2">
                    {select("plan-customer", Key::FieldCustomer, customer, customer_options)}
                    {select("plan-assignee", Key::PlanAssignee, assignee, user_options)}
                    {select("plan-type", Key::FieldVisitType, visit_type, type_options)}
                    {select("plan-channel", Key::FieldChannel, channel, channel_options)}
                    {select("plan-priority", Key::PlanPriority, priority, priority_options)}
                    <span></span>
                    <label class="field">
                        <span class="label">{move || app.t(Key::PlanDueFrom)}</span>
                        <input type="datetime-local" data-testid="plan-due-from" prop:value=move || due_from.get() on:change=move |ev| due_from.set(event_target_value(&ev)) />
                    </label>
                    <label class="field">
                        <span class="label">{move || app.t(Key::PlanDueUntil)}</span>
                        <input type="datetime-local" data-testid="plan-due-until" prop:value=move || due_until.get() on:change=move |ev| due_until.set(event_target_value(&ev)) />
                    </label>
                </div>
                <label class="field">
                    <span class="label">{move || app.t(Key::PlanNote)}</span>
                    <textarea rows="2" maxlength=huifang_domain::task::MAX_TASK_NOTE.to_string() data-testid="plan-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                </label>
                {move || match state.get() {
                    Outcome::Offline => Some(view! { <p class="banner banner-warn" role="alert" data-testid="plan-offline">{move || app.t(Key::PlanOffline)}</p> }.into_any()),
                    Outcome::Done => Some(view! { <p class="banner banner-info" role="status" data-testid="plan-done">{move || app.t(Key::PlanDone)}</p> }.into_any()),
                    Outcome::Failed(key) => Some(view! { <p class="banner banner-error" role="alert" data-testid="plan-error">{move || app.t(key)}</p> }.into_any()),
                    Outcome::Idle | Outcome::Busy => None,
                }}
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary btn-wide" data-testid="plan-submit" disabled=move || state.get() == Outcome::Busy>
                        {move || app.t(Key::PlanSubmit)}
                    </button>
                </div>
            </form>
        </section>
    }
}
