//! One question in the editor: its kind, prompt, required flag, options, limits and
//! condition. Each input reads and writes the question at its place in the survey, so typing
//! never redraws the card (which keeps the focus where it is).

use std::collections::BTreeSet;

use huifang_domain::survey::{Condition, ConditionTest, Question, QuestionKind};
use leptos::prelude::*;

use super::model::{self, Direction, KindName, TestName};
use super::state::Editor;
use crate::i18n::{self, Key};
use crate::state::use_app;

#[component]
pub fn QuestionCard(
    ed: Editor,
    index: usize,
    key: String,
    flagged: Memo<BTreeSet<String>>,
) -> impl IntoView {
    let app = use_app();
    let read = move |f: fn(&Question) -> String| {
        ed.survey
            .with(|s| s.questions.get(index).map(f).unwrap_or_default())
    };
    let kind = Memo::new(move |_| {
        ed.survey
            .with(|s| s.questions.get(index).map(|q| KindName::of(&q.kind)))
    });
    let edit = move |f: &dyn Fn(&mut Question)| {
        ed.survey.update(|s| {
            if let Some(q) = s.questions.get_mut(index) {
                f(q)
            }
        })
    };
    let number = index + 1;
    let label = move || i18n::question_label(app.lang.get(), number, "");
    let count = move || ed.survey.with(|s| s.questions.len());
    let is_flagged = {
        let key = key.clone();
        move || flagged.with(|f| f.contains(&key))
    };
    let moved = move |direction: Direction| {
        ed.survey.update(|s| {
            model::move_question(s, index, direction);
        })
    };
    let aria = move |k: Key| format!("{} · {}", app.t(k), label());
    view! {
        <li
            class="card se-question"
            class:se-flagged=is_flagged.clone()
            data-testid="se-question"
            data-key=key.clone()
            data-flagged=move || is_flagged().to_string()
            id=format!("se-q-{key}")
            tabindex="-1"
        >
            <div class="se-q-head">
                <strong class="se-q-num">{label}</strong>
                <span class="muted se-q-key">{key.clone()}</span>
                <span class="se-q-tools">
                    <button type="button" class="btn btn-quiet" data-testid="se-q-up" aria-label=move || aria(Key::SeMoveUp)
                        disabled=move || index == 0 on:click=move |_| moved(Direction::Up)>"↑"</button>
                    <button type="button" class="btn btn-quiet" data-testid="se-q-down" aria-label=move || aria(Key::SeMoveDown)
                        disabled=move || { index + 1 >= count() } on:click=move |_| moved(Direction::Down)>"↓"</button>
                    <button type="button" class="btn btn-quiet" data-testid="se-q-remove" aria-label=move || aria(Key::SeRemove)
                        on:click=move |_| ed.survey.update(|s| { model::remove_question(s, index); })>"✕"</button>
                </span>
            </div>
            <div class="se-q-row">
                <label class="field se-kind">
                    <span class="label">{move || app.t(Key::SeKind)}</span>
                    <select data-testid="se-q-kind"
                        on:change=move |ev| {
                            if let Some(k) = KindName::parse(&event_target_value(&ev)) {
                                edit(&|q| q.kind = k.fresh(&q.kind));
                            }
                        }>
                        {move || KindName::ALL.into_iter().map(|k| view! {
                            <option value=k.wire() selected=move || kind.get() == Some(k)>{i18n::kind_label(app.lang.get(), k)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="se-required">
                    <input type="checkbox" data-testid="se-q-required"
                        prop:checked=move || ed.survey.with(|s| s.questions.get(index).is_some_and(|q| q.required))
                        on:change=move |ev| { let on = event_target_checked(&ev); edit(&|q| q.required = on); } />
                    <span>{move || app.t(Key::SeRequired)}</span>
                </label>
            </div>
            <label class="field">
                <span class="label">{move || app.t(Key::SePrompt)}</span>
                <input type="text" id=format!("se-prompt-{key}") data-testid="se-q-prompt" maxlength="200"
                    prop:value=move || read(|q| q.text.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); edit(&|q| q.text = v.clone()); } />
            </label>
            {move || match kind.get() {
                Some(KindName::Single) => view! { <OptionsEditor ed index /> }.into_any(),
                Some(KindName::Multi) => view! {
                    <OptionsEditor ed index />
                    <div class="se-limits">
                        <LimitField ed index part="min" label=Key::SeMin />
                        <LimitField ed index part="max" label=Key::SeMax />
                    </div>
                }.into_any(),
                Some(KindName::Text) => view! {
                    <div class="se-limits"><LimitField ed index part="max_chars" label=Key::SeMaxChars /></div>
                }.into_any(),
                _ => {
                    let scale = ed.survey.with_untracked(|s| s.questions.get(index).and_then(|q| q.kind.scale()));
                    scale.map(|(lo, hi)| view! { <p class="muted se-scale">{move || i18n::scale_note(app.lang.get(), lo, hi)}</p> }).into_any()
                }
            }}
            <ConditionEditor ed index />
        </li>
    }
}

#[component]
fn OptionsEditor(ed: Editor, index: usize) -> impl IntoView {
    let app = use_app();
    let count = move || {
        ed.survey.with(|s| {
            s.questions
                .get(index)
                .and_then(|q| q.kind.options().map(<[String]>::len))
                .unwrap_or(0)
        })
    };
    let edit = move |f: &dyn Fn(&mut QuestionKind)| {
        ed.survey.update(|s| {
            if let Some(q) = s.questions.get_mut(index) {
                f(&mut q.kind)
            }
        })
    };
    let add = move |_| {
        edit(&|k| {
            if let Some(o) = model::options_mut(k) {
                o.push(String::new())
            }
        });
        let key = ed
            .survey
            .with_untracked(|s| s.questions.get(index).map(|q| q.key.clone()));
        if let Some(key) = key {
            super::focus_later(format!("se-opt-{key}-{}", count()));
        }
    };
    let key = ed.survey.with_untracked(|s| {
        s.questions
            .get(index)
            .map(|q| q.key.clone())
            .unwrap_or_default()
    });
    view! {
        <fieldset class="se-options">
            <legend class="label">{move || app.t(Key::SeOptions)}</legend>
            <ol>
                <For each=move || 0..count() key=|j| *j children=move |j| {
                    let name = move || i18n::option_label(app.lang.get(), j + 1);
                    let aria = move |k: Key| format!("{} · {}", app.t(k), name());
                    view! {
                        <li class="se-option">
                            <input type="text" id=format!("se-opt-{key}-{}", j + 1) data-testid="se-option" maxlength="60"
                                aria-label=name
                                prop:value=move || ed.survey.with(|s| s.questions.get(index)
                                    .and_then(|q| q.kind.options().and_then(|o| o.get(j).cloned())).unwrap_or_default())
                                on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    edit(&|k| if let Some(o) = model::options_mut(k).and_then(|o| o.get_mut(j)) { *o = v.clone() });
                                } />
                            <button type="button" class="btn btn-quiet" aria-label=move || aria(Key::SeMoveUp)
                                disabled=move || j == 0 on:click=move |_| edit(&|k| model::move_option(k, j, true))>"↑"</button>
                            <button type="button" class="btn btn-quiet" aria-label=move || aria(Key::SeMoveDown)
                                disabled=move || { j + 1 >= count() } on:click=move |_| edit(&|k| model::move_option(k, j, false))>"↓"</button>
                            <button type="button" class="btn btn-quiet" data-testid="se-option-remove" aria-label=move || aria(Key::SeRemove)
                                on:click=move |_| edit(&|k| if let Some(o) = model::options_mut(k) && j < o.len() { o.remove(j); })>"✕"</button>
                        </li>
                    }
                } />
            </ol>
            <button type="button" class="btn" data-testid="se-add-option" on:click=add>{move || app.t(Key::SeAddOption)}</button>
        </fieldset>
    }
}

/// A limit of the question's kind (`min`, `max` of a multiple choice; `max_chars` of a
/// text): empty for none. What the user typed stays as typed until it is a number.
#[component]
fn LimitField(ed: Editor, index: usize, part: &'static str, label: Key) -> impl IntoView {
    let app = use_app();
    let current = move || {
        ed.survey
            .with_untracked(|s| match s.questions.get(index).map(|q| &q.kind) {
                Some(QuestionKind::Multi { min, max, .. }) => {
                    if part == "min" {
                        *min
                    } else {
                        *max
                    }
                }
                Some(QuestionKind::Text { max_chars }) => *max_chars,
                _ => None,
            })
    };
    let raw = RwSignal::new(current().map(|n| n.to_string()).unwrap_or_default());
    let bad = RwSignal::new(false);
    let key = ed.survey.with_untracked(|s| {
        s.questions
            .get(index)
            .map(|q| q.key.clone())
            .unwrap_or_default()
    });
    let error_id = format!("se-{part}-err-{key}");
    let described = error_id.clone();
    view! {
        <label class="field se-limit">
            <span class="label">{move || app.t(label)}</span>
            <input type="number" min="0" inputmode="numeric" data-testid=format!("se-q-{part}")
                placeholder=move || app.t(Key::SeNoLimit)
                aria-invalid=move || bad.get().to_string()
                aria-describedby=move || bad.get().then(|| described.clone())
                prop:value=move || raw.get()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    raw.set(text.clone());
                    match model::parse_limit(&text) {
                        Ok(n) => {
                            bad.set(false);
                            ed.survey.update(|s| match s.questions.get_mut(index).map(|q| &mut q.kind) {
                                Some(QuestionKind::Multi { min, max, .. }) => *(if part == "min" { min } else { max }) = n,
                                Some(QuestionKind::Text { max_chars }) => *max_chars = n,
                                _ => {}
                            });
                        }
                        Err(()) => bad.set(true),
                    }
                } />
            <Show when=move || bad.get()>
                <p class="field-error" id=error_id.clone()>{move || app.t(Key::SeLimitNumber)}</p>
            </Show>
        </label>
    }
}

/// `show_if`: an earlier question, a test that fits its kind, and the value.
#[component]
fn ConditionEditor(ed: Editor, index: usize) -> impl IntoView {
    let app = use_app();
    let condition = move || {
        ed.survey
            .with(|s| s.questions.get(index).and_then(|q| q.show_if.clone()))
    };
    let set = move |c: Option<Condition>| {
        ed.survey.update(|s| {
            if let Some(q) = s.questions.get_mut(index) {
                q.show_if = c
            }
        })
    };
    // The tested question, when it is an earlier one a condition can test.
    let target = Memo::new(move |_| {
        let c = condition()?;
        ed.survey.with(|s| {
            model::condition_targets(s, index)
                .into_iter()
                .find(|q| q.key == c.question)
                .cloned()
        })
    });
    let targets = move || {
        let lang = app.lang.get();
        ed.survey.with(|s| {
            model::condition_targets(s, index)
                .into_iter()
                .map(|q| {
                    let n = s.questions.iter().position(|e| e.key == q.key).unwrap_or(0) + 1;
                    (q.key.clone(), i18n::question_label(lang, n, &q.text))
                })
                .collect::<Vec<_>>()
        })
    };
    let broken = move || condition().is_some() && target.with(Option::is_none);
    let chosen = move || condition().map(|c| c.question).unwrap_or_default();
    let on_question = move |key: String| {
        let c = ed.survey.with_untracked(|s| {
            model::condition_targets(s, index)
                .into_iter()
                .find(|q| q.key == key)
                .and_then(model::condition_on)
        });
        set(c);
    };
    view! {
        <fieldset class="se-condition" data-testid="se-condition">
            <legend class="label">{move || app.t(Key::SeShowIf)}</legend>
            <div class="se-condition-row">
                <label class="field">
                    <span class="label">{move || app.t(Key::SeConditionQuestion)}</span>
                    <select data-testid="se-cond-question" on:change=move |ev| on_question(event_target_value(&ev))>
                        <option value="" selected=move || chosen().is_empty()>{move || app.t(Key::SeAlways)}</option>
                        {move || targets().into_iter().map(|(k, text)| {
                            let kk = k.clone();
                            view! { <option value=k selected=move || chosen() == kk>{text}</option> }
                        }).collect_view()}
                    </select>
                </label>
                {move || target.get().map(|t| view! { <TestFields ed index target=t /> })}
            </div>
            <Show when=move || { index > 0 && targets().is_empty() && condition().is_none() }>
                <p class="muted">{move || app.t(Key::SeNoEarlier)}</p>
            </Show>
            <Show when=broken>
                <p class="field-error" data-testid="se-cond-broken">{move || app.t(Key::SeConditionBroken)}</p>
            </Show>
        </fieldset>
    }
}

#[component]
fn TestFields(ed: Editor, index: usize, target: Question) -> impl IntoView {
    let app = use_app();
    let test = move || {
        ed.survey.with(|s| {
            s.questions
                .get(index)
                .and_then(|q| q.show_if.as_ref().map(|c| c.test.clone()))
        })
    };
    let set_test = move |t: ConditionTest| {
        ed.survey.update(|s| {
            if let Some(c) = s.questions.get_mut(index).and_then(|q| q.show_if.as_mut()) {
                c.test = t
            }
        })
    };
    let kind = StoredValue::new(target.kind.clone());
    let tests = model::tests_for(&target.kind);
    let test_name = move || test().map(|t| TestName::of(&t));
    let values: Vec<(String, String)> = match (&target.kind, target.kind.scale()) {
        (_, Some((lo, hi))) => (lo..=hi).map(|n| (n.to_string(), n.to_string())).collect(),
        (QuestionKind::YesNo, _) => vec![
            ("true".into(), String::new()),
            ("false".into(), String::new()),
        ],
        (k, _) => k
            .options()
            .unwrap_or_default()
            .iter()
            .map(|o| (o.clone(), o.clone()))
            .collect(),
    };
    let value = move || match test() {
        Some(ConditionTest::AtMost(n) | ConditionTest::AtLeast(n)) => n.to_string(),
        Some(ConditionTest::Is(b)) => b.to_string(),
        Some(ConditionTest::Includes(o)) => o,
        None => String::new(),
    };
    let on_value = move |v: String| {
        let t = match test() {
            Some(ConditionTest::AtMost(_)) => v.parse().ok().map(ConditionTest::AtMost),
            Some(ConditionTest::AtLeast(_)) => v.parse().ok().map(ConditionTest::AtLeast),
            Some(ConditionTest::Is(_)) => v.parse().ok().map(ConditionTest::Is),
            Some(ConditionTest::Includes(_)) => Some(ConditionTest::Includes(v)),
            None => None,
        };
        if let Some(t) = t {
            set_test(t)
        }
    };
    let value_label = move |v: &str| match v {
        "true" => app.t(Key::Yes).to_owned(),
        "false" => app.t(Key::No).to_owned(),
        other => other.to_owned(),
    };
    view! {
        <label class="field">
            <span class="label">{move || app.t(Key::SeConditionTest)}</span>
            <select data-testid="se-cond-test"
                on:change=move |ev| {
                    let name = tests.iter().copied().find(|t| t.wire() == event_target_value(&ev));
                    if let Some(t) = name.and_then(|n| kind.with_value(|k| model::test_for(k, n))) { set_test(t) }
                }>
                {move || tests.iter().map(|t| {
                    let t = *t;
                    view! { <option value=t.wire() selected=move || test_name() == Some(t)>{i18n::test_label(app.lang.get(), t)}</option> }
                }).collect_view()}
            </select>
        </label>
        <label class="field">
            <span class="label">{move || app.t(Key::SeConditionValue)}</span>
            <select data-testid="se-cond-value" on:change=move |ev| on_value(event_target_value(&ev))>
                {values.into_iter().map(|(v, _)| {
                    let vv = v.clone();
                    let shown = v.clone();
                    view! { <option value=v selected=move || value() == vv>{move || value_label(&shown)}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}
