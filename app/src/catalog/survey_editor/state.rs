//! The editor's state and what its buttons do with the server (through the catalog's typed
//! client): save the draft (creating the catalog entry on the first save), publish it,
//! retire or restore the survey, settle an edit conflict.

use chrono::{DateTime, Utc};
use huifang_domain::catalog::{CatalogDetail, EditConflict, VersionInfo};
use huifang_domain::survey::Survey;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use uuid::Uuid;

use super::model::{self, Problem};
use crate::api::ApiFailure;
use crate::catalog::client::{self, Failure};
use crate::i18n::{self, Key};
use crate::state::{AppCtx, use_app};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    Saving,
    Publishing,
    Retiring,
}

/// Everything the editor's parts share; `Copy`, so each part takes it whole.
#[derive(Clone, Copy)]
pub struct Editor {
    pub survey: RwSignal<Survey>,
    /// The catalog entry; `None` until the first save of a new survey.
    pub id: RwSignal<Option<Uuid>>,
    pub draft_rev: RwSignal<u64>,
    /// The text as last saved or loaded, to tell unsaved changes.
    pub saved: RwSignal<Survey>,
    pub published: RwSignal<Option<u32>>,
    pub versions: RwSignal<Vec<VersionInfo>>,
    pub retired_at: RwSignal<Option<DateTime<Utc>>>,
    /// Set by the first publish: from then on the problems list follows every edit.
    pub attempted: RwSignal<bool>,
    /// What the server named on its last refusal to publish.
    pub refused: RwSignal<Vec<Problem>>,
    pub conflict: RwSignal<Option<EditConflict<Survey>>>,
    pub busy: RwSignal<Option<Busy>>,
    /// What the editor could not do.
    pub notice: RwSignal<Option<Key>>,
    pub confirm_retire: RwSignal<bool>,
    pub app: AppCtx,
}

impl Editor {
    pub fn new(survey: Survey) -> Self {
        Editor {
            survey: RwSignal::new(survey.clone()),
            id: RwSignal::new(None),
            draft_rev: RwSignal::new(0),
            saved: RwSignal::new(survey),
            published: RwSignal::new(None),
            versions: RwSignal::new(Vec::new()),
            retired_at: RwSignal::new(None),
            attempted: RwSignal::new(false),
            refused: RwSignal::new(Vec::new()),
            conflict: RwSignal::new(None),
            busy: RwSignal::new(None),
            notice: RwSignal::new(None),
            confirm_retire: RwSignal::new(false),
            app: use_app(),
        }
    }

    /// Opens the entry on its draft, else its published version.
    pub fn open(&self, d: CatalogDetail<Survey>) {
        let published = d
            .published
            .as_ref()
            .map(|s| s.version)
            .or_else(|| d.versions.iter().map(|v| v.version).max());
        let mut survey = d
            .draft
            .or(d.published)
            .unwrap_or_else(|| self.survey.get_untracked());
        survey.id = d.id;
        survey.version = published.unwrap_or(0);
        survey.retired = false;
        self.id.set(Some(d.id));
        self.draft_rev.set(d.draft_rev);
        self.saved.set(survey.clone());
        self.survey.set(survey);
        self.published.set(published);
        self.versions.set(d.versions);
        self.retired_at.set(d.retired_at);
        self.conflict.set(None);
    }

    pub fn dirty(&self) -> bool {
        self.survey.with(|s| self.saved.with(|saved| s != saved)) || self.id.with(Option::is_none)
    }

    /// The problems to show: after a publish, the live ones of the text being edited, else
    /// (when the app finds none) the ones the server named.
    pub fn shown_problems(&self) -> Vec<Problem> {
        if !self.attempted.get() {
            return Vec::new();
        }
        let live = self.survey.with(model::problems);
        if live.is_empty() {
            self.refused.get()
        } else {
            live
        }
    }

    /// Shows a refusal: a conflict in its panel, problems in their list, else a notice.
    fn failed(self, f: Failure<Survey>) {
        match f {
            Failure::Conflict(c) => self.conflict.set(Some(c)),
            Failure::Problems(p) => {
                if p.is_empty() && self.survey.with_untracked(model::problems).is_empty() {
                    self.notice.set(Some(Key::ErrServer));
                }
                self.refused.set(p.into_iter().map(Problem::from).collect());
            }
            Failure::Api(a) => self.notice.set(Some(notice(self.app, a))),
        }
    }
}

/// The sentence for a call that got no usable answer.
fn notice(app: AppCtx, failure: ApiFailure) -> Key {
    match failure {
        ApiFailure::Network => Key::SeOffline,
        ApiFailure::Unauthorized(_) => {
            app.sync.need_auth();
            Key::ErrServer
        }
        ApiFailure::Status(403, _) => Key::SeForbidden,
        ApiFailure::Status(404, _) => Key::SeNotFound,
        ApiFailure::Status(..) => Key::ErrServer,
    }
}

fn token(app: AppCtx) -> Option<String> {
    app.session
        .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
}

/// Saves the text being edited as the draft (`base_rev` the revision it was based on):
/// creates the entry on a new survey's first save. `true` when the server took it.
async fn save_draft(ed: Editor, token: &str, base_rev: u64) -> bool {
    let survey = ed.survey.get_untracked();
    let saved = match ed.id.get_untracked() {
        None => client::create(token, &survey).await.map(|c| {
            ed.id.set(Some(c.id));
            ed.survey.update(|s| s.id = c.id);
            c.draft_rev
        }),
        Some(id) => client::save(token, id, base_rev, &survey)
            .await
            .map(|s| s.draft_rev),
    };
    match saved {
        Ok(rev) => {
            ed.draft_rev.set(rev);
            // What was sent is what is saved; typing during the save stays unsaved.
            ed.saved.set(Survey {
                id: ed.id.get_untracked().unwrap_or(survey.id),
                ..survey
            });
            ed.conflict.set(None);
            true
        }
        Err(f) => {
            ed.failed(f);
            false
        }
    }
}

