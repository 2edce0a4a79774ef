//! 规则设置: the ticket rule sets (grading, deadlines, business calendar, routing, revisit
//! targets) as the server stores them. Every admin edit replaces one set whole; the server
//! checks it and says what it refuses. Reading and saving need the network.

use std::str::FromStr;

use chrono::{NaiveDate, NaiveTime};
use huifang_domain::calendar::BusinessCalendar;
use huifang_domain::sla::{SlaPolicy, Timing};
use huifang_domain::ticket::{
    GradingRules, Impact, Nature, RevisitTargets, RoutingMap, TicketPriority, When,
};
use huifang_domain::{VisitType, WireName};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::{self, ApiFailure};
use crate::i18n::{self, Key, Lang};
use crate::state::use_app;
use crate::tickets::logic::{from_wire, wire};
use crate::widgets::{Options, Unavailable};

const IMPACTS: [Impact; 3] = [Impact::General, Impact::Important, Impact::Urgent];
const PRIORITIES: [TicketPriority; 3] = [
    TicketPriority::Low,
    TicketPriority::Medium,
    TicketPriority::High,
];
const TIMINGS: [Timing; 2] = [Timing::Business, Timing::Continuous];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Load {
    Loading,
    Offline,
    Failed,
    Ready,
}

/// What went wrong with a save: one of our sentences, or the server's own words.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CardError {
    Text(Key),
    Server(String),
}

fn parse_num<N: FromStr>(text: &str) -> Option<N> {
    text.trim().parse().ok()
}

fn parse_time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .ok()
}

/// `(wire name, label)` pairs of a closed set of values, for a [`Choice`].
fn options<T: WireName>(
    values: &[T],
    lang: Lang,
    label: fn(Lang, T) -> &'static str,
) -> Vec<(String, String)> {
    values
        .iter()
        .map(|&v| (wire(v), label(lang, v).to_owned()))
        .collect()
}

fn timing_label(lang: Lang, t: Timing) -> &'static str {
    i18n::t(
        lang,
        match t {
            Timing::Business => Key::RulesTimingBusiness,
            Timing::Continuous => Key::RulesTimingContinuous,
        },
    )
}

/// The departments a routing entry can pick: the known ones, then any other the stored map
/// already uses (a newer server's, or one set through the API), shown under its own name.
fn department_options<'a>(
    lang: Lang,
    in_use: impl IntoIterator<Item = &'a String>,
) -> Vec<(String, String)> {
    let mut others: Vec<&str> = in_use
        .into_iter()
        .map(String::as_str)
        .filter(|d| !i18n::DEPARTMENTS.contains(d))
        .collect();
    crate::sorting::sort(&mut others);
    others.dedup();
    i18n::DEPARTMENTS
        .iter()
        .copied()
        .chain(others)
        .map(|d| (d.to_owned(), i18n::department_label(lang, d)))
        .collect()
}

fn text(key: Key) -> Signal<String> {
    let app = use_app();
    Signal::derive(move || app.t(key).to_owned())
}

/// A labelled `<select>` over `(value, label)` pairs. `empty` names the choice that leaves
/// the value unset (""), where there is one.
#[component]
fn Choice(
    #[prop(into)] label: Signal<String>,
    testid: &'static str,
    /// What the choice is for (a rule key, a nature, a sub-problem, a row), as `data-key`.
    #[prop(into)]
    item: String,
    options: Signal<Vec<(String, String)>>,
    value: Signal<String>,
    on_change: Callback<String>,
    #[prop(optional)] empty: Option<Key>,
) -> impl IntoView {
    let app = use_app();
    view! {
        <label class="field">
            <span class="label">{move || label.get()}</span>
            <select
                data-testid=testid
                data-key=item
                prop:value=move || value.get()
                on:change=move |ev| on_change.run(event_target_value(&ev))
            >
                {empty.map(|k| view! { <option value="">{move || app.t(k)}</option> })}
                <Options options value />
            </select>
        </label>
    }
}

