//! 回访计划 (console `/plan`): everyone's tasks with their changes, bulk planning and the
//! recurring policy; planning one visit stays at `/plan/one`.

mod bulk;
mod policy;
mod tasks;

use huifang_domain::User;
use leptos::prelude::*;

use crate::api;
use crate::i18n::Key;
use crate::state::use_app;

pub use bulk::BulkPlanner;
pub use policy::RecurringPolicy;
pub use tasks::TaskTable;

/// The staff a task may be given to (those who do visits), loaded once for the screen.
pub(crate) fn visitors() -> RwSignal<Vec<User>> {
    let app = use_app();
    let users = RwSignal::new(Vec::<User>::new());
    if let Some(session) = app.session.get_untracked() {
        leptos::task::spawn_local(async move {
            if let Ok(list) = api::users(&session.token).await {
                users.set(
                    list.into_iter()
                        .filter(|u| u.role.can_record_visits())
                        .collect(),
                );
            }
        });
    }
    users
}

#[component]
pub fn VisitPlans() -> impl IntoView {
    let app = use_app();
    let staff = visitors();
    view! {
        <section class="page plans">
            <div class="plans-head">
                <h1 class="page-title">{move || app.t(Key::PlansTitle)}</h1>
                <a class="btn" href="/console/plan/one" data-testid="plans-plan-one">{move || app.t(Key::PlansPlanOne)}</a>
            </div>
            <TaskTable staff=staff />
            <BulkPlanner staff=staff />
            <RecurringPolicy />
        </section>
    }
}
