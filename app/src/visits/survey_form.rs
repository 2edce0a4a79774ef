use huifang_domain::survey::{Answer, Question, QuestionKind, Survey, SurveyError, nps_group};
use leptos::prelude::*;

use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::visits::form::{Draft, prune_answers};

/// 满意度问卷: the survey of this visit, one widget per question kind. Conditional questions
/// come and go with the answers they depend on.
#[component]
pub fn SurveyForm(
    draft: RwSignal<Draft>,
    survey: Survey,
    /// The form's problems with the answers, at most one per question.
    errors: Signal<Vec<SurveyError>>,
) -> impl IntoView {
    let survey = StoredValue::new(survey);
    let visible = move || {
        let s = survey.get_value();
        draft.with(|d| s.visible(&d.answers).cloned().collect::<Vec<Question>>())
    };
    view! {
        <fieldset class="survey" data-testid="survey">
            <legend class="section-title">{survey.with_value(|s| s.title.clone())}</legend>
            <For
                each=visible
                key=|q| q.key.clone()
                children=move |q| view! { <SurveyQuestion draft survey question=q errors /> }
            />
        </fieldset>
    }
}

#[component]
fn SurveyQuestion(
    draft: RwSignal<Draft>,
    survey: StoredValue<Survey>,
    question: Question,
    errors: Signal<Vec<SurveyError>>,
) -> impl IntoView {
    let app = use_app();
    let key = question.key.clone();
    let text = question.text.clone();
    let answer = {
        let key = key.clone();
        Signal::derive(move || draft.with(|d| d.answers.get(&key).cloned()))
    };
    let set: Callback<Option<Answer>> = {
        let key = key.clone();
        Callback::new(move |a: Option<Answer>| {
            let s = survey.get_value();
            draft.update(|d| {
                match a {
                    Some(a) => d.answers.insert(key.clone(), a),
                    None => d.answers.remove(&key),
                };
                d.answers = prune_answers(&s, &d.answers);
            });
        })
    };
    let message = {
        let key = key.clone();
        let text = text.clone();
        move || {
            errors.with(|list| {
                list.iter()
                    .find(|e| e.question == key)
                    .map(|e| i18n::survey_problem(app.lang.get(), &text, &e.problem))
            })
        }
    };
    let widget = match question.kind.clone() {
        QuestionKind::Stars => view! { <Stars answer set /> }.into_any(),
        QuestionKind::Nps => view! { <Nps answer set /> }.into_any(),
        QuestionKind::Mood => view! { <Mood answer set /> }.into_any(),
        QuestionKind::YesNo => view! { <YesNo answer set /> }.into_any(),
        QuestionKind::Single { options } => {
            view! { <Choices options max=1 answer set /> }.into_any()
        }
        QuestionKind::Multi { options, max, .. } => {
            let max = max.unwrap_or(options.len());
            view! { <Choices options max answer set /> }.into_any()
        }
        QuestionKind::Text { max_chars } => {
            view! { <FreeText max_chars label=text.clone() answer set /> }.into_any()
        }
    };
    let hint = match &question.kind {
        QuestionKind::Multi {
            options,
            max: Some(max),
            ..
        } if *max < options.len() => Some(*max),
        _ => None,
    };
    let required = question.required;
    let error_key = key.clone();
    let error_id = format!("err-q-{key}");
    let described_by = error_id.clone();
    let invalid = {
        let message = message.clone();
        move || message().is_some()
    };
    view! {
        <div
            class="survey-question field"
            data-testid="survey-question"
            data-key=key.clone()
            id=format!("q-{key}")
            tabindex="-1"
            role="group"
            aria-labelledby=format!("label-q-{key}")
            aria-invalid={
                let invalid = invalid.clone();
                move || invalid().to_string()
            }
            aria-describedby=move || invalid().then(|| described_by.clone())
        >
            <p class="label" id=format!("label-q-{key}")>
                {text.clone()}
                {required.then(|| view! { <span class="required" title=move || app.t(Key::SurveyRequired)>" *"</span> })}
                {hint.map(|n| view! { <span class="hint">" (" {move || i18n::choose_up_to(app.lang.get(), n)} ")"</span> })}
            </p>
            {widget}
            {move || message().map(|m| view! {
                <p class="field-error" id=error_id.clone() data-testid="survey-error" data-key=error_key.clone()>{m}</p>
            })}
        </div>
    }
}

fn number(a: &Option<Answer>) -> Option<u8> {
    match a {
        Some(Answer::Number(n)) => Some(*n),
        _ => None,
    }
}