#[component]
pub fn RulesPage() -> impl IntoView {
    let app = use_app();
    let is_admin = move || {
        app.session
            .with(|s| s.as_ref().is_some_and(|s| s.user.role.can_edit_rules()))
    };
    view! {
        <section class="rules-page" data-testid="rules-page">
            <div class="page-head">
                <h1 class="page-title">{move || app.t(Key::RulesTitle)}</h1>
            </div>
            <Show
                when=is_admin
                fallback=move || view! { <p class="empty">{move || app.t(Key::RulesAdminOnly)}</p> }
            >
                <p class="muted rset-intro">{move || app.t(Key::RulesIntro)}</p>
                <div class="rset-grid">
                    {rule_card("grading", Key::RulesGrading, grading_editor)}
                    {rule_card("sla", Key::RulesSla, sla_editor)}
                    {rule_card("calendar", Key::RulesCalendar, calendar_editor)}
                    {rule_card("routing", Key::RulesRouting, routing_editor)}
                    {rule_card("revisit", Key::RulesRevisit, revisit_editor)}
                </div>
            </Show>
        </section>
    }
}

/// One rule set: loaded with GET, edited in place, saved with PUT.
fn rule_card<T, V>(name: &'static str, title: Key, editor: fn(RwSignal<T>) -> V) -> impl IntoView
where
    T: Clone + Default + Serialize + DeserializeOwned + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let app = use_app();
    let draft = RwSignal::new(T::default());
    let load = RwSignal::new(Load::Loading);
    let error = RwSignal::new(None::<CardError>);
    let saving = RwSignal::new(false);
    let reload = RwSignal::new(0u32);

    Effect::new(move |_| {
        reload.track();
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        load.set(Load::Loading);
        leptos::task::spawn_local(async move {
            let next = match api::rule_set(&session.token, name).await {
                Ok(value) => match crate::json::from_value::<T>(&value) {
                    Ok(v) => {
                        draft.set(v);
                        Load::Ready
                    }
                    Err(_) => Load::Failed,
                },
                Err(ApiFailure::Network) => Load::Offline,
                Err(ApiFailure::Unauthorized(_)) => {
                    app.sync.need_auth();
                    Load::Failed
                }
                Err(ApiFailure::Status(..)) => Load::Failed,
            };
            load.set(next);
        });
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        if !app.sync.status.with_untracked(|s| s.nav_online) {
            error.set(Some(CardError::Text(Key::RulesOffline)));
            return;
        }
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        let value = draft.get_untracked();
        saving.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::save_rule_set(&session.token, name, &value).await {
                Ok(stored) => {
                    draft.set(stored);
                    let lang = app.lang.get_untracked();
                    app.show_toast(format!(
                        "{} · {}",
                        i18n::t(lang, title),
                        i18n::t(lang, Key::RulesSaved)
                    ));
                }
                Err((ApiFailure::Network, _)) => {
                    error.set(Some(CardError::Text(Key::RulesOffline)))
                }
                Err((ApiFailure::Unauthorized(_), _)) => {
                    app.sync.need_auth();
                    error.set(Some(CardError::Text(Key::ErrServer)));
                }
                Err((ApiFailure::Status(403, _), _)) => {
                    error.set(Some(CardError::Text(Key::RulesForbidden)))
                }
                Err((ApiFailure::Status(..), Some(message))) => {
                    error.set(Some(CardError::Server(message)))
                }
                Err((ApiFailure::Status(..), None)) => {
                    error.set(Some(CardError::Text(Key::ErrServer)))
                }
            }
            saving.set(false);
        });
    };

    let body = move || {
        match load.get() {
        Load::Loading => view! { <p class="muted">{move || app.t(Key::Loading)}</p> }.into_any(),
        Load::Offline | Load::Failed => view! {
            <Unavailable offline=load.get_untracked() == Load::Offline offline_key=Key::RulesOffline reload />
        }
        .into_any(),
        Load::Ready => view! {
            {editor(draft)}
            <div class="form-actions">
                <button
                    type="submit"
                    class="btn btn-primary"
                    data-testid="rules-save"
                    disabled=move || saving.get()
                >
                    {move || app.t(if saving.get() { Key::RulesSaving } else { Key::RulesSave })}
                </button>
            </div>
        }
        .into_any(),
    }
    };

    view! {
        <form class="card rset-card" data-testid="rules-card" data-name=name on:submit=on_submit novalidate>
            <h2 class="section-title">{move || app.t(title)}</h2>
            {body}
            {move || {
                error
                    .get()
                    .map(|e| {
                        let text = move || match &e {
                            CardError::Text(k) => app.t(*k).to_owned(),
                            CardError::Server(m) => m.clone(),
                        };
                        view! {
                            <p class="form-error rset-error" role="alert" data-testid="rules-error">
                                {text}
                            </p>
                        }
                    })
            }}
        </form>
    }
}

