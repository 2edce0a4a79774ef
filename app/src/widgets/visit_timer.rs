use gloo_timers::callback::Interval;
use leptos::prelude::*;

use crate::browser;
use crate::i18n::{self, Key};
use crate::state::{settings, use_app};
use crate::visits::field::{mmss, overdue_record};
use crate::visits::form::Draft;

/// The visit timer (5–10 minutes is the target) and "contact finished", after which the
/// record is due within minutes (一事一记).
#[component]
pub fn VisitTimer(draft: RwSignal<Draft>) -> impl IntoView {
    let app = use_app();
    let now = RwSignal::new(browser::now());
    let tick = Interval::new(1_000, move || now.set(browser::now()));
    let tick = StoredValue::new_local(Some(tick));
    on_cleanup(move || {
        tick.update_value(|t| {
            if let Some(t) = t.take() {
                t.cancel();
            }
        })
    });
    let s = settings(app);
    let target_max = s.target_minutes[1];
    let within = s.record_within_minutes;
    let secs = move || draft.with(|d| d.duration_secs(now.get())).unwrap_or(0);
    let over = move || secs() > target_max * 60;
    let finished = move || draft.with(|d| d.finished_at.is_some());
    let reminder = move || draft.with(|d| overdue_record(d.finished_at, now.get(), within));
    view! {
        <div class="timer-row">
            <span class="visit-timer" class:over=over data-testid="visit-timer" role="timer" aria-label=move || app.t(Key::TimerLabel)>
                {move || app.t(Key::TimerLabel)} " " {move || mmss(secs())}
            </span>
            <Show when=move || !finished()>
                <button type="button" class="btn" data-testid="contact-finished" on:click=move |_| {
                    draft.update(|d| d.finished_at = Some(browser::now()));
                }>
                    {move || app.t(Key::ContactFinished)}
                </button>
            </Show>
        </div>
        {move || reminder().map(|m| view! {
            <p class="banner banner-warn" role="alert" data-testid="record-reminder">
                {move || i18n::record_reminder(app.lang.get(), m, within)}
            </p>
        })}
    }
}
