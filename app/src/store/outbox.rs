//! Each user's queue of mutations towards the server, the local copies of the visits they
//! saved, and what the server's answer (acknowledged or rejected) does to both.

use chrono::{DateTime, Utc};
use huifang_domain::{Mutation, MutationKind, PushResponse, User, VisitRecord};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Backend, LocalStore, SCHEMA_VERSION, StoreError, keys};

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

impl<B: Backend> LocalStore<B> {
    /// `user`'s identity as stored, or a fresh one (seq 1) not written yet.
    pub(super) fn identity(&self, user: &User) -> DeviceIdentity {
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

    /// How many of `user`'s mutations wait to be sent: what the device reports to the server
    /// (device health).
    pub fn queued_count(&self, user: Uuid) -> usize {
        self.seqs_under(&keys::outbox_of(user)).len()
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
        crate::sorting::sort_by(&mut backlog, |a, b| a.display_name.cmp(&b.display_name));
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
        crate::sorting::sort(&mut order);
        order
            .into_iter()
            .take(n)
            .filter_map(|(_, id)| self.visit(id))
            .collect()
    }

    pub fn visit(&self, id: Uuid) -> Option<LocalVisit> {
        self.get(&keys::visit(id))
    }
}
