//! The sync engine: push the outbox in seq order, then pull until the server has no more.
//!
//! The decisions (how long to back off, how much goes in one request, what the badge says)
//! are plain functions tested natively; [`SyncEngine`] wires them to timers and HTTP.

use std::cell::Cell;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use gloo_timers::future::TimeoutFuture;
use huifang_domain::{MAX_BATCH, PushRequest};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::{self, ApiFailure};
use crate::browser;
use crate::i18n::Key;
use crate::store::{LocalStore, OutboxEntry, QueueStats, Session, StoreError, UserBacklog, keys};
use crate::tickets::logic::TicketRules;

const BACKOFF_BASE_MS: u64 = 1_000;
const BACKOFF_CAP_MS: u64 = 5 * 60 * 1_000;
/// Requests stay well below the server's body limit (about 1 MiB) even when every record
/// carries the longest verbatim allowed.
const PUSH_MAX_COUNT: usize = if MAX_BATCH < 100 { MAX_BATCH } else { 100 };
const PUSH_MAX_BYTES: usize = 900 * 1024;
/// A customer file read this recently is not read again by every sync.
const FILE_FRESH: chrono::Duration = chrono::Duration::minutes(10);
/// The ticket rules change rarely: read them again after this.
const RULES_FRESH: chrono::Duration = chrono::Duration::minutes(10);
/// A safety net for a server that keeps answering "more" without moving the cursor.
const MAX_ROUNDS: usize = 1_000;
/// The app's version as it reports it on every push and pull (device health).
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Full-jitter exponential backoff: a random wait in `[0, min(cap, base·2^(n-1))]` so that
/// many tablets coming back online together do not hit the server in lockstep.
/// `unit` is a random number in `[0, 1)`.
pub fn backoff_ms(failures: u32, unit: f64) -> u64 {
    let exp = failures.saturating_sub(1).min(30);
    let ceiling = BACKOFF_BASE_MS
        .saturating_mul(1u64 << exp)
        .min(BACKOFF_CAP_MS);
    // Never 0: a retry in the same tick would just fail the same way.
    ((ceiling as f64 * unit.clamp(0.0, 1.0)) as u64).max(BACKOFF_BASE_MS / 4)
}

/// How many entries from the head of `queue` go into the next push: at most `max_count`
/// and `max_bytes` of serialized mutations, but always at least one, so one oversized
/// record is still sent (and gets its own answer) instead of jamming the queue.
pub fn plan_batch(queue: &[OutboxEntry], max_count: usize, max_bytes: usize) -> usize {
    let mut bytes = 0;
    let mut n = 0;
    for entry in queue.iter().take(max_count) {
        bytes += serde_json::to_string(&entry.mutation).map_or(0, |s| s.len() + 1);
        if n > 0 && bytes > max_bytes {
            break;
        }
        n += 1;
    }
    n
}

/// Why the last sync did not finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncError {
    Network,
    Server(u16),
    /// Every user has their own device id on this browser, so this means the server
    /// bound it to someone else anyway (storage copied between browsers, say).
    DeviceOwned,
    /// The server expects a seq the device no longer has.
    Gap,
    Storage,
}

impl SyncError {
    pub fn key(self) -> Key {
        match self {
            SyncError::Network => Key::ErrNetwork,
            SyncError::Server(_) => Key::ErrServer,
            SyncError::DeviceOwned => Key::ErrDeviceOwned,
            SyncError::Gap => Key::ErrGap,
            SyncError::Storage => Key::ErrStorage,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncStatus {
    /// `navigator.onLine`: false means certainly offline, true means maybe online.
    pub nav_online: bool,
    /// The last request reached the server.
    pub reachable: bool,
    pub syncing: bool,
    /// The session is expired or refused: syncing waits for a new login.
    pub auth_needed: bool,
    /// The server refused the session because an admin disabled the account: syncing stops,
    /// every queued record stays, and the tablet is to go to a supervisor.
    pub account_disabled: bool,
    /// The logged-in user's records only.
    pub stats: QueueStats,
    /// Other users' records waiting on this device for their owners to log in.
    pub others: Vec<UserBacklog>,
    pub last_success: Option<DateTime<Utc>>,
    pub last_error: Option<SyncError>,
}

/// What the sync badge shows (`data-state`), most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadgeState {
    Auth,
    Syncing,
    Offline,
    Error,
    Online,
}

impl BadgeState {
    pub fn as_str(self) -> &'static str {
        match self {
            BadgeState::Auth => "auth",
            BadgeState::Syncing => "syncing",
            BadgeState::Offline => "offline",
            BadgeState::Error => "error",
            BadgeState::Online => "online",
        }
    }

    pub fn key(self) -> Key {
        match self {
            BadgeState::Auth => Key::SyncAuth,
            BadgeState::Syncing => Key::SyncSyncing,
            BadgeState::Offline => Key::SyncOffline,
            BadgeState::Error => Key::SyncError,
            BadgeState::Online => Key::SyncOnline,
        }
    }
}

impl SyncStatus {
    pub fn online(&self) -> bool {
        self.nav_online && self.reachable
    }

