//! The 机构设置 screen: company name, time zone, quiet-hours windows and the pace targets.
//! It reads and saves online (devices get the saved settings in their next pull); each
//! refused field says why beside it, and a save that lost to another admin's shows what is
//! stored now.

use huifang_domain::settings::{SettingsProblem, UTC_OFFSETS, VersionedSettings, utc_offset_label};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::draft::{Draft, WindowDraft};
use crate::api::{self, ApiFailure, SettingsRefusal};
use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::widgets::{Options, Unavailable};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Load {
    Loading,
    Offline,
    Failed,
    Ready,
}

/// What the last save attempt came to, besides the fields' own problems.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Text(Key),
    Conflict(VersionedSettings),
}

/// The id of the message under a field, for `aria-describedby`.
fn message_id(field: &str) -> String {
    let id: String = field
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("org-msg-{id}")
}

#[component]
pub fn OrgSettings() -> impl IntoView {
    let app = use_app();
    let may_edit = move || {
        app.session
            .with(|s| s.as_ref().is_some_and(|s| s.user.role.can_edit_settings()))
    };
    view! {
        <section class="org-settings" data-testid="org-settings-page">
            <div class="page-head">
                <h1 class="page-title">{move || app.t(Key::OrgTitle)}</h1>
            </div>
            <Show
                when=may_edit
                fallback=move || view! { <p class="empty">{move || app.t(Key::OrgAdminOnly)}</p> }
            >
                <p class="muted">{move || app.t(Key::OrgIntro)}</p>
                <SettingsForm />
            </Show>
        </section>
    }
}

