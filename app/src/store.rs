//! Everything the device keeps, in local storage under one versioned namespace.
//!
//! One key per record or queued mutation (`outbox/<seq>`, `visit/<uuid>`, …), so saving a
//! visit writes three small keys however long the queue is. The store is plain Rust over a
//! [`Backend`], so its rules are unit-tested natively against an in-memory map.

use chrono::{DateTime, Utc};
use huifang_domain::{Customer, Mutation, MutationKind, PushResponse, User, VisitRecord};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use uuid::Uuid;

/// Every key of this app starts here; `v1` is the key layout, [`SCHEMA_VERSION`] the content.
pub const NAMESPACE: &str = "huifang/v1/";
pub const SCHEMA_VERSION: u32 = 1;
/// Browsers give an origin about 5 MB of local storage, counted in UTF-16 code units.
pub const QUOTA_UNITS: usize = 5 * 1024 * 1024;
/// Warn while there is still room to finish the day's visits.
pub const WARN_PERCENT: u32 = 70;

/// Key names below the namespace.
pub mod keys {
    pub const META: &str = "meta";
    pub const DEVICE: &str = "device";
    pub const SESSION: &str = "session";
    pub const NEXT_SEQ: &str = "next_seq";
    pub const CURSOR: &str = "cursor";
    pub const DRAFT: &str = "draft/visit";
    pub const LAST_SYNC: &str = "last_sync";
    pub const LANG: &str = "lang";
    pub const OUTBOX: &str = "outbox/";
    pub const VISIT: &str = "visit/";
    pub const CUSTOMER: &str = "customer/";
    pub const REJECTED: &str = "rejected/";

    pub fn outbox(seq: u64) -> String {
        format!("{OUTBOX}{seq}")
    }
    pub fn rejected(seq: u64) -> String {
        format!("{REJECTED}{seq}")
    }
    pub fn visit(id: uuid::Uuid) -> String {
        format!("{VISIT}{id}")
    }
    pub fn customer(id: uuid::Uuid) -> String {
        format!("{CUSTOMER}{id}")
    }

    /// Sequence numbers of keys under `prefix`, in numeric order (`outbox/10` after
    /// `outbox/9`, which string order would get wrong).
    pub fn seqs<'a>(names: impl IntoIterator<Item = &'a str>, prefix: &str) -> Vec<u64> {
        let mut seqs: Vec<u64> = names
            .into_iter()
            .filter_map(|n| n.strip_prefix(prefix)?.parse().ok())
            .collect();
        seqs.sort_unstable();
        seqs
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

/// One queued mutation. `schema` lets a migration rewrite entries made by an older app;
/// `owner` keeps one user's records from being pushed under another user's login.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub schema: u32,
    pub owner: Uuid,
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
}

/// A mutation the server processed but refused, kept until the user resends or discards it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectedEntry {
    pub seq: u64,
    pub owner: Uuid,
    pub mutation: Mutation,
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

/// What the outbox holds right now, for the sync badge and the unsynced notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueStats {
    pub queued: usize,
    pub rejected: usize,
    pub oldest: Option<DateTime<Utc>>,
}

/// Upgrades stored data from version `n` to `n + 1`; index 0 upgrades from 1.
pub type Migration<B> = fn(&LocalStore<B>) -> Result<(), StoreError>;

pub struct LocalStore<B: Backend> {
    backend: B,
}

impl LocalStore<BrowserBackend> {
    pub fn browser() -> Self {
        LocalStore::new(BrowserBackend)
    }
}

impl<B: Backend> LocalStore<B> {
    pub fn new(backend: B) -> Self {
        Self { backend }
    }

    fn full(name: &str) -> String {
        format!("{NAMESPACE}{name}")
    }

