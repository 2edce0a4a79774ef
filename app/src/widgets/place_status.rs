use huifang_domain::proof::Place;
use leptos::prelude::*;

use crate::browser;
use crate::i18n::Key;
use crate::state::use_app;
use crate::visits::field::fix_text;
use crate::visits::form::Draft;

/// How long to wait for a fix before recording that there is none.
const LOCATE_TIMEOUT_MS: u32 = 10_000;

/// Where an on-site visit happens (asked once, when the visit is on site), or "phone visit".
#[component]
pub fn PlaceStatus(draft: RwSignal<Draft>) -> impl IntoView {
    let app = use_app();
    let locating = RwSignal::new(false);
    let locate = move || {
        if locating.get_untracked() {
            return;
        }
        locating.set(true);
        browser::locate(LOCATE_TIMEOUT_MS, move |place| {
            locating.set(false);
            // The user may have switched to a phone visit meanwhile.
            if draft.with_untracked(Draft::on_site) {
                draft.update(|d| d.place = Some(place));
            }
        });
    };
    Effect::new(move |_| {
        if draft.with(|d| d.on_site() && d.place.is_none()) {
            locate();
        }
    });
    let text = move || {
        let on_site = draft.with(Draft::on_site);
        if !on_site {
            return app.t(Key::PhoneVisit).to_owned();
        }
        match draft.with(|d| d.place.clone()) {
            Some(p @ Place::Fix { .. }) => format!(
                "{}: {}",
                app.t(Key::PlaceLabel),
                fix_text(&p).unwrap_or_default()
            ),
            Some(Place::Denied) => app.t(Key::PlaceDenied).to_owned(),
            Some(Place::Unavailable) => app.t(Key::PlaceUnavailable).to_owned(),
            None => app.t(Key::PlaceLocating).to_owned(),
        }
    };
    let state = move || match draft.with(|d| (d.on_site(), d.place.clone())) {
        (false, _) => "phone",
        (true, Some(Place::Fix { .. })) => "fix",
        (true, Some(_)) => "none",
        (true, None) => "locating",
    };
    view! {
        <p class="place-status" id="f-place" tabindex="-1" data-testid="place-status" data-state=state role="status">
            <span>{text}</span>
            <Show when=move || draft.with(|d| d.on_site() && !matches!(d.place, Some(Place::Fix { .. }) | None))>
                <button type="button" class="btn btn-quiet" on:click=move |_| {
                    draft.update(|d| d.place = None);
                }>
                    {move || app.t(Key::PlaceRetry)}
                </button>
            </Show>
        </p>
    }
}
