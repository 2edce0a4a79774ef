//! Bringing data written by an older app up to [`SCHEMA_VERSION`], one version at a time.

use serde::{Deserialize, Serialize};

use super::{Backend, LocalStore, SCHEMA_VERSION, StoreError, keys};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub schema: u32,
}

/// Upgrades stored data from version `n` to `n + 1`; index 0 upgrades from 1.
pub type Migration<B> = fn(&LocalStore<B>) -> Result<(), StoreError>;

impl<B: Backend> LocalStore<B> {
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
}