    pub fn badge(&self) -> BadgeState {
        if self.auth_needed {
            BadgeState::Auth
        } else if self.syncing {
            BadgeState::Syncing
        } else if !self.online() {
            BadgeState::Offline
        } else if self.last_error.is_some() {
            BadgeState::Error
        } else {
            BadgeState::Online
        }
    }
}

/// What asked for a sync; only the periodic timer respects a running backoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Start,
    Online,
    Saved,
    Periodic,
    Manual,
    Retry,
}

#[derive(Default)]
struct Control {
    running: Cell<bool>,
    again: Cell<bool>,
    failures: Cell<u32>,
    backing_off: Cell<bool>,
    /// Bumped to cancel a pending retry: a sleeping retry whose generation is stale does nothing.
    retry_gen: Cell<u64>,
}

impl Control {
    fn cancel_retry(&self) {
        self.retry_gen.set(self.retry_gen.get() + 1);
        self.backing_off.set(false);
    }
}

enum Failure {
    Auth,
    /// `401 account_disabled`.
    Disabled,
    Error(SyncError),
}

impl From<ApiFailure> for Failure {
    fn from(f: ApiFailure) -> Self {
        match f {
            ApiFailure::Unauthorized(code) if code == "account_disabled" => Failure::Disabled,
            ApiFailure::Unauthorized(_) => Failure::Auth,
            ApiFailure::Network => Failure::Error(SyncError::Network),
            ApiFailure::Status(403, Some(code)) if code == "device_owned" => {
                Failure::Error(SyncError::DeviceOwned)
            }
            ApiFailure::Status(s, _) => Failure::Error(SyncError::Server(s)),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(_: StoreError) -> Self {
        Failure::Error(SyncError::Storage)
    }
}

/// What the engine needs of the app that holds it: who is logged in, and a way to say local
/// data changed. The app state implements it, so this module need not know the app state.
pub trait Host: Copy + 'static {
    fn session(&self) -> Option<Session>;
    /// The logged-in user, whose records are synced.
    fn user_id(&self) -> Option<Uuid>;
    /// Local data changed: lists, counters and the storage gauge read it again.
    fn bump(&self);
}

/// The one place syncing happens. Cheap to copy into closures and event handlers.
#[derive(Clone, Copy)]
pub struct SyncEngine {
    pub status: RwSignal<SyncStatus>,
    ctl: StoredValue<Rc<Control>, LocalStorage>,
}

impl SyncEngine {
    /// `user` is whoever is logged in, if anyone.
    pub fn new(store: &LocalStore<impl crate::store::Backend>, user: Option<Uuid>) -> Self {
        let status = SyncStatus {
            nav_online: browser::nav_online(),
            reachable: true,
            stats: user.map(|u| store.queue_stats(u)).unwrap_or_default(),
            others: store.others_backlog(user),
            last_success: store.get(keys::LAST_SYNC),
            ..SyncStatus::default()
        };
        Self {
            status: RwSignal::new(status),
            ctl: StoredValue::new_local(Rc::new(Control::default())),
        }
    }

    fn ctl(&self) -> Rc<Control> {
        self.ctl.get_value()
    }

    /// Re-reads the queue counts as seen by `user`, whoever is logged in now.
    pub fn refresh_stats(&self, user: Option<Uuid>) {
        let store = LocalStore::browser();
        let stats = user.map(|u| store.queue_stats(u)).unwrap_or_default();
        let others = store.others_backlog(user);
        self.status.update(|s| {
            s.stats = stats;
            s.others = others;
        });
    }

