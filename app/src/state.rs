//! The app-wide state every screen reads: language, session, sync engine, notices.

use leptos::prelude::*;
use uuid::Uuid;

use crate::browser;
use crate::i18n::{self, Key, Lang};
use crate::store::{LocalStore, Session, StoreError, keys};
use crate::sync::{Host, SyncEngine, Trigger};

#[derive(Clone, Copy)]
pub struct AppCtx {
    pub lang: RwSignal<Lang>,
    pub session: RwSignal<Option<Session>>,
    /// The login page is shown over the app for a new login while records stay queued.
    pub relogin: RwSignal<bool>,
    pub sync: SyncEngine,
    /// Bumped whenever local data changes, so lists read the store again.
    pub data_rev: RwSignal<u64>,
    pub toast: RwSignal<Option<(u64, String)>>,
    pub storage_used: RwSignal<usize>,
    pub persisted: RwSignal<Option<bool>>,
    /// Ticks every few seconds so "3 分钟前" stays true without a reload.
    pub now: RwSignal<chrono::DateTime<chrono::Utc>>,
}

impl AppCtx {
    pub fn new() -> Self {
        let store = LocalStore::browser();
        let lang = store
            .get::<String>(keys::LANG)
            .and_then(|l| Lang::parse(&l))
            .unwrap_or_default();
        let session = store.session();
        let sync = SyncEngine::new(&store, session.as_ref().map(|s| s.user.id));
        if session
            .as_ref()
            .is_some_and(|s| s.expires_at <= browser::now())
        {
            sync.need_auth();
        }
        Self {
            lang: RwSignal::new(lang),
            session: RwSignal::new(session),
            relogin: RwSignal::new(false),
            sync,
            data_rev: RwSignal::new(0),
            toast: RwSignal::new(None),
            storage_used: RwSignal::new(store.usage()),
            persisted: RwSignal::new(None),
            now: RwSignal::new(browser::now()),
        }
    }

    /// The text for `key` in the current language; reading it in a closure keeps the view
    /// in step with the language switch.
    pub fn t(&self, key: Key) -> &'static str {
        i18n::t(self.lang.get(), key)
    }

    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
        let _ = LocalStore::browser().put(keys::LANG, &lang.code());
        set_document_lang(lang);
    }

    pub fn show_toast(&self, text: String) {
        let id = self.toast.get_untracked().map_or(0, |(id, _)| id + 1);
        self.toast.set(Some((id, text)));
        let toast = self.toast;
        leptos::task::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(3_500).await;
            if toast
                .get_untracked()
                .is_some_and(|(current, _)| current == id)
            {
                toast.set(None);
            }
        });
    }

    /// The logged-in user, whose records this browser shows and syncs.
    pub fn user_id(&self) -> Option<Uuid> {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.user.id))
    }

    /// Local data (or who is logged in) changed: refresh lists, counters and the storage
    /// gauge.
    pub fn bump(&self) {
        self.sync.refresh_stats(self.user_id());
        self.data_rev.update(|n| *n += 1);
        self.storage_used.set(LocalStore::browser().usage());
    }

    pub fn request_sync(&self, trigger: Trigger) {
        self.sync.request(*self, trigger);
    }

    pub fn logged_in(&self, session: Session) -> Result<(), StoreError> {
        LocalStore::browser().put(keys::SESSION, &session)?;
        self.session.set(Some(session));
        self.relogin.set(false);
        self.sync.auth_restored();
        self.bump();
        self.request_sync(Trigger::Manual);
        let persisted = self.persisted;
        leptos::task::spawn_local(async move {
            persisted.set(browser::request_persist().await);
        });
        Ok(())
    }

    /// The one-time password was replaced: the session goes on as a normal one and syncs.
    pub fn password_changed(&self) {
        let Some(mut session) = self.session.get_untracked() else {
            return;
        };
        session.must_change_password = false;
        let _ = LocalStore::browser().put(keys::SESSION, &session);
        self.session.set(Some(session));
        self.request_sync(Trigger::Manual);
    }

    /// Ends the session on this device. Queued and rejected records stay: they wait on the
    /// device until their owner logs in here again and syncs them.
    pub fn log_out(&self) {
        if let Some(session) = self.session.get_untracked() {
            leptos::task::spawn_local(async move {
                // Best effort: offline, the server-side session simply expires on its own.
                let _ = crate::api::logout(&session.token).await;
            });
        }
        LocalStore::browser().forget_user_data();
        self.session.set(None);
        self.relogin.set(false);
        self.sync.auth_restored();
        self.bump();
    }
}

impl Host for AppCtx {
    fn session(&self) -> Option<Session> {
        self.session.get_untracked()
    }

    fn user_id(&self) -> Option<Uuid> {
        AppCtx::user_id(self)
    }

    fn bump(&self) {
        AppCtx::bump(self);
    }
}

pub fn set_document_lang(lang: Lang) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", lang.code());
    }
}

pub fn use_app() -> AppCtx {
    expect_context::<AppCtx>()
}

/// The organisation settings pulled last, or the documented defaults before the first pull.
pub fn settings(app: AppCtx) -> huifang_domain::Settings {
    app.data_rev.track();
    LocalStore::browser()
        .settings()
        .unwrap_or_else(|| huifang_domain::Settings {
            company: String::new(),
            utc_offset_minutes: 480,
            quiet_hours: huifang_domain::task::QuietHours::default(),
            target_minutes: [5, 10],
            record_within_minutes: 10,
            device_silent_days: 3,
        })
}
