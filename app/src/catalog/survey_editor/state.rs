//! The editor's state and what its buttons do with the server: save the draft (creating the
//! catalog entry on the first save), publish it, retire the survey, settle an edit conflict.

use huifang_domain::survey::Survey;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use serde_json::Value;
use uuid::Uuid;

use super::model::{self, Problem};
use super::wire::{self, Conflict, Entry, VersionRow};
use crate::api::ApiFailure;
use crate::i18n::{self, Key};
use crate::state::{AppCtx, use_app};

/// What the editor could not do, in one of our sentences or the server's own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Text(Key),
    Server(String),
}

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
    pub versions: RwSignal<Vec<VersionRow>>,
    pub retired_at: RwSignal<Option<String>>,
    /// Set by the first publish: from then on the problems list follows every edit.
    pub attempted: RwSignal<bool>,
    /// What the server named on its last refusal to publish.
    pub refused: RwSignal<Vec<Problem>>,
    pub conflict: RwSignal<Option<Conflict>>,
    pub busy: RwSignal<Option<Busy>>,
    pub notice: RwSignal<Option<Notice>>,
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

    pub fn open(&self, entry: Entry) {
        self.id.set(Some(entry.id));
        self.draft_rev.set(entry.draft_rev);
        self.saved.set(entry.survey.clone());
        self.survey.set(entry.survey);
        self.published.set(entry.published);
        self.versions.set(entry.versions);
        self.retired_at.set(entry.retired_at);
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
}

fn token(app: AppCtx) -> Option<String> {
    app.session
        .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
}

/// Maps a failure without an answer to a notice; `None` when the answer is for the caller.
fn failed(app: AppCtx, ed: Editor, result: &Result<(u16, Value), ApiFailure>) -> bool {
    let notice = match result {
        Ok((403, _)) => Notice::Text(Key::SeForbidden),
        Ok((404, _)) => Notice::Text(Key::SeNotFound),
        Ok(_) => return false,
        Err(ApiFailure::Network) => Notice::Text(Key::SeOffline),
        Err(ApiFailure::Unauthorized(_)) => {
            app.sync.need_auth();
            Notice::Text(Key::ErrServer)
        }
        Err(ApiFailure::Status(..)) => Notice::Text(Key::ErrServer),
    };
    ed.notice.set(Some(notice));
    true
}

fn refusal(ed: Editor, value: &Value) {
    let (message, _) = wire::read_error(value);
    ed.notice.set(Some(if message.is_empty() {
        Notice::Text(Key::ErrServer)
    } else {
        Notice::Server(message)
    }));
}