fn start(ed: Editor, busy: Busy) -> bool {
    if ed.busy.get_untracked().is_some() {
        return false;
    }
    ed.busy.set(Some(busy));
    ed.notice.set(None);
    true
}

pub fn save(ed: Editor, navigate_after: impl Fn(Editor, bool) + 'static) {
    let app = ed.app;
    let Some(token) = token(app) else { return };
    if !start(ed, Busy::Saving) {
        return;
    }
    let was_new = ed.id.get_untracked().is_none();
    leptos::task::spawn_local(async move {
        let base = ed.draft_rev.get_untracked();
        if save_draft(ed, &token, base).await {
            app.show_toast(app.t(Key::SeSaved).to_owned());
        }
        ed.busy.set(None);
        navigate_after(ed, was_new);
    });
}

/// Saves what is unsaved, then publishes that draft as a new version. A refusal lists every
/// problem and marks the questions they are in.
pub fn publish(ed: Editor, navigate_after: impl Fn(Editor, bool) + 'static) {
    let app = ed.app;
    let Some(token) = token(app) else { return };
    if !start(ed, Busy::Publishing) {
        return;
    }
    ed.attempted.set(true);
    let was_new = ed.id.get_untracked().is_none();
    leptos::task::spawn_local(async move {
        let saved = !ed.dirty() || save_draft(ed, &token, ed.draft_rev.get_untracked()).await;
        if let (true, Some(id)) = (saved, ed.id.get_untracked()) {
            match client::publish::<Survey>(&token, id, ed.draft_rev.get_untracked()).await {
                Ok(p) => {
                    ed.refused.set(Vec::new());
                    ed.attempted.set(false);
                    app.show_toast(i18n::published_toast(app.lang.get_untracked(), p.version));
                    reload(ed, &token, id).await;
                }
                Err(f) => ed.failed(f),
            }
        }
        ed.busy.set(None);
        navigate_after(ed, was_new);
    });
}

/// Retires the survey (devices stop offering it) or, with `retire` false, restores it.
pub fn set_retired(ed: Editor, retire: bool) {
    let app = ed.app;
    let (Some(token), Some(id)) = (token(app), ed.id.get_untracked()) else {
        return;
    };
    if !start(ed, Busy::Retiring) {
        return;
    }
    ed.confirm_retire.set(false);
    leptos::task::spawn_local(async move {
        match client::set_retired::<Survey>(&token, id, retire).await {
            Ok(at) => {
                ed.retired_at.set(at);
                let done = if retire {
                    Key::SeRetiredDone
                } else {
                    Key::CatalogRestoredDone
                };
                app.show_toast(app.t(done).to_owned());
            }
            Err(f) => ed.failed(f),
        }
        ed.busy.set(None);
    });
}

/// Keeps the text being edited over the other admin's: saved again on their revision.
pub fn keep_mine(ed: Editor) {
    let app = ed.app;
    let Some(token) = token(app) else { return };
    let Some(theirs) = ed.conflict.get_untracked() else {
        return;
    };
    if !start(ed, Busy::Saving) {
        return;
    }
    leptos::task::spawn_local(async move {
        if save_draft(ed, &token, theirs.current.draft_rev).await {
            app.show_toast(app.t(Key::SeSaved).to_owned());
        }
        ed.busy.set(None);
    });
}

/// Drops the text being edited for the other admin's saved draft.
pub fn take_theirs(ed: Editor) {
    if let Some(c) = ed.conflict.get_untracked() {
        let mut theirs = c.current.draft;
        ed.survey.with_untracked(|mine| {
            theirs.id = mine.id;
            theirs.version = mine.version;
        });
        theirs.retired = false;
        ed.draft_rev.set(c.current.draft_rev);
        ed.saved.set(theirs.clone());
        ed.survey.set(theirs);
        ed.conflict.set(None);
    }
}

/// Reads the entry again after a publish (new version, versions list).
async fn reload(ed: Editor, token: &str, id: Uuid) {
    match client::detail::<Survey>(token, id).await {
        Ok(d) => ed.open(d),
        Err(f) => ed.failed(f),
    }
}

/// Opens the entry `id` (the page's first load); `ready` gets what to say when it cannot.
pub fn load(ed: Editor, id: Uuid, ready: impl Fn(Result<(), Key>) + 'static) {
    let app = ed.app;
    let Some(token) = token(app) else { return };
    leptos::task::spawn_local(async move {
        match client::detail::<Survey>(&token, id).await {
            Ok(d) => {
                ed.open(d);
                ready(Ok(()));
            }
            Err(Failure::Api(a)) => ready(Err(notice(app, a))),
            Err(_) => ready(Err(Key::ErrServer)),
        }
    });
}

/// The navigation a save or publish of a new survey ends with; made while the page's
/// component still runs, where the router's hooks can be called.
pub fn address_keeper() -> impl Fn(Editor, bool) + Clone + 'static {
    let navigate = leptos_router::hooks::use_navigate();
    move |ed: Editor, was_new: bool| {
        if let (true, Some(id)) = (was_new, ed.id.get_untracked()) {
            navigate(
                &format!("/catalog/surveys/{id}"),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    }
}
