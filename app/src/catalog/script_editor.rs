//! 话术编辑: one call script's draft: title, visit type, steps; saved as a draft with its
//! revision, published as a new version (every problem named by its step), retired. A save
//! that collides with another admin's shows what changed and lets the admin keep either text.

use chrono::{DateTime, Utc};
use huifang_domain::VisitType;
use huifang_domain::catalog::{CatalogDetail, EditConflict, Problem, VersionInfo};
use huifang_domain::script::{Audience, Script, StepKind};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map};
use uuid::Uuid;

use super::client::{self, Failure};
use super::offset;
use super::script_preview::ScriptPreview;
use super::script_steps::{StepsEditor, new_step};
use crate::api::ApiFailure;
use crate::i18n::{self, Key, Lang};
use crate::shell::use_door;
use crate::state::{AppCtx, use_app};
use crate::widgets::{Options, visit_type_options};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Load {
    Loading,
    Offline,
    Missing,
    Failed,
    Ready,
}

/// Everything the editor shows besides the draft itself.
#[derive(Clone, Copy)]
struct Editor {
    app: AppCtx,
    /// Goes to an address of this door in place of the current one (a new script's own).
    replace_address: Callback<String>,
    script: RwSignal<Script>,
    id: RwSignal<Option<Uuid>>,
    base_rev: RwSignal<u64>,
    dirty: RwSignal<bool>,
    /// The draft has saves not yet published.
    unpublished: RwSignal<bool>,
    versions: RwSignal<Vec<VersionInfo>>,
    retired_at: RwSignal<Option<DateTime<Utc>>>,
    problems: RwSignal<Vec<Problem>>,
    conflict: RwSignal<Option<EditConflict<Script>>>,
    error: RwSignal<Option<Key>>,
    busy: RwSignal<bool>,
}

fn blank_script() -> Script {
    Script {
        id: Uuid::nil(),
        version: 0,
        visit_type: VisitType::Complaint,
        title: String::new(),
        steps: vec![new_step(&[], StepKind::Opening)],
        retired: false,
    }
}

impl Editor {
    fn new(app: AppCtx, replace_address: Callback<String>) -> Self {
        Editor {
            app,
            replace_address,
            script: RwSignal::new(blank_script()),
            id: RwSignal::new(None),
            base_rev: RwSignal::new(0),
            dirty: RwSignal::new(false),
            unpublished: RwSignal::new(false),
            versions: RwSignal::new(Vec::new()),
            retired_at: RwSignal::new(None),
            problems: RwSignal::new(Vec::new()),
            conflict: RwSignal::new(None),
            error: RwSignal::new(None),
            busy: RwSignal::new(false),
        }
    }

    fn loaded(self, d: CatalogDetail<Script>) {
        let draft = d.draft.or(d.published).unwrap_or_else(blank_script);
        self.script.set(draft);
        self.id.set(Some(d.id));
        self.base_rev.set(d.draft_rev);
        self.unpublished.set(d.has_draft);
        self.versions.set(d.versions);
        self.retired_at.set(d.retired_at);
        self.dirty.set(false);
    }

    /// What to tell the admin about a failed call; a conflict or problems are shown apart.
    fn failed(self, f: Failure<Script>) {
        let app = self.app;
        match f {
            Failure::Conflict(c) => self.conflict.set(Some(c)),
            Failure::Problems(p) => self.problems.set(p),
            Failure::Api(ApiFailure::Network) => self.error.set(Some(Key::CatalogOffline)),
            Failure::Api(ApiFailure::Unauthorized(_)) => {
                app.sync.need_auth();
                self.error.set(Some(Key::ErrServer));
            }
            Failure::Api(ApiFailure::Status(..)) => self.error.set(Some(Key::ErrServer)),
        }
    }
}

