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

    pub fn put_draft(&self, draft: &crate::form::Draft) -> Result<(), StoreError> {
        self.put(&keys::draft(draft.id), draft)
    }

    pub fn draft(&self, id: Uuid) -> Option<crate::form::Draft> {
        self.get(&keys::draft(id))
    }

    pub fn remove_draft(&self, id: Uuid) {
        self.remove(&keys::draft(id));
    }

    /// Drafts, the most recently touched first.
    pub fn drafts(&self) -> Vec<crate::form::Draft> {
        self.newest_drafts(usize::MAX)
    }

    /// The `n` most recently touched drafts: only those are read.
    pub fn newest_drafts(&self, n: usize) -> Vec<crate::form::Draft> {
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
mod tests {
    use super::memory::MemoryBackend;
    use super::*;
    use chrono::TimeZone;
    use huifang_domain::{Channel, CustomerClass, Outcome, Rejected, Role, VisitType};
    use std::sync::atomic::{AtomicU64, Ordering};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
    }

    fn user(n: u128) -> User {
        User {
            id: Uuid::from_u128(n),
            username: format!("u{n}"),
            display_name: format!("User {n}"),
            role: Role::Field,
            agent_no: "007".into(),
        }
    }

    fn record() -> VisitRecord {
        VisitRecord::new(
            Uuid::from_u128(99),
            Channel::Phone,
            VisitType::Repair,
            Outcome::NoAnswer,
            now(),
        )
    }

    /// Distinct from every user and record id the tests use.
    fn new_device_id() -> Uuid {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Uuid::from_u128((0xD << 64) | u128::from(NEXT.fetch_add(1, Ordering::Relaxed)))
    }

    fn store_with(backend: MemoryBackend) -> LocalStore<MemoryBackend> {
        LocalStore::new(backend, new_device_id, now)
    }

    fn store() -> LocalStore<MemoryBackend> {
        store_with(MemoryBackend::default())
    }

    fn save_as(s: &LocalStore<MemoryBackend>, u: &User, n: u128) -> LocalVisit {
        s.save_visit(
            u,
            Uuid::from_u128(n),
            record(),
            "王女士".into(),
            now(),
            None,
        )
        .unwrap()
    }

    fn save(s: &LocalStore<MemoryBackend>, n: u128) -> LocalVisit {
        save_as(s, &user(1), n)
    }

    fn seqs(entries: &[OutboxEntry]) -> Vec<u64> {
        entries.iter().map(|e| e.mutation.seq).collect()
    }

    fn acked(acked_seq: u64, rejected: Vec<Rejected>) -> PushResponse {
        PushResponse {
            acked_seq,
            rejected,
        }
    }

    fn invalid(seq: u64) -> Rejected {
        Rejected {
            seq,
            code: "invalid".into(),
            message: "bad".into(),
            field: Some("verbatim".into()),
        }
    }

    #[test]
    fn keys_live_under_the_versioned_namespace() {
        let s = store();
        save(&s, 10);
        let keys = s.backend.keys();
        assert!(
            keys.iter().all(|k| k.starts_with("huifang/v1/")),
            "{keys:?}"
        );
        let u1 = Uuid::from_u128(1);
        assert!(keys.contains(&format!("huifang/v1/outbox/{u1}/1")));
        assert!(keys.contains(&format!("huifang/v1/visit/{}", Uuid::from_u128(10))));
        assert!(keys.contains(&format!("huifang/v1/device/{u1}")));
        assert_eq!(keys::outbox(u1, 7), format!("outbox/{u1}/7"));
        assert_eq!(keys::rejected(u1, 7), format!("rejected/{u1}/7"));
        assert_eq!(keys::owner(&keys::outbox(u1, 7), keys::OUTBOX), Some(u1));
        assert_eq!(
            keys::owner(&keys::rejected(u1, 7), keys::REJECTED),
            Some(u1)
        );
        assert_eq!(keys::owner(&keys::rejected(u1, 7), keys::OUTBOX), None);
        assert_eq!(keys::owner(&format!("outbox/{u1}/x"), keys::OUTBOX), None);
        assert_eq!(keys::owner("outbox/7", keys::OUTBOX), None);
    }

    #[test]
    fn the_outbox_is_in_numeric_seq_order() {
        let names = [
            "outbox/u/10",
            "outbox/u/9",
            "outbox/u/100",
            "outbox/v/2",
            "visit/x",
            "outbox/u/nope",
            "outbox/u/1",
        ];
        assert_eq!(keys::seqs(names, "outbox/u/"), vec![1, 9, 10, 100]);

        let s = store();
        for n in 0..12 {
            save(&s, n);
        }
        assert_eq!(seqs(&s.outbox(user(1).id)), (1..=12).collect::<Vec<_>>());
    }

    #[test]
    fn saving_a_visit_writes_a_constant_number_of_keys() {
        let s = store();
        for n in 0..50 {
            save(&s, n);
        }
        // Another user's long queue costs this user nothing either.
        for n in 100..150 {
            save_as(&s, &user(2), n);
        }
        for n in 50..53 {
            let (keys, writes) = (s.backend.keys().len(), s.backend.writes.get());
            save(&s, n);
            // One new outbox key and one new visit key; the device identity is rewritten in
            // place with the next seq.
            assert_eq!(s.backend.keys().len(), keys + 2);
            assert_eq!(s.backend.writes.get(), writes + 3);
        }
        let entry: OutboxEntry = s.get(&keys::outbox(user(1).id, 53)).unwrap();
        assert_eq!(entry.schema, SCHEMA_VERSION);
        assert_eq!(entry.mutation.kind, "visit.record");
        assert_eq!(entry.mutation.id, Uuid::from_u128(52));
    }

    #[test]
    fn queueing_a_ticket_change_writes_two_keys_and_shares_the_visits_seq() {
        let s = store();
        for n in 0..40 {
            save(&s, n);
        }
        let me = user(1);
        for n in 0..3u64 {
            let (keys, writes) = (s.backend.keys().len(), s.backend.writes.get());
            let seq = s
                .queue(
                    &me,
                    Uuid::from_u128(500),
                    MutationKind::TicketUpdate,
                    serde_json::json!({"note": "已联系"}),
                    now(),
                )
                .unwrap();
            assert_eq!(seq, 41 + n);
            assert_eq!(s.backend.keys().len(), keys + 1);
            assert_eq!(s.backend.writes.get(), writes + 2);
        }
        let queue = s.outbox(me.id);
        assert_eq!(queue.len(), 43);
        assert_eq!(queue[42].mutation.kind, "ticket.update");
    }

    #[test]
    fn a_full_storage_queues_no_ticket_change() {
        let s = store_with(MemoryBackend {
            quota: Some(400),
            ..MemoryBackend::default()
        });
        let me = user(1);
        let before = s.backend.map.borrow().clone();
        let big = serde_json::json!({"note": "很长".repeat(200)});
        let got = s.queue(
            &me,
            Uuid::from_u128(5),
            MutationKind::TicketUpdate,
            big,
            now(),
        );
        assert_eq!(got, Err(StoreError::QuotaExceeded));
        assert_eq!(*s.backend.map.borrow(), before);
    }

    #[test]
    fn cached_tickets_keep_the_newest_version_and_leave_at_logout() {
        let s = store();
        let rules = crate::tickets::TicketRules::default();
        let m = Mutation {
            seq: 1,
            id: Uuid::from_u128(9),
            kind: "ticket.create".into(),
            at: now(),
            data: serde_json::json!({"channel": "hotline", "nature": "service",
                "sub_problem": "attitude", "description": "挂电话", "demand": "emotional"}),
        };
        let mut t = crate::tickets::local_ticket(&rules, &m, &user(1)).unwrap();
        t.version = 5;
        s.put_tickets(std::slice::from_ref(&t)).unwrap();
        let mut old = t.clone();
        old.version = 4;
        old.reports = 9;
        s.put_tickets(&[old]).unwrap();
        assert_eq!(s.ticket(t.id), Some(t.clone()));
        assert_eq!(s.tickets().len(), 1);
        s.forget_user_data();
        assert!(s.tickets().is_empty());
    }

    #[test]
    fn a_full_storage_keeps_everything_already_saved_and_adds_nothing() {
        let s = store_with(MemoryBackend {
            quota: Some(3000),
            ..Default::default()
        });
        let mut saved = 0;
        let err = loop {
            match s.save_visit(
                &user(1),
                Uuid::from_u128(saved),
                record(),
                "x".into(),
                now(),
                None,
            ) {
                Ok(_) => saved += 1,
                Err(e) => break e,
            }
        };
        assert_eq!(err, StoreError::QuotaExceeded);
        assert!(saved > 0);
        assert_eq!(s.outbox(user(1).id).len() as u128, saved);
        assert_eq!(s.visits(user(1).id).len() as u128, saved);
        assert_eq!(s.identity(&user(1)).next_seq, saved as u64 + 1);

        // A user's first save into a full storage leaves not even a device identity behind.
        let before = s.backend.map.borrow().clone();
        let err = s.save_visit(
            &user(2),
            Uuid::from_u128(500),
            record(),
            "x".into(),
            now(),
            None,
        );
        assert_eq!(err, Err(StoreError::QuotaExceeded));
        assert_eq!(*s.backend.map.borrow(), before);
    }

    #[test]
    fn the_device_identity_is_made_once_per_user() {
        let s = store();
        let a = s.device(&user(1)).unwrap();
        assert_eq!(s.device(&user(1)).unwrap(), a);
        assert_eq!((a.next_seq, a.display_name.as_str()), (1, "User 1"));
        let b = s.device(&user(2)).unwrap();
        assert_ne!(a.device_id, b.device_id);

        // Saving keeps the id; a renamed user keeps their id and seq under the new name.
        save(&s, 1);
        let mut renamed = user(1);
        renamed.display_name = "李明".into();
        let c = s.device(&renamed).unwrap();
        assert_eq!((c.device_id, c.next_seq), (a.device_id, 2));
        assert_eq!(s.identity(&user(1)).device_id, a.device_id);
        assert_eq!(
            s.get::<DeviceIdentity>(&keys::device(user(1).id))
                .unwrap()
                .display_name,
            "李明"
        );
    }

    #[test]
    fn two_users_outboxes_are_independent() {
        let s = store();
        for n in 1..=3 {
            save_as(&s, &user(1), n);
        }
        for n in 11..=12 {
            save_as(&s, &user(2), n);
        }
        let (a, b) = (user(1).id, user(2).id);
        // Each user's seqs start at 1 under their own device id: the server sees two
        // contiguous sequences, never one user's gap in the other's.
        assert_eq!(seqs(&s.outbox(a)), vec![1, 2, 3]);
        assert_eq!(seqs(&s.outbox(b)), vec![1, 2]);
        assert_eq!(s.outbox(b)[0].mutation.id, Uuid::from_u128(11));
        assert_ne!(
            s.device(&user(1)).unwrap().device_id,
            s.device(&user(2)).unwrap().device_id
        );
        assert_ne!(keys::outbox(a, 1), keys::outbox(b, 1));
        assert_eq!(s.queue_stats(a).queued, 3);
        assert_eq!(s.queue_stats(b).queued, 2);
        assert_eq!(s.visits(a).len(), 3);
        assert_eq!(s.visits(b).len(), 2);
        assert_eq!(s.queue_stats(user(3).id), QueueStats::default());
    }

    #[test]
    fn a_push_answer_for_one_user_leaves_the_others_entries_alone() {
        let s = store();
        for n in 1..=2 {
            save_as(&s, &user(1), n);
        }
        for n in 11..=12 {
            save_as(&s, &user(2), n);
        }
        let (a, b) = (user(1).id, user(2).id);
        let sent = s.outbox(a);
        s.apply_push(a, &sent, &acked(2, vec![invalid(1)])).unwrap();

        assert!(s.outbox(a).is_empty());
        assert_eq!(s.rejected(a).len(), 1);
        // Same seqs, other user: still queued, not rejected, not synced.
        assert_eq!(seqs(&s.outbox(b)), vec![1, 2]);
        assert!(s.rejected(b).is_empty());
        assert!(s.visits(b).iter().all(|v| v.state == VisitState::Queued),);
        assert_eq!(
            s.visit(Uuid::from_u128(2)).unwrap().state,
            VisitState::Synced
        );

        // Discarding one user's rejected seq 1 does not touch the other's seq 1.
        s.discard_rejected(a, 1);
        assert!(s.visit(Uuid::from_u128(1)).is_none());
        assert!(s.visit(Uuid::from_u128(11)).is_some());
        assert_eq!(seqs(&s.outbox(b)), vec![1, 2]);
    }

    #[test]
    fn other_users_unsynced_records_are_counted_by_name() {
        let s = store();
        for n in 1..=2 {
            save_as(&s, &user(1), n);
        }
        let mut li = user(2);
        li.display_name = "李明".into();
        for n in 11..=13 {
            save_as(&s, &li, n);
        }
        let sent = s.outbox(li.id);
        // One of 李明's synced, one rejected (still unsynced), one still queued.
        s.apply_push(li.id, &sent[..2], &acked(2, vec![invalid(2)]))
            .unwrap();
        // Someone who only logged in here has nothing waiting.
        s.device(&user(3)).unwrap();

        let backlog = |name: &str, owner: Uuid, unsynced| UserBacklog {
            owner,
            display_name: name.into(),
            unsynced,
        };
        assert_eq!(
            s.others_backlog(Some(user(1).id)),
            vec![backlog("李明", li.id, 2)]
        );
        assert_eq!(
            s.others_backlog(Some(li.id)),
            vec![backlog("User 1", user(1).id, 2)]
        );
        assert_eq!(
            s.others_backlog(Some(user(3).id)),
            vec![backlog("User 1", user(1).id, 2), backlog("李明", li.id, 2)]
        );
        assert_eq!(s.others_backlog(None), s.others_backlog(Some(user(3).id)));
        let stats = s.queue_stats(li.id);
        assert_eq!((stats.queued, stats.rejected), (1, 1));
    }

    #[test]
    fn acked_entries_leave_the_outbox_and_rejected_ones_need_attention() {
        let s = store();
        for n in 1..=4 {
            save(&s, n);
        }
        let me = user(1).id;
        let sent = s.outbox(me);
        s.apply_push(me, &sent, &acked(3, vec![invalid(2)]))
            .unwrap();
        assert_eq!(seqs(&s.outbox(me)), vec![4]);
        let stats = s.queue_stats(me);
        assert_eq!((stats.queued, stats.rejected), (1, 1));
        assert_eq!(stats.oldest, Some(now()));
        assert_eq!(
            s.visit(Uuid::from_u128(1)).unwrap().state,
            VisitState::Synced
        );
        assert_eq!(
            s.visit(Uuid::from_u128(4)).unwrap().state,
            VisitState::Queued
        );
        assert_eq!(
            s.visit(Uuid::from_u128(2)).unwrap().state.as_str(),
            "rejected"
        );
        let rejected = s.rejected(me);
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0].field.as_deref(), Some("verbatim"));
        assert_eq!(rejected[0].mutation.id, Uuid::from_u128(2));
    }

    #[test]
    fn resending_replaces_the_rejected_entry_with_a_new_seq() {
        let s = store();
        let me = user(1).id;
        save(&s, 1);
        let sent = s.outbox(me);
        let conflict = Rejected {
            seq: 1,
            code: "conflict".into(),
            message: "unknown customer".into(),
            field: None,
        };
        s.apply_push(me, &sent, &acked(1, vec![conflict])).unwrap();
        let v = s
            .save_visit(
                &user(1),
                Uuid::from_u128(1),
                record(),
                "x".into(),
                now(),
                Some(1),
            )
            .unwrap();
        assert_eq!(v.seq, 2);
        assert!(s.rejected(me).is_empty());
        assert_eq!(s.outbox(me).len(), 1);
        assert_eq!(
            s.visit(Uuid::from_u128(1)).unwrap().state,
            VisitState::Queued
        );

        // Discarding removes both the entry and its local copy.
        let sent = s.outbox(me);
        let no = Rejected::new(2, huifang_domain::RejectCode::Invalid, "no");
        s.apply_push(me, &sent, &acked(2, vec![no])).unwrap();
        s.discard_rejected(me, 2);
        assert!(s.rejected(me).is_empty());
        assert!(s.visit(Uuid::from_u128(1)).is_none());
    }

    #[test]
    fn a_lost_answer_is_harmless_because_nothing_is_dropped_before_it() {
        let s = store();
        let me = user(1).id;
        save(&s, 1);
        save(&s, 2);
        // The push went out but its answer never came: the outbox is untouched.
        assert_eq!(s.outbox(me).len(), 2);
        // The retry is answered with the same acked_seq; applying it twice changes nothing.
        let sent = s.outbox(me);
        s.apply_push(me, &sent, &acked(2, vec![])).unwrap();
        s.apply_push(me, &sent, &acked(2, vec![])).unwrap();
        assert!(s.outbox(me).is_empty());
        assert_eq!(s.visits(me).len(), 2);
    }

    #[test]
    fn migration_runs_each_step_once_and_records_the_version() {
        fn to_v2(s: &LocalStore<MemoryBackend>) -> Result<(), StoreError> {
            let n: u32 = s.get("steps").unwrap_or(0);
            s.put("steps", &(n + 1))?;
            s.put("v2_marker", &true)
        }
        fn to_v3(s: &LocalStore<MemoryBackend>) -> Result<(), StoreError> {
            let n: u32 = s.get("steps").unwrap_or(0);
            s.put("steps", &(n + 10))
        }
        let s = store();
        let steps: [Migration<MemoryBackend>; 2] = [to_v2, to_v3];
        assert_eq!(s.migrate_with(&steps, 3).unwrap(), 3);
        assert_eq!(s.get::<u32>("steps"), Some(11));
        assert_eq!(s.get::<bool>("v2_marker"), Some(true));
        // Already current: nothing runs again.
        assert_eq!(s.migrate_with(&steps, 3).unwrap(), 3);
        assert_eq!(s.get::<u32>("steps"), Some(11));
        // Data from a newer app is left alone.
        assert_eq!(s.migrate().unwrap(), 3);
        assert_eq!(SCHEMA_VERSION, 2);
        assert_eq!(s.get::<Meta>(keys::META), Some(Meta { schema: 3 }));
        // A missing step is an error, not a silent skip.
        let fresh = store();
        assert!(fresh.migrate_with(&steps[..1], 3).is_err());
    }

    #[test]
    fn the_single_draft_of_schema_1_becomes_one_of_many() {
        let s = store();
        s.put(
            keys::OLD_DRAFT,
            &serde_json::json!({"customer_id": "x", "verbatim": "半句话"}),
        )
        .unwrap();
        assert_eq!(s.migrate().unwrap(), 2);
        assert_eq!(s.get::<serde_json::Value>(keys::OLD_DRAFT), None);
        let drafts = s.drafts();
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].verbatim, "半句话");
        assert_eq!(s.draft(drafts[0].id).unwrap().id, drafts[0].id);
        // A fresh device has nothing to move.
        let fresh = store();
        assert_eq!(fresh.migrate().unwrap(), 2);
        assert!(fresh.drafts().is_empty());
    }

    #[test]
    fn drafts_are_one_key_each_newest_first() {
        let s = store();
        let mut a = crate::form::Draft::new(Uuid::from_u128(70), None, now());
        a.verbatim = "a".into();
        let mut b = crate::form::Draft::new(
            Uuid::from_u128(71),
            None,
            now() + chrono::Duration::minutes(1),
        );
        b.verbatim = "b".into();
        let (wa, _) = (s.backend.writes.get(), s.put_draft(&a).unwrap());
        s.put_draft(&b).unwrap();
        assert_eq!(s.backend.writes.get(), wa + 2);
        let ids: Vec<Uuid> = s.drafts().iter().map(|d| d.id).collect();
        assert_eq!(ids, vec![b.id, a.id]);
        s.remove_draft(b.id);
        assert_eq!(s.drafts(), vec![a]);
    }

    #[test]
    fn closed_tasks_leave_the_device_and_a_saved_visit_closes_its_task_at_once() {
        use huifang_domain::task::{Priority, TaskSource};
        let task = |n: u128, status| VisitTask {
            id: Uuid::from_u128(n),
            customer_id: Uuid::from_u128(99),
            assignee: Uuid::from_u128(1),
            visit_type: VisitType::Repair,
            planned_channel: Channel::OnSite,
            priority: Priority::Normal,
            due_from: now(),
            due_until: now() + chrono::Duration::hours(n as i64),
            attempt: 1,
            source: TaskSource::Plan,
            status,
            note: String::new(),
            version: 1,
        };
        let s = store();
        s.put_tasks(&[task(2, TaskStatus::Open), task(1, TaskStatus::Open)])
            .unwrap();
        assert_eq!(
            s.tasks().iter().map(|t| t.id).collect::<Vec<_>>(),
            vec![Uuid::from_u128(1), Uuid::from_u128(2)]
        );
        s.put_tasks(&[task(2, TaskStatus::Done)]).unwrap();
        assert_eq!(s.tasks().len(), 1);
        s.finish_task(Uuid::from_u128(1)).unwrap();
        assert_eq!(s.tasks()[0].status, TaskStatus::Done);
    }

    #[test]
    fn logging_out_forgets_customers_but_keeps_records() {
        let s = store();
        save(&s, 1);
        let c = Customer {
            id: Uuid::from_u128(3),
            name: "李先生".into(),
            class: CustomerClass::A,
            vip: true,
            contact_masked: "138****5678".into(),
            summary: "空调维修".into(),
            version: 1,
        };
        s.put_customers(std::slice::from_ref(&c)).unwrap();
        s.put(keys::CURSOR, &1u64).unwrap();
        assert_eq!(s.customers(), vec![c]);
        s.forget_user_data();
        assert!(s.customers().is_empty());
        assert_eq!(s.get::<u64>(keys::CURSOR), None);
        assert_eq!(s.outbox(user(1).id).len(), 1);
        assert!(s.get::<DeviceIdentity>(&keys::device(user(1).id)).is_some());
        assert_eq!(s.visits(user(1).id).len(), 1);
        assert!(s.visits(user(2).id).is_empty());
    }

    /// The usage a full read of the storage gives, as the store measured it before it kept a
    /// running total.
    fn recount(s: &LocalStore<MemoryBackend>) -> usize {
        s.backend
            .map
            .borrow()
            .iter()
            .filter(|(k, _)| k.starts_with(NAMESPACE))
            .map(|(k, v)| k.encode_utf16().count() + v.encode_utf16().count())
            .sum()
    }

    fn synced_visit(n: u128, synced_days_ago: i64) -> LocalVisit {
        LocalVisit {
            id: Uuid::from_u128(n),
            owner: user(1).id,
            seq: n as u64,
            customer_name: "王女士".into(),
            record: record(),
            saved_at: now() - chrono::Duration::days(synced_days_ago + 1),
            state: VisitState::Synced,
            synced_at: Some(now() - chrono::Duration::days(synced_days_ago)),
        }
    }

    #[test]
    fn the_running_total_matches_a_full_recount_through_every_kind_of_change() {
        let s = store();
        let me = user(1).id;
        assert_eq!(s.usage(), 0);
        for n in 1..=6 {
            save(&s, n);
            assert_eq!(s.usage(), recount(&s));
        }
        let sent = s.outbox(me);
        s.apply_push(me, &sent[..4], &acked(4, vec![invalid(2)]))
            .unwrap();
        assert_eq!(s.usage(), recount(&s));
        s.discard_rejected(me, 2);
        let mut d = crate::form::Draft::new(Uuid::from_u128(80), None, now());
        d.verbatim = "一半".into();
        s.put_draft(&d).unwrap();
        d.verbatim = "写了更多的字".into();
        s.put_draft(&d).unwrap();
        s.put(keys::LANG, &"en").unwrap();
        assert_eq!(s.usage(), recount(&s));
        s.remove_draft(d.id);
        s.forget_user_data();
        assert_eq!(s.usage(), recount(&s));
        assert!(s.usage() > 0);
    }

    #[test]
    fn a_save_reads_no_other_record_however_many_are_stored() {
        let s = store();
        for n in 1..=200 {
            save(&s, n);
        }
        s.usage();
        let reads = |s: &LocalStore<MemoryBackend>| s.backend.reads.get();
        let before = reads(&s);
        save(&s, 1_000);
        s.usage();
        s.queue_stats(user(1).id);
        s.others_backlog(Some(user(1).id));
        s.newest_visits(user(1).id, 20);
        // The device record, the oldest queued entry and the page of 20: none of the rest.
        assert!(reads(&s) - before <= 22, "{}", reads(&s) - before);
    }

    #[test]
    fn a_write_behind_the_stores_back_is_noticed_and_everything_recounted() {
        let s = store();
        save(&s, 1);
        assert_eq!(s.usage(), recount(&s));
        s.backend
            .set(&format!("{NAMESPACE}lang"), "\"zh-CN\"")
            .unwrap();
        assert_eq!(s.usage(), recount(&s));
        // A visit copied in by hand (by a test, or another tab) is listed too.
        let v = synced_visit(2, 0);
        s.backend
            .set(
                &format!("{NAMESPACE}{}", keys::visit(v.id)),
                &serde_json::to_string(&v).unwrap(),
            )
            .unwrap();
        assert_eq!(s.visits(user(1).id).len(), 2);
        assert_eq!(s.holdings(user(1).id).synced, 1);
    }

    #[test]
    fn pages_of_visits_and_drafts_are_the_newest_in_order() {
        let s = store();
        for n in 1..=30u128 {
            let mut r = record();
            r.contacted_at = now() - chrono::Duration::minutes(n as i64);
            s.save_visit(&user(1), Uuid::from_u128(n), r, "x".into(), now(), None)
                .unwrap();
        }
        save_as(&s, &user(2), 99);
        let page: Vec<u128> = s
            .newest_visits(user(1).id, 5)
            .iter()
            .map(|v| v.id.as_u128())
            .collect();
        assert_eq!(page, vec![1, 2, 3, 4, 5]);
        assert_eq!(s.visits(user(1).id).len(), 30);
        assert_eq!(s.newest_visits(user(1).id, 100).len(), 30);
        for n in 0..4i64 {
            let d = crate::form::Draft::new(
                Uuid::from_u128(200 + n as u128),
                None,
                now() + chrono::Duration::minutes(n),
            );
            s.put_draft(&d).unwrap();
        }
        let ids: Vec<u128> = s.newest_drafts(2).iter().map(|d| d.id.as_u128()).collect();
        assert_eq!(ids, vec![203, 202]);
        assert_eq!(s.draft_count(), 4);
        let me = user(1).id;
        let sent = s.outbox(me);
        s.apply_push(me, &sent, &acked(30, vec![invalid(3), invalid(7)]))
            .unwrap();
        let seqs: Vec<u64> = s.first_rejected(me, 1).iter().map(|r| r.seq).collect();
        assert_eq!(seqs, vec![3]);
        assert_eq!(s.outbox_head(user(2).id, 10).len(), 1);
    }

    #[test]
    fn a_sync_prunes_synced_copies_beyond_the_budget_but_never_unsynced_work() {
        let s = store();
        let me = user(1).id;
        let total = RETENTION.keep_visits as u128 + 20;
        for n in 1..=total {
            s.put(&keys::visit(Uuid::from_u128(n)), &synced_visit(n, 0))
                .unwrap();
        }
        // Older than the retention time, but queued, refused or a draft: all stay.
        let old = now() - chrono::Duration::days(90);
        s.save_visit(
            &user(1),
            Uuid::from_u128(9001),
            record(),
            "x".into(),
            old,
            None,
        )
        .unwrap();
        s.save_visit(
            &user(1),
            Uuid::from_u128(9002),
            record(),
            "x".into(),
            old,
            None,
        )
        .unwrap();
        let sent = s.outbox(me);
        s.apply_push(
            me,
            &sent[..1],
            &acked(sent[0].mutation.seq, vec![invalid(sent[0].mutation.seq)]),
        )
        .unwrap();
        let draft = crate::form::Draft::new(Uuid::from_u128(9003), None, old);
        s.put_draft(&draft).unwrap();
        // And one synced copy past the retention time.
        s.put(&keys::visit(Uuid::from_u128(9004)), &synced_visit(9004, 31))
            .unwrap();
        let before = s.usage();

        assert_eq!(s.prune(), 21);
        let held = s.holdings(me);
        assert_eq!(
            (held.synced, held.queued, held.rejected, held.drafts),
            (RETENTION.keep_visits, 1, 1, 1)
        );
        assert!(s.visit(Uuid::from_u128(9004)).is_none());
        assert!(s.visit(Uuid::from_u128(9001)).is_some());
        assert!(s.visit(Uuid::from_u128(9002)).is_some());
        assert!(s.draft(draft.id).is_some());
        assert_eq!(s.rejected(me).len(), 1);
        assert_eq!(s.outbox(me).len(), 1);
        assert!(s.usage() < before);
        assert_eq!(s.usage(), recount(&s));
        // Nothing more to do until something changes.
        assert_eq!(s.prune(), 0);
    }

    #[test]
    fn acknowledged_visits_remember_when_and_old_copies_without_it_still_load() {
        let s = store();
        let me = user(1).id;
        save(&s, 1);
        let sent = s.outbox(me);
        s.apply_push(me, &sent, &acked(1, vec![])).unwrap();
        assert_eq!(s.visit(Uuid::from_u128(1)).unwrap().synced_at, Some(now()));
        // As stored by the app before retention: no synced_at.
        let mut old = serde_json::to_value(synced_visit(2, 0)).unwrap();
        old.as_object_mut().unwrap().remove("synced_at");
        s.put(&keys::visit(Uuid::from_u128(2)), &old).unwrap();
        let v = s.visit(Uuid::from_u128(2)).unwrap();
        assert_eq!((v.state, v.synced_at), (VisitState::Synced, None));
        assert_eq!(s.holdings(me).synced, 2);
    }

    #[test]
    fn crossing_the_high_mark_prunes_synced_copies_at_once() {
        let s = store();
        for n in 1..=3 {
            s.put(&keys::visit(Uuid::from_u128(n)), &synced_visit(n, 0))
                .unwrap();
        }
        save(&s, 10);
        s.put(keys::TICKET_RULES, &"x".repeat(RETENTION.high_units()))
            .unwrap();
        let held = s.holdings(user(1).id);
        assert_eq!((held.synced, held.queued), (0, 1));
    }

    #[test]
    fn a_full_storage_makes_room_from_synced_copies_before_it_refuses() {
        let s = store_with(MemoryBackend {
            quota: Some(6000),
            ..Default::default()
        });
        let me = user(1).id;
        for n in 1..=3 {
            save(&s, n);
        }
        let sent = s.outbox(me);
        s.apply_push(me, &sent, &acked(3, vec![])).unwrap();
        assert_eq!(s.holdings(me).synced, 3);
        let mut n = 100;
        let err = loop {
            match s.save_visit(
                &user(1),
                Uuid::from_u128(n),
                record(),
                "x".into(),
                now(),
                None,
            ) {
                Ok(_) => n += 1,
                Err(e) => break e,
            }
        };
        assert_eq!(err, StoreError::QuotaExceeded);
        let held = s.holdings(me);
        // The synced copies made room for more saves; every queued one is still there.
        assert_eq!(held.synced, 0);
        assert_eq!(held.queued as u128, n - 100);
        assert_eq!(s.outbox(me).len() as u128, n - 100);
        assert!(n - 100 > 3);
    }

    #[test]
    fn usage_counts_only_this_app_in_utf16_units() {
        let s = store();
        s.backend.set("other-app", &"x".repeat(1000)).unwrap();
        s.put("lang", &"中文").unwrap();
        // key "huifang/v1/lang" (15) + value "\"中文\"" (4 UTF-16 units)
        assert_eq!(s.usage(), 19);
        assert_eq!(usage_percent(QUOTA_UNITS * 7 / 10), 70);
        assert_eq!(usage_percent(0), 0);
    }
}
