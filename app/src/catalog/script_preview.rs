//! The script as the field app shows it during a visit (the same `ScriptStepper`), filled in
//! for a sample customer and the signed-in admin, with the audience switch of a visit.

use huifang_domain::script::{Audience, Script};
use huifang_domain::{Customer, CustomerClass};
use leptos::prelude::*;
use uuid::Uuid;

use crate::i18n::Key;
use crate::state::{settings, use_app};
use crate::visits::ScriptStepper;
use crate::visits::form::{Draft, script_values};

#[component]
pub fn ScriptPreview(script: RwSignal<Script>) -> impl IntoView {
    let app = use_app();
    let visit = RwSignal::new(Draft::default());
    // The stepper shows a script for the visit's type: the preview's visit has the script's.
    Effect::new(move |_| {
        let t = script.with(|s| s.visit_type.as_str().to_owned());
        visit.update(|d| d.visit_type = t);
    });
    let shown = Signal::derive(move || Some(script.get()));
    let audience = Signal::derive(move || visit.with(|d| d.audience.unwrap_or(Audience::Vip)));
    let values = Signal::derive(move || {
        let sample = Customer {
            id: Uuid::nil(),
            name: app.t(Key::ScriptSampleName).to_owned(),
            class: CustomerClass::A,
            vip: true,
            contact_masked: "138****5678".into(),
            summary: app.t(Key::ScriptSampleSummary).to_owned(),
            version: 0,
        };
        let company = settings(app).company;
        let company = if company.is_empty() {
            app.t(Key::ScriptSampleCompany).to_owned()
        } else {
            company
        };
        let user = app.session.with(|s| s.as_ref().map(|s| s.user.clone()));
        script_values(
            Some(&sample),
            user.as_ref(),
            &company,
            None,
            app.t(Key::ScriptSampleLater),
        )
    });
    view! {
        <aside class="script-preview" data-testid="script-preview" aria-labelledby="script-preview-title">
            <h2 class="section-title" id="script-preview-title">{move || app.t(Key::ScriptPreviewTitle)}</h2>
            <ScriptStepper draft=visit script=shown values audience />
        </aside>
    }
}
