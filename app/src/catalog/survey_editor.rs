//! 问卷编辑: an admin writes a survey (title, visit type, questions with their kind, prompt,
//! required flag, options, limits and `show_if` condition), sees it beside the editor as the
//! device shows it, saves drafts and publishes versions. The server keeps the drafts and the
//! versions; two admins saving the same draft get an edit conflict, never a lost text.

pub mod model;
mod preview;
mod question_card;
mod state;
mod wire;

use huifang_domain::survey::{Survey, question_of_field};
use huifang_domain::{VisitType, WireName};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use self::model::{KindName, Problem};
use self::preview::Preview;
use self::question_card::QuestionCard;
use self::state::{Busy, Editor, Notice};
use crate::i18n::{self, Key, Lang};
use crate::shell::use_door;
use crate::state::{AppCtx, use_app};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Load {
    Loading,
    Ready,
    Failed(Notice),
}

fn blank() -> Survey {
    Survey {
        id: Uuid::nil(),
        version: 0,
        title: String::new(),
        visit_type: None,
        questions: Vec::new(),
        retired: false,
    }
}

/// `/catalog/surveys/new` and `/catalog/surveys/:id`.
#[component]
pub fn SurveyEditor() -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let params = use_params_map();
    let may_edit = move || {
        app.session
            .with(|s| s.as_ref().is_some_and(|s| s.user.role.can_edit_catalog()))
    };
    let ed = Editor::new(blank());
    let load = RwSignal::new(Load::Loading);
    Effect::new(move |_| {
        let param = params.with(|p| p.get("id"));
        if !may_edit() {
            return;
        }
        match param.as_deref().map(Uuid::parse_str) {
            Some(Ok(id)) if ed.id.get_untracked() != Some(id) => {
                load.set(Load::Loading);
                state::load(ed, id, move |r| {
                    load.set(match r {
                        Ok(()) => Load::Ready,
                        Err(n) => Load::Failed(n),
                    })
                });
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => load.set(Load::Ready),
        }
    });
    let title = move || {
        app.t(if ed.id.with(Option::is_some) {
            Key::SeTitleEdit
        } else {
            Key::SeTitleNew
        })
    };
    let body = move || match load.get() {
        Load::Loading => view! { <p class="muted">{move || app.t(Key::Loading)}</p> }.into_any(),
        Load::Failed(n) => {
            view! { <p class="form-error" role="alert">{notice_text(app.lang.get(), &n)}</p> }
                .into_any()
        }
        Load::Ready => view! { <EditorBody ed /> }.into_any(),
    };
    view! {
        <section class="survey-editor" data-testid="survey-editor">
            <div class="page-head">
                <h1 class="page-title">{title}</h1>
                <a class="btn btn-quiet" href=door.path("/catalog")>{move || app.t(Key::SeBack)}</a>
            </div>
            <Show
                when=may_edit
                fallback=move || view! { <p class="empty">{move || app.t(Key::SeAdminOnly)}</p> }
            >
                {body}
            </Show>
        </section>
    }
}

fn notice_text(lang: Lang, n: &Notice) -> String {
    match n {
        Notice::Text(k) => i18n::t(lang, *k).to_owned(),
        Notice::Server(m) => m.clone(),
    }
}

#[component]
fn EditorBody(ed: Editor) -> impl IntoView {
    let app = use_app();
    let after = state::address_keeper();
    let after_publish = after.clone();
    let busy = move |b: Busy| ed.busy.get() == Some(b);
    let flagged = Memo::new(move |_| model::problem_keys(&ed.shown_problems()));
    view! {
        <div class="se-status">
            <span data-testid="se-status">{move || i18n::status_line(app.lang.get(), ed.published.get())}</span>
            {move || ed.retired_at.get().map(|_| view! { <span class="badge se-retired" data-testid="se-retired">{move || app.t(Key::SeRetired)}</span> })}
            <Show when=move || ed.dirty()>
                <span class="muted" data-testid="se-unsaved">{move || app.t(Key::SeUnsaved)}</span>
            </Show>
        </div>
        <div class="se-actions">
            <button type="button" class="btn" data-testid="se-save" disabled=move || ed.busy.get().is_some()
                on:click=move |_| state::save(ed, after.clone())>
                {move || app.t(if busy(Busy::Saving) { Key::SeSaving } else { Key::SeSaveDraft })}
            </button>
            <button type="button" class="btn btn-primary" data-testid="se-publish" disabled=move || ed.busy.get().is_some()
                on:click=move |_| state::publish(ed, after_publish.clone())>
                {move || app.t(if busy(Busy::Publishing) { Key::SePublishing } else { Key::SePublish })}
            </button>
            <RetireButton ed />
        </div>
        {move || ed.notice.get().map(|n| view! {
            <p class="form-error" role="alert" data-testid="se-notice">{notice_text(app.lang.get(), &n)}</p>
        })}
        <ConflictPanel ed />
        <ProblemList ed />
        <div class="se-layout">
            <div class="se-main">
                <DefinitionFields ed />
                <QuestionList ed flagged />
            </div>
            <aside class="se-side">
                <Preview survey=ed.survey />
                <Versions ed />
            </aside>
        </div>
    }
}

