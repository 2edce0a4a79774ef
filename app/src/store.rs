//! Everything the device keeps, in local storage under one versioned namespace.
//!
//! One key per record or queued mutation (`outbox/<user>/<seq>`, `visit/<uuid>`, …), so
//! saving a visit writes three small keys however long the queue is. The store is plain Rust
//! over a [`Backend`], so its rules are unit-tested natively against an in-memory map.
//!
//! Tablets are shared, and the server binds a device id to the first user who pushes from
//! it and keeps one contiguous `seq` per device id. So each user gets their own device
//! identity on this browser (`device/<user>`) with their own outbox and seq counter: one
//! person's queue never blocks, or is sent under the login of, another.
//!
//! The store keeps an [`index`] of its keys (sizes, visit order and state) up to date with
//! every write, so measuring usage and listing a page of visits never reads everything
//! stored; and it removes synced copies by the [`retention`] rule, so storage stops growing.

mod index;
pub mod retention;

use std::cell::RefCell;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use huifang_domain::script::Script;
use huifang_domain::survey::Survey;
use huifang_domain::task::{TaskStatus, VisitTask};
use huifang_domain::ticket::Ticket;
use huifang_domain::{
    Customer, CustomerFile, Mutation, MutationKind, PushResponse, Settings, User, VisitRecord,
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use uuid::Uuid;

/// Every key of this app starts here; `v1` is the key layout, [`SCHEMA_VERSION`] the content.
pub const NAMESPACE: &str = "huifang/v1/";
pub const SCHEMA_VERSION: u32 = 2;
/// Browsers give an origin about 5 MB of local storage, counted in UTF-16 code units.
pub const QUOTA_UNITS: usize = 5 * 1024 * 1024;
/// Warn while there is still room to finish the day's visits. Synced copies are pruned well
/// before this, so the warning means unsynced records are filling the device.
pub const WARN_PERCENT: u32 = 70;
/// What the device keeps of the records the server already has.
pub const RETENTION: retention::Retention = retention::Retention {
    keep_days: 30,
    keep_visits: 500,
    high_percent: 60,
    low_percent: 40,
    quota: QUOTA_UNITS,
};

/// Key names below the namespace.
pub mod keys {
    use uuid::Uuid;

    pub const META: &str = "meta";
    pub const SESSION: &str = "session";
    pub const CURSOR: &str = "cursor";
    /// Where the single draft of schema 1 lived; schema 2 keeps one key per draft.
    pub const OLD_DRAFT: &str = "draft/visit";
    pub const DRAFT: &str = "draft/";
    pub const TASK: &str = "task/";
    pub const SCRIPT: &str = "script/";
    pub const SURVEY: &str = "survey/";
    pub const FILE: &str = "file/";
    pub const SETTINGS: &str = "settings";
    pub const LAST_SYNC: &str = "last_sync";
    pub const LANG: &str = "lang";
    pub const DEVICE: &str = "device/";
    pub const OUTBOX: &str = "outbox/";
    pub const VISIT: &str = "visit/";
    pub const CUSTOMER: &str = "customer/";
    pub const REJECTED: &str = "rejected/";
    pub const TICKET: &str = "ticket/";
    /// Users a supervisor can assign tickets to, as last read from the server.
    pub const USERS: &str = "users";
    /// The ticket rules (grading, clocks, calendar, routing) as last pulled.
    pub const TICKET_RULES: &str = "ticket_rules";

    pub fn device(user: Uuid) -> String {
        format!("{DEVICE}{user}")
    }
    /// The prefix of `user`'s queued mutations.
    pub fn outbox_of(user: Uuid) -> String {
        format!("{OUTBOX}{user}/")
    }
    pub fn outbox(user: Uuid, seq: u64) -> String {
        format!("{OUTBOX}{user}/{seq}")
    }
    /// The prefix of `user`'s rejected mutations.
    pub fn rejected_of(user: Uuid) -> String {
        format!("{REJECTED}{user}/")
    }
    pub fn rejected(user: Uuid, seq: u64) -> String {
        format!("{REJECTED}{user}/{seq}")
    }
    pub fn visit(id: Uuid) -> String {
        format!("{VISIT}{id}")
    }
    pub fn customer(id: Uuid) -> String {
        format!("{CUSTOMER}{id}")
    }
    pub fn ticket(id: Uuid) -> String {
        format!("{TICKET}{id}")
    }
    pub fn draft(id: Uuid) -> String {
        format!("{DRAFT}{id}")
    }
    pub fn task(id: Uuid) -> String {
        format!("{TASK}{id}")
    }
    pub fn script(id: Uuid) -> String {
        format!("{SCRIPT}{id}")
    }
    pub fn survey(id: Uuid) -> String {
        format!("{SURVEY}{id}")
    }
    pub fn file(customer: Uuid) -> String {
        format!("{FILE}{customer}")
    }

    /// Sequence numbers of keys under `prefix`, in numeric order (`outbox/<user>/10` after
    /// `outbox/<user>/9`, which string order would get wrong).
    pub fn seqs<'a>(names: impl IntoIterator<Item = &'a str>, prefix: &str) -> Vec<u64> {
        let mut seqs: Vec<u64> = names
            .into_iter()
            .filter_map(|n| n.strip_prefix(prefix)?.parse().ok())
            .collect();
        seqs.sort_unstable();
        seqs
    }

    /// The user a per-user key (`outbox/<user>/<seq>`, `rejected/<user>/<seq>`) belongs to.
    pub fn owner(name: &str, prefix: &str) -> Option<Uuid> {
        let (user, seq) = name.strip_prefix(prefix)?.split_once('/')?;
        seq.parse::<u64>().ok()?;
        Uuid::parse_str(user).ok()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The browser refused the write for lack of space: nothing of it was kept.
    QuotaExceeded,
    /// Local storage is missing or broken (private mode, disabled by policy).
    Unavailable(String),
}

/// Raw string storage, keyed by full key names.
pub trait Backend {
    fn get(&self, key: &str) -> Option<String>;
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError>;
    fn remove(&self, key: &str);
    fn keys(&self) -> Vec<String>;
    /// How many keys there are in all, without listing them.
    fn key_count(&self) -> usize;
}

/// The browser's `localStorage`.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserBackend;

impl BrowserBackend {
    fn storage() -> web_sys::Storage {
        use gloo_storage::Storage as _;
        gloo_storage::LocalStorage::raw()
    }
}

impl Backend for BrowserBackend {
    fn get(&self, key: &str) -> Option<String> {
        Self::storage().get_item(key).ok().flatten()
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        Self::storage().set_item(key, value).map_err(|e| {
            let name = js_sys::Reflect::get(&e, &"name".into())
                .ok()
                .and_then(|n| n.as_string())
                .unwrap_or_default();
            // Firefox used its own name for the same condition.
            if name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" {
                StoreError::QuotaExceeded
            } else {
                StoreError::Unavailable(name)
            }
        })
    }

    fn remove(&self, key: &str) {
        let _ = Self::storage().remove_item(key);
    }

    fn keys(&self) -> Vec<String> {
        let s = Self::storage();
        let n = s.length().unwrap_or(0);
        (0..n).filter_map(|i| s.key(i).ok().flatten()).collect()
    }

    fn key_count(&self) -> usize {
        Self::storage().length().unwrap_or(0) as usize
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub schema: u32,
}

/// A login kept on the device so the app opens and works with no network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub user: User,
    pub expires_at: DateTime<Utc>,
}