    pub fn set_nav_online(&self, online: bool) {
        self.status.update(|s| {
            s.nav_online = online;
            // Coming back online is a fresh chance: the last failure says nothing about it.
            if online {
                s.reachable = true;
            }
        });
    }

    /// A 401 or an expired session: stop and wait for a login. The outbox is not touched.
    pub fn need_auth(&self) {
        self.status.update(|s| s.auth_needed = true);
        self.ctl().cancel_retry();
    }

    pub fn auth_restored(&self) {
        self.status.update(|s| {
            s.auth_needed = false;
            s.account_disabled = false;
            s.last_error = None;
        });
        self.ctl().failures.set(0);
    }

    pub fn request(&self, app: impl Host, trigger: Trigger) {
        let ctl = self.ctl();
        let status = self.status.get_untracked();
        // Refused by the server until the one-time password is changed (its screen shows).
        if status.auth_needed || app.session().is_some_and(|s| s.must_change_password) {
            return;
        }
        if trigger == Trigger::Periodic && (ctl.backing_off.get() || !status.nav_online) {
            return;
        }
        if ctl.running.get() {
            ctl.again.set(true);
            return;
        }
        ctl.cancel_retry();
        let engine = *self;
        ctl.running.set(true);
        // Set before the task starts, so whoever asked sees "syncing" at once.
        self.status.update(|s| s.syncing = true);
        leptos::task::spawn_local(async move {
            let ctl = engine.ctl();
            loop {
                ctl.again.set(false);
                let ran_for = app.user_id();
                if ran_for.is_none() {
                    // Logged out: nobody's records are sent without their own login.
                    engine.status.update(|s| s.syncing = false);
                    break;
                }
                engine.status.update(|s| s.syncing = true);
                let result = run_once(app).await;
                if app.user_id() != ran_for {
                    // The tablet changed hands meanwhile (a 401 for a token just logged out,
                    // say): that outcome is not the new user's, who gets a run of their own.
                    continue;
                }
                engine.finish(app, result);
                if !ctl.again.get() || engine.status.get_untracked().last_error.is_some() {
                    break;
                }
            }
            ctl.running.set(false);
        });
    }

