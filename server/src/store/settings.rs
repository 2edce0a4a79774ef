//! The organisation's settings through the `Store`: one row (`settings`, written by
//! `catalog::write_settings`), read by everyone and replaced by admins.

use chrono::{DateTime, Utc};
use huifang_domain::User;
use huifang_domain::settings::{Settings, SettingsUpdate, VersionedSettings};
use rusqlite::Transaction;
use uuid::Uuid;

use super::{Store, catalog};
use crate::error::Result;
use crate::service;
use crate::storage::SettingsRows;

impl SettingsRows for Transaction<'_> {
    fn save_settings(&self, settings: &Settings, by: Uuid, now: DateTime<Utc>) -> Result<u64> {
        catalog::write_settings(self, settings, Some(by), now)
    }
}

impl Store {
    pub async fn settings(&self) -> Result<VersionedSettings> {
        self.blocking(|db| db.read(service::settings::current))
            .await
    }

    /// Replaces the settings (see `service::settings::update`).
    pub async fn put_settings(
        &self,
        by: User,
        update: SettingsUpdate,
        now: DateTime<Utc>,
    ) -> Result<VersionedSettings> {
        let update = service::settings::prepare(update)?;
        self.write(move |tx| service::settings::update(tx, &by, update, now))
            .await
    }
}