#[component]
fn RetireButton(ed: Editor) -> impl IntoView {
    let app = use_app();
    let shown = move || ed.id.with(Option::is_some) && ed.retired_at.with(Option::is_none);
    view! {
        <Show when=shown>
            <Show
                when=move || ed.confirm_retire.get()
                fallback=move || view! {
                    <button type="button" class="btn btn-quiet" data-testid="se-retire"
                        on:click=move |_| ed.confirm_retire.set(true)>
                        {move || app.t(Key::SeRetire)}
                    </button>
                }
            >
                <span class="se-confirm" role="group">
                    <span>{move || app.t(Key::SeRetireConfirm)}</span>
                    <button type="button" class="btn btn-danger" data-testid="se-retire-confirm"
                        disabled=move || ed.busy.get().is_some() on:click=move |_| state::retire(ed)>
                        {move || app.t(Key::SeRetire)}
                    </button>
                    <button type="button" class="btn btn-quiet" on:click=move |_| ed.confirm_retire.set(false)>
                        {move || app.t(Key::Cancel)}
                    </button>
                </span>
            </Show>
        </Show>
    }
}

#[component]
fn DefinitionFields(ed: Editor) -> impl IntoView {
    let app = use_app();
    let visit_type = move || {
        ed.survey.with(|s| {
            s.visit_type
                .map(|v| v.wire_name().to_owned())
                .unwrap_or_default()
        })
    };
    view! {
        <div class="card se-definition">
            <label class="field">
                <span class="label">{move || app.t(Key::SeSurveyTitle)}</span>
                <input type="text" data-testid="se-title" maxlength="100"
                    prop:value=move || ed.survey.with(|s| s.title.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); ed.survey.update(|s| s.title = v); } />
            </label>
            <label class="field">
                <span class="label">{move || app.t(Key::SeVisitType)}</span>
                <select data-testid="se-visit-type" prop:value=visit_type
                    on:change=move |ev| {
                        let v = VisitType::from_wire_name(&event_target_value(&ev));
                        ed.survey.update(|s| s.visit_type = v);
                    }>
                    <option value="">{move || app.t(Key::SeAnyVisitType)}</option>
                    {move || VisitType::VALUES.iter().map(|v| {
                        let wire = v.wire_name();
                        view! { <option value=wire selected=move || visit_type() == wire>{i18n::visit_type_label(app.lang.get(), *v)}</option> }
                    }).collect_view()}
                </select>
            </label>
        </div>
    }
}

#[component]
fn QuestionList(ed: Editor, flagged: Memo<std::collections::BTreeSet<String>>) -> impl IntoView {
    let app = use_app();
    let rows = move || {
        ed.survey.with(|s| {
            s.questions
                .iter()
                .enumerate()
                .map(|(i, q)| (i, q.key.clone()))
                .collect::<Vec<_>>()
        })
    };
    let new_kind = RwSignal::new(KindName::Stars);
    let add = move |_| {
        let kind = new_kind.get_untracked();
        let key = ed.survey.try_update(|s| model::add_question(s, kind));
        if let Some(key) = key {
            focus_later(format!("se-prompt-{key}"));
        }
    };
    view! {
        <h2 class="section-title">{move || app.t(Key::SeQuestions)}</h2>
        <Show when=move || ed.survey.with(|s| s.questions.is_empty())>
            <p class="muted">{move || app.t(Key::SeNoQuestions)}</p>
        </Show>
        <ol class="se-questions" data-testid="se-questions">
            <For each=rows key=|row| row.clone() children=move |(i, key)| view! { <QuestionCard ed index=i key flagged /> } />
        </ol>
        <div class="se-add card">
            <label class="field">
                <span class="label">{move || app.t(Key::SeAddKind)}</span>
                <select data-testid="se-add-kind"
                    on:change=move |ev| {
                        if let Some(k) = KindName::parse(&event_target_value(&ev)) { new_kind.set(k) }
                    }>
                    {move || KindName::ALL.into_iter().map(|k| view! {
                        <option value=k.wire() selected=move || new_kind.get() == k>{i18n::kind_label(app.lang.get(), k)}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="button" class="btn" data-testid="se-add-question" on:click=add>
                {move || app.t(Key::SeAddQuestion)}
            </button>
        </div>
    }
}

/// Moves the keyboard focus to an element the next render makes (a new question's prompt).
pub(crate) fn focus_later(id: String) {
    leptos::task::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(0).await;
        focus(&id);
    });
}

fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        el.scroll_into_view();
        let _ = el.focus();
    }
}