    fn finish(&self, app: impl Host, result: Result<(), Failure>) {
        let ctl = self.ctl();
        let now = browser::now();
        app.bump();
        match result {
            Ok(()) => {
                ctl.failures.set(0);
                let _ = LocalStore::browser().put(keys::LAST_SYNC, &now);
                self.status.update(|s| {
                    s.syncing = false;
                    s.reachable = true;
                    s.last_success = Some(now);
                    s.last_error = None;
                });
            }
            Err(Failure::Auth) => {
                self.status.update(|s| {
                    s.syncing = false;
                    s.reachable = true;
                });
                self.need_auth();
            }
            Err(Failure::Disabled) => {
                self.status.update(|s| {
                    s.syncing = false;
                    s.reachable = true;
                    s.account_disabled = true;
                });
                self.need_auth();
            }
            Err(Failure::Error(e)) => {
                let failures = ctl.failures.get() + 1;
                ctl.failures.set(failures);
                self.status.update(|s| {
                    s.syncing = false;
                    s.reachable = e != SyncError::Network;
                    s.last_error = Some(e);
                });
                let engine = *self;
                let delay = backoff_ms(failures, browser::random_unit());
                ctl.cancel_retry();
                ctl.backing_off.set(true);
                let generation = ctl.retry_gen.get();
                leptos::task::spawn_local(async move {
                    TimeoutFuture::new(delay as u32).await;
                    let ctl = engine.ctl();
                    if ctl.retry_gen.get() == generation {
                        ctl.backing_off.set(false);
                        engine.request(app, Trigger::Retry);
                    }
                });
            }
        }
    }
}

/// Pushes the logged-in user's outbox under their own device id, then pulls their data.
/// Other users' records wait for their owners: sending them under this login would file
/// them as this user's, or be refused for a device id bound to someone else.
async fn run_once(app: impl Host) -> Result<(), Failure> {
    let Some(session) = app.session() else {
        return Ok(());
    };
    if session.expires_at <= browser::now() {
        return Err(Failure::Auth);
    }
    let me = session.user.id;
    let store = LocalStore::browser();
    let device_id = store.device(&session.user)?.device_id;
    let token = session.token.as_str();

    for _ in 0..MAX_ROUNDS {
        let queue = store.outbox_head(me, PUSH_MAX_COUNT);
        if queue.is_empty() {
            break;
        }
        let batch = &queue[..plan_batch(&queue, PUSH_MAX_COUNT, PUSH_MAX_BYTES)];
        let req = PushRequest {
            device_id,
            mutations: batch.iter().map(|e| e.mutation.clone()).collect(),
        };
        let report = api::Reporting {
            device: device_id,
            queued: store.queued_count(me).saturating_sub(batch.len()),
        };
        let resp = api::push(token, &req, &report).await?;
        if resp.acked_seq < batch[0].mutation.seq {
            return Err(Failure::Error(SyncError::Gap));
        }
        store.apply_push(me, batch, &resp)?;
        app.bump();
    }

    let mut since: u64 = store.get(keys::CURSOR).unwrap_or(0);
    // A first pull cut short resumes within its snapshot (see `service::pull`).
    let mut snapshot: Option<u64> = store.get(keys::PULL_SNAPSHOT);
    for _ in 0..MAX_ROUNDS {
        let report = api::Reporting {
            device: device_id,
            queued: store.queued_count(me),
        };
        let page = api::pull(token, since, snapshot, &report).await?;
        // Someone else may have logged in while the request was out: this user's customer
        // files are not theirs to read.
        if app.user_id() != Some(me) {
            return Ok(());
        }
        store.put_customers(&page.customers)?;
        store.put_tasks(&page.tasks)?;
        store.put_catalog(&page.scripts, &page.surveys)?;
        if let Some(settings) = &page.settings {
            store.put(keys::SETTINGS, settings)?;
        }
        store.put_tickets(&page.tickets)?;
        store.apply_dropped(me, &page.dropped);
        store.put(keys::CURSOR, &page.cursor)?;
        snapshot = page.snapshot;
        match snapshot {
            Some(s) => store.put(keys::PULL_SNAPSHOT, &s)?,
            None => store.remove(keys::PULL_SNAPSHOT),
        }
        if !(page.customers.is_empty()
            && page.dropped.tickets.is_empty()
            && page.dropped.tasks.is_empty()
            && page.tickets.is_empty()
            && page.tasks.is_empty()
            && page.scripts.is_empty()
            && page.surveys.is_empty()
            && page.settings.is_none())
        {
            app.bump();
        }
        if !page.more || page.cursor <= since {
            break;
        }
        since = page.cursor;
    }
    refresh_rules(token, &store).await;
    prefetch_files(app, me, token, &store).await;
    // The server now has everything acknowledged: copies beyond the retention budget go, and
    // settled tickets no pull would drop.
    store.prune();
    if store.forget_settled_tickets(me, browser::now()) > 0 {
        app.bump();
    }
    Ok(())
}

/// Reads the ticket rules (grading, clocks, calendar, routing) now and then, so the device
/// grades and times tickets offline as the server does. Best effort: the last copy (or the
/// defaults) stays when they cannot be read.
async fn refresh_rules(token: &str, store: &LocalStore<crate::store::BrowserBackend>) {
    let now = browser::now();
    let old: Option<TicketRules> = store.get(keys::TICKET_RULES);
    if old
        .and_then(|r| r.fetched_at)
        .is_some_and(|at| now - at < RULES_FRESH)
    {
        return;
    }
    let mut sets = serde_json::Map::new();
    for name in ["grading", "sla", "calendar", "routing"] {
        match api::rule_set(token, name).await {
            Ok(v) => {
                sets.insert(name.into(), v);
            }
            Err(_) => return,
        }
    }
    let mut rules = TicketRules::from_settings(&serde_json::Value::Object(sets));
    rules.fetched_at = Some(now);
    let _ = store.put(keys::TICKET_RULES, &rules);
}

/// Reads the customer file of every open task ahead of the visit, so it opens offline. Best
/// effort: a file that cannot be read now keeps its older copy, and the sync still counts.
async fn prefetch_files(
    app: impl Host,
    me: Uuid,
    token: &str,
    store: &LocalStore<crate::store::BrowserBackend>,
) {
    let now = browser::now();
    let mut customers: Vec<Uuid> = store
        .tasks()
        .iter()
        .filter(|t| t.status == huifang_domain::task::TaskStatus::Open)
        .map(|t| t.customer_id)
        .collect();
    crate::sorting::sort(&mut customers);
    customers.dedup();
    for id in customers {
        if store.file(id).is_some_and(|f| now - f.at < FILE_FRESH) {
            continue;
        }
        let Ok(file) = api::customer_file(token, id).await else {
            continue;
        };
        if app.user_id() != Some(me) || store.put_file(file, now).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SCHEMA_VERSION;
    use huifang_domain::Mutation;

    fn entry(seq: u64, verbatim_len: usize) -> OutboxEntry {
        OutboxEntry {
            schema: SCHEMA_VERSION,
            mutation: Mutation {
                seq,
                id: Uuid::from_u128(seq as u128),
                kind: "visit.record".into(),
                at: DateTime::UNIX_EPOCH,
                data: serde_json::json!({ "verbatim": "好".repeat(verbatim_len) }),
            },
        }
    }

    #[test]
    fn backoff_grows_exponentially_up_to_the_cap_with_full_jitter() {
        assert_eq!(backoff_ms(1, 0.999_999), 999);
        assert_eq!(backoff_ms(2, 0.999_999), 1_999);
        assert_eq!(backoff_ms(4, 0.5), 4_000);
        assert_eq!(backoff_ms(9, 1.0), 256_000);
        assert_eq!(backoff_ms(10, 1.0), BACKOFF_CAP_MS);
        assert_eq!(backoff_ms(u32::MAX, 1.0), BACKOFF_CAP_MS);
        // The low end is jittered down but never to an immediate retry.
        assert_eq!(backoff_ms(10, 0.0), 250);
        for n in 1..40 {
            for u in [0.0, 0.3, 0.7, 0.999] {
                let d = backoff_ms(n, u);
                assert!((250..=BACKOFF_CAP_MS).contains(&d), "{n} {u} {d}");
            }
        }
    }

    #[test]
    fn batches_respect_count_and_size_but_always_move() {
        let small: Vec<OutboxEntry> = (1..=250).map(|s| entry(s, 10)).collect();
        assert_eq!(plan_batch(&small, 100, PUSH_MAX_BYTES), 100);
        assert_eq!(plan_batch(&small[..30], 100, PUSH_MAX_BYTES), 30);
        assert_eq!(plan_batch(&[], 100, PUSH_MAX_BYTES), 0);

        let big: Vec<OutboxEntry> = (1..=10).map(|s| entry(s, 2000)).collect();
        let one = serde_json::to_string(&big[0].mutation).unwrap().len();
        assert_eq!(plan_batch(&big, 100, one * 3 + 3), 3);
        assert_eq!(plan_batch(&big, 100, 10), 1);
    }

    #[test]
    fn the_badge_shows_the_most_urgent_state() {
        let base = SyncStatus {
            nav_online: true,
            reachable: true,
            ..SyncStatus::default()
        };
        let with = |f: fn(&mut SyncStatus)| {
            let mut s = base.clone();
            f(&mut s);
            s.badge()
        };
        assert_eq!(base.badge(), BadgeState::Online);
        assert_eq!(with(|s| s.nav_online = false), BadgeState::Offline);
        assert_eq!(with(|s| s.reachable = false), BadgeState::Offline);
        assert_eq!(
            with(|s| s.last_error = Some(SyncError::Server(500))),
            BadgeState::Error
        );
        assert_eq!(
            with(|s| {
                s.syncing = true;
                s.nav_online = false
            }),
            BadgeState::Syncing
        );
        assert_eq!(
            with(|s| {
                s.auth_needed = true;
                s.syncing = true
            }),
            BadgeState::Auth
        );
        assert_eq!(BadgeState::Auth.as_str(), "auth");
    }

    #[test]
    fn only_a_401_asks_for_a_login_and_device_ownership_is_recognised() {
        assert!(matches!(
            Failure::from(ApiFailure::Unauthorized("session_expired".into())),
            Failure::Auth
        ));
        assert!(matches!(
            Failure::from(ApiFailure::Unauthorized("account_disabled".into())),
            Failure::Disabled
        ));
        assert!(matches!(
            Failure::from(ApiFailure::Status(403, Some("device_owned".into()))),
            Failure::Error(SyncError::DeviceOwned)
        ));
        assert!(matches!(
            Failure::from(ApiFailure::Status(403, Some("forbidden".into()))),
            Failure::Error(SyncError::Server(403))
        ));
        assert!(matches!(
            Failure::from(ApiFailure::Network),
            Failure::Error(SyncError::Network)
        ));
    }
}