/// One user's identity towards the server from this browser, made on their first save or
/// sync here. `display_name` names them to the next person who uses the tablet while their
/// records wait.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceIdentity {
    pub device_id: Uuid,
    pub next_seq: u64,
    pub display_name: String,
}

/// One queued mutation; its key says whose it is. `schema` lets a migration rewrite entries
/// made by an older app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub schema: u32,
    pub mutation: Mutation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum VisitState {
    Queued,
    Synced,
    Rejected {
        code: String,
        message: String,
        field: Option<String>,
    },
}

impl VisitState {
    /// The name the UI and the end-to-end tests use (`data-status`).
    pub fn as_str(&self) -> &'static str {
        match self {
            VisitState::Queued => "queued",
            VisitState::Synced => "synced",
            VisitState::Rejected { .. } => "rejected",
        }
    }
}

/// The device's own copy of a recorded visit, kept after sync so "my visits" works offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalVisit {
    pub id: Uuid,
    pub owner: Uuid,
    /// The mutation that carries it now (a resend gets a new one).
    pub seq: u64,
    pub customer_name: String,
    pub record: VisitRecord,
    pub saved_at: DateTime<Utc>,
    pub state: VisitState,
    /// When the server acknowledged it; the retention time runs from here. Copies synced
    /// before this field existed count from `saved_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synced_at: Option<DateTime<Utc>>,
}