    pub fn get<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        let raw = self.backend.get(&Self::full(name))?;
        // A value that no longer parses is treated as absent rather than crashing the app;
        // the key stays, so nothing is destroyed that a later version might still read.
        serde_json::from_str(&raw).ok()
    }

    pub fn put<T: Serialize>(&self, name: &str, value: &T) -> Result<(), StoreError> {
        let raw =
            serde_json::to_string(value).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        self.backend.set(&Self::full(name), &raw)
    }

    pub fn remove(&self, name: &str) {
        self.backend.remove(&Self::full(name));
    }

    /// Names (below the namespace) of every key of this app.
    fn names(&self) -> Vec<String> {
        self.backend
            .keys()
            .into_iter()
            .filter_map(|k| k.strip_prefix(NAMESPACE).map(str::to_owned))
            .collect()
    }

    fn names_under(&self, prefix: &str) -> Vec<String> {
        self.names()
            .into_iter()
            .filter(|n| n.starts_with(prefix))
            .collect()
    }

    fn seqs_under(&self, prefix: &str) -> Vec<u64> {
        let names = self.names();
        keys::seqs(names.iter().map(String::as_str), prefix)
    }

    /// Brings stored data up to [`SCHEMA_VERSION`]. Runs on every start, before anything reads.
    pub fn migrate(&self) -> Result<u32, StoreError> {
        self.migrate_with(&[], SCHEMA_VERSION)
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

    /// The device id, made once by `make` and kept forever.
    pub fn device_id(&self, make: impl FnOnce() -> Uuid) -> Result<Uuid, StoreError> {
        if let Some(id) = self.get::<Uuid>(keys::DEVICE) {
            return Ok(id);
        }
        let id = make();
        self.put(keys::DEVICE, &id)?;
        Ok(id)
    }

    pub fn session(&self) -> Option<Session> {
        self.get(keys::SESSION)
    }

    /// Saves one visit as its local copy plus one queued mutation: three key writes, and on
    /// any failure the keys already written are removed again, so a full storage leaves the
    /// store exactly as it was. `resend_of` is the rejected entry this record replaces.
    pub fn save_visit(
        &self,
        owner: &User,
        id: Uuid,
        record: VisitRecord,
        customer_name: String,
        now: DateTime<Utc>,
        resend_of: Option<u64>,
    ) -> Result<LocalVisit, StoreError> {
        let seq = self.get::<u64>(keys::NEXT_SEQ).unwrap_or(1);
        let data =
            serde_json::to_value(&record).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let entry = OutboxEntry {
            schema: SCHEMA_VERSION,
            owner: owner.id,
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
        };
        self.put(&keys::outbox(seq), &entry)?;
        if let Err(e) = self.put(&keys::visit(id), &visit) {
            self.remove(&keys::outbox(seq));
            return Err(e);
        }
        if let Err(e) = self.put(keys::NEXT_SEQ, &(seq + 1)) {
            self.remove(&keys::outbox(seq));
            self.remove(&keys::visit(id));
            return Err(e);
        }
        if let Some(old) = resend_of {
            self.remove(&keys::rejected(old));
        }
        Ok(visit)
    }

    /// The queued mutations in push order.
    pub fn outbox(&self) -> Vec<OutboxEntry> {
        self.seqs_under(keys::OUTBOX)
            .into_iter()
            .filter_map(|seq| self.get(&keys::outbox(seq)))
            .collect()
    }

    pub fn queue_stats(&self) -> QueueStats {
        let queued = self.seqs_under(keys::OUTBOX);
        // Seqs grow with time, so the oldest unsynced record is the head of the queue.
        let oldest = queued
            .first()
            .and_then(|&seq| self.get::<OutboxEntry>(&keys::outbox(seq)))
            .map(|e| e.mutation.at);
        QueueStats {
            queued: queued.len(),
            rejected: self.seqs_under(keys::REJECTED).len(),
            oldest,
        }
    }

    /// Records the server's answer to a push of `sent`. Entries are dropped from the outbox
    /// only here, after the answer; a rejected one moves to `rejected/<seq>` first.
    pub fn apply_push(&self, sent: &[OutboxEntry], resp: &PushResponse) -> Result<(), StoreError> {
        for entry in sent.iter().filter(|e| e.mutation.seq <= resp.acked_seq) {
            let seq = entry.mutation.seq;
            let state = match resp.rejected.iter().find(|r| r.seq == seq) {
                Some(r) => {
                    let kept = RejectedEntry {
                        seq,
                        owner: entry.owner,
                        mutation: entry.mutation.clone(),
                        code: r.code.clone(),
                        message: r.message.clone(),
                        field: r.field.clone(),
                    };
                    self.put(&keys::rejected(seq), &kept)?;
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
                && visit.seq == seq
            {
                visit.state = state;
                self.put(&key, &visit)?;
            }
            self.remove(&keys::outbox(seq));
        }
        Ok(())
    }

    pub fn rejected(&self) -> Vec<RejectedEntry> {
        self.seqs_under(keys::REJECTED)
            .into_iter()
            .filter_map(|seq| self.get(&keys::rejected(seq)))
            .collect()
    }

    pub fn rejected_entry(&self, seq: u64) -> Option<RejectedEntry> {
        self.get(&keys::rejected(seq))
    }

    /// The user chose to throw a rejected record away: it goes from the device entirely.
    pub fn discard_rejected(&self, seq: u64) {
        if let Some(entry) = self.rejected_entry(seq) {
            let key = keys::visit(entry.mutation.id);
            if self.get::<LocalVisit>(&key).is_some_and(|v| v.seq == seq) {
                self.remove(&key);
            }
        }
        self.remove(&keys::rejected(seq));
    }

    /// `owner`'s visits, newest contact first.
    pub fn visits(&self, owner: Uuid) -> Vec<LocalVisit> {
        let mut visits: Vec<LocalVisit> = self
            .names_under(keys::VISIT)
            .iter()
            .filter_map(|n| self.get::<LocalVisit>(n))
            .filter(|v| v.owner == owner)
            .collect();
        visits.sort_by(|a, b| {
            (b.record.contacted_at, b.saved_at).cmp(&(a.record.contacted_at, a.saved_at))
        });
        visits
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
    /// confidential), but never a queued or rejected record.
    pub fn forget_user_data(&self) {
        for name in self.names_under(keys::CUSTOMER) {
            self.remove(&name);
        }
        for name in [keys::SESSION, keys::CURSOR, keys::DRAFT, keys::LAST_SYNC] {
            self.remove(name);
        }
    }

    /// Space used by this app, in the unit browsers count the quota in (UTF-16 code units).
    pub fn usage(&self) -> usize {
        self.backend
            .keys()
            .into_iter()
            .filter(|k| k.starts_with(NAMESPACE))
            .map(|k| {
                let v = self.backend.get(&k).unwrap_or_default();
                k.encode_utf16().count() + v.encode_utf16().count()
            })
            .sum()
    }
}

/// Percentage of the quota `used` amounts to, rounded down.
pub fn usage_percent(used: usize) -> u32 {
    ((used as u64 * 100) / QUOTA_UNITS as u64) as u32
}

#[cfg(test)]
pub mod memory {
    use super::{Backend, StoreError};
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    /// An in-memory backend that can be given a quota, to test the full-storage paths.
    #[derive(Default)]
    pub struct MemoryBackend {
        pub map: RefCell<BTreeMap<String, String>>,
        pub quota: Option<usize>,
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
            self.map.borrow().get(key).cloned()
        }
        fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
            if let Some(q) = self.quota
                && self.used_without(key) + key.len() + value.len() > q
            {
                return Err(StoreError::QuotaExceeded);
            }
            self.map.borrow_mut().insert(key.into(), value.into());
            Ok(())
        }
        fn remove(&self, key: &str) {
            self.map.borrow_mut().remove(key);
        }
        fn keys(&self) -> Vec<String> {
            self.map.borrow().keys().cloned().collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::memory::MemoryBackend;
    use super::*;
    use chrono::TimeZone;
    use huifang_domain::{Channel, CustomerClass, Outcome, Rejected, Role, VisitType};

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

    fn store() -> LocalStore<MemoryBackend> {
        LocalStore::new(MemoryBackend::default())
    }

    fn save(s: &LocalStore<MemoryBackend>, n: u128) -> LocalVisit {
        s.save_visit(
            &user(1),
            Uuid::from_u128(n),
            record(),
            "王女士".into(),
            now(),
            None,
        )
        .unwrap()
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
        assert!(keys.contains(&"huifang/v1/outbox/1".to_owned()));
        assert!(keys.contains(&format!("huifang/v1/visit/{}", Uuid::from_u128(10))));
        assert!(keys.contains(&"huifang/v1/next_seq".to_owned()));
        assert_eq!(keys::outbox(7), "outbox/7");
        assert_eq!(keys::rejected(7), "rejected/7");
    }

    #[test]
    fn the_outbox_is_in_numeric_seq_order() {
        let names = [
            "outbox/10",
            "outbox/9",
            "outbox/100",
            "visit/x",
            "outbox/nope",
            "outbox/1",
        ];
        assert_eq!(keys::seqs(names, "outbox/"), vec![1, 9, 10, 100]);

        let s = store();
        for n in 0..12 {
            save(&s, n);
        }
        let seqs: Vec<u64> = s.outbox().iter().map(|e| e.mutation.seq).collect();
        assert_eq!(seqs, (1..=12).collect::<Vec<_>>());
    }

    #[test]
    fn saving_a_visit_writes_a_constant_number_of_keys() {
        let s = store();
        for n in 0..50 {
            save(&s, n);
        }
        let before = s.backend.keys().len();
        save(&s, 50);
        // One new outbox key and one new visit key; next_seq is rewritten in place.
        assert_eq!(s.backend.keys().len(), before + 2);
        let entry: OutboxEntry = s.get("outbox/51").unwrap();
        assert_eq!(entry.schema, SCHEMA_VERSION);
        assert_eq!(entry.mutation.kind, "visit.record");
        assert_eq!(entry.owner, user(1).id);
    }

    #[test]
    fn a_full_storage_keeps_everything_already_saved_and_adds_nothing() {
        let s = LocalStore::new(MemoryBackend {
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
        assert_eq!(s.outbox().len() as u128, saved);
        assert_eq!(s.visits(user(1).id).len() as u128, saved);
        assert_eq!(s.get::<u64>(keys::NEXT_SEQ), Some(saved as u64 + 1));
    }

    #[test]
    fn acked_entries_leave_the_outbox_and_rejected_ones_need_attention() {
        let s = store();
        for n in 1..=4 {
            save(&s, n);
        }
        let sent = s.outbox();
        let resp = PushResponse {
            acked_seq: 3,
            rejected: vec![Rejected {
                seq: 2,
                code: "invalid".into(),
                message: "bad".into(),
                field: Some("verbatim".into()),
            }],
        };
        s.apply_push(&sent, &resp).unwrap();
        let left: Vec<u64> = s.outbox().iter().map(|e| e.mutation.seq).collect();
        assert_eq!(left, vec![4]);
        let stats = s.queue_stats();
        assert_eq!((stats.queued, stats.rejected), (1, 1));
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
        let rejected = s.rejected();
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0].field.as_deref(), Some("verbatim"));
        assert_eq!(rejected[0].mutation.id, Uuid::from_u128(2));
    }

    #[test]
    fn resending_replaces_the_rejected_entry_with_a_new_seq() {
        let s = store();
        save(&s, 1);
        let sent = s.outbox();
        let resp = PushResponse {
            acked_seq: 1,
            rejected: vec![Rejected {
                seq: 1,
                code: "conflict".into(),
                message: "unknown customer".into(),
                field: None,
            }],
        };
        s.apply_push(&sent, &resp).unwrap();
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
        assert!(s.rejected().is_empty());
        assert_eq!(s.outbox().len(), 1);
        assert_eq!(
            s.visit(Uuid::from_u128(1)).unwrap().state,
            VisitState::Queued
        );

        // Discarding removes both the entry and its local copy.
        let sent = s.outbox();
        let resp = PushResponse {
            acked_seq: 2,
            rejected: vec![Rejected::new(2, huifang_domain::RejectCode::Invalid, "no")],
        };
        s.apply_push(&sent, &resp).unwrap();
        s.discard_rejected(2);
        assert!(s.rejected().is_empty());
        assert!(s.visit(Uuid::from_u128(1)).is_none());
    }

    #[test]
    fn a_lost_answer_is_harmless_because_nothing_is_dropped_before_it() {
        let s = store();
        save(&s, 1);
        save(&s, 2);
        // The push went out but its answer never came: the outbox is untouched.
        assert_eq!(s.outbox().len(), 2);
        // The retry is answered with the same acked_seq; applying it twice changes nothing.
        let sent = s.outbox();
        let resp = PushResponse {
            acked_seq: 2,
            rejected: vec![],
        };
        s.apply_push(&sent, &resp).unwrap();
        s.apply_push(&sent, &resp).unwrap();
        assert!(s.outbox().is_empty());
        assert_eq!(s.visits(user(1).id).len(), 2);
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
        assert_eq!(s.migrate().unwrap(), 1);
        assert_eq!(s.get::<Meta>(keys::META), Some(Meta { schema: 1 }));

        let steps: [Migration<MemoryBackend>; 2] = [to_v2, to_v3];
        assert_eq!(s.migrate_with(&steps, 3).unwrap(), 3);
        assert_eq!(s.get::<u32>("steps"), Some(11));
        assert_eq!(s.get::<bool>("v2_marker"), Some(true));
        // Already current: nothing runs again.
        assert_eq!(s.migrate_with(&steps, 3).unwrap(), 3);
        assert_eq!(s.get::<u32>("steps"), Some(11));
        // Data from a newer app is left alone.
        assert_eq!(s.migrate().unwrap(), 3);
        assert_eq!(s.get::<Meta>(keys::META), Some(Meta { schema: 3 }));
        // A missing step is an error, not a silent skip.
        let fresh = store();
        assert!(fresh.migrate_with(&steps[..1], 3).is_err());
    }

    #[test]
    fn the_device_id_is_made_once() {
        let s = store();
        let a = s.device_id(|| Uuid::from_u128(5)).unwrap();
        let b = s.device_id(|| Uuid::from_u128(6)).unwrap();
        assert_eq!((a, b), (Uuid::from_u128(5), Uuid::from_u128(5)));
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
        assert_eq!(s.outbox().len(), 1);
        assert_eq!(s.visits(user(1).id).len(), 1);
        assert!(s.visits(user(2).id).is_empty());
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
