//! Push and pull as the `Store` serves them (the use cases are `service::sync`), the rows
//! of devices and their rejections.

use chrono::{DateTime, Utc};
use huifang_domain::devices::{DeviceReport, pull_records_contact};
use huifang_domain::{PushRequest, PushResponse, Rejected, User};
use rusqlite::{OptionalExtension, Transaction, params};
use uuid::Uuid;

use super::{Store, from_sql_int, parse_uuid, to_sql_int, ts};
use crate::error::Result;
use crate::service;
use crate::service::pull::PullPage;
use crate::storage::{Device, DeviceRows, Pushed};

impl Store {
    /// Applies a checked envelope (see `service::sync::push`) in the writer's next group
    /// commit, all or nothing, and answers only after the commit is durable.
    pub async fn apply_push(
        &self,
        user: User,
        req: PushRequest,
        report: DeviceReport,
        now: DateTime<Utc>,
    ) -> Result<PushResponse> {
        self.write(move |tx| service::sync::push(tx, &user, &req, &report, now))
            .await
    }

    /// What changed for `user`'s device after `since` (see `service::pull::pull`), read in
    /// one transaction so every kind and the change version are of the same moment.
    ///
    /// A pull naming its device (`contact`) also records it for device health, but through
    /// the writer only when that is news (`devices::pull_records_contact`): at most once a
    /// minute per device, or when its report changed. Every other pull stays a pure read.
    pub async fn pull(
        &self,
        user: User,
        since: u64,
        snapshot: Option<u64>,
        contact: Option<(Uuid, DeviceReport)>,
        now: DateTime<Utc>,
    ) -> Result<PullPage> {
        let me = user.id;
        let device = contact.as_ref().map(|(id, _)| *id);
        let (page, stored) = self
            .blocking(move |db| {
                db.read(|conn| {
                    let tx = conn.unchecked_transaction()?;
                    let page = service::pull::pull(&tx, &user, since, snapshot, now)?;
                    let stored = device
                        .map(|id| super::devices::stored_contact(&tx, id))
                        .transpose()?
                        .flatten();
                    Ok((page, stored))
                })
            })
            .await?;
        if let Some((id, report)) = contact
            && pull_records_contact(stored.as_ref(), me, &report, now)
        {
            self.write(move |tx| super::devices::record_pull(tx, id, me, &report, now))
                .await?;
        }
        Ok(page)
    }
}

impl DeviceRows for Transaction<'_> {
    fn device(&self, id: Uuid) -> Result<Option<Device>> {
        let found: Option<(String, i64)> = self
            .query_row(
                "SELECT user_id, last_seq FROM devices WHERE device_id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        found
            .map(|(owner, last_seq)| {
                Ok(Device {
                    owner: parse_uuid(&owner)?,
                    last_seq: from_sql_int(last_seq)?,
                })
            })
            .transpose()
    }

    fn add_device(&self, id: Uuid, owner: Uuid, now: DateTime<Utc>) -> Result<()> {
        self.execute(
            "INSERT INTO devices (device_id, user_id, last_seq, created_at)
             VALUES (?1, ?2, 0, ?3)",
            params![id.to_string(), owner.to_string(), ts(now)],
        )?;
        Ok(())
    }

    fn pushed(&self, id: Uuid, done: &Pushed) -> Result<()> {
        super::devices::record_push(self, id, done)
    }

    fn rejection(&self, device: Uuid, seq: u64) -> Result<Option<Rejected>> {
        Ok(self
            .query_row(
                "SELECT code, message, field FROM rejections WHERE device_id = ?1 AND seq = ?2",
                params![device.to_string(), to_sql_int(seq)],
                |r| {
                    Ok(Rejected {
                        seq,
                        code: r.get(0)?,
                        message: r.get(1)?,
                        field: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    fn add_rejection(&self, device: Uuid, r: &Rejected, now: DateTime<Utc>) -> Result<()> {
        self.execute(
            "INSERT INTO rejections (device_id, seq, code, message, field, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                device.to_string(),
                to_sql_int(r.seq),
                r.code,
                r.message,
                r.field,
                ts(now)
            ],
        )?;
        Ok(())
    }
}
