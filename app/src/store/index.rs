//! What the store knows about its keys without reading local storage again.
//!
//! Built once from one pass over the stored keys (at start, or when it no longer matches the
//! storage), then kept up to date by every write and removal the store makes. It answers the
//! questions every save and every screen asks (how much is used, which keys are under a
//! prefix, which visits a user has and in what order) in memory, so their cost does not grow
//! with what is stored.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::retention::{Held, Hold, Kind};
use super::{NAMESPACE, keys};

/// A visit's place in the lists and in the retention rule, read from its stored JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitHead {
    pub owner: Uuid,
    /// The lists show the newest contact first, then the newest save.
    pub order: (DateTime<Utc>, DateTime<Utc>),
    pub hold: Hold,
    /// Since when the device holds it in its present state.
    pub since: DateTime<Utc>,
}

#[derive(Debug, Default)]
pub struct Index {
    /// Every key of this app (below the namespace) and its size: key and value in UTF-16
    /// code units, the unit browsers count the quota in.
    sizes: BTreeMap<String, usize>,
    pub total: usize,
    /// How many keys local storage held in all (other apps' included) after the store's last
    /// write; any other count means someone wrote behind the store's back.
    pub backend_keys: usize,
    pub visits: HashMap<Uuid, VisitHead>,
    pub drafts: HashMap<Uuid, DateTime<Utc>>,
    pub files: HashMap<Uuid, DateTime<Utc>>,
}

#[derive(Deserialize)]
struct RawVisit {
    owner: Uuid,
    saved_at: DateTime<Utc>,
    #[serde(default)]
    synced_at: Option<DateTime<Utc>>,
    state: RawState,
    record: RawRecord,
}

#[derive(Deserialize)]
struct RawState {
    state: String,
}

#[derive(Deserialize)]
struct RawRecord {
    contacted_at: DateTime<Utc>,
}

/// Drafts read every field with a default, as [`crate::visits::form::Draft`] does.
#[derive(Deserialize)]
struct RawDraft {
    #[serde(default)]
    updated_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct RawFile {
    at: DateTime<Utc>,
}

fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

fn id_after(name: &str, prefix: &str) -> Option<Uuid> {
    Uuid::parse_str(name.strip_prefix(prefix)?).ok()
}

impl Index {
    /// `name` now holds `raw`.
    pub fn record(&mut self, name: &str, raw: &str) {
        let size = units(NAMESPACE) + units(name) + units(raw);
        match self.sizes.insert(name.to_owned(), size) {
            Some(old) => self.total -= old,
            None => self.backend_keys += 1,
        }
        self.total += size;
        if let Some(id) = id_after(name, keys::VISIT) {
            match serde_json::from_str::<RawVisit>(raw) {
                Ok(v) => {
                    let (hold, since) = match v.state.state.as_str() {
                        "synced" => (Hold::Synced, v.synced_at.unwrap_or(v.saved_at)),
                        "rejected" => (Hold::Attention, v.saved_at),
                        _ => (Hold::Unsynced, v.saved_at),
                    };
                    self.visits.insert(
                        id,
                        VisitHead {
                            owner: v.owner,
                            order: (v.record.contacted_at, v.saved_at),
                            hold,
                            since,
                        },
                    );
                }
                // Unreadable: the store treats it as absent, so the lists do too.
                Err(_) => {
                    self.visits.remove(&id);
                }
            }
        } else if let Some(id) = id_after(name, keys::DRAFT) {
            match serde_json::from_str::<RawDraft>(raw) {
                Ok(d) => self.drafts.insert(id, d.updated_at),
                Err(_) => self.drafts.remove(&id),
            };
        } else if let Some(id) = id_after(name, keys::FILE) {
            match serde_json::from_str::<RawFile>(raw) {
                Ok(f) => self.files.insert(id, f.at),
                Err(_) => self.files.remove(&id),
            };
        }
    }

    /// `name` was removed.
    pub fn forget(&mut self, name: &str) {
        if let Some(old) = self.sizes.remove(name) {
            self.total -= old;
            self.backend_keys -= 1;
        }
        if let Some(id) = id_after(name, keys::VISIT) {
            self.visits.remove(&id);
        } else if let Some(id) = id_after(name, keys::DRAFT) {
            self.drafts.remove(&id);
        } else if let Some(id) = id_after(name, keys::FILE) {
            self.files.remove(&id);
        }
    }

    /// Names under `prefix`, in string order, without touching the others.
    pub fn names_under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.sizes
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .map(|(k, _)| k.as_str())
            .take_while(move |k| k.starts_with(prefix))
    }

    /// Every record the retention rule weighs, with its key name. Queued and refused visits
    /// and drafts are listed too (as never to be pruned), so the rule sees the whole picture.
    pub fn held(&self) -> Vec<(String, Held)> {
        let size = |name: &str| self.sizes.get(name).copied().unwrap_or(0);
        let visits = self.visits.iter().map(|(id, v)| {
            let name = keys::visit(*id);
            let held = Held {
                kind: Kind::Visit,
                hold: v.hold,
                at: v.since,
                units: size(&name),
            };
            (name, held)
        });
        let files = self.files.iter().map(|(id, at)| {
            let name = keys::file(*id);
            let held = Held {
                kind: Kind::File,
                hold: Hold::Synced,
                at: *at,
                units: size(&name),
            };
            (name, held)
        });
        let drafts = self.drafts.iter().map(|(id, at)| {
            let name = keys::draft(*id);
            let held = Held {
                kind: Kind::Draft,
                hold: Hold::Draft,
                at: *at,
                units: size(&name),
            };
            (name, held)
        });
        let mut all: Vec<(String, Held)> = visits.chain(files).chain(drafts).collect();
        // Hash order differs between runs; the rule's tie-break should not.
        crate::sorting::sort_by(&mut all, |a, b| a.0.cmp(&b.0));
        all
    }
}