/// Saves the text being edited as the draft (`base_rev` the revision it was based on):
/// creates the entry on a new survey's first save. `true` when the server took it.
async fn save_draft(app: AppCtx, ed: Editor, token: &str, base_rev: u64) -> bool {
    let survey = ed.survey.get_untracked();
    let Some(id) = ed.id.get_untracked() else {
        let result = wire::create(token, &survey).await;
        if failed(app, ed, &result) {
            return false;
        }
        let (status, value) = result.unwrap_or_default();
        let created = value
            .get("id")
            .and_then(|v| crate::json::from_value::<Uuid>(v).ok());
        return match (status, created) {
            (200..=299, Some(id)) => {
                ed.id.set(Some(id));
                ed.draft_rev
                    .set(value.get("draft_rev").and_then(Value::as_u64).unwrap_or(0));
                ed.survey.update(|s| s.id = id);
                ed.saved.set(ed.survey.get_untracked());
                true
            }
            _ => {
                refusal(ed, &value);
                false
            }
        };
    };
    let result = wire::save(token, id, base_rev, &survey).await;
    if failed(app, ed, &result) {
        return false;
    }
    let (status, value) = result.unwrap_or_default();
    match status {
        200..=299 => {
            if let Some(rev) = value.get("draft_rev").and_then(Value::as_u64) {
                ed.draft_rev.set(rev);
            }
            ed.saved.set(survey);
            ed.conflict.set(None);
            true
        }
        409 => {
            match wire::read_conflict(&value, id, survey.version) {
                Some(c) => ed.conflict.set(Some(c)),
                None => refusal(ed, &value),
            }
            false
        }
        _ => {
            refusal(ed, &value);
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
        if save_draft(app, ed, &token, base).await {
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
        let saved = !ed.dirty() || save_draft(app, ed, &token, ed.draft_rev.get_untracked()).await;
        if let (true, Some(id)) = (saved, ed.id.get_untracked()) {
            let result = wire::publish(&token, id, ed.draft_rev.get_untracked()).await;
            if !failed(app, ed, &result) {
                let (status, value) = result.unwrap_or_default();
                match status {
                    200..=299 => {
                        ed.refused.set(Vec::new());
                        ed.attempted.set(false);
                        if let Some(v) = value.get("version").and_then(Value::as_u64) {
                            app.show_toast(i18n::published_toast(
                                app.lang.get_untracked(),
                                v as u32,
                            ));
                        }
                        reload(app, ed, &token, id).await;
                    }
                    400 | 422 => {
                        let listed = wire::read_problems(&value);
                        if listed.is_empty() && ed.survey.with_untracked(model::problems).is_empty()
                        {
                            refusal(ed, &value);
                        }
                        ed.refused.set(listed);
                    }
                    409 => match wire::read_conflict(
                        &value,
                        id,
                        ed.survey.with_untracked(|s| s.version),
                    ) {
                        Some(c) => ed.conflict.set(Some(c)),
                        None => refusal(ed, &value),
                    },
                    _ => refusal(ed, &value),
                }
            }
        }
        ed.busy.set(None);
        navigate_after(ed, was_new);
    });
}

pub fn retire(ed: Editor) {
    let app = ed.app;
    let (Some(token), Some(id)) = (token(app), ed.id.get_untracked()) else {
        return;
    };
    if !start(ed, Busy::Retiring) {
        return;
    }
    ed.confirm_retire.set(false);
    leptos::task::spawn_local(async move {
        let result = wire::retire(&token, id).await;
        if !failed(app, ed, &result) {
            let (status, value) = result.unwrap_or_default();
            if (200..300).contains(&status) {
                app.show_toast(app.t(Key::SeRetiredDone).to_owned());
                reload(app, ed, &token, id).await;
            } else {
                refusal(ed, &value);
            }
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
        if save_draft(app, ed, &token, theirs.draft_rev).await {
            app.show_toast(app.t(Key::SeSaved).to_owned());
        }
        ed.busy.set(None);
    });
}

/// Drops the text being edited for the other admin's saved draft.
pub fn take_theirs(ed: Editor) {
    if let Some(c) = ed.conflict.get_untracked() {
        ed.draft_rev.set(c.draft_rev);
        ed.saved.set(c.theirs.clone());
        ed.survey.set(c.theirs);
        ed.conflict.set(None);
    }
}

/// Reads the entry again after a publish or retire (new version, versions list, retired).
async fn reload(app: AppCtx, ed: Editor, token: &str, id: Uuid) {
    let result = wire::load(token, id).await;
    if failed(app, ed, &result) {
        return;
    }
    if let Some(entry) = result.ok().and_then(|(_, v)| wire::read_entry(&v)) {
        ed.open(entry);
    }
}

/// Opens the entry `id` (the page's first load).
pub fn load(ed: Editor, id: Uuid, ready: impl Fn(Result<(), Notice>) + 'static) {
    let app = ed.app;
    let Some(token) = token(app) else { return };
    leptos::task::spawn_local(async move {
        let result = wire::load(&token, id).await;
        if failed(app, ed, &result) {
            ready(Err(ed
                .notice
                .get_untracked()
                .unwrap_or(Notice::Text(Key::ErrServer))));
            return;
        }
        match result.ok().and_then(|(status, v)| {
            (200..300)
                .contains(&status)
                .then(|| wire::read_entry(&v))
                .flatten()
        }) {
            Some(entry) => {
                ed.open(entry);
                ready(Ok(()));
            }
            None => ready(Err(Notice::Text(Key::ErrServer))),
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