#[component]
fn SettingsForm() -> impl IntoView {
    let app = use_app();
    let draft = RwSignal::new(Draft::default());
    let load = RwSignal::new(Load::Loading);
    let reload = RwSignal::new(0u32);
    // Checked from the first save on, then on every change, as the visit form does.
    let checking = RwSignal::new(false);
    let server_field = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(None::<Outcome>);
    let saving = RwSignal::new(false);

    Effect::new(move |_| {
        reload.track();
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        load.set(Load::Loading);
        leptos::task::spawn_local(async move {
            let next = match api::settings(&session.token).await {
                Ok(v) => {
                    draft.set(Draft::of(&v));
                    Load::Ready
                }
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

    let problems = Memo::new(move |_| {
        if !checking.get() {
            return Vec::new();
        }
        draft.with(|d| d.update().err().unwrap_or_default())
    });
    let problem_of = move |field: &'static str| {
        Signal::derive(move || {
            let lang = app.lang.get();
            problems
                .with(|ps| {
                    ps.iter()
                        .find(|p| p.field == field)
                        .map(|p| i18n::settings_reason_text(lang, &p.field, p.reason))
                })
                .or_else(|| {
                    (server_field.get().as_deref() == Some(field))
                        .then(|| app.t(Key::OrgReasonServer))
                })
        })
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        checking.set(true);
        server_field.set(None);
        outcome.set(None);
        let update = match draft.with_untracked(Draft::update) {
            Ok(update) => update,
            Err(_) => {
                outcome.set(Some(Outcome::Text(Key::OrgFixFirst)));
                return;
            }
        };
        if !app.sync.status.with_untracked(|s| s.nav_online) {
            outcome.set(Some(Outcome::Text(Key::OrgOffline)));
            return;
        }
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        saving.set(true);
        leptos::task::spawn_local(async move {
            match api::save_settings(&session.token, &update).await {
                Ok(saved) => {
                    draft.set(Draft::of(&saved));
                    app.show_toast(app.t(Key::OrgSaved).to_owned());
                }
                Err(SettingsRefusal::Conflict(current)) => {
                    outcome.set(Some(Outcome::Conflict(current)))
                }
                Err(SettingsRefusal::Invalid(field)) => {
                    server_field.set(Some(field));
                    outcome.set(Some(Outcome::Text(Key::OrgFixFirst)));
                }
                Err(SettingsRefusal::Failed(ApiFailure::Network)) => {
                    outcome.set(Some(Outcome::Text(Key::OrgOffline)))
                }
                Err(SettingsRefusal::Failed(ApiFailure::Unauthorized(_))) => {
                    app.sync.need_auth();
                    outcome.set(Some(Outcome::Text(Key::ErrServer)));
                }
                Err(SettingsRefusal::Failed(ApiFailure::Status(403, _))) => {
                    outcome.set(Some(Outcome::Text(Key::OrgForbidden)))
                }
                Err(SettingsRefusal::Failed(ApiFailure::Status(..))) => {
                    outcome.set(Some(Outcome::Text(Key::ErrServer)))
                }
            }
            saving.set(false);
        });
    };

    let load_current = move |current: VersionedSettings| {
        draft.set(Draft::of(&current));
        outcome.set(None);
        server_field.set(None);
    };

    move || {
        match load.get() {
        Load::Loading => view! { <p class="muted">{move || app.t(Key::Loading)}</p> }.into_any(),
        Load::Offline | Load::Failed => view! {
            <Unavailable offline=load.get_untracked() == Load::Offline offline_key=Key::OrgOffline reload />
        }
        .into_any(),
        Load::Ready => view! {
            <form class="card org-form" data-testid="org-settings-form" on:submit=on_submit novalidate>
                <CompanyField draft problem=problem_of("company") />
                <OffsetField draft problem=problem_of("utc_offset_minutes") />
                <QuietWindows draft problems checking server_field />
                <Targets draft problem=problem_of("target_minutes") />
                <NumberField
                    label=Key::OrgRecordWithin
                    field="record_within_minutes"
                    testid="org-record-within"
                    max=1440
                    value=Signal::derive(move || draft.with(|d| d.record_within.clone()))
                    on_input=Callback::new(move |v| draft.update(|d| d.record_within = v))
                    problem=problem_of("record_within_minutes")
                />
                <NumberField
                    label=Key::OrgSilentDays
                    field="device_silent_days"
                    testid="org-silent-days"
                    max=huifang_domain::devices::SILENT_DAYS_MAX
                    value=Signal::derive(move || draft.with(|d| d.silent_days.clone()))
                    on_input=Callback::new(move |v| draft.update(|d| d.silent_days = v))
                    problem=problem_of("device_silent_days")
                />
                {move || outcome.get().map(|o| match o {
                    Outcome::Text(key) => view! {
                        <p class="form-error" role="alert" data-testid="org-form-error">
                            {move || app.t(key)}
                        </p>
                    }
                    .into_any(),
                    Outcome::Conflict(current) => view! {
                        <ConflictNotice current on_load=Callback::new(load_current) />
                    }
                    .into_any(),
                })}
                <div class="form-actions">
                    <button
                        type="submit"
                        class="btn btn-primary"
                        data-testid="org-save"
                        disabled=move || saving.get()
                    >
                        {move || app.t(if saving.get() { Key::OrgSaving } else { Key::OrgSave })}
                    </button>
                </div>
            </form>
        }
        .into_any(),
    }
    }
}

/// The message under a field, when it has one.
#[component]
fn FieldMessage(field: String, problem: Signal<Option<&'static str>>) -> impl IntoView {
    let id = message_id(&field);
    move || {
        problem.get().map(|text| {
            view! {
                <p class="field-error" id=id.clone() data-testid="org-problem" data-field=field.clone()>
                    {text}
                </p>
            }
        })
    }
}

#[component]
fn CompanyField(draft: RwSignal<Draft>, problem: Signal<Option<&'static str>>) -> impl IntoView {
    let app = use_app();
    let unset = move || draft.with(|d| d.company.trim().is_empty()) && problem.get().is_none();
    view! {
        <label class="field">
            <span class="label">{move || app.t(Key::OrgCompany)}</span>
            <input
                type="text"
                data-testid="org-company"
                maxlength="100"
                prop:value=move || draft.with(|d| d.company.clone())
                on:input=move |ev| draft.update(|d| d.company = event_target_value(&ev))
                aria-invalid=move || problem.get().is_some().to_string()
                aria-describedby=message_id("company")
            />
        </label>
        <FieldMessage field="company".into() problem />
        <Show when=unset>
            <p class="hint" data-testid="org-company-unset">{move || app.t(Key::OrgCompanyUnset)}</p>
        </Show>
    }
}

#[component]
fn OffsetField(draft: RwSignal<Draft>, problem: Signal<Option<&'static str>>) -> impl IntoView {
    let app = use_app();
    let options = Signal::derive(|| {
        UTC_OFFSETS
            .iter()
            .map(|m| (m.to_string(), utc_offset_label(*m)))
            .collect::<Vec<_>>()
    });
    view! {
        <label class="field org-offset">
            <span class="label">{move || app.t(Key::OrgOffset)}</span>
            <select
                data-testid="org-offset"
                aria-invalid=move || problem.get().is_some().to_string()
                aria-describedby=message_id("utc_offset_minutes")
                on:change=move |ev| {
                    if let Ok(m) = event_target_value(&ev).parse() {
                        draft.update(|d| d.utc_offset_minutes = m);
                    }
                }
            >
                <Options options value=Signal::derive(move || draft.with(|d| d.utc_offset_minutes.to_string())) />
            </select>
        </label>
        <FieldMessage field="utc_offset_minutes".into() problem />
    }
}

#[component]
fn QuietWindows(
    draft: RwSignal<Draft>,
    problems: Memo<Vec<SettingsProblem>>,
    checking: RwSignal<bool>,
    server_field: RwSignal<Option<String>>,
) -> impl IntoView {
    let app = use_app();
    // The first problem of a field, in the reader's language (`quiet_hours` names them all).
    let problem = move |field: String| {
        Signal::derive(move || {
            let lang = app.lang.get();
            checking.get();
            problems
                .with(|ps| {
                    ps.iter()
                        .find(|p| p.field == field)
                        .map(|p| i18n::settings_reason_text(lang, &p.field, p.reason))
                })
                .or_else(|| {
                    (server_field.get().as_deref() == Some(field.as_str()))
                        .then(|| app.t(Key::OrgReasonServer))
                })
        })
    };
    let count = move || draft.with(|d| d.windows.len());
    let rows = move || {
        (0..count())
            .map(|i| view! { <QuietWindowRow draft i problem /> })
            .collect_view()
    };
    let whole = problem("quiet_hours".into());
    view! {
        <fieldset class="field org-quiet" aria-describedby=message_id("quiet_hours")>
            <legend class="label">{move || app.t(Key::OrgQuiet)}</legend>
            <p class="hint">{move || app.t(Key::OrgQuietHint)}</p>
            <Show when=move || count() == 0>
                <p class="muted" data-testid="org-quiet-none">{move || app.t(Key::OrgQuietNone)}</p>
            </Show>
            <ol class="org-windows">{rows}</ol>
            <FieldMessage field="quiet_hours".into() problem=whole />
            <button
                type="button"
                class="btn"
                data-testid="org-window-add"
                on:click=move |_| draft.update(|d| d.windows.push(WindowDraft {
                    start: "12:00".into(),
                    end: "13:00".into(),
                }))
            >
                {move || app.t(Key::OrgQuietAdd)}
            </button>
        </fieldset>
    }
}

/// One window: its two times, its remove button and its problem.
#[component]
fn QuietWindowRow(
    draft: RwSignal<Draft>,
    i: usize,
    problem: impl Fn(String) -> Signal<Option<&'static str>> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let app = use_app();
    let (start_field, end_field) = (
        format!("quiet_hours[{i}].start"),
        format!("quiet_hours[{i}].end"),
    );
    let (start_problem, end_problem) = (problem(start_field.clone()), problem(end_field.clone()));
    let time_input = move |end: bool, field: String, p: Signal<Option<&'static str>>| {
        let label = move || {
            format!(
                "{} {} · {}",
                app.t(Key::OrgQuietWindow),
                i + 1,
                app.t(if end {
                    Key::OrgQuietTo
                } else {
                    Key::OrgQuietFrom
                })
            )
        };
        view! {
            <label class="field">
                <span class="label">{move || app.t(if end { Key::OrgQuietTo } else { Key::OrgQuietFrom })}</span>
                <input
                    type="time"
                    step="60"
                    data-testid=if end { "org-window-end" } else { "org-window-start" }
                    data-index=i
                    aria-label=label
                    aria-invalid=move || p.get().is_some().to_string()
                    aria-describedby=message_id(&field)
                    prop:value=move || {
                        draft.with(|d| d.windows.get(i).map(|w| if end { w.end.clone() } else { w.start.clone() }))
                            .unwrap_or_default()
                    }
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|d| {
                            if let Some(w) = d.windows.get_mut(i) {
                                if end { w.end = v } else { w.start = v }
                            }
                        });
                    }
                />
            </label>
        }
    };
    view! {
        <li class="org-window" data-testid="org-window" data-index=i>
            <div class="rset-inline">
                {time_input(false, start_field.clone(), start_problem)}
                {time_input(true, end_field.clone(), end_problem)}
                <button
                    type="button"
                    class="btn btn-quiet"
                    data-testid="org-window-remove"
                    data-index=i
                    aria-label=move || format!("{} {}", app.t(Key::OrgQuietRemove), i + 1)
                    on:click=move |_| draft.update(|d| {
                        if i < d.windows.len() {
                            d.windows.remove(i);
                        }
                    })
                >
                    {move || app.t(Key::OrgQuietRemove)}
                </button>
            </div>
            <FieldMessage field=start_field problem=start_problem />
            <FieldMessage field=end_field problem=end_problem />
        </li>
    }
}

#[component]
fn NumberField(
    label: Key,
    field: &'static str,
    testid: &'static str,
    max: u32,
    value: Signal<String>,
    on_input: Callback<String>,
    problem: Signal<Option<&'static str>>,
    #[prop(optional)] describe: Option<&'static str>,
) -> impl IntoView {
    let app = use_app();
    let described = message_id(describe.unwrap_or(field));
    view! {
        <label class="field org-num">
            <span class="label">{move || app.t(label)}</span>
            <input
                type="number"
                min="1"
                max=max
                step="1"
                inputmode="numeric"
                data-testid=testid
                aria-invalid=move || problem.get().is_some().to_string()
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
            />
        </label>
        {describe.is_none().then(|| view! { <FieldMessage field=field.into() problem /> })}
    }
}

#[component]
fn Targets(draft: RwSignal<Draft>, problem: Signal<Option<&'static str>>) -> impl IntoView {
    let app = use_app();
    view! {
        <fieldset class="field org-targets">
            <legend class="label">{move || app.t(Key::OrgTargets)}</legend>
            <div class="rset-inline">
                <NumberField
                    label=Key::OrgTargetMin
                    field="target_minutes"
                    testid="org-target-min"
                    max=240
                    value=Signal::derive(move || draft.with(|d| d.target_min.clone()))
                    on_input=Callback::new(move |v| draft.update(|d| d.target_min = v))
                    problem
                    describe="target_minutes"
                />
                <NumberField
                    label=Key::OrgTargetMax
                    field="target_minutes"
                    testid="org-target-max"
                    max=240
                    value=Signal::derive(move || draft.with(|d| d.target_max.clone()))
                    on_input=Callback::new(move |v| draft.update(|d| d.target_max = v))
                    problem
                    describe="target_minutes"
                />
            </div>
            <FieldMessage field="target_minutes".into() problem />
        </fieldset>
    }
}

/// Another admin saved first: what is stored now, and a way to start again from it.
#[component]
fn ConflictNotice(
    current: VersionedSettings,
    on_load: Callback<VersionedSettings>,
) -> impl IntoView {
    let app = use_app();
    let s = current.settings.clone();
    let quiet = if s.quiet_hours.windows.is_empty() {
        None
    } else {
        Some(
            s.quiet_hours
                .windows
                .iter()
                .map(|w| format!("{}–{}", w.start.format("%H:%M"), w.end.format("%H:%M")))
                .collect::<Vec<_>>()
                .join(", "),
        )
    };
    let rows = [
        (Key::OrgCompany, s.company.clone()),
        (Key::OrgOffset, utc_offset_label(s.utc_offset_minutes)),
        (
            Key::OrgTargets,
            format!("{}–{}", s.target_minutes[0], s.target_minutes[1]),
        ),
        (Key::OrgRecordWithin, s.record_within_minutes.to_string()),
        (Key::OrgSilentDays, s.device_silent_days.to_string()),
    ];
    view! {
        <div class="banner banner-warn org-conflict" role="alert" data-testid="org-conflict">
            <p>{move || app.t(Key::OrgConflict)}</p>
            <dl class="org-current">
                {rows
                    .into_iter()
                    .map(|(k, v)| view! { <dt>{move || app.t(k)}</dt> <dd>{v}</dd> })
                    .collect_view()}
                <dt>{move || app.t(Key::OrgQuiet)}</dt>
                <dd>{move || quiet.clone().unwrap_or_else(|| app.t(Key::OrgNoQuiet).to_owned())}</dd>
            </dl>
            <button
                type="button"
                class="btn"
                data-testid="org-load-current"
                on:click=move |_| on_load.run(current.clone())
            >
                {move || app.t(Key::OrgLoadCurrent)}
            </button>
        </div>
    }
}