/// Where a problem is: the survey's title or question list, or a question by its number.
fn problem_place(lang: Lang, survey: &Survey, p: &Problem) -> String {
    if p.field == "title" {
        return i18n::t(lang, Key::SeFieldTitle).to_owned();
    }
    let Some(key) = question_of_field(&p.field) else {
        return i18n::t(lang, Key::SeFieldQuestions).to_owned();
    };
    let part = p.field.rsplit_once('.').map_or("", |(_, part)| part);
    match survey.questions.iter().position(|q| q.key == key) {
        Some(i) => format!(
            "{} · {}",
            i18n::question_label(lang, i + 1, &survey.questions[i].text),
            i18n::part_label(lang, part)
        ),
        None => p.field.clone(),
    }
}

#[component]
fn ProblemList(ed: Editor) -> impl IntoView {
    let app = use_app();
    let problems = Memo::new(move |_| ed.shown_problems());
    view! {
        <Show when=move || problems.with(|p| !p.is_empty())>
            <div class="se-problems" role="alert" data-testid="se-problems">
                <p><strong>{move || app.t(Key::SeFixFirst)}</strong></p>
                <ul>
                    {move || {
                        let lang = app.lang.get();
                        problems.get().into_iter().map(|p| {
                            let place = ed.survey.with(|s| problem_place(lang, s, &p));
                            let target = question_of_field(&p.field)
                                .map(|k| format!("se-q-{k}"))
                                .unwrap_or_else(|| "se-title".into());
                            view! {
                                <li data-testid="se-problem" data-field=p.field.clone()>
                                    <button type="button" class="btn btn-quiet se-jump" on:click=move |_| focus(&target)>
                                        {place}
                                    </button>
                                    ": " {i18n::said_text(lang, &p.said)}
                                </li>
                            }
                        }).collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}

/// A server instant (RFC 3339, UTC) in the organisation's time, as the script editor shows it.
fn local_time(app: AppCtx, at: &str) -> String {
    let offset = crate::visits::field::offset(Some(crate::state::settings(app).utc_offset_minutes));
    chrono::DateTime::parse_from_rfc3339(at).map_or_else(
        |_| at.to_owned(),
        |t| i18n::clock(t.with_timezone(&chrono::Utc), offset),
    )
}

#[component]
fn ConflictPanel(ed: Editor) -> impl IntoView {
    let app = use_app();
    view! {
        {move || ed.conflict.get().map(|c| {
            let lang = app.lang.get();
            view! {
                <div class="se-conflict" role="alert" data-testid="se-conflict">
                    <p><strong>{i18n::t(lang, Key::SeConflictTitle)}</strong></p>
                    <p>{i18n::conflict_by(lang, &c.saved_by, &local_time(app, &c.saved_at))}</p>
                    {(!c.changed.is_empty()).then(|| view! {
                        <p>{i18n::t(lang, Key::SeConflictChanged)}</p>
                        <ul data-testid="se-conflict-changed">
                            {c.changed.iter().map(|f| view! { <li>{f.clone()}</li> }).collect_view()}
                        </ul>
                    })}
                    <p class="muted">{i18n::t(lang, Key::SeConflictNote)}</p>
                    <div class="form-actions">
                        <button type="button" class="btn btn-primary" data-testid="se-keep-mine"
                            disabled=move || ed.busy.get().is_some() on:click=move |_| state::keep_mine(ed)>
                            {i18n::t(lang, Key::SeKeepMine)}
                        </button>
                        <button type="button" class="btn" data-testid="se-take-theirs" on:click=move |_| state::take_theirs(ed)>
                            {i18n::t(lang, Key::SeTakeTheirs)}
                        </button>
                    </div>
                </div>
            }
        })}
    }
}

#[component]
fn Versions(ed: Editor) -> impl IntoView {
    let app = use_app();
    view! {
        <section class="card se-versions">
            <h2 class="section-title">{move || app.t(Key::SeVersions)}</h2>
            {move || {
                let lang = app.lang.get();
                let rows = ed.versions.get();
                if rows.is_empty() {
                    return view! { <p class="muted">{i18n::t(lang, Key::SeNoVersions)}</p> }.into_any();
                }
                view! {
                    <ul data-testid="se-versions">
                        {rows.into_iter().map(|v| view! {
                            <li data-testid="se-version" data-version=v.version>
                                {i18n::version_row(lang, v.version, &local_time(app, &v.published_at), &v.published_by)}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