#[component]
fn Stars(answer: Signal<Option<Answer>>, set: Callback<Option<Answer>>) -> impl IntoView {
    view! {
        <div class="stars" role="group">
            {(1u8..=5)
                .map(|n| {
                    let lit = move || number(&answer.get()).is_some_and(|v| n <= v);
                    view! {
                        <button
                            type="button"
                            class="star"
                            class:lit=lit
                            data-testid=format!("stars-{n}")
                            aria-label=format!("{n}/5")
                            aria-pressed=move || (number(&answer.get()) == Some(n)).to_string()
                            on:click=move |_| set.run(Some(Answer::Number(n)))
                        >
                            "★"
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn Nps(answer: Signal<Option<Answer>>, set: Callback<Option<Answer>>) -> impl IntoView {
    let app = use_app();
    view! {
        <div class="nps" role="group">
            {(0u8..=10)
                .map(|n| {
                    view! {
                        <button
                            type="button"
                            class="scale-btn nps-btn"
                            data-group=format!("{:?}", nps_group(n)).to_lowercase()
                            data-testid=format!("nps-{n}")
                            aria-pressed=move || (number(&answer.get()) == Some(n)).to_string()
                            on:click=move |_| set.run(Some(Answer::Number(n)))
                        >
                            {n}
                        </button>
                    }
                })
                .collect_view()}
        </div>
        {move || number(&answer.get()).map(|n| {
            let group = nps_group(n);
            view! {
                <p class="nps-group" data-testid="nps-group" data-group=format!("{group:?}").to_lowercase()>
                    {move || i18n::nps_label(app.lang.get(), group)}
                </p>
            }
        })}
    }
}

#[component]
fn Mood(answer: Signal<Option<Answer>>, set: Callback<Option<Answer>>) -> impl IntoView {
    let app = use_app();
    view! {
        <div class="mood" role="group">
            {[(1u8, "☹"), (2, "😐"), (3, "☺")]
                .into_iter()
                .map(|(n, face)| {
                    view! {
                        <button
                            type="button"
                            class="mood-btn"
                            data-testid=format!("mood-{n}")
                            aria-pressed=move || (number(&answer.get()) == Some(n)).to_string()
                            on:click=move |_| set.run(Some(Answer::Number(n)))
                        >
                            <span class="face" aria-hidden="true">{face}</span>
                            <span>{move || i18n::mood_label(app.lang.get(), n)}</span>
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn YesNo(answer: Signal<Option<Answer>>, set: Callback<Option<Answer>>) -> impl IntoView {
    let app = use_app();
    let is = move |b: bool| move || (answer.get() == Some(Answer::YesNo(b))).to_string();
    view! {
        <div class="choices" role="group">
            <button type="button" class="choice-btn" data-testid="yes" aria-pressed=is(true) on:click=move |_| set.run(Some(Answer::YesNo(true)))>
                {move || app.t(Key::Yes)}
            </button>
            <button type="button" class="choice-btn" data-testid="no" aria-pressed=is(false) on:click=move |_| set.run(Some(Answer::YesNo(false)))>
                {move || app.t(Key::No)}
            </button>
        </div>
    }
}

/// Single choice (`max` 1: a tap replaces the choice) or multiple choice up to `max`.
#[component]
fn Choices(
    options: Vec<String>,
    max: usize,
    answer: Signal<Option<Answer>>,
    set: Callback<Option<Answer>>,
) -> impl IntoView {
    let chosen = move || match answer.get() {
        Some(Answer::Choices(c)) => c,
        _ => Vec::new(),
    };
    let toggle = move |option: String| {
        let mut c = chosen();
        if let Some(i) = c.iter().position(|o| *o == option) {
            c.remove(i);
        } else if max == 1 {
            c = vec![option];
        } else if c.len() < max {
            c.push(option);
        }
        set.run((!c.is_empty()).then_some(Answer::Choices(c)));
    };
    view! {
        <div class="choices" role="group">
            {options
                .into_iter()
                .map(|o| {
                    let on = {
                        let o = o.clone();
                        move || chosen().contains(&o)
                    };
                    let full = {
                        let on = on.clone();
                        move || max > 1 && !on() && chosen().len() >= max
                    };
                    let value = o.clone();
                    let label = o.clone();
                    view! {
                        <button
                            type="button"
                            class="choice-btn"
                            data-testid="choice"
                            data-value=o.clone()
                            aria-pressed=move || on().to_string()
                            disabled=full
                            on:click=move |_| toggle(value.clone())
                        >
                            {label}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn FreeText(
    max_chars: Option<usize>,
    label: String,
    answer: Signal<Option<Answer>>,
    set: Callback<Option<Answer>>,
) -> impl IntoView {
    let max = max_chars
        .unwrap_or(huifang_domain::survey::MAX_TEXT_ANSWER)
        .min(huifang_domain::survey::MAX_TEXT_ANSWER);
    view! {
        <textarea
            rows="2"
            maxlength=max.to_string()
            data-testid="survey-text"
            aria-label=label
            prop:value=move || match answer.get() {
                Some(Answer::Text(t)) => t,
                _ => String::new(),
            }
            on:input=move |ev| {
                let v = event_target_value(&ev);
                set.run((!v.trim().is_empty()).then_some(Answer::Text(v)));
            }
        ></textarea>
    }
}