#[component]
pub fn ScriptEditorPage() -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let params = use_params_map();
    let navigate = use_navigate();
    let replace_address = Callback::new(move |href: String| {
        navigate(
            &href,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        )
    });
    let ed = Editor::new(app, replace_address);
    let load = RwSignal::new(Load::Loading);
    Effect::new(move |_| {
        let raw = params.with(|p| p.get("id").unwrap_or_default());
        if raw == "new" {
            load.set(Load::Ready);
            return;
        }
        let Ok(id) = raw.parse::<Uuid>() else {
            load.set(Load::Missing);
            return;
        };
        if ed.id.get_untracked() == Some(id) {
            return;
        }
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        load.set(Load::Loading);
        leptos::task::spawn_local(async move {
            load.set(match client::detail::<Script>(&session.token, id).await {
                Ok(d) => {
                    ed.loaded(d);
                    Load::Ready
                }
                Err(Failure::Api(ApiFailure::Network)) => Load::Offline,
                Err(Failure::Api(ApiFailure::Status(404, _))) => Load::Missing,
                Err(Failure::Api(ApiFailure::Unauthorized(_))) => {
                    app.sync.need_auth();
                    Load::Failed
                }
                Err(_) => Load::Failed,
            });
        });
    });
    let is_new = move || ed.id.with(Option::is_none);
    let body = move || match load.get() {
        Load::Loading => view! { <p class="muted">{move || app.t(Key::Loading)}</p> }.into_any(),
        Load::Offline => {
            view! { <p class="muted">{move || app.t(Key::CatalogOffline)}</p> }.into_any()
        }
        Load::Missing => {
            view! { <p class="empty">{move || app.t(Key::CatalogNotFound)}</p> }.into_any()
        }
        Load::Failed => view! { <p class="muted">{move || app.t(Key::ErrServer)}</p> }.into_any(),
        Load::Ready => view! {
            <div class="script-editor-grid">
                <div class="script-editor-main">
                    <ConflictPanel ed />
                    <ProblemList ed />
                    <ScriptHeader ed />
                    <StepsEditor script=ed.script dirty=ed.dirty />
                </div>
                <div class="script-editor-side">
                    <Actions ed />
                    <ScriptPreview script=ed.script />
                    <Versions ed />
                </div>
            </div>
        }
        .into_any(),
    };
    view! {
        <section class="page script-editor" data-testid="script-editor">
            <div class="page-head">
                <a class="btn btn-quiet" href=door.path("/catalog")>{move || app.t(Key::CatalogBack)}</a>
                <h1 class="page-title">
                    {move || app.t(if is_new() { Key::ScriptEditorNew } else { Key::ScriptEditorEdit })}
                </h1>
            </div>
            {body}
        </section>
    }
}

#[component]
fn ScriptHeader(ed: Editor) -> impl IntoView {
    let app = use_app();
    let title = move || ed.script.with(|s| s.title.clone());
    let visit_type = move || ed.script.with(|s| s.visit_type.as_str().to_owned());
    let type_options = visit_type_options();
    view! {
        <div class="card script-header">
            <label class="field">
                <span class="label">{move || app.t(Key::ScriptTitleField)}</span>
                <input
                    type="text"
                    data-testid="script-title"
                    prop:value=title
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        ed.script.update(|s| s.title = v);
                        ed.dirty.set(true);
                    }
                />
            </label>
            <label class="field">
                <span class="label">{move || app.t(Key::ScriptTypeField)}</span>
                <select
                    data-testid="script-visit-type"
                    prop:value=visit_type
                    on:change=move |ev| {
                        if let Some(t) = VisitType::parse(&event_target_value(&ev)) {
                            ed.script.update(|s| s.visit_type = t);
                            ed.dirty.set(true);
                        }
                    }
                >
                    <Options options=type_options value=Signal::derive(visit_type) />
                </select>
            </label>
            {move || {
                ed.retired_at
                    .get()
                    .map(|_| view! { <p class="banner banner-warn" data-testid="script-retired">{move || app.t(Key::CatalogRetiredNote)}</p> })
            }}
        </div>
    }
}

