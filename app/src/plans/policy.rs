//! 定期回访: the period of each customer class, which the server runs once a day.

use huifang_domain::CustomerClass;
use huifang_domain::recurring::{PERIODS, PolicyUpdate, RecurringPolicy as Policy, StoredPolicy};
use leptos::prelude::*;

use crate::api::{self, ApiFailure};
use crate::i18n::Key;
use crate::state::use_app;

fn period_of(p: &Policy, c: CustomerClass) -> String {
    p.every_months
        .of(c)
        .map_or_else(String::new, |m| m.to_string())
}

fn set_period(p: &mut Policy, c: CustomerClass, v: &str) {
    let m = v.parse().ok();
    match c {
        CustomerClass::A => p.every_months.a = m,
        CustomerClass::B => p.every_months.b = m,
        CustomerClass::C => p.every_months.c = m,
        CustomerClass::D => p.every_months.d = m,
    }
}

#[component]
pub fn RecurringPolicy() -> impl IntoView {
    let app = use_app();
    let stored = RwSignal::new(None::<StoredPolicy>);
    let message = RwSignal::new(None::<Key>);
    if let Some(session) = app.session.get_untracked() {
        leptos::task::spawn_local(async move {
            if let Ok(p) = api::recurring_policy(&session.token).await {
                stored.set(Some(p));
            }
        });
    }
    let save = move |_| {
        let (Some(session), Some(s)) = (app.session.get_untracked(), stored.get_untracked()) else {
            return;
        };
        if s.policy.validate().is_err() {
            message.set(Some(Key::PlansInvalid));
            return;
        }
        let update = PolicyUpdate {
            version: s.version,
            policy: s.policy,
        };
        leptos::task::spawn_local(async move {
            match api::save_recurring_policy(&session.token, &update).await {
                Ok(p) => {
                    stored.set(Some(p));
                    message.set(Some(Key::PlansPolicySaved));
                }
                Err(ApiFailure::Status(409, _)) => message.set(Some(Key::PlansStale)),
                Err(ApiFailure::Network) => message.set(Some(Key::PlanOffline)),
                Err(_) => message.set(Some(Key::PlansInvalid)),
            }
        });
    };
    let handbook = move |_| {
        stored.update(|s| {
            if let Some(s) = s {
                s.policy.every_months = Policy::handbook().every_months;
            }
        });
    };
    view! {
        <div class="card plans-policy" data-testid="recurring-policy">
            <h2 class="section-title">{move || app.t(Key::PlansPolicyTitle)}</h2>
            <div class="grid-2">
                {[CustomerClass::A, CustomerClass::B, CustomerClass::C, CustomerClass::D].into_iter().map(|c| view! {
                    <label class="field">
                        <span class="label">{move || format!("{} {}", c.as_str(), app.t(Key::PlansEvery))}</span>
                        <select data-testid=format!("policy-{}", c.as_str())
                            on:change=move |ev| { let v = event_target_value(&ev); stored.update(|s| if let Some(s) = s { set_period(&mut s.policy, c, &v) }); }>
                            <option value="" selected=move || stored.with(|s| s.as_ref().is_some_and(|s| period_of(&s.policy, c).is_empty()))>{move || app.t(Key::PlansNone)}</option>
                            {PERIODS.into_iter().map(|m| view! {
                                <option value=m.to_string() selected=move || stored.with(|s| s.as_ref().is_some_and(|s| period_of(&s.policy, c) == m.to_string()))>
                                    {move || format!("{m} {}", app.t(Key::PlansMonths))}
                                </option>
                            }).collect_view()}
                        </select>
                    </label>
                }).collect_view()}
            </div>
            <div class="form-actions">
                <button type="button" class="btn" data-testid="policy-handbook" on:click=handbook>{move || app.t(Key::PlansHandbook)}</button>
                <button type="button" class="btn btn-primary" data-testid="policy-save" on:click=save disabled=move || stored.with(Option::is_none)>{move || app.t(Key::PlansPolicySave)}</button>
            </div>
            {move || message.get().map(|k| {
                let class = if k == Key::PlansPolicySaved { "banner banner-info" } else { "banner banner-error" };
                view! { <p class=class role="status" data-testid="policy-message">{move || app.t(k)}</p> }
            })}
        </div>
    }
}
