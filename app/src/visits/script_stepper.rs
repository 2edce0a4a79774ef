use huifang_domain::script::{Audience, Script, Values, fill};
use leptos::prelude::*;

use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::visits::form::Draft;

/// 话术: the visit type's script, one step at a time, in the wording for this customer.
#[component]
pub fn ScriptStepper(
    draft: RwSignal<Draft>,
    script: Signal<Option<Script>>,
    values: Signal<Values>,
    audience: Signal<Audience>,
) -> impl IntoView {
    let app = use_app();
    let steps = move || script.with(|s| s.as_ref().map_or(0, |s| s.steps.len()));
    let current = move || draft.with(|d| d.step).min(steps().saturating_sub(1));
    let go = move |delta: isize| {
        let n = steps();
        draft.update(|d| {
            let at = d.step.min(n.saturating_sub(1));
            d.step = at.saturating_add_signed(delta).min(n.saturating_sub(1));
        });
    };
    let next = move |_| {
        // "Next" means this step was said: one tap per step.
        let key = script.with(|s| {
            s.as_ref()
                .and_then(|s| s.steps.get(current()).map(|st| st.key.clone()))
        });
        if let Some(key) = key {
            draft.update(|d| {
                if !d.steps_done.contains(&key) {
                    d.steps_done.push(key);
                }
            });
        }
        go(1);
    };
    let toggle = move |key: String| {
        draft.update(|d| {
            if let Some(i) = d.steps_done.iter().position(|k| *k == key) {
                d.steps_done.remove(i);
            } else {
                d.steps_done.push(key);
            }
        });
    };

    view! {
        <details class="card script-stepper" data-testid="script-stepper" open>
            <summary class="section-title">
                {move || app.t(Key::ScriptTitle)}
                {move || script.with(|s| s.as_ref().map(|s| format!(" · {}", s.title)))}
            </summary>
            {move || {
                if draft.with(|d| d.visit_type().is_none()) {
                    return view! { <p class="muted">{move || app.t(Key::ScriptChooseType)}</p> }.into_any();
                }
                let Some(s) = script.get() else {
                    return view! { <p class="muted">{move || app.t(Key::ScriptNone)}</p> }.into_any();
                };
                let steps = s.steps.clone();
                view! {
                    <div class="seg seg-small" role="group" aria-label=move || app.t(Key::AudienceLabel)>
                        {Audience::ALL
                            .into_iter()
                            .map(|a| {
                                view! {
                                    <button
                                        type="button"
                                        class="seg-btn"
                                        data-testid=format!("script-audience-{}", a.as_str())
                                        aria-pressed=move || (audience.get() == a).to_string()
                                        on:click=move |_| draft.update(|d| d.audience = Some(a))
                                    >
                                        {move || i18n::audience_label(app.lang.get(), a)}
                                    </button>
                                }
                            })
                            .collect_view()}
                    </div>
                    <ol class="steps">
                        {steps
                            .into_iter()
                            .enumerate()
                            .map(|(i, step)| {
                                let key = step.key.clone();
                                let done = {
                                    let key = key.clone();
                                    Signal::derive(move || draft.with(|d| d.steps_done.contains(&key)))
                                };
                                let is_current = move || current() == i;
                                let goal = step.goal.clone();
                                // A step without a goal (a script being written) is still named.
                                let check_label = if goal.trim().is_empty() {
                                    i18n::step_number(app.lang.get_untracked(), i + 1)
                                } else {
                                    goal.clone()
                                };
                                let text = move || fill(step.text(audience.get()), &values.get());
                                let toggle_key = key.clone();
                                view! {
                                    <li
                                        class="step"
                                        class:current=is_current
                                        data-testid="script-step"
                                        data-key=key.clone()
                                        data-done=move || done.get().to_string()
                                    >
                                        <div class="step-head">
                                            <label class="step-check">
                                                <input
                                                    type="checkbox"
                                                    aria-label=check_label
                                                    prop:checked=move || done.get()
                                                    on:change=move |_| toggle(toggle_key.clone())
                                                />
                                            </label>
                                            <button type="button" class="step-goal" on:click=move |_| draft.update(|d| d.step = i)>
                                                {format!("{}. {goal}", i + 1)}
                                            </button>
                                        </div>
                                        <Show when=is_current>
                                            <p class="step-text" data-testid="script-step-text">{text.clone()}</p>
                                        </Show>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                    <div class="step-nav">
                        <button type="button" class="btn" data-testid="script-prev" disabled=move || current() == 0 on:click=move |_| go(-1)>
                            {move || app.t(Key::ScriptPrev)}
                        </button>
                        <button type="button" class="btn btn-primary" data-testid="script-next" on:click=next>
                            {move || app.t(Key::ScriptNext)}
                        </button>
                    </div>
                }
                .into_any()
            }}
        </details>
    }
}