/// Saves the draft (creating the item the first time); `then` runs with the saved revision.
fn save(ed: Editor, then: impl FnOnce(u64) + 'static) {
    let app = ed.app;
    let Some(session) = app.session.get_untracked() else {
        return;
    };
    let draft = ed.script.get_untracked();
    ed.busy.set(true);
    ed.error.set(None);
    ed.problems.set(Vec::new());
    leptos::task::spawn_local(async move {
        let saved = match ed.id.get_untracked() {
            None => client::create(&session.token, &draft).await.map(|c| {
                ed.id.set(Some(c.id));
                // The router adds the door's base (`/console`) itself.
                ed.replace_address.run(format!("/catalog/scripts/{}", c.id));
                c.draft_rev
            }),
            Some(id) => client::save(&session.token, id, ed.base_rev.get_untracked(), &draft)
                .await
                .map(|s| s.draft_rev),
        };
        ed.busy.set(false);
        match saved {
            Ok(rev) => {
                ed.base_rev.set(rev);
                ed.unpublished.set(true);
                ed.conflict.set(None);
                // Typing during the save keeps the editor dirty for the next one.
                if ed.script.with_untracked(|s| *s == draft) {
                    ed.dirty.set(false);
                }
                then(rev);
            }
            Err(f) => ed.failed(f),
        }
    });
}

fn publish(ed: Editor, rev: u64) {
    let app = ed.app;
    let (Some(session), Some(id)) = (app.session.get_untracked(), ed.id.get_untracked()) else {
        return;
    };
    ed.busy.set(true);
    leptos::task::spawn_local(async move {
        let published = client::publish::<Script>(&session.token, id, rev).await;
        ed.busy.set(false);
        match published {
            Ok(p) => {
                app.show_toast(i18n::published_as(app.lang.get_untracked(), p.version));
                ed.unpublished.set(false);
                ed.retired_at.set(None);
                if let Ok(d) = client::detail::<Script>(&session.token, id).await {
                    ed.versions.set(d.versions);
                }
            }
            Err(f) => ed.failed(f),
        }
    });
}

fn set_retired(ed: Editor, retire: bool) {
    let app = ed.app;
    let (Some(session), Some(id)) = (app.session.get_untracked(), ed.id.get_untracked()) else {
        return;
    };
    ed.busy.set(true);
    leptos::task::spawn_local(async move {
        let done = client::set_retired::<Script>(&session.token, id, retire).await;
        ed.busy.set(false);
        match done {
            Ok(at) => {
                ed.retired_at.set(at);
                let key = if retire {
                    Key::CatalogRetiredDone
                } else {
                    Key::CatalogRestoredDone
                };
                app.show_toast(app.t(key).to_owned());
            }
            Err(f) => ed.failed(f),
        }
    });
}