/// A mutation the server processed but refused, kept until the user resends or discards it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectedEntry {
    pub seq: u64,
    pub mutation: Mutation,
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

/// What the logged-in user's outbox holds right now, for the sync badge and the unsynced
/// notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueStats {
    pub queued: usize,
    pub rejected: usize,
    pub oldest: Option<DateTime<Utc>>,
}

/// Records of someone other than the logged-in user that have not reached the server
/// (queued or rejected): only that user can sync or fix them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserBacklog {
    pub owner: Uuid,
    pub display_name: String,
    pub unsynced: usize,
}

/// A customer file as last read from the server, kept so it opens offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedFile {
    pub file: CustomerFile,
    pub at: DateTime<Utc>,
}

/// How many of each kind of record the device holds, for the storage panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Holdings {
    pub synced: usize,
    pub queued: usize,
    pub rejected: usize,
    pub drafts: usize,
    pub files: usize,
}

/// Upgrades stored data from version `n` to `n + 1`; index 0 upgrades from 1.
pub type Migration<B> = fn(&LocalStore<B>) -> Result<(), StoreError>;

pub struct LocalStore<B: Backend> {
    backend: B,
    /// Makes device ids; a parameter so native tests need no browser.
    new_id: fn() -> Uuid,
    /// The time retention is measured against; a parameter for the same reason.
    clock: fn() -> DateTime<Utc>,
    /// `None` until first needed, and again when found out of step with the storage.
    index: Rc<RefCell<Option<index::Index>>>,
}

thread_local! {
    /// One index for every browser store of this page, since they share one local storage.
    static BROWSER_INDEX: Rc<RefCell<Option<index::Index>>> = {
        watch_other_tabs();
        Rc::default()
    };
}

/// Another tab of the app writes to the same local storage; the page hears of it only through
/// `storage` events, and then reads the storage afresh.
fn watch_other_tabs() {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let cb = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
        BROWSER_INDEX.with(|ix| ix.borrow_mut().take());
    });
    let _ = window.add_event_listener_with_callback("storage", cb.as_ref().unchecked_ref());
    // Listens for the life of the page.
    cb.forget();
}

impl LocalStore<BrowserBackend> {
    pub fn browser() -> Self {
        LocalStore {
            index: BROWSER_INDEX.with(Rc::clone),
            ..LocalStore::new(
                BrowserBackend,
                crate::browser::new_uuid,
                crate::browser::now,
            )
        }
    }
}

impl<B: Backend> LocalStore<B> {
    pub fn new(backend: B, new_id: fn() -> Uuid, clock: fn() -> DateTime<Utc>) -> Self {
        Self {
            backend,
            new_id,
            clock,
            index: Rc::default(),
        }
    }

    fn full(name: &str) -> String {
        format!("{NAMESPACE}{name}")
    }

    /// Runs `f` on the index, reading every key once first if there is none yet or the
    /// storage holds a different number of keys than the store last wrote.
    fn with_index<R>(&self, f: impl FnOnce(&mut index::Index) -> R) -> R {
        let mut slot = self.index.borrow_mut();
        let count = self.backend.key_count();
        if slot.as_ref().is_none_or(|ix| ix.backend_keys != count) {
            let mut ix = index::Index::default();
            let all = self.backend.keys();
            for key in &all {
                if let Some(name) = key.strip_prefix(NAMESPACE)
                    && let Some(raw) = self.backend.get(key)
                {
                    ix.record(name, &raw);
                }
            }
            ix.backend_keys = all.len();
            *slot = Some(ix);
        }
        f(slot.as_mut().expect("built above"))
    }

    /// Applies the store's own write, just made, to the index. The index was checked against
    /// the storage before the write, so it is not checked (and rebuilt) again now.
    fn note_write(&self, f: impl FnOnce(&mut index::Index)) {
        if let Some(ix) = self.index.borrow_mut().as_mut() {
            f(ix);
        }
    }

