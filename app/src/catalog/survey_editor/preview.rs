//! The live preview: the field app's own survey form over answers kept only here, so
//! conditions show and hide questions as on the device, and "check as on save" shows the
//! required and limit errors the device would.

use huifang_domain::survey::{Survey, SurveyError};
use leptos::prelude::*;

use crate::i18n::Key;
use crate::state::use_app;
use crate::visits::form::{Draft, prune_answers};
use crate::visits::survey_form::SurveyForm;

#[component]
pub fn Preview(survey: RwSignal<Survey>) -> impl IntoView {
    let app = use_app();
    let draft = RwSignal::new(Draft::default());
    let checked = RwSignal::new(false);
    // An edit can remove a question or the condition that asked it: its answer goes, as an
    // answer to a question that is no longer asked goes on the device.
    Effect::new(move |_| {
        let pruned = survey.with(|s| draft.with_untracked(|d| prune_answers(s, &d.answers)));
        if draft.with_untracked(|d| d.answers != pruned) {
            draft.update(|d| d.answers = pruned);
        }
    });
    let errors = Signal::derive(move || {
        if !checked.get() {
            return Vec::<SurveyError>::new();
        }
        survey.with(|s| draft.with(|d| s.check_all(&d.answers)))
    });
    // The form is drawn again only when the definition changes, not on every answer.
    let definition = Memo::new(move |_| survey.get());
    view! {
        <section class="card se-preview" data-testid="se-preview" aria-labelledby="se-preview-title">
            <h2 class="section-title" id="se-preview-title">{move || app.t(Key::SePreview)}</h2>
            {move || {
                let s = definition.get();
                if s.questions.is_empty() {
                    view! { <p class="muted">{move || app.t(Key::SePreviewEmpty)}</p> }.into_any()
                } else {
                    view! { <SurveyForm draft survey=s errors /> }.into_any()
                }
            }}
            <Show when=move || checked.get() && errors.with(Vec::is_empty)>
                <p class="se-preview-ok" data-testid="se-preview-ok">{move || app.t(Key::SePreviewOk)}</p>
            </Show>
            <div class="form-actions">
                <button type="button" class="btn" data-testid="se-preview-clear"
                    on:click=move |_| { checked.set(false); draft.update(|d| d.answers.clear()); }>
                    {move || app.t(Key::SePreviewClear)}
                </button>
                <button type="button" class="btn btn-primary" data-testid="se-preview-check" on:click=move |_| checked.set(true)>
                    {move || app.t(Key::SePreviewCheck)}
                </button>
            </div>
        </section>
    }
}
