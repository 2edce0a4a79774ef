//! Everyone's tasks: filters, a page at a time, and each task's changes (reassign, move the
//! window, cancel with a reason).

use huifang_domain::planning::{TaskCancel, TaskChange};
use huifang_domain::task::{TaskStatus, VisitTask};
use huifang_domain::{CustomerClass, User};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::{self, ApiFailure};
use crate::i18n::{self, Key};
use crate::state::{settings, use_app};
use crate::store::LocalStore;
use crate::visits::form::{from_local_input, to_local_input};
use crate::widgets::visit_type_options;

/// What a filter form holds, turned into the list's query.
#[derive(Clone, Default, PartialEq)]
struct Filters {
    assignee: String,
    state: String,
    class: String,
    visit_type: String,
    from: String,
    to: String,
}

impl Filters {
    fn query(&self) -> String {
        let mut q = vec!["limit=50".to_owned()];
        for (k, v) in [
            ("assignee", &self.assignee),
            ("status", &self.state),
            ("class", &self.class),
            ("visit_type", &self.visit_type),
        ] {
            if !v.is_empty() {
                q.push(format!("{k}={v}"));
            }
        }
        for (k, v) in [("due_from", &self.from), ("due_to", &self.to)] {
            if let Some(t) = from_local_input(v) {
                q.push(format!("{k}={}", t.format("%Y-%m-%dT%H:%M:%SZ")));
            }
        }
        q.join("&")
    }
}

fn failure_key(e: &ApiFailure) -> Key {
    match e {
        ApiFailure::Network => Key::PlanOffline,
        ApiFailure::Status(409, _) => Key::PlansStale,
        _ => Key::PlansInvalid,
    }
}

