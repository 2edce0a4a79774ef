//! The route table of each front door. Each binary mounts `App` with one of them, and the
//! linker keeps only the screens its table names: the field app's wasm holds no console
//! screen. The console's routes sit under the router base `/console`.

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Routes};
use leptos_router::path;

use super::nav::use_door;
use crate::audit::AuditTrail;
use crate::catalog::SurveyEditor;
use crate::catalog::{CatalogPage, ScriptEditorPage};
use crate::customer_book::CustomerBook;
use crate::customer_import::CustomerImport;
use crate::customers::CustomerList;
use crate::dashboard::DashboardPage;
use crate::devices::DeviceHealthPage;
use crate::i18n::Key;
use crate::people::{ChangePasswordPage, PeoplePage};
use crate::plans::VisitPlans;
use crate::review::{AdminVisits, Supervise};
use crate::rules::RulesPage;
use crate::settings::OrgSettings;
use crate::state::use_app;
use crate::stats::StatisticsPage;
use crate::tasks::{MyTasks, PlanVisit};
use crate::tickets::{TicketIntakePage, TicketList, TicketPage};
use crate::visits::{Drafts, MyVisits, NeedsAttention, VisitPage};

/// The field app (`/`): tasks, the visit, the customer's file, drafts, needs attention, and
/// ticket intake with the user's own tickets.
pub fn field() -> AnyView {
    view! {
        <Routes fallback=NotFound>
            <Route path=path!("/") view=Home />
            <Route path=path!("/login") view=Home />
            <Route path=path!("/tasks") view=MyTasks />
            <Route path=path!("/drafts") view=Drafts />
            <Route path=path!("/customers") view=CustomerList />
            <Route path=path!("/visit/new") view=VisitPage />
            <Route path=path!("/visits") view=MyVisits />
            <Route path=path!("/attention") view=NeedsAttention />
            <Route path=path!("/tickets") view=TicketList />
            <Route path=path!("/tickets/new") view=TicketIntakePage />
            <Route path=path!("/tickets/:id") view=TicketPage />
            <Route path=path!("/password") view=ChangePasswordPage />
        </Routes>
    }
    .into_any()
}

/// The console (`/console`): the supervisors' workbench (reviews, escalations), every ticket,
/// planned visits, every visit, the rules. A new ticket is taken in the field app.
pub fn console() -> AnyView {
    view! {
        <Routes fallback=NotFound>
            <Route path=path!("/") view=Home />
            <Route path=path!("/supervise") view=Supervise />
            <Route path=path!("/tickets") view=TicketList />
            <Route path=path!("/tickets/:id") view=TicketPage />
            <Route path=path!("/plan") view=VisitPlans />
            <Route path=path!("/plan/one") view=PlanVisit />
            <Route path=path!("/admin") view=AdminVisits />
            <Route path=path!("/rules") view=RulesPage />
            <Route path=path!("/people") view=PeoplePage />
            <Route path=path!("/password") view=ChangePasswordPage />
            <Route path=path!("/settings") view=OrgSettings />
            <Route path=path!("/dashboard") view=DashboardPage />
            <Route path=path!("/stats") view=StatisticsPage />
            <Route path=path!("/devices") view=DeviceHealthPage />
            <Route path=path!("/customers") view=CustomerBook />
            <Route path=path!("/customers/import") view=CustomerImport />
            <Route path=path!("/catalog") view=CatalogPage />
            <Route path=path!("/catalog/scripts/:id") view=ScriptEditorPage />
            <Route path=path!("/catalog/surveys/new") view=SurveyEditor />
            <Route path=path!("/catalog/surveys/:id") view=SurveyEditor />
            <Route path=path!("/audit") view=AuditTrail />
        </Routes>
    }
    .into_any()
}

/// The door's start (and `/login`, where a login leaves the address): the role's first place.
#[component]
fn Home() -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let home = app
        .session
        .with_untracked(|s| s.as_ref().map(|s| door.home(s.user.role).href()));
    view! { <Redirect path=home.unwrap_or("/") /> }
}

#[component]
fn NotFound() -> impl IntoView {
    let app = use_app();
    view! { <p class="empty">{move || app.t(Key::NotFound)}</p> }
}
