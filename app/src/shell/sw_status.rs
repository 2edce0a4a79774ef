//! What the service worker means for the person at the tablet: whether the app is ready to
//! work offline, and a new version waiting, which takes over at a safe moment (never in the
//! middle of a form).

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::nav::use_door;
use super::places::{Door, Place};
use crate::i18n::Key;
use crate::state::use_app;
use crate::sw::{self, Offline, Update, Worker};

/// What just happened when the page considers letting a waiting version take over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// The page started with a version waiting.
    Start,
    /// The user went to another screen.
    Navigation,
    /// A version finished installing while the user stayed on a screen.
    Arrival,
}

/// Whether the screen at `route` (a path of its door, without the console's base) holds input
/// a reload would lose or break into: the visit form, a ticket's intake and its page (its
/// actions take notes), planning, the rules, and the workbench (review comments).
pub fn holds_input(route: &str) -> bool {
    let forms = [Place::NewVisit, Place::Plan, Place::Rules, Place::Supervise];
    forms.iter().any(|p| p.contains(route))
        || route
            .strip_prefix(Place::Tickets.href())
            .is_some_and(|rest| rest.len() > 1 && rest.starts_with('/'))
}

/// Whether a waiting version takes over now. Only when the user is not in a form, and only
/// when the page starts or the user moves to another screen: never under the user's finger
/// while they read a list (the banner offers the reload then).
pub fn takes_over(moment: Moment, route: &str) -> bool {
    moment != Moment::Arrival && !holds_input(route)
}

/// A small, quiet line in the top bar: preparing, ready, or not ready to work offline. The
/// console, whose top row also holds the door switch, shows the icon alone.
#[component]
pub fn OfflineStatus() -> impl IntoView {
    let app = use_app();
    let worker = expect_context::<Worker>();
    let class = match use_door() {
        Door::Field => "offline-status",
        Door::Console => "offline-status icon-only",
    };
    move || {
        worker.offline.get().map(|state| {
            let key = match state {
                Offline::Preparing => Key::OfflinePreparing,
                Offline::Ready => Key::OfflineReady,
                Offline::NotReady => Key::OfflineNotReady,
            };
            view! {
                <span
                    class=class
                    role="status"
                    data-testid="offline-status"
                    data-state=state.as_str()
                    title=move || app.t(key)
                >
                    <span class="offline-icon" aria-hidden="true"></span>
                    <span class="offline-label">{move || app.t(key)}</span>
                </span>
            }
        })
    }
}

/// Lets a waiting version take over at the moments `takes_over` allows. Mounted once inside
/// the router, logged in or not.
#[component]
pub fn UpdateTakeover() -> impl IntoView {
    let door = use_door();
    let worker = expect_context::<Worker>();
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        let moment = match worker.update.get() {
            Update::None => return path,
            Update::AtStart => Moment::Start,
            Update::Arrived if previous.as_ref().is_some_and(|p| *p != path) => Moment::Navigation,
            Update::Arrived => Moment::Arrival,
        };
        if takes_over(moment, door.route(&path)) {
            sw::take_over();
        }
        path
    });
}

/// A new version is waiting: on a list the banner offers the reload (the next screen change
/// applies it anyway); in a form it says the update applies after saving or leaving.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let worker = expect_context::<Worker>();
    let location = use_location();
    let in_form = move || location.pathname.with(|p| holds_input(door.route(p)));
    view! {
        <Show when=move || worker.update.get() != Update::None>
            <div
                class="banner banner-info"
                role="status"
                data-testid="update-banner"
                data-state=move || if in_form() { "after-save" } else { "ready" }
            >
                <span>
                    {move || app.t(if in_form() { Key::UpdateAfterSave } else { Key::UpdateBanner })}
                </span>
                <Show when=move || !in_form()>
                    <button class="btn btn-primary" data-testid="update-reload" on:click=move |_| sw::take_over()>
                        {move || app.t(Key::UpdateReload)}
                    </button>
                </Show>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::{Moment, holds_input, takes_over};

    #[test]
    fn forms_hold_input_and_lists_do_not() {
        let table = [
            ("/visit/new", true),
            ("/tickets/new", true),
            ("/tickets/6f0c2a", true),
            ("/plan", true),
            ("/rules", true),
            ("/supervise", true),
            ("/", false),
            ("/login", false),
            ("/tasks", false),
            ("/customers", false),
            ("/visits", false),
            ("/drafts", false),
            ("/attention", false),
            ("/tickets", false),
            ("/tickets/", false),
            ("/admin", false),
            ("/visit", false),
        ];
        for (route, want) in table {
            assert_eq!(holds_input(route), want, "{route}");
        }
    }

    #[test]
    fn a_waiting_version_takes_over_at_start_or_on_leaving_for_a_screen_without_a_form() {
        use Moment::*;
        let table = [
            (Start, "/tasks", true),
            (Start, "/", true),
            (Start, "/visit/new", false),
            (Navigation, "/visits", true),
            (Navigation, "/tickets", true),
            (Navigation, "/tickets/new", false),
            (Navigation, "/tickets/6f0c2a", false),
            (Navigation, "/rules", false),
            (Arrival, "/tasks", false),
            (Arrival, "/visit/new", false),
        ];
        for (moment, route, want) in table {
            assert_eq!(takes_over(moment, route), want, "{moment:?} at {route}");
        }
    }
}