#[component]
pub fn TaskTable(staff: RwSignal<Vec<User>>) -> impl IntoView {
    let app = use_app();
    let filters = RwSignal::new(Filters {
        state: "open".into(),
        ..Filters::default()
    });
    let tasks = RwSignal::new(Vec::<VisitTask>::new());
    let next = RwSignal::new(None::<String>);
    let load = move |more: bool| {
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        let mut query = filters.get_untracked().query();
        if more {
            match next.get_untracked() {
                Some(after) => query.push_str(&format!("&after={after}")),
                None => return,
            }
        }
        leptos::task::spawn_local(async move {
            if let Ok(page) = api::task_page(&session.token, &query).await {
                next.set(page.next);
                if more {
                    tasks.update(|t| t.extend(page.tasks));
                } else {
                    tasks.set(page.tasks);
                }
            }
        });
    };
    load(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        load(false);
    };
    let field = move |key: Key,
                      testid: &'static str,
                      get: fn(&Filters) -> String,
                      set: fn(&mut Filters, String),
                      options: Signal<Vec<(String, String)>>,
                      any: Key| {
        view! {
            <label class="field">
                <span class="label">{move || app.t(key)}</span>
                <select data-testid=testid prop:value=move || filters.with(get) on:change=move |ev| filters.update(|f| set(f, event_target_value(&ev)))>
                    <option value="">{move || app.t(any)}</option>
                    {move || options.get().into_iter().map(|(v, l)| {
                        let selected = filters.with(get) == v;
                        view! { <option value=v selected=selected>{l}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    };
    let staff_options = Signal::derive(move || {
        staff
            .get()
            .into_iter()
            .map(|u| (u.id.to_string(), u.display_name))
            .collect()
    });
    let state_options = Signal::derive(move || {
        [
            ("open", Key::PlansStateOpen),
            ("done", Key::PlansStateDone),
            ("cancelled", Key::PlansStateCancelled),
        ]
        .into_iter()
        .map(|(v, k)| (v.to_owned(), app.t(k).to_owned()))
        .collect()
    });
    let class_options = Signal::derive(move || {
        [
            CustomerClass::A,
            CustomerClass::B,
            CustomerClass::C,
            CustomerClass::D,
        ]
        .into_iter()
        .map(|c| (c.as_str().to_owned(), c.as_str().to_owned()))
        .collect()
    });
    let type_options = visit_type_options();
    view! {
        <div class="card plans-tasks">
            <h2 class="section-title">{move || app.t(Key::PlansTasksTitle)}</h2>
            <form class="plans-filters" data-testid="plans-filters" on:submit=on_submit>
                {field(Key::PlansAssignee, "filter-assignee", |f| f.assignee.clone(), |f, v| f.assignee = v, staff_options, Key::PlansAnyone)}
                {field(Key::PlansState, "filter-state", |f| f.state.clone(), |f, v| f.state = v, state_options, Key::PlansAnyState)}
                {field(Key::PlansClass, "filter-class", |f| f.class.clone(), |f, v| f.class = v, class_options, Key::PlansAnyClass)}
                {field(Key::FieldVisitType, "filter-type", |f| f.visit_type.clone(), |f, v| f.visit_type = v, type_options, Key::PlansAnyType)}
                <label class="field">
                    <span class="label">{move || app.t(Key::PlansDueFrom)}</span>
                    <input type="datetime-local" data-testid="filter-from" prop:value=move || filters.with(|f| f.from.clone()) on:change=move |ev| filters.update(|f| f.from = event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span class="label">{move || app.t(Key::PlansDueTo)}</span>
                    <input type="datetime-local" data-testid="filter-to" prop:value=move || filters.with(|f| f.to.clone()) on:change=move |ev| filters.update(|f| f.to = event_target_value(&ev)) />
                </label>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" data-testid="filter-apply">{move || app.t(Key::PlansApply)}</button>
                </div>
            </form>
            <ul class="list" data-testid="plans-task-list">
                {move || {
                    let list = tasks.get();
                    if list.is_empty() {
                        return view! { <li class="empty">{move || app.t(Key::PlansNoTasks)}</li> }.into_any();
                    }
                    list.into_iter()
                        .map(|task| view! { <TaskRow task=task staff=staff on_changed=Callback::new(move |_| load(false)) /> })
                        .collect_view()
                        .into_any()
                }}
            </ul>
            <Show when=move || next.with(Option::is_some)>
                <button type="button" class="btn" data-testid="plans-more" on:click=move |_| load(true)>{move || app.t(Key::PlansMore)}</button>
            </Show>
        </div>
    }
}

/// One task: who, whom, when, and its changes while it is open.
#[component]
fn TaskRow(task: VisitTask, staff: RwSignal<Vec<User>>, on_changed: Callback<()>) -> impl IntoView {
    let app = use_app();
    let offset =
        Memo::new(move |_| crate::visits::field::offset(Some(settings(app).utc_offset_minutes)));
    let customer = LocalStore::browser()
        .customers()
        .into_iter()
        .find(|c| c.id == task.customer_id)
        .map_or_else(|| task.customer_id.to_string()[..8].to_owned(), |c| c.name);
    let assignee_id = task.assignee;
    let who = move || {
        staff.with(|s| {
            s.iter().find(|u| u.id == assignee_id).map_or_else(
                || assignee_id.to_string()[..8].to_owned(),
                |u| u.display_name.clone(),
            )
        })
    };
    let (from, until) = (task.due_from, task.due_until);
    let open = task.status == TaskStatus::Open;
    let (id, version) = (task.id, task.version);
    let reassign = RwSignal::new(String::new());
    let new_from = RwSignal::new(to_local_input(from));
    let new_until = RwSignal::new(to_local_input(until));
    let reason = RwSignal::new(String::new());
    let message = RwSignal::new(None::<Key>);
    let row_id = format!("task-{id}");
    let send_change = move |_| {
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        let change = TaskChange {
            version,
            assignee: Uuid::parse_str(&reassign.get_untracked()).ok(),
            due_from: from_local_input(&new_from.get_untracked()).filter(|t| *t != from),
            due_until: from_local_input(&new_until.get_untracked()).filter(|t| *t != until),
        };
        leptos::task::spawn_local(async move {
            match api::change_task(&session.token, id, &change).await {
                Ok(_) => on_changed.run(()),
                Err(e) => message.set(Some(failure_key(&e))),
            }
        });
    };
    let send_cancel = move |_| {
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        let cancel = TaskCancel {
            version,
            reason: reason.get_untracked(),
        };
        if cancel.validate().is_err() {
            message.set(Some(Key::PlansInvalid));
            return;
        }
        leptos::task::spawn_local(async move {
            match api::cancel_task(&session.token, id, &cancel).await {
                Ok(_) => on_changed.run(()),
                Err(e) => message.set(Some(failure_key(&e))),
            }
        });
    };
    let status_key = match task.status {
        TaskStatus::Open => Key::PlansStateOpen,
        TaskStatus::Done => Key::PlansStateDone,
        TaskStatus::Cancelled => Key::PlansStateCancelled,
    };
    let visit_type = task.visit_type;
    view! {
        <li class="row plans-row" data-testid="plans-task" data-task=id.to_string()>
            <div class="row-main">
                <span class="row-title">{customer}" · "{move || i18n::visit_type_label(app.lang.get(), visit_type)}</span>
                <span class="row-sub">{who}" · "{move || i18n::window(from, until, offset.get())}" · "{move || app.t(status_key)}</span>
            </div>
            <Show when=move || open>
                <details class="plans-change" id=row_id.clone()>
                    <summary data-testid="task-change">{move || app.t(Key::PlansChange)}</summary>
                    <div class="grid-2">
                        <label class="field">
                            <span class="label">{move || app.t(Key::PlansReassign)}</span>
                            <select data-testid="task-reassign" on:change=move |ev| reassign.set(event_target_value(&ev))>
                                <option value="">"—"</option>
                                {move || staff.get().into_iter().filter(|u| u.id != assignee_id).map(|u| view! { <option value=u.id.to_string()>{u.display_name}</option> }).collect_view()}
                            </select>
                        </label>
                        <span></span>
                        <label class="field">
                            <span class="label">{move || app.t(Key::PlanDueFrom)}</span>
                            <input type="datetime-local" data-testid="task-from" prop:value=move || new_from.get() on:change=move |ev| new_from.set(event_target_value(&ev)) />
                        </label>
                        <label class="field">
                            <span class="label">{move || app.t(Key::PlanDueUntil)}</span>
                            <input type="datetime-local" data-testid="task-until" prop:value=move || new_until.get() on:change=move |ev| new_until.set(event_target_value(&ev)) />
                        </label>
                    </div>
                    <div class="form-actions">
                        <button type="button" class="btn btn-primary" data-testid="task-save" on:click=send_change>{move || app.t(Key::PlansSaveChange)}</button>
                    </div>
                    <label class="field">
                        <span class="label">{move || app.t(Key::PlansCancelReason)}</span>
                        <input type="text" maxlength="200" data-testid="task-cancel-reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                    </label>
                    <div class="form-actions">
                        <button type="button" class="btn btn-danger" data-testid="task-cancel" on:click=send_cancel>{move || app.t(Key::PlansCancelTask)}</button>
                    </div>
                    {move || message.get().map(|k| view! { <p class="banner banner-error" role="alert" data-testid="task-error">{move || app.t(k)}</p> })}
                </details>
            </Show>
        </li>
    }
}