fn grading_editor(d: RwSignal<GradingRules>) -> impl IntoView {
    let app = use_app();
    let rules = d.with_untracked(|g| g.rules.clone());
    let rows = rules
        .into_iter()
        .enumerate()
        .map(|(i, rule)| {
            let key = rule.key.clone();
            let condition = move || {
                d.with(|g| {
                    g.rules
                        .get(i)
                        .map(|r| i18n::when_text(app.lang.get(), &r.when))
                        .unwrap_or_default()
                })
            };
            let repeated = matches!(rule.when, When::Repeated { .. }).then(|| {
                let get = move |min: bool| {
                    d.with(|g| match g.rules.get(i).map(|r| &r.when) {
                        Some(When::Repeated { min: m, days }) => {
                            if min { *m } else { *days }.to_string()
                        }
                        _ => String::new(),
                    })
                };
                let set = move |min: bool, text: String| {
                    if let Some(n) = parse_num::<u32>(&text) {
                        d.update(|g| {
                            if let Some(When::Repeated { min: m, days }) =
                                g.rules.get_mut(i).map(|r| &mut r.when)
                            {
                                if min {
                                    *m = n;
                                } else {
                                    *days = n;
                                }
                            }
                        });
                    }
                };
                view! {
                    <div class="rset-inline">
                        <label class="field rset-num">
                            <span class="label">{move || app.t(Key::RulesMinReports)}</span>
                            <input
                                type="number"
                                min="1"
                                step="1"
                                inputmode="numeric"
                                data-testid="grading-min"
                                data-key=key.clone()
                                prop:value=move || get(true)
                                on:input=move |ev| set(true, event_target_value(&ev))
                            />
                        </label>
                        <label class="field rset-num">
                            <span class="label">{move || app.t(Key::RulesDays)}</span>
                            <input
                                type="number"
                                min="1"
                                max="365"
                                step="1"
                                inputmode="numeric"
                                data-testid="grading-days"
                                data-key=key.clone()
                                prop:value=move || get(false)
                                on:input=move |ev| set(false, event_target_value(&ev))
                            />
                        </label>
                    </div>
                }
            });
            let impact = move || {
                d.with(|g| {
                    g.rules
                        .get(i)
                        .and_then(|r| r.impact_at_least)
                        .map(wire)
                })
                .unwrap_or_default()
            };
            let priority = move || {
                d.with(|g| {
                    g.rules
                        .get(i)
                        .and_then(|r| r.priority_at_least)
                        .map(wire)
                })
                .unwrap_or_default()
            };
            let set_impact = move |v: String| {
                let v = from_wire::<Impact>(&v);
                d.update(|g| {
                    if let Some(r) = g.rules.get_mut(i) {
                        r.impact_at_least = v;
                    }
                });
            };
            let set_priority = move |v: String| {
                let v = from_wire::<TicketPriority>(&v);
                d.update(|g| {
                    if let Some(r) = g.rules.get_mut(i) {
                        r.priority_at_least = v;
                    }
                });
            };
            let name = key.clone();
            view! {
                <li class="rset-rule" data-testid="grading-rule" data-key=key.clone()>
                    <div class="rset-rule-head">
                        <strong data-testid="grading-name">
                            {move || i18n::rule_label(app.lang.get(), &name)}
                        </strong>
                    </div>
                    <p class="rset-condition" data-testid="grading-condition">
                        <span class="muted">{move || app.t(Key::RulesCondition)}</span>
                        " "
                        {condition}
                    </p>
                    {repeated}
                    <div class="rset-inline">
                        <Choice
                            label=text(Key::RulesImpactAtLeast)
                            testid="grading-impact"
                            item=key.clone()
                            options=Signal::derive(move || options(&IMPACTS, app.lang.get(), i18n::impact_label))
                            value=Signal::derive(impact)
                            on_change=Callback::new(set_impact)
                            empty=Key::RulesUnchanged
                        />
                        <Choice
                            label=text(Key::RulesPriorityAtLeast)
                            testid="grading-priority"
                            item=key.clone()
                            options=Signal::derive(move || {
                                options(&PRIORITIES, app.lang.get(), i18n::ticket_priority_label)
                            })
                            value=Signal::derive(priority)
                            on_change=Callback::new(set_priority)
                            empty=Key::RulesUnchanged
                        />
                    </div>
                </li>
            }
        })
        .collect_view();
    view! {
        <p class="hint">{move || app.t(Key::RulesGradingHint)}</p>
        <ul class="rset-list">{rows}</ul>
        {super::risk::risk_editor(d)}
    }
}