#[component]
fn Actions(ed: Editor) -> impl IntoView {
    let app = use_app();
    let on_save = move |_| {
        let lang = app.lang.get_untracked();
        save(ed, move |_| {
            app.show_toast(i18n::t(lang, Key::CatalogSaved).to_owned())
        });
    };
    let on_publish = move |_| {
        if ed.dirty.get_untracked() || ed.id.with_untracked(Option::is_none) {
            save(ed, move |rev| publish(ed, rev));
        } else {
            publish(ed, ed.base_rev.get_untracked());
        }
    };
    let published = move || ed.versions.with(|v| v.first().map(|v| v.version));
    let can_publish = move || ed.dirty.get() || ed.unpublished.get() || ed.id.with(Option::is_none);
    view! {
        <div class="card script-actions">
            <p class="script-state" data-testid="script-state">
                {move || {
                    let lang = app.lang.get();
                    let mut parts = Vec::new();
                    match published() {
                        Some(v) => parts.push(i18n::published_version(lang, v)),
                        None => parts.push(i18n::t(lang, Key::CatalogStateDraft).to_owned()),
                    }
                    if ed.dirty.get() {
                        parts.push(i18n::t(lang, Key::CatalogUnsaved).to_owned());
                    } else if ed.unpublished.get() && published().is_some() {
                        parts.push(i18n::t(lang, Key::CatalogStateChanged).to_owned());
                    }
                    if ed.retired_at.get().is_some() {
                        parts.push(i18n::t(lang, Key::CatalogStateRetired).to_owned());
                    }
                    parts.join(" · ")
                }}
            </p>
            <div class="form-actions">
                <button type="button" class="btn" data-testid="script-save" disabled=move || ed.busy.get() on:click=on_save>
                    {move || app.t(if ed.busy.get() { Key::CatalogSaving } else { Key::CatalogSaveDraft })}
                </button>
                <button type="button" class="btn btn-primary" data-testid="script-publish"
                    disabled=move || ed.busy.get() || !can_publish() on:click=on_publish>
                    {move || app.t(Key::CatalogPublish)}
                </button>
                <Show when=move || published().is_some()>
                    {move || {
                        let retired = ed.retired_at.get().is_some();
                        view! {
                            <button type="button" class="btn btn-quiet" data-testid="script-retire"
                                disabled=move || ed.busy.get() on:click=move |_| set_retired(ed, !retired)>
                                {move || app.t(if retired { Key::CatalogRestore } else { Key::CatalogRetire })}
                            </button>
                        }
                    }}
                </Show>
            </div>
            {move || ed.error.get().map(|k| view! { <p class="form-error" role="alert">{move || app.t(k)}</p> })}
        </div>
    }
}

/// Where a problem's path points, in words: "第 2 步 · 话术 · VIP".
fn problem_place(lang: Lang, path: &str) -> String {
    let Some(rest) = path.strip_prefix("steps[") else {
        return i18n::t(
            lang,
            if path == "title" {
                Key::ScriptTitleField
            } else {
                Key::ScriptStepsTitle
            },
        )
        .to_owned();
    };
    let Some((index, field)) = rest.split_once(']') else {
        return path.to_owned();
    };
    let step = index
        .parse::<usize>()
        .map(|i| i18n::step_number(lang, i + 1))
        .unwrap_or_else(|_| index.to_owned());
    let field = field.trim_start_matches('.');
    let what = match field.strip_prefix("variants.") {
        Some(a) => Audience::ALL
            .into_iter()
            .find(|x| x.as_str() == a)
            .map(|a| i18n::wording_label(lang, a)),
        None if field == "goal" => Some(i18n::t(lang, Key::ScriptStepGoal).to_owned()),
        None => None,
    };
    match what {
        Some(w) => format!("{step} · {w}"),
        None => step,
    }
}

