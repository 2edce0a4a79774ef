//! 批量安排: choose customers and staff, preview how Huifang spreads the tasks, then create.

use chrono::NaiveDate;
use huifang_domain::planning::{DEFAULT_DAILY_CAP, PlanOutcome, PlanRequest, Selection};
use huifang_domain::task::Priority;
use huifang_domain::{Channel, CustomerClass, User, VisitType};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::{self, ApiFailure};
use crate::browser;
use crate::i18n::{self, Key};
use crate::state::{settings, use_app};

const CLASSES: [CustomerClass; 4] = [
    CustomerClass::A,
    CustomerClass::B,
    CustomerClass::C,
    CustomerClass::D,
];

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[component]
pub fn BulkPlanner(staff: RwSignal<Vec<User>>) -> impl IntoView {
    let app = use_app();
    let classes = RwSignal::new(Vec::<CustomerClass>::new());
    let chosen = RwSignal::new(Vec::<Uuid>::new());
    let tag = RwSignal::new(String::new());
    let last_visit = RwSignal::new(String::new());
    let bought_from = RwSignal::new(String::new());
    let bought_to = RwSignal::new(String::new());
    let visit_type = RwSignal::new(VisitType::Satisfaction.as_str().to_owned());
    let tomorrow = browser::now().date_naive() + chrono::Duration::days(1);
    let first_day = RwSignal::new(tomorrow.to_string());
    let days = RwSignal::new("5".to_owned());
    let cap = RwSignal::new(DEFAULT_DAILY_CAP.to_string());
    let outcome = RwSignal::new(None::<PlanOutcome>);
    let message = RwSignal::new(None::<Key>);
    // One id per previewed plan, so a retried create makes the tasks once.
    let plan_id = StoredValue::new(browser::new_uuid());

    let request = move || -> Option<PlanRequest> {
        let tag = tag.get_untracked();
        Some(PlanRequest {
            id: plan_id.get_value(),
            selection: Selection {
                classes: classes.get_untracked(),
                tag: (!tag.trim().is_empty()).then(|| tag.trim().to_owned()),
                last_visit_before: date(&last_visit.get_untracked()),
                purchased_from: date(&bought_from.get_untracked()),
                purchased_to: date(&bought_to.get_untracked()),
            },
            visit_type: VisitType::parse(&visit_type.get_untracked())?,
            planned_channel: Channel::Phone,
            priority: Priority::Normal,
            staff: chosen.get_untracked(),
            first_day: date(&first_day.get_untracked())?,
            days: days.get_untracked().parse().ok()?,
            daily_cap: cap.get_untracked().parse().ok()?,
            note: String::new(),
        })
    };
    let run = move |create: bool| {
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        let Some(req) = request() else {
            message.set(Some(Key::PlansInvalid));
            return;
        };
        message.set(None);
        leptos::task::spawn_local(async move {
            match api::plan(&session.token, &req, create).await {
                Ok(o) => {
                    if create {
                        plan_id.set_value(browser::new_uuid());
                        message.set(Some(Key::PlansCreated));
                    }
                    outcome.set(Some(o));
                }
                Err(ApiFailure::Network) => message.set(Some(Key::PlanOffline)),
                Err(ApiFailure::Status(422, _)) => message.set(Some(Key::PlansTooLarge)),
                Err(_) => message.set(Some(Key::PlansInvalid)),
            }
        });
    };
    let offset =
        Memo::new(move |_| crate::visits::field::offset(Some(settings(app).utc_offset_minutes)));
    let name_of = move |id: Uuid| {
        staff.with(|s| {
            s.iter()
                .find(|u| u.id == id)
                .map_or_else(String::new, |u| u.display_name.clone())
        })
    };
    let text_input = move |key: Key,
                           testid: &'static str,
                           kind: &'static str,
                           value: RwSignal<String>| {
        view! {
            <label class="field">
                <span class="label">{move || app.t(key)}</span>
                <input type=kind data-testid=testid prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <div class="card plans-bulk" data-testid="bulk-planner">
            <h2 class="section-title">{move || app.t(Key::PlansBulkTitle)}</h2>
            <fieldset class="plans-choices">
                <legend class="label">{move || app.t(Key::PlansClasses)}</legend>
                {CLASSES.into_iter().map(|c| view! {
                    <label class="check">
                        <input type="checkbox" data-testid=format!("bulk-class-{}", c.as_str())
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                classes.update(|l| { l.retain(|x| *x != c); if on { l.push(c); } });
                            } />
                        {c.as_str()}
                    </label>
                }).collect_view()}
            </fieldset>
            <div class="grid-2">
                {text_input(Key::PlansTag, "bulk-tag", "text", tag)}
                {text_input(Key::PlansLastVisitBefore, "bulk-last-visit", "date", last_visit)}
                {text_input(Key::PlansPurchasedFrom, "bulk-bought-from", "date", bought_from)}
                {text_input(Key::PlansPurchasedTo, "bulk-bought-to", "date", bought_to)}
                <label class="field">
                    <span class="label">{move || app.t(Key::FieldVisitType)}</span>
                    <select data-testid="bulk-type" on:change=move |ev| visit_type.set(event_target_value(&ev))>
                        {move || VisitType::ALL.iter().map(|v| {
                            let selected = visit_type.get() == v.as_str();
                            view! { <option value=v.as_str() selected=selected>{i18n::visit_type_label(app.lang.get(), *v)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                {text_input(Key::PlansFirstDay, "bulk-first-day", "date", first_day)}
                {text_input(Key::PlansDays, "bulk-days", "number", days)}
                {text_input(Key::PlansCap, "bulk-cap", "number", cap)}
            </div>
            <fieldset class="plans-choices">
                <legend class="label">{move || app.t(Key::PlansStaff)}</legend>
                {move || staff.get().into_iter().map(|u| {
                    let id = u.id;
                    view! {
                        <label class="check">
                            <input type="checkbox" data-testid="bulk-staff" data-user=u.username.clone()
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|l| { l.retain(|x| *x != id); if on { l.push(id); } });
                                } />
                            {u.display_name}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <div class="form-actions">
                <button type="button" class="btn" data-testid="bulk-preview" on:click=move |_| run(false)>{move || app.t(Key::PlansPreview)}</button>
                <button type="button" class="btn btn-primary" data-testid="bulk-create" disabled=move || outcome.with(|o| o.as_ref().is_none_or(|o| o.created)) on:click=move |_| run(true)>{move || app.t(Key::PlansCreate)}</button>
            </div>
            {move || message.get().map(|k| {
                let class = if k == Key::PlansCreated { "banner banner-info" } else { "banner banner-error" };
                view! { <p class=class role="status" data-testid="bulk-message">{move || app.t(k)}</p> }
            })}
            {move || outcome.get().map(|o| view! {
                <div class="plans-outcome" data-testid="bulk-outcome">
                    <p data-testid="bulk-summary">{move || app.t(Key::PlansSummary)}": "{o.selected}" / "<strong data-testid="bulk-planned">{o.planned}</strong></p>
                    <table class="coverage-table" data-testid="bulk-days">
                        <thead><tr>
                            <th scope="col">{move || app.t(Key::PlansDay)}</th>
                            <th scope="col">{move || app.t(Key::PlansAssignee)}</th>
                            <th scope="col">{move || app.t(Key::PlansExisting)}</th>
                            <th scope="col">{move || app.t(Key::PlansPlanned)}</th>
                        </tr></thead>
                        <tbody>
                            {o.days.iter().map(|d| view! {
                                <tr><td>{d.day.format("%m-%d").to_string()}</td><td>{name_of(d.assignee)}</td><td>{d.existing}</td><td>{d.planned}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <h3 class="label">{move || app.t(Key::PlansFirstRows)}</h3>
                    <ul class="list">
                        {o.first.iter().map(|r| {
                            let (from, until) = (r.due_from, r.due_until);
                            view! { <li class="row-sub">{r.customer.name.clone()}" · "{name_of(r.assignee)}" · "{move || i18n::window(from, until, offset.get())}</li> }
                        }).collect_view()}
                    </ul>
                    <h3 class="label">{move || app.t(Key::PlansSkipped)}</h3>
                    <ul class="list" data-testid="bulk-skipped">
                        {o.skipped.iter().take(50).map(|s| {
                            let reason = s.reason;
                            view! { <li class="row-sub">{s.customer.name.clone()}" · "{move || i18n::skip_reason_label(app.lang.get(), reason)}</li> }
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </div>
    }
}