    pub fn get<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        let raw = self.backend.get(&Self::full(name))?;
        // A value that no longer parses is treated as absent rather than crashing the app;
        // the key stays, so nothing is destroyed that a later version might still read.
        serde_json::from_str(&raw).ok()
    }

    /// Writes one key. When the browser says storage is full, synced copies make room (oldest
    /// first) and the write is tried once more; when usage crosses the retention's high mark,
    /// they are pruned before it fills up.
    pub fn put<T: Serialize>(&self, name: &str, value: &T) -> Result<(), StoreError> {
        let raw =
            serde_json::to_string(value).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let full = Self::full(name);
        let before = self.usage();
        let mut written = self.backend.set(&full, &raw);
        if written == Err(StoreError::QuotaExceeded) && self.prune_as_if(RETENTION.quota) > 0 {
            written = self.backend.set(&full, &raw);
        }
        written?;
        self.note_write(|ix| ix.record(name, &raw));
        let after = self.usage();
        if before < RETENTION.high_units() && after >= RETENTION.high_units() {
            self.prune();
        }
        Ok(())
    }

    pub fn remove(&self, name: &str) {
        self.with_index(|_| ());
        self.backend.remove(&Self::full(name));
        self.note_write(|ix| ix.forget(name));
    }

    fn names_under(&self, prefix: &str) -> Vec<String> {
        self.with_index(|ix| ix.names_under(prefix).map(str::to_owned).collect())
    }

    fn seqs_under(&self, prefix: &str) -> Vec<u64> {
        self.with_index(|ix| keys::seqs(ix.names_under(prefix), prefix))
    }

    /// Removes the synced copies the [`RETENTION`] rule gives up now; returns how many.
    pub fn prune(&self) -> usize {
        self.prune_as_if(self.usage())
    }

    /// Prunes as if `used` units were in use: a browser that refuses a write is full,
    /// whatever the store's own count says.
    fn prune_as_if(&self, used: usize) -> usize {
        let held = self.with_index(|ix| ix.held());
        let weighed: Vec<retention::Held> = held.iter().map(|(_, h)| *h).collect();
        let chosen = retention::to_prune(&weighed, &RETENTION, used, (self.clock)());
        for &i in &chosen {
            self.remove(&held[i].0);
        }
        chosen.len()
    }

    /// Brings stored data up to [`SCHEMA_VERSION`]. Runs on every start, before anything reads.
    pub fn migrate(&self) -> Result<u32, StoreError> {
        self.migrate_with(&[Self::one_key_per_draft], SCHEMA_VERSION)
    }

    /// Schema 2: the one draft of schema 1 becomes the first of many, under its own id.
    fn one_key_per_draft(&self) -> Result<(), StoreError> {
        if let Some(mut old) = self.get::<serde_json::Value>(keys::OLD_DRAFT) {
            let id = (self.new_id)();
            if let Some(map) = old.as_object_mut() {
                map.insert("id".into(), serde_json::json!(id));
            }
            self.put(&keys::draft(id), &old)?;
        }
        self.remove(keys::OLD_DRAFT);
        Ok(())
    }

    /// Applies `steps` one version at a time, recording each version reached, so a crash
    /// midway resumes at the step that did not finish. Data written by a newer app is left
    /// untouched: an older app must not "upgrade" what it does not understand.
    pub fn migrate_with(&self, steps: &[Migration<B>], target: u32) -> Result<u32, StoreError> {
        let mut version = match self.get::<Meta>(keys::META) {
            Some(meta) => meta.schema,
            // No meta: a fresh device, or data from before meta existed, which is version 1.
            None => 1,
        };
        if version > target {
            return Ok(version);
        }
        while version < target {
            let step = steps
                .get(version as usize - 1)
                .ok_or_else(|| StoreError::Unavailable(format!("no migration from {version}")))?;
            step(self)?;
            version += 1;
            self.put(keys::META, &Meta { schema: version })?;
        }
        self.put(keys::META, &Meta { schema: version })?;
        Ok(version)
    }

    /// `user`'s identity as stored, or a fresh one (seq 1) not written yet.
    fn identity(&self, user: &User) -> DeviceIdentity {
        let mut device = self
            .get::<DeviceIdentity>(&keys::device(user.id))
            .unwrap_or_else(|| DeviceIdentity {
                device_id: (self.new_id)(),
                next_seq: 1,
                display_name: String::new(),
            });
        // Also follows a renamed user, so the notice others see names them as they are now.
        device.display_name.clone_from(&user.display_name);
        device
    }

    /// `user`'s device identity on this browser, made the first time and kept forever after,
    /// since the server binds its id to them.
    pub fn device(&self, user: &User) -> Result<DeviceIdentity, StoreError> {
        let key = keys::device(user.id);
        let device = self.identity(user);
        if self.get::<DeviceIdentity>(&key).as_ref() != Some(&device) {
            self.put(&key, &device)?;
        }
        Ok(device)
    }

    pub fn session(&self) -> Option<Session> {
        self.get(keys::SESSION)
    }

    /// Saves one visit as its local copy plus one queued mutation in `owner`'s outbox: three
    /// key writes (outbox entry, visit, `owner`'s next seq), and on any failure the keys
    /// already written are removed again, so a full storage leaves the store exactly as it
    /// was. `resend_of` is `owner`'s rejected entry this record replaces.
    pub fn save_visit(
        &self,
        owner: &User,
        id: Uuid,
        record: VisitRecord,
        customer_name: String,
        now: DateTime<Utc>,
        resend_of: Option<u64>,
    ) -> Result<LocalVisit, StoreError> {
        let device_key = keys::device(owner.id);
        let device = self.identity(owner);
        let seq = device.next_seq;
        let data =
            serde_json::to_value(&record).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let entry = OutboxEntry {
            schema: SCHEMA_VERSION,
            mutation: Mutation {
                seq,
                id,
                kind: MutationKind::VisitRecord.as_str().to_owned(),
                at: now,
                data,
            },
        };
        let visit = LocalVisit {
            id,
            owner: owner.id,
            seq,
            customer_name,
            record,
            saved_at: now,
            state: VisitState::Queued,
            synced_at: None,
        };
        let outbox_key = keys::outbox(owner.id, seq);
        self.put(&outbox_key, &entry)?;
        if let Err(e) = self.put(&keys::visit(id), &visit) {
            self.remove(&outbox_key);
            return Err(e);
        }
        let next = DeviceIdentity {
            next_seq: seq + 1,
            ..device
        };
        if let Err(e) = self.put(&device_key, &next) {
            self.remove(&outbox_key);
            self.remove(&keys::visit(id));
            return Err(e);
        }
        if let Some(old) = resend_of {
            self.remove(&keys::rejected(owner.id, old));
        }
        Ok(visit)
    }

    /// `user`'s queued mutations in push order.
    pub fn outbox(&self, user: Uuid) -> Vec<OutboxEntry> {
        self.seqs_under(&keys::outbox_of(user))
            .into_iter()
            .filter_map(|seq| self.get(&keys::outbox(user, seq)))
            .collect()
    }

    /// The first `n` of `user`'s queued mutations: the next push reads no more than it sends.
    pub fn outbox_head(&self, user: Uuid, n: usize) -> Vec<OutboxEntry> {
        self.seqs_under(&keys::outbox_of(user))
            .into_iter()
            .take(n)
            .filter_map(|seq| self.get(&keys::outbox(user, seq)))
            .collect()
    }

    pub fn queue_stats(&self, user: Uuid) -> QueueStats {
        let queued = self.seqs_under(&keys::outbox_of(user));
        // Seqs grow with time, so the oldest unsynced record is the head of the queue.
        let oldest = queued
            .first()
            .and_then(|&seq| self.get::<OutboxEntry>(&keys::outbox(user, seq)))
            .map(|e| e.mutation.at);
        QueueStats {
            queued: queued.len(),
            rejected: self.seqs_under(&keys::rejected_of(user)).len(),
            oldest,
        }
    }

    /// Users other than `me` (everyone when nobody is logged in) with records on this device
    /// that have not reached the server, by name.
    pub fn others_backlog(&self, me: Option<Uuid>) -> Vec<UserBacklog> {
        let mut counts = std::collections::BTreeMap::<Uuid, usize>::new();
        for prefix in [keys::OUTBOX, keys::REJECTED] {
            for name in self.names_under(prefix) {
                if let Some(owner) = keys::owner(&name, prefix).filter(|o| Some(*o) != me) {
                    *counts.entry(owner).or_default() += 1;
                }
            }
        }
        let mut backlog: Vec<UserBacklog> = counts
            .into_iter()
            .map(|(owner, unsynced)| UserBacklog {
                owner,
                // Only a damaged device key leaves no name; the id still tells support whose.
                display_name: self
                    .get::<DeviceIdentity>(&keys::device(owner))
                    .map_or_else(|| owner.to_string(), |d| d.display_name),
                unsynced,
            })
            .collect();
        backlog.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        backlog
    }

    /// Records the server's answer to `user`'s push of `sent`. Entries are dropped from the
    /// outbox only here, after the answer; a rejected one moves to `rejected/<user>/<seq>`
    /// first. Other users' entries share seq numbers but not keys, so they are untouched.
    pub fn apply_push(
        &self,
        user: Uuid,
        sent: &[OutboxEntry],
        resp: &PushResponse,
    ) -> Result<(), StoreError> {
        for entry in sent.iter().filter(|e| e.mutation.seq <= resp.acked_seq) {
            let seq = entry.mutation.seq;
            let state = match resp.rejected.iter().find(|r| r.seq == seq) {
                Some(r) => {
                    let kept = RejectedEntry {
                        seq,
                        mutation: entry.mutation.clone(),
                        code: r.code.clone(),
                        message: r.message.clone(),
                        field: r.field.clone(),
                    };
                    self.put(&keys::rejected(user, seq), &kept)?;
                    VisitState::Rejected {
                        code: r.code.clone(),
                        message: r.message.clone(),
                        field: r.field.clone(),
                    }
                }
                None => VisitState::Synced,
            };
            let key = keys::visit(entry.mutation.id);
            if let Some(mut visit) = self.get::<LocalVisit>(&key)
                && visit.owner == user
                && visit.seq == seq
            {
                visit.synced_at = (state == VisitState::Synced).then(&self.clock);
                visit.state = state;
                self.put(&key, &visit)?;
            }
            self.remove(&keys::outbox(user, seq));
        }
        Ok(())
    }

    /// Queues one mutation of any kind in `owner`'s outbox: two key writes (the entry and
    /// `owner`'s next seq) however long the queue is; on failure nothing is left behind.
    pub fn queue(
        &self,
        owner: &User,
        id: Uuid,
        kind: MutationKind,
        data: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let device = self.identity(owner);
        let seq = device.next_seq;
        let entry = OutboxEntry {
            schema: SCHEMA_VERSION,
            mutation: Mutation {
                seq,
                id,
                kind: kind.as_str().to_owned(),
                at: now,
                data,
            },
        };
        let outbox_key = keys::outbox(owner.id, seq);
        self.put(&outbox_key, &entry)?;
        let next = DeviceIdentity {
            next_seq: seq + 1,
            ..device
        };
        if let Err(e) = self.put(&keys::device(owner.id), &next) {
            self.remove(&outbox_key);
            return Err(e);
        }
        Ok(seq)
    }

    /// Keeps the server's copy of each ticket (the newest version wins).
    pub fn put_tickets(&self, tickets: &[Ticket]) -> Result<(), StoreError> {
        for t in tickets {
            if self
                .get::<Ticket>(&keys::ticket(t.id))
                .is_none_or(|old| old.version <= t.version)
            {
                self.put(&keys::ticket(t.id), t)?;
            }
        }
        Ok(())
    }

    pub fn tickets(&self) -> Vec<Ticket> {
        self.all_under(keys::TICKET)
    }

    pub fn ticket(&self, id: Uuid) -> Option<Ticket> {
        self.get(&keys::ticket(id))
    }

    /// Screens read a page at a time ([`Self::first_rejected`]); this is the whole list.
    #[cfg(test)]
    pub fn rejected(&self, user: Uuid) -> Vec<RejectedEntry> {
        self.first_rejected(user, usize::MAX)
    }

    /// The first `n` of `user`'s rejected entries, in seq order: only those are read.
    pub fn first_rejected(&self, user: Uuid, n: usize) -> Vec<RejectedEntry> {
        self.seqs_under(&keys::rejected_of(user))
            .into_iter()
            .take(n)
            .filter_map(|seq| self.get(&keys::rejected(user, seq)))
            .collect()
    }

    pub fn rejected_entry(&self, user: Uuid, seq: u64) -> Option<RejectedEntry> {
        self.get(&keys::rejected(user, seq))
    }

    /// The user chose to throw a rejected record away: it goes from the device entirely.
    pub fn discard_rejected(&self, user: Uuid, seq: u64) {
        if let Some(entry) = self.rejected_entry(user, seq) {
            let key = keys::visit(entry.mutation.id);
            if self
                .get::<LocalVisit>(&key)
                .is_some_and(|v| v.owner == user && v.seq == seq)
            {
                self.remove(&key);
            }
        }
        self.remove(&keys::rejected(user, seq));
    }

    /// `owner`'s visits, newest contact first. Screens read a page at a time
    /// ([`Self::newest_visits`]).
    #[cfg(test)]
    pub fn visits(&self, owner: Uuid) -> Vec<LocalVisit> {
        self.newest_visits(owner, usize::MAX)
    }

    /// `owner`'s `n` newest visits, newest contact first: only those are read.
    pub fn newest_visits(&self, owner: Uuid, n: usize) -> Vec<LocalVisit> {
        let mut order: Vec<_> = self.with_index(|ix| {
            ix.visits
                .iter()
                .filter(|(_, v)| v.owner == owner)
                .map(|(id, v)| (std::cmp::Reverse(v.order), *id))
                .collect()
        });
        order.sort_unstable();
        order
            .into_iter()
            .take(n)
            .filter_map(|(_, id)| self.visit(id))
            .collect()
    }

    /// What the device holds for `owner` (their visits by state) and for whoever is logged
    /// in (drafts, cached customer files).
    pub fn holdings(&self, owner: Uuid) -> Holdings {
        self.with_index(|ix| {
            let mut h = Holdings {
                drafts: ix.drafts.len(),
                files: ix.files.len(),
                ..Holdings::default()
            };
            for v in ix.visits.values().filter(|v| v.owner == owner) {
                match v.hold {
                    retention::Hold::Synced => h.synced += 1,
                    retention::Hold::Attention => h.rejected += 1,
                    retention::Hold::Unsynced | retention::Hold::Draft => h.queued += 1,
                }
            }
            h
        })
    }

    pub fn visit(&self, id: Uuid) -> Option<LocalVisit> {
        self.get(&keys::visit(id))
    }

    pub fn put_customers(&self, customers: &[Customer]) -> Result<(), StoreError> {
        customers
            .iter()
            .try_for_each(|c| self.put(&keys::customer(c.id), c))
    }

    /// Cached customers, most important class first, then by name.
    pub fn customers(&self) -> Vec<Customer> {
        let mut list: Vec<Customer> = self
            .names_under(keys::CUSTOMER)
            .iter()
            .filter_map(|n| self.get(n))
            .collect();
        list.sort_by(|a, b| {
            (a.class.as_str(), !a.vip, &a.name).cmp(&(b.class.as_str(), !b.vip, &b.name))
        });
        list
    }

    pub fn customer(&self, id: Uuid) -> Option<Customer> {
        self.get(&keys::customer(id))
    }

    /// Forgets what belongs to the logged-in user's view of the server (customer files are
    /// confidential, tasks and drafts are theirs), but never a queued or rejected record.
    pub fn forget_user_data(&self) {
        for prefix in [
            keys::CUSTOMER,
            keys::FILE,
            keys::TASK,
            keys::DRAFT,
            keys::TICKET,
        ] {
            for name in self.names_under(prefix) {
                self.remove(&name);
            }
        }
        for name in [
            keys::SESSION,
            keys::CURSOR,
            keys::LAST_SYNC,
            keys::SETTINGS,
            keys::USERS,
            keys::TICKET_RULES,
        ] {
            self.remove(name);
        }
    }

    fn all_under<T: DeserializeOwned>(&self, prefix: &str) -> Vec<T> {
        self.names_under(prefix)
            .iter()
            .filter_map(|n| self.get(n))
            .collect()
    }

    /// Keeps open tasks; a task the server closed leaves the device.
    pub fn put_tasks(&self, tasks: &[VisitTask]) -> Result<(), StoreError> {
        for t in tasks {
            if t.status == TaskStatus::Open {
                self.put(&keys::task(t.id), t)?;
            } else {
                self.remove(&keys::task(t.id));
            }
        }
        Ok(())
    }

    pub fn tasks(&self) -> Vec<VisitTask> {
        let mut tasks: Vec<VisitTask> = self.all_under(keys::TASK);
        tasks.sort_by_key(|t| (t.due_until, t.priority, t.id));
        tasks
    }

    pub fn task(&self, id: Uuid) -> Option<VisitTask> {
        self.get(&keys::task(id))
    }

    /// A visit for the task was saved: it leaves the lists now, before the server confirms.
    pub fn finish_task(&self, id: Uuid) -> Result<(), StoreError> {
        match self.task(id) {
            Some(mut t) => {
                t.status = TaskStatus::Done;
                self.put(&keys::task(id), &t)
            }
            None => Ok(()),
        }
    }

    /// Only the newest version of each script and survey is kept: new visits follow it.
    pub fn put_catalog(&self, scripts: &[Script], surveys: &[Survey]) -> Result<(), StoreError> {
        for s in scripts {
            if self
                .get::<Script>(&keys::script(s.id))
                .is_none_or(|old| old.version <= s.version)
            {
                self.put(&keys::script(s.id), s)?;
            }
        }
        for s in surveys {
            if self
                .get::<Survey>(&keys::survey(s.id))
                .is_none_or(|old| old.version <= s.version)
            {
                self.put(&keys::survey(s.id), s)?;
            }
        }
        Ok(())
    }

    pub fn scripts(&self) -> Vec<Script> {
        self.all_under(keys::SCRIPT)
    }

    pub fn surveys(&self) -> Vec<Survey> {
        self.all_under(keys::SURVEY)
    }

    pub fn settings(&self) -> Option<Settings> {
        self.get(keys::SETTINGS)
    }

    pub fn put_file(&self, file: CustomerFile, at: DateTime<Utc>) -> Result<(), StoreError> {
        let id = file.customer.id;
        self.put(&keys::file(id), &CachedFile { file, at })
    }

    pub fn file(&self, customer: Uuid) -> Option<CachedFile> {
        self.get(&keys::file(customer))
    }

    pub fn put_draft(&self, draft: &crate::visits::form::Draft) -> Result<(), StoreError> {
        self.put(&keys::draft(draft.id), draft)
    }

    pub fn draft(&self, id: Uuid) -> Option<crate::visits::form::Draft> {
        self.get(&keys::draft(id))
    }

    pub fn remove_draft(&self, id: Uuid) {
        self.remove(&keys::draft(id));
    }

    /// Drafts, the most recently touched first.
    pub fn drafts(&self) -> Vec<crate::visits::form::Draft> {
        self.newest_drafts(usize::MAX)
    }

    /// The `n` most recently touched drafts: only those are read.
    pub fn newest_drafts(&self, n: usize) -> Vec<crate::visits::form::Draft> {
        let mut order: Vec<_> = self.with_index(|ix| {
            ix.drafts
                .iter()
                .map(|(id, at)| (std::cmp::Reverse(*at), *id))
                .collect()
        });
        order.sort_unstable();
        order
            .into_iter()
            .take(n)
            .filter_map(|(_, id)| self.draft(id))
            .collect()
    }

    pub fn draft_count(&self) -> usize {
        self.with_index(|ix| ix.drafts.len())
    }

    /// Space used by this app, in the unit browsers count the quota in (UTF-16 code units):
    /// a running total, so asking costs nothing however much is stored.
    pub fn usage(&self) -> usize {
        self.with_index(|ix| ix.total)
    }
}

