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
//!
//! By concern: [`keys`] (the key layout), [`backend`] (raw storage), [`outbox`] (queued
//! mutations, local visit copies and the server's acknowledgements), [`caches`] (what is kept
//! of the server's data, and drafts), [`scope`] (what leaves it when it leaves the user's
//! scope), [`migration`], [`quota`] (usage and pruning).

mod backend;
mod caches;
mod index;
pub mod keys;
mod migration;
mod outbox;
mod quota;
pub mod retention;
mod scope;

use std::cell::RefCell;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use serde::{Serialize, de::DeserializeOwned};
use uuid::Uuid;

#[cfg(test)]
pub use backend::memory;
pub use backend::{Backend, BrowserBackend};
pub use caches::{CachedFile, Session};
pub use outbox::{OutboxEntry, QueueStats, RejectedEntry, UserBacklog, VisitState};
pub use quota::{Holdings, RETENTION, WARN_PERCENT, usage_percent};

/// Every key of this app starts here; `v1` is the key layout, [`SCHEMA_VERSION`] the content.
pub const NAMESPACE: &str = "huifang/v1/";
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The browser refused the write for lack of space: nothing of it was kept.
    QuotaExceeded,
    /// Local storage is missing or broken (private mode, disabled by policy).
    Unavailable(String),
}

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

    fn all_under<T: DeserializeOwned>(&self, prefix: &str) -> Vec<T> {
        self.names_under(prefix)
            .iter()
            .filter_map(|n| self.get(n))
            .collect()
    }
}

#[cfg(test)]
mod tests;
