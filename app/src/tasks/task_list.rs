use huifang_domain::task::{TaskBucket, VisitTask};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use crate::browser;
use crate::i18n::{self, Key};
use crate::state::{settings, use_app};
use crate::store::LocalStore;
use crate::visits::field::{self, BucketCounts};

const TABS: [(TaskBucket, &str, Key); 3] = [
    (TaskBucket::Today, "task-tab-today", Key::TabToday),
    (TaskBucket::Overdue, "task-tab-overdue", Key::TabOverdue),
    (TaskBucket::Upcoming, "task-tab-upcoming", Key::TabUpcoming),
];

/// 我的任务: today's, overdue and upcoming visits assigned to the user, from the device.
#[component]
pub fn MyTasks() -> impl IntoView {
    let app = use_app();
    let navigate = use_navigate();
    let tab = RwSignal::new(TaskBucket::Today);
    let quiet_for = RwSignal::new(None::<Uuid>);
    let tasks = Memo::new(move |_| {
        app.data_rev.track();
        LocalStore::browser().tasks()
    });
    let offset = Memo::new(move |_| field::offset(Some(settings(app).utc_offset_minutes)));
    let counts = move || tasks.with(|t| BucketCounts::of(t, app.now.get(), offset.get()));
    let shown = move || tasks.with(|t| field::in_bucket(t, tab.get(), app.now.get(), offset.get()));

    let open_task = {
        let navigate = navigate.clone();
        move |id: Uuid| navigate(&format!("/visit/new?task={id}"), Default::default())
    };
    let start = Callback::new({
        let open_task = open_task.clone();
        move |id: Uuid| {
            let s = settings(app);
            if s.quiet_hours
                .is_quiet(browser::now(), offset.get_untracked())
            {
                quiet_for.set(Some(id));
            } else {
                open_task(id);
            }
        }
    });

    view! {
        <section class="page">
            <h1 class="page-title">{move || app.t(Key::TasksTitle)}</h1>
            <div class="seg" role="tablist">
                {TABS
                    .into_iter()
                    .map(|(bucket, testid, key)| {
                        view! {
                            <button
                                type="button"
                                role="tab"
                                class="seg-btn"
                                data-testid=testid
                                aria-selected=move || (tab.get() == bucket).to_string()
                                on:click=move |_| tab.set(bucket)
                            >
                                {move || app.t(key)}
                                <span class="count" data-testid="task-count">{move || counts().get(bucket)}</span>
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            {move || {
                quiet_for
                    .get()
                    .map(|id| {
                        let next = {
                            let s = settings(app);
                            let off = offset.get();
                            i18n::clock(s.quiet_hours.next_allowed(browser::now(), off), off)
                        };
                        let open_task = open_task.clone();
                        view! {
                            <div class="banner banner-warn" role="alert" data-testid="quiet-hours-warning">
                                <span>{move || i18n::quiet_warning(app.lang.get(), &next)}</span>
                                <span class="row-actions">
                                    <button class="btn" on:click=move |_| quiet_for.set(None)>
                                        {move || app.t(Key::Cancel)}
                                    </button>
                                    <button class="btn btn-primary" data-testid="quiet-continue" on:click=move |_| open_task(id)>
                                        {move || app.t(Key::QuietContinue)}
                                    </button>
                                </span>
                            </div>
                        }
                    })
            }}
            <Show when=move || { counts().get(tab.get()) == 0 }>
                <p class="empty">{move || app.t(Key::TasksEmpty)}</p>
            </Show>
            <ul class="list">
                <For
                    each=shown
                    key=|t| (t.id, t.version)
                    children=move |t| view! { <TaskRow task=t offset=offset.get_untracked() start=start /> }
                />
            </ul>
        </section>
    }
}

#[component]
fn TaskRow(task: VisitTask, offset: chrono::FixedOffset, start: Callback<Uuid>) -> impl IntoView {
    let app = use_app();
    let customer = LocalStore::browser().customer(task.customer_id);
    let name = customer
        .as_ref()
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let vip = customer.as_ref().is_some_and(|c| c.vip);
    let id = task.id;
    let ticket = match task.source {
        huifang_domain::task::TaskSource::Ticket { ticket_id } => Some(ticket_id),
        _ => None,
    };
    let priority = task.priority;
    let high = priority == huifang_domain::task::Priority::High;
    let due = i18n::window(task.due_from, task.due_until, offset);
    // A retry the server scheduled carries a code, worded here in the reader's language;
    // older ones carry their text in the note.
    let (note, retry) = (task.note.clone(), task.retry_reason);
    let attempt = task.attempt;
    let note = move || match retry {
        Some(reason) if note.is_empty() => i18n::retry_note(app.lang.get(), attempt, reason),
        _ => note.clone(),
    };
    let sub = move || {
        let lang = app.lang.get();
        let mut parts = vec![
            i18n::visit_type_label(lang, task.visit_type).to_owned(),
            i18n::channel_label(lang, task.planned_channel).to_owned(),
        ];
        if task.attempt > 1 {
            parts.push(i18n::attempt_label(lang, task.attempt));
        }
        parts.push(i18n::source_label(lang, &task.source).to_owned());
        parts.join(" · ")
    };
    view! {
        <li
            class="row task-row"
            data-testid="task-row"
            data-id=id.to_string()
            data-priority=format!("{priority:?}")
            data-ticket=ticket.map(|t| t.to_string())
        >
            <span class="row-main">
                <span class="row-title">
                    {name}
                    {vip.then(|| view! { <span class="badge badge-vip">{move || app.t(Key::Vip)}</span> })}
                    <span class=if high { "badge badge-rejected" } else { "badge" }>
                        {move || i18n::priority_label(app.lang.get(), priority)}
                    </span>
                </span>
                <span class="row-sub">{sub}</span>
                <span class="row-sub"><time>{due}</time></span>
                {(!note().is_empty()).then(|| view! { <span class="row-text">{note}</span> })}
            </span>
            <button class="btn btn-primary" data-testid="task-start" on:click=move |_| start.run(id)>
                {move || app.t(Key::StartVisit)}
            </button>
        </li>
    }
}