/// Percentage of the quota `used` amounts to, rounded down.
pub fn usage_percent(used: usize) -> u32 {
    ((used as u64 * 100) / QUOTA_UNITS as u64) as u32
}

#[cfg(test)]
pub mod memory {
    use super::{Backend, StoreError};
    use std::cell::{Cell, RefCell};
    use std::collections::BTreeMap;

    /// An in-memory backend that can be given a quota, to test the full-storage paths, and
    /// counts reads and writes, to test what a save costs.
    #[derive(Default)]
    pub struct MemoryBackend {
        pub map: RefCell<BTreeMap<String, String>>,
        pub quota: Option<usize>,
        pub writes: Cell<usize>,
        pub reads: Cell<usize>,
    }

    impl MemoryBackend {
        fn used_without(&self, key: &str) -> usize {
            self.map
                .borrow()
                .iter()
                .filter(|(k, _)| k.as_str() != key)
                .map(|(k, v)| k.len() + v.len())
                .sum()
        }
    }

    impl Backend for MemoryBackend {
        fn get(&self, key: &str) -> Option<String> {
            self.reads.set(self.reads.get() + 1);
            self.map.borrow().get(key).cloned()
        }
        fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
            if let Some(q) = self.quota
                && self.used_without(key) + key.len() + value.len() > q
            {
                return Err(StoreError::QuotaExceeded);
            }
            self.writes.set(self.writes.get() + 1);
            self.map.borrow_mut().insert(key.into(), value.into());
            Ok(())
        }
        fn remove(&self, key: &str) {
            self.map.borrow_mut().remove(key);
        }
        fn keys(&self) -> Vec<String> {
            self.map.borrow().keys().cloned().collect()
        }
        fn key_count(&self) -> usize {
            self.map.borrow().len()
        }
    }
}

#[cfg(test)]
mod tests;
