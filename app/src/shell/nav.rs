//! The navigation. One list of links, laid out by the stylesheet: tabs under the top bar on
//! tablets, a bottom bar on phones with the role's main places and a "more" menu for the rest.
//! One list rather than two keeps every link's test id unique and its state in one place.

use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use wasm_bindgen::JsCast;
use web_sys::{FocusEvent, KeyboardEvent};

use super::places::{self, Door, Place};
use crate::i18n::Key;
use crate::state::{AppCtx, use_app};

#[component]
pub fn Nav() -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let role = move || app.session.with(|s| s.as_ref().map(|s| s.user.role));
    view! {
        <nav class="tabs" aria-label=move || app.t(Key::NavLabel) data-testid="nav">
            {move || {
                role()
                    .map(|role| {
                        let all = door.places(role);
                        let (bar, more) = places::phone_bar(role, door);
                        // On tablets the menu's links join the tabs; `order` keeps the
                        // tablet's tab order whatever the phone's split.
                        let order = move |p: Place| all.iter().position(|q| *q == p).unwrap_or(0);
                        let bar = bar
                            .into_iter()
                            .map(|p| view! { <NavLink place=p order=order(p) /> })
                            .collect_view();
                        let more = (!more.is_empty())
                            .then(|| {
                                let orders = more.iter().map(|p| order(*p)).collect::<Vec<_>>();
                                view! { <MoreMenu places=more orders /> }
                            });
                        view! {
                            {bar}
                            {more}
                        }
                    })
            }}
        </nav>
    }
}

fn count(app: AppCtx, place: Place) -> usize {
    match place {
        Place::Attention => app.sync.status.with(|s| s.stats.rejected),
        Place::Drafts => {
            app.data_rev.track();
            crate::store::LocalStore::browser().drafts().len()
        }
        _ => 0,
    }
}

/// The door this page is: each front door's `App` provides it.
pub fn use_door() -> Door {
    use_context::<Door>().expect("the App provides its door")
}

#[component]
fn NavLink(place: Place, order: usize) -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let location = use_location();
    let current = move || {
        location
            .pathname
            .with(|p| place.contains(door.route(p)))
            .then_some("page")
    };
    let n = move || count(app, place);
    view! {
        <a
            class="tab"
            href=door.href(place)
            data-testid=place.testid()
            aria-current=current
            style=("--tab-order", order.to_string())
        >
            <span class="tab-label">{move || app.t(place.key())}</span>
            <Show when=move || { n() > 0 }>
                <span class="count">{n}</span>
            </Show>
        </a>
    }
}

/// "More": a disclosure button and the links behind it. Arrow keys move through the links,
/// Escape closes and gives focus back to the button; so does leaving for another screen.
#[component]
fn MoreMenu(places: Vec<Place>, orders: Vec<usize>) -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let location = use_location();
    let open = RwSignal::new(false);
    let button = NodeRef::<html::Button>::new();
    let menu = NodeRef::<html::Div>::new();
    let wrapper = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        location.pathname.track();
        open.set(false);
    });
    let inside = StoredValue::new(places.clone());
    let holds_current = move || {
        location
            .pathname
            .with(|path| inside.with_value(|ps| ps.iter().any(|p| p.contains(door.route(path)))))
    };
    let total = move || inside.with_value(|ps| ps.iter().map(|p| count(app, *p)).sum::<usize>());
    let focus = |el: Option<web_sys::Element>| {
        if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    };
    let edge = move |last: bool| {
        menu.get_untracked().and_then(|m| {
            if last {
                m.last_element_child()
            } else {
                m.first_element_child()
            }
        })
    };
    let close = move |refocus: bool| {
        open.set(false);
        if refocus && let Some(b) = button.get_untracked() {
            let _ = b.focus();
        }
    };
    let open_at = move |last: bool| {
        open.set(true);
        // The links are display: none until the class lands; focus after this render.
        request_animation_frame(move || focus(edge(last)));
    };
    let on_button_key = move |ev: KeyboardEvent| match ev.key().as_str() {
        "ArrowUp" | "ArrowDown" => {
            ev.prevent_default();
            open_at(ev.key() == "ArrowUp");
        }
        "Escape" if open.get_untracked() => close(true),
        _ => {}
    };
    let on_menu_key = move |ev: KeyboardEvent| {
        let active = document().active_element();
        let target = match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                close(true);
                return;
            }
            "ArrowDown" => active
                .and_then(|a| a.next_element_sibling())
                .or_else(|| edge(false)),
            "ArrowUp" => active
                .and_then(|a| a.previous_element_sibling())
                .or_else(|| edge(true)),
            "Home" => edge(false),
            "End" => edge(true),
            _ => return,
        };
        ev.prevent_default();
        focus(target);
    };
    // Tabbing out of the menu closes it; a tap elsewhere lands on the backdrop.
    let on_focus_out = move |ev: FocusEvent| {
        let outside = ev
            .related_target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
            .is_some_and(|n| {
                wrapper
                    .get_untracked()
                    .is_some_and(|w| !w.contains(Some(&n)))
            });
        if outside {
            open.set(false);
        }
    };
    let links = places
        .into_iter()
        .zip(orders)
        .map(|(p, order)| view! { <NavLink place=p order /> })
        .collect_view();
    view! {
        <div class="nav-more" node_ref=wrapper on:focusout=on_focus_out>
            <Show when=move || open.get()>
                <div class="more-backdrop" on:click=move |_| close(false)></div>
            </Show>
            <button
                type="button"
                class=move || if holds_current() { "tab more-btn holds-current" } else { "tab more-btn" }
                data-testid="nav-more"
                aria-expanded=move || open.get().to_string()
                aria-controls="nav-more-menu"
                node_ref=button
                on:click=move |_| {
                    if open.get_untracked() {
                        close(false);
                    } else {
                        open_at(false);
                    }
                }
                on:keydown=on_button_key
            >
                <span class="tab-label">{move || app.t(Key::NavMore)}</span>
                <Show when=move || { total() > 0 }>
                    <span class="count" data-testid="nav-more-count">{total}</span>
                </Show>
            </button>
            <div
                id="nav-more-menu"
                class="more-menu"
                class:open=move || open.get()
                data-testid="nav-more-menu"
                node_ref=menu
                on:keydown=on_menu_key
                on:click=move |_| open.set(false)
            >
                {links}
            </div>
        </div>
    }
}
