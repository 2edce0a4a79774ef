//! How much of the browser's quota the app uses, and making room by the retention rule.

use uuid::Uuid;

use super::{Backend, LocalStore, retention};

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

/// How many of each kind of record the device holds, for the storage panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Holdings {
    pub synced: usize,
    pub queued: usize,
    pub rejected: usize,
    pub drafts: usize,
    pub files: usize,
}

impl<B: Backend> LocalStore<B> {
    /// Removes the synced copies the [`RETENTION`] rule gives up now; returns how many.
    pub fn prune(&self) -> usize {
        self.prune_as_if(self.usage())
    }

    /// Prunes as if `used` units were in use: a browser that refuses a write is full,
    /// whatever the store's own count says.
    pub(super) fn prune_as_if(&self, used: usize) -> usize {
        let held = self.with_index(|ix| ix.held());
        let weighed: Vec<retention::Held> = held.iter().map(|(_, h)| *h).collect();
        let chosen = retention::to_prune(&weighed, &RETENTION, used, (self.clock)());
        for &i in &chosen {
            self.remove(&held[i].0);
        }
        chosen.len()
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