fn sla_editor(d: RwSignal<SlaPolicy>) -> impl IntoView {
    let app = use_app();
    let rules = d.with_untracked(|p| p.rules.clone());
    let rows = rules
        .into_iter()
        .enumerate()
        .map(|(i, rule)| {
            let minutes = move || d.with(|p| p.rules.get(i).map_or(0, |r| r.minutes));
            let set_minutes = move |m: u32| {
                d.update(|p| {
                    if let Some(r) = p.rules.get_mut(i) {
                        r.minutes = m;
                    }
                })
            };
            let applies = move || {
                let lang = app.lang.get();
                let parts: Vec<&str> = [
                    rule.impact.map(|v| i18n::impact_label(lang, v)),
                    rule.priority.map(|v| i18n::ticket_priority_label(lang, v)),
                ]
                .into_iter()
                .flatten()
                .collect();
                if parts.is_empty() {
                    app.t(Key::RulesAnyGrade).to_owned()
                } else {
                    parts.join(" · ")
                }
            };
            let timing = move || {
                d.with(|p| p.rules.get(i).map(|r| wire(r.timing)))
                    .unwrap_or_default()
            };
            let kind = rule.kind;
            view! {
                <li class="rset-rule" data-testid="sla-rule" data-index=i data-kind=wire(kind)>
                    <div class="rset-rule-head">
                        <strong>{move || i18n::clock_kind_label(app.lang.get(), kind)}</strong>
                        <span class="muted">
                            {move || format!("{}{}", app.t(Key::RulesAppliesTo), applies())}
                        </span>
                        <span class="rset-total" data-testid="sla-total">
                            {move || i18n::minutes_text(app.lang.get(), i64::from(minutes()))}
                        </span>
                    </div>
                    <div class="rset-inline">
                        <label class="field rset-num">
                            <span class="label">{move || app.t(Key::RulesHours)}</span>
                            <input
                                type="number"
                                min="0"
                                step="1"
                                inputmode="numeric"
                                data-testid="sla-hours"
                                data-index=i
                                prop:value=move || (minutes() / 60).to_string()
                                on:input=move |ev| {
                                    if let Some(h) = parse_num::<u32>(&event_target_value(&ev)) {
                                        let m = minutes() % 60;
                                        set_minutes(h.saturating_mul(60).saturating_add(m));
                                    }
                                }
                            />
                        </label>
                        <label class="field rset-num">
                            <span class="label">{move || app.t(Key::RulesMinutes)}</span>
                            <input
                                type="number"
                                min="0"
                                max="59"
                                step="1"
                                inputmode="numeric"
                                data-testid="sla-minutes"
                                data-index=i
                                prop:value=move || (minutes() % 60).to_string()
                                on:input=move |ev| {
                                    if let Some(m) = parse_num::<u32>(&event_target_value(&ev)) {
                                        let h = minutes() / 60;
                                        set_minutes(h * 60 + m.min(59));
                                    }
                                }
                            />
                        </label>
                        <Choice
                            label=text(Key::RulesTiming)
                            testid="sla-timing"
                            item=i.to_string()
                            options=Signal::derive(move || options(&TIMINGS, app.lang.get(), timing_label))
                            value=Signal::derive(timing)
                            on_change=Callback::new(move |v: String| {
                                if let Some(t) = from_wire::<Timing>(&v) {
                                    d.update(|p| {
                                        if let Some(r) = p.rules.get_mut(i) {
                                            r.timing = t;
                                        }
                                    });
                                }
                            })
                        />
                        <label class="field rset-num">
                            <span class="label">{move || app.t(Key::RulesWarnPercent)}</span>
                            <input
                                type="number"
                                min="1"
                                max="100"
                                step="1"
                                inputmode="numeric"
                                data-testid="sla-warn"
                                data-index=i
                                prop:value=move || {
                                    d.with(|p| p.rules.get(i).map_or(0, |r| r.warn_percent)).to_string()
                                }
                                on:input=move |ev| {
                                    if let Some(n) = parse_num::<u8>(&event_target_value(&ev)) {
                                        d.update(|p| {
                                            if let Some(r) = p.rules.get_mut(i) {
                                                r.warn_percent = n;
                                            }
                                        });
                                    }
                                }
                            />
                        </label>
                    </div>
                </li>
            }
        })
        .collect_view();
    view! {
        <p class="hint">{move || app.t(Key::RulesSlaHint)}</p>
        <ul class="rset-list">{rows}</ul>
    }
}

