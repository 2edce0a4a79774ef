//! The steps of a script being edited: each with its stage, goal and the four audience
//! wordings, moved, added and removed; placeholders go in at the caret from a list.

use huifang_domain::script::{Audience, PLACEHOLDERS, Script, ScriptStep, StepKind};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::{self, Key};
use crate::state::use_app;

/// Which wording the placeholder buttons write into: the one last focused.
pub type Focus = RwSignal<(usize, Audience)>;

/// `text` with `token` put in place of the UTF-16 range `start..end` (what a textarea's
/// selection counts in), and the caret after it, also in UTF-16 units.
pub fn insert_at(text: &str, start: u32, end: u32, token: &str) -> (String, u32) {
    let byte = |at: u32| {
        let mut units = 0;
        for (i, c) in text.char_indices() {
            if units >= at {
                return i;
            }
            units += c.len_utf16() as u32;
        }
        text.len()
    };
    let (from, to) = (byte(start.min(end)), byte(start.max(end)));
    let out = format!("{}{token}{}", &text[..from], &text[to..]);
    let caret = text[..from].encode_utf16().count() + token.encode_utf16().count();
    (out, caret as u32)
}

/// A key for a new step of `kind` that no step of `steps` has: `apology`, `apology_2`, ….
pub fn new_key(steps: &[ScriptStep], kind: StepKind) -> String {
    let base = serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "step".into());
    (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}_{n}")
            }
        })
        .find(|k| steps.iter().all(|s| &s.key != k))
        .unwrap_or(base)
}

/// A fresh step of `kind`, with an empty standard wording to fill in.
pub fn new_step(steps: &[ScriptStep], kind: StepKind) -> ScriptStep {
    ScriptStep {
        key: new_key(steps, kind),
        kind,
        goal: String::new(),
        variants: [(Audience::Standard, String::new())].into(),
    }
}

fn textarea_id(step: usize, a: Audience) -> String {
    format!("step-{step}-{}", a.as_str())
}

fn kind_name(kind: StepKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[component]
pub fn StepsEditor(script: RwSignal<Script>, dirty: RwSignal<bool>) -> impl IntoView {
    let app = use_app();
    let focus: Focus = RwSignal::new((0, Audience::Standard));
    let count = Memo::new(move |_| script.with(|s| s.steps.len()));
    let add = move |_| {
        script.update(|s| {
            let kind = if s.steps.is_empty() {
                StepKind::Opening
            } else {
                StepKind::Closing
            };
            let step = new_step(&s.steps, kind);
            s.steps.push(step);
        });
        dirty.set(true);
    };
    view! {
        <section class="script-steps" aria-labelledby="script-steps-title">
            <h2 class="section-title" id="script-steps-title">{move || app.t(Key::ScriptStepsTitle)}</h2>
            <ol class="script-step-list">
                <For each=move || 0..count.get() key=|i| *i let:i>
                    <StepCard i script dirty focus />
                </For>
            </ol>
            <button type="button" class="btn" data-testid="script-add-step" on:click=add>
                {move || app.t(Key::ScriptAddStep)}
            </button>
        </section>
    }
}

#[component]
fn StepCard(
    i: usize,
    script: RwSignal<Script>,
    dirty: RwSignal<bool>,
    focus: Focus,
) -> impl IntoView {
    let app = use_app();
    let edit = move |f: &dyn Fn(&mut ScriptStep)| {
        script.update(|s| {
            if let Some(step) = s.steps.get_mut(i) {
                f(step);
            }
        });
        dirty.set(true);
    };
    let count = move || script.with(|s| s.steps.len());
    let swap = move |j: usize| {
        script.update(|s| {
            if j < s.steps.len() {
                s.steps.swap(i, j);
            }
        });
        dirty.set(true);
    };
    let remove = move |_| {
        script.update(|s| {
            if i < s.steps.len() {
                s.steps.remove(i);
            }
        });
        dirty.set(true);
    };
    let kind = move || {
        script.with(|s| {
            s.steps
                .get(i)
                .map(|st| kind_name(st.kind))
                .unwrap_or_default()
        })
    };
    let goal =
        move || script.with(|s| s.steps.get(i).map(|st| st.goal.clone()).unwrap_or_default());
    let kind_options = move || {
        let lang = app.lang.get();
        let current = kind();
        i18n::STEP_KINDS
            .into_iter()
            .map(|k| {
                let name = kind_name(k);
                let selected = name == current;
                view! { <option value=name selected=selected>{i18n::step_kind_label(lang, k)}</option> }
            })
            .collect_view()
    };
    view! {
        <li class="card script-step" data-testid="script-edit-step" data-index=i.to_string()>
            <div class="script-step-head">
                <h3 class="script-step-title">{move || i18n::step_number(app.lang.get(), i + 1)}</h3>
                <div class="row-actions">
                    <button type="button" class="btn btn-quiet" data-testid="script-step-up"
                        disabled=move || i == 0 on:click=move |_| swap(i.wrapping_sub(1))>
                        {move || app.t(Key::ScriptMoveUp)}
                    </button>
                    <button type="button" class="btn btn-quiet" data-testid="script-step-down"
                        disabled=move || { i + 1 >= count() } on:click=move |_| swap(i + 1)>
                        {move || app.t(Key::ScriptMoveDown)}
                    </button>
                    <button type="button" class="btn btn-quiet btn-danger" data-testid="script-step-remove" on:click=remove>
                        {move || app.t(Key::ScriptRemoveStep)}
                    </button>
                </div>
            </div>
            <div class="script-step-fields">
                <label class="field">
                    <span class="label">{move || app.t(Key::ScriptStepKind)}</span>
                    <select
                        data-testid="script-step-kind"
                        prop:value=kind
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            if let Ok(k) = serde_json::from_value::<StepKind>(serde_json::Value::String(value)) {
                                edit(&|st| st.kind = k);
                            }
                        }
                    >
                        {kind_options}
                    </select>
                </label>
                <label class="field">
                    <span class="label">{move || app.t(Key::ScriptStepGoal)}</span>
                    <input
                        type="text"
                        data-testid="script-step-goal"
                        prop:value=goal
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            edit(&|st| st.goal = v.clone());
                        }
                    />
                </label>
            </div>
            <PlaceholderPicker i script dirty focus />
            <div class="script-wordings">
                {Audience::ALL
                    .into_iter()
                    .map(|a| view! { <Wording i a script dirty focus /> })
                    .collect_view()}
            </div>
        </li>
    }
}