#[component]
fn ProblemList(ed: Editor) -> impl IntoView {
    let app = use_app();
    move || {
        let problems = ed.problems.get();
        (!problems.is_empty()).then(|| {
            let lang = app.lang.get();
            view! {
                <div class="banner banner-error catalog-problems" role="alert" data-testid="script-problems">
                    <p class="error-summary-title">{i18n::t(lang, Key::CatalogProblemsTitle)}</p>
                    <ul class="error-summary-list">
                        {problems
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <li data-testid="script-problem" data-path=p.path.clone()>
                                        {format!("{}: {}", problem_place(lang, &p.path), i18n::problem_text(lang, &p.code))}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

/// A changed path in words: steps by their goal (or key), wordings by audience.
fn changed_place(lang: Lang, path: &str, script: &Script) -> String {
    if path == "steps" {
        return i18n::t(lang, Key::CatalogConflictOrder).to_owned();
    }
    let Some(rest) = path.strip_prefix("steps[") else {
        return match path {
            "title" => i18n::t(lang, Key::ScriptTitleField).to_owned(),
            "visit_type" => i18n::t(lang, Key::ScriptTypeField).to_owned(),
            other => other.to_owned(),
        };
    };
    let (key, field) = rest.split_once(']').unwrap_or((rest, ""));
    let step = script
        .steps
        .iter()
        .position(|s| s.key == key)
        .map(|i| i18n::step_number(lang, i + 1))
        .unwrap_or_else(|| key.to_owned());
    match field.trim_start_matches('.').strip_prefix("variants.") {
        Some(a) => match Audience::ALL.into_iter().find(|x| x.as_str() == a) {
            Some(a) => format!("{step} · {}", i18n::wording_label(lang, a)),
            None => step,
        },
        None => step,
    }
}

#[component]
fn ConflictPanel(ed: Editor) -> impl IntoView {
    let app = use_app();
    let load_theirs = move |_| {
        if let Some(c) = ed.conflict.get_untracked() {
            ed.script.set(c.current.draft);
            ed.base_rev.set(c.current.draft_rev);
            ed.dirty.set(false);
            ed.conflict.set(None);
        }
    };
    let keep_mine = move |_| {
        if let Some(c) = ed.conflict.get_untracked() {
            ed.base_rev.set(c.current.draft_rev);
            let lang = app.lang.get_untracked();
            save(ed, move |_| {
                app.show_toast(i18n::t(lang, Key::CatalogSaved).to_owned())
            });
        }
    };
    move || {
        ed.conflict.get().map(|c| {
            let lang = app.lang.get();
            let when = i18n::clock(c.current.saved_at, offset(app));
            let who = c.current.saved_by.clone().unwrap_or_default();
            let mine = ed.script.get_untracked();
            view! {
                <div class="banner banner-warn catalog-conflict" role="alert" data-testid="script-conflict">
                    <p class="error-summary-title">{i18n::t(lang, Key::CatalogConflictTitle)}</p>
                    <p>{i18n::saved_by(lang, &who, &when, c.current.draft_rev)}</p>
                    <p>{i18n::t(lang, Key::CatalogConflictChanged)}</p>
                    <ul class="error-summary-list" data-testid="script-conflict-changed">
                        {c.changed
                            .iter()
                            .map(|p| view! { <li data-path=p.clone()>{changed_place(lang, p, &mine)}</li> })
                            .collect_view()}
                    </ul>
                    <p class="muted">{i18n::t(lang, Key::CatalogConflictHint)}</p>
                    <div class="form-actions">
                        <button type="button" class="btn" data-testid="script-conflict-theirs" on:click=load_theirs>
                            {i18n::t(lang, Key::CatalogConflictLoadTheirs)}
                        </button>
                        <button type="button" class="btn btn-primary" data-testid="script-conflict-mine" on:click=keep_mine>
                            {i18n::t(lang, Key::CatalogConflictKeepMine)}
                        </button>
                    </div>
                </div>
            }
        })
    }
}

#[component]
fn Versions(ed: Editor) -> impl IntoView {
    let app = use_app();
    view! {
        <section class="card script-versions" data-testid="script-versions">
            <h2 class="section-title">{move || app.t(Key::CatalogVersions)}</h2>
            {move || {
                let versions = ed.versions.get();
                if versions.is_empty() {
                    return view! { <p class="muted">{move || app.t(Key::CatalogNoVersions)}</p> }.into_any();
                }
                let offset = offset(app);
                view! {
                    <ol class="list version-list">
                        {versions
                            .into_iter()
                            .map(|v| {
                                let by = v.published_by.clone();
                                view! {
                                    <li class="row" data-testid="script-version">
                                        <span class="row-title">{format!("v{}", v.version)}</span>
                                        <span class="row-sub">
                                            {i18n::clock(v.published_at, offset)}
                                            " · "
                                            {move || by.clone().unwrap_or_else(|| app.t(Key::CatalogSeeded).to_owned())}
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }}
        </section>
    }
}