fn dates_mut(c: &mut BusinessCalendar, extra: bool) -> &mut Vec<NaiveDate> {
    if extra {
        &mut c.extra_workdays
    } else {
        &mut c.holidays
    }
}

/// Holidays or make-up working days: a list of dates with add and remove.
fn date_list(d: RwSignal<BusinessCalendar>, extra: bool) -> impl IntoView {
    let app = use_app();
    let list_name = if extra { "extra_workdays" } else { "holidays" };
    let title = if extra {
        Key::RulesExtraWorkdays
    } else {
        Key::RulesHolidays
    };
    let pending = RwSignal::new(String::new());
    let dates = move || {
        d.with(|c| {
            if extra {
                c.extra_workdays.clone()
            } else {
                c.holidays.clone()
            }
        })
    };
    let add = move |_| {
        let Ok(day) = NaiveDate::parse_from_str(pending.get_untracked().trim(), "%Y-%m-%d") else {
            return;
        };
        d.update(|c| {
            let list = dates_mut(c, extra);
            if !list.contains(&day) {
                list.push(day);
                crate::sorting::sort(list);
            }
        });
        pending.set(String::new());
    };
    view! {
        <fieldset class="field rset-dates" data-testid="calendar-dates" data-list=list_name>
            <legend class="label">{move || app.t(title)}</legend>
            <ul class="rset-date-list">
                {move || {
                    let days = dates();
                    if days.is_empty() {
                        return view! { <li class="muted">{move || app.t(Key::RulesNoDates)}</li> }
                            .into_any();
                    }
                    days.into_iter()
                        .map(|day| {
                            let text = day.format("%Y-%m-%d").to_string();
                            let label = text.clone();
                            view! {
                                <li class="rset-date" data-testid="calendar-date" data-date=text.clone()>
                                    <span>{text.clone()}</span>
                                    <button
                                        type="button"
                                        class="btn btn-quiet"
                                        data-testid="calendar-date-remove"
                                        aria-label=move || format!("{} {}", app.t(Key::RulesRemove), label)
                                        on:click=move |_| d.update(|c| dates_mut(c, extra).retain(|x| *x != day))
                                    >
                                        {move || app.t(Key::RulesRemove)}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </ul>
            <div class="rset-inline">
                <input
                    type="date"
                    data-testid="calendar-date-input"
                    data-list=list_name
                    aria-label=move || app.t(title)
                    prop:value=move || pending.get()
                    on:input=move |ev| pending.set(event_target_value(&ev))
                />
                <button type="button" class="btn" data-testid="calendar-date-add" data-list=list_name on:click=add>
                    {move || app.t(Key::RulesAddDate)}
                </button>
            </div>
        </fieldset>
    }
}

fn calendar_editor(d: RwSignal<BusinessCalendar>) -> impl IntoView {
    let app = use_app();
    let days = (0..7usize)
        .map(|i| {
            view! {
                <label class="toggle-inline rset-day">
                    <input
                        type="checkbox"
                        data-testid="calendar-workday"
                        data-day=i
                        prop:checked=move || d.with(|c| c.workdays[i])
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            d.update(|c| c.workdays[i] = on);
                        }
                    />
                    <span>{move || i18n::weekday_label(app.lang.get(), i)}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <div class="rset-inline">
            <label class="field">
                <span class="label">{move || app.t(Key::RulesWorkStart)}</span>
                <input
                    type="time"
                    data-testid="calendar-start"
                    prop:value=move || d.with(|c| c.work_start.format("%H:%M").to_string())
                    on:input=move |ev| {
                        if let Some(t) = parse_time(&event_target_value(&ev)) {
                            d.update(|c| c.work_start = t);
                        }
                    }
                />
            </label>
            <label class="field">
                <span class="label">{move || app.t(Key::RulesWorkEnd)}</span>
                <input
                    type="time"
                    data-testid="calendar-end"
                    prop:value=move || d.with(|c| c.work_end.format("%H:%M").to_string())
                    on:input=move |ev| {
                        if let Some(t) = parse_time(&event_target_value(&ev)) {
                            d.update(|c| c.work_end = t);
                        }
                    }
                />
            </label>
        </div>
        <fieldset class="field">
            <legend class="label">{move || app.t(Key::RulesWorkdays)}</legend>
            <div class="rset-days">{days}</div>
        </fieldset>
        <div class="rset-date-cols">{date_list(d, false)} {date_list(d, true)}</div>
    }
}

fn routing_editor(d: RwSignal<RoutingMap>) -> impl IntoView {
    let app = use_app();
    let departments = Signal::derive(move || {
        let lang = app.lang.get();
        d.with(|r| department_options(lang, r.by_nature.values().chain(r.by_sub_problem.values())))
    });
    let by_nature = Nature::ALL
        .iter()
        .map(|&n| {
            view! {
                <Choice
                    label=Signal::derive(move || i18n::nature_label(app.lang.get(), n).to_owned())
                    testid="routing-nature"
                    item=wire(n)
                    options=departments
                    value=Signal::derive(move || d.with(|r| r.by_nature.get(&n).cloned().unwrap_or_default()))
                    on_change=Callback::new(move |v: String| {
                        d.update(|r| {
                            if v.is_empty() {
                                r.by_nature.remove(&n);
                            } else {
                                r.by_nature.insert(n, v);
                            }
                        });
                    })
                    empty=Key::TicketNoDept
                />
            }
        })
        .collect_view();
    let by_sub = Nature::ALL
        .iter()
        .flat_map(|n| n.sub_problems().iter().copied())
        .map(|sub| {
            view! {
                <Choice
                    label=Signal::derive(move || i18n::sub_problem_label(app.lang.get(), sub))
                    testid="routing-sub"
                    item=sub
                    options=departments
                    value=Signal::derive(move || d.with(|r| r.by_sub_problem.get(sub).cloned().unwrap_or_default()))
                    on_change=Callback::new(move |v: String| {
                        d.update(|r| {
                            if v.is_empty() {
                                r.by_sub_problem.remove(sub);
                            } else {
                                r.by_sub_problem.insert(sub.to_owned(), v);
                            }
                        });
                    })
                    empty=Key::RulesByNatureFallback
                />
            }
        })
        .collect_view();
    view! {
        <h3 class="rset-sub">{move || app.t(Key::RulesByNature)}</h3>
        <div class="rset-fields">{by_nature}</div>
        <h3 class="rset-sub">{move || app.t(Key::RulesBySubProblem)}</h3>
        <div class="rset-fields">{by_sub}</div>
    }
}

fn revisit_editor(d: RwSignal<RevisitTargets>) -> impl IntoView {
    let app = use_app();
    let rows = VisitType::ALL
        .iter()
        .map(|&vt| {
            view! {
                <label class="field rset-num">
                    <span class="label">{move || i18n::visit_type_label(app.lang.get(), vt)}</span>
                    <input
                        type="number"
                        min="0"
                        max="100"
                        step="1"
                        inputmode="numeric"
                        data-testid="revisit-percent"
                        data-type=vt.as_str()
                        prop:value=move || {
                            d.with(|r| r.percent_by_type.get(&vt).copied().unwrap_or(0)).to_string()
                        }
                        on:input=move |ev| {
                            if let Some(n) = parse_num::<u8>(&event_target_value(&ev)) {
                                d.update(|r| {
                                    r.percent_by_type.insert(vt, n);
                                });
                            }
                        }
                    />
                </label>
            }
        })
        .collect_view();
    view! {
        <p class="hint">{move || app.t(Key::RulesRevisitHint)}</p>
        <div class="rset-fields">
            {rows}
            <label class="field rset-num">
                <span class="label">{move || app.t(Key::RulesKeyCustomers)}</span>
                <input
                    type="number"
                    min="0"
                    max="100"
                    step="1"
                    inputmode="numeric"
                    data-testid="revisit-key-customers"
                    prop:value=move || d.with(|r| r.key_customers_percent).to_string()
                    on:input=move |ev| {
                        if let Some(n) = parse_num::<u8>(&event_target_value(&ev)) {
                            d.update(|r| r.key_customers_percent = n);
                        }
                    }
                />
            </label>
        </div>
        {super::revisitors::revisitor_rows(d)}
    }
}

#[cfg(test)]
mod tests;