/// One audience's wording of step `i`.
#[component]
fn Wording(
    i: usize,
    a: Audience,
    script: RwSignal<Script>,
    dirty: RwSignal<bool>,
    focus: Focus,
) -> impl IntoView {
    let app = use_app();
    let id = textarea_id(i, a);
    let value = move || {
        script.with(|s| {
            s.steps
                .get(i)
                .and_then(|st| st.variants.get(&a).cloned())
                .unwrap_or_default()
        })
    };
    view! {
        <label class="field script-wording">
            <span class="label">{move || i18n::wording_label(app.lang.get(), a)}</span>
            <textarea
                id=id
                rows="3"
                data-testid=format!("script-text-{}", a.as_str())
                prop:value=value
                on:focus=move |_| focus.set((i, a))
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    script.update(|s| {
                        if let Some(st) = s.steps.get_mut(i) {
                            if v.is_empty() && a != Audience::Standard {
                                st.variants.remove(&a);
                            } else {
                                st.variants.insert(a, v);
                            }
                        }
                    });
                    dirty.set(true);
                }
            ></textarea>
        </label>
    }
}

/// Buttons that put a `{placeholder}` at the caret of the wording last focused in step `i`
/// (its standard wording until another is focused).
#[component]
fn PlaceholderPicker(
    i: usize,
    script: RwSignal<Script>,
    dirty: RwSignal<bool>,
    focus: Focus,
) -> impl IntoView {
    let app = use_app();
    let insert = move |name: &'static str| {
        let a = match focus.get_untracked() {
            (step, a) if step == i => a,
            _ => Audience::Standard,
        };
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&textarea_id(i, a)))
            .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok());
        let Some(el) = element else {
            return;
        };
        let text = el.value();
        let end = text.encode_utf16().count() as u32;
        let start = el.selection_start().ok().flatten().unwrap_or(end);
        let stop = el.selection_end().ok().flatten().unwrap_or(start);
        let (next, caret) = insert_at(&text, start, stop, &format!("{{{name}}}"));
        script.update(|s| {
            if let Some(st) = s.steps.get_mut(i) {
                st.variants.insert(a, next.clone());
            }
        });
        dirty.set(true);
        el.set_value(&next);
        let _ = el.focus();
        let _ = el.set_selection_range(caret, caret);
        focus.set((i, a));
    };
    view! {
        <div class="placeholder-picker" role="group" aria-label=move || app.t(Key::ScriptInsert)>
            <span class="label small">{move || app.t(Key::ScriptInsert)}</span>
            {PLACEHOLDERS
                .into_iter()
                .map(|name| {
                    view! {
                        <button
                            type="button"
                            class="btn btn-quiet placeholder-btn"
                            data-testid=format!("script-insert-{name}")
                            // Keeps the caret where it is: a click would take the focus first.
                            on:mousedown=|ev| ev.prevent_default()
                            on:click=move |_| insert(name)
                        >
                            {move || i18n::placeholder_label(app.lang.get(), name).unwrap_or(name)}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_placeholder_goes_in_at_the_caret_counted_in_utf16() {
        let table = [
            ("您好", 2, 2, "{company}", "您好{company}", 11),
            ("您好", 0, 0, "{company}", "{company}您好", 9),
            ("您好,再见", 2, 5, "!", "您好!", 3),
            ("😀好", 2, 2, "{x}", "😀{x}好", 5),
            ("abc", 9, 9, "{x}", "abc{x}", 6),
            ("abc", 2, 1, "-", "a-c", 2),
        ];
        for (text, start, end, token, want, caret) in table {
            assert_eq!(
                insert_at(text, start, end, token),
                (want.to_owned(), caret),
                "{text} {start}..{end}"
            );
        }
    }

    #[test]
    fn new_steps_get_a_key_no_other_step_has() {
        let mut steps = Vec::new();
        for _ in 0..3 {
            let step = new_step(&steps, StepKind::Apology);
            steps.push(step);
        }
        let keys: Vec<_> = steps.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["apology", "apology_2", "apology_3"]);
        assert_eq!(new_key(&steps, StepKind::IdentityCheck), "identity_check");
    }
}
