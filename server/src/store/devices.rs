//! Device health rows (issue 12): what pushes and pulls leave on `devices`, and the list the
//! supervisors read. Every write is one statement on the device's primary key; the list
//! reads the `devices` table whole (a centre has a few hundred), never visits or rejections.

use chrono::{DateTime, Utc};
use huifang_domain::Role;
use huifang_domain::devices::{DeviceFacts, DeviceReport, StoredContact};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use uuid::Uuid;

use super::{Store, from_sql_int, parse_ts, parse_uuid, to_sql_int, ts};
use crate::error::{AppError, Result};
use crate::service;
use crate::service::devices::{DeviceQuery, DeviceRead};
use crate::storage::Pushed;

/// Most devices the list reads: far above a centre's few hundred, and a bound on a request.
const DEVICES_MAX: i64 = 10_000;

fn queued_sql(q: Option<u32>) -> Option<i64> {
    q.map(i64::from)
}

/// The end of a push: its seq, its new rejections, and the device's report.
pub(super) fn record_push(tx: &Transaction, id: Uuid, done: &Pushed) -> Result<()> {
    tx.execute(
        "UPDATE devices SET last_seq = ?2, last_push_at = ?3, rejected = rejected + ?4,
             app_version = coalesce(?5, app_version),
             queued = coalesce(?6, queued),
             queued_at = CASE WHEN ?6 IS NULL THEN queued_at ELSE ?3 END
         WHERE device_id = ?1",
        params![
            id.to_string(),
            to_sql_int(done.last_seq),
            ts(done.at),
            to_sql_int(done.new_rejections),
            done.report.app_version,
            queued_sql(done.report.queued),
        ],
    )?;
    Ok(())
}

/// What a pull compares its report with; `None` for a device never seen.
pub(super) fn stored_contact(conn: &Connection, id: Uuid) -> Result<Option<StoredContact>> {
    conn.query_row(
        "SELECT user_id, last_pull_at, app_version, queued FROM devices WHERE device_id = ?1",
        [id.to_string()],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        },
    )
    .optional()?
    .map(|(owner, pulled, app_version, queued)| {
        Ok(StoredContact {
            owner: parse_uuid(&owner)?,
            last_pull_at: pulled.as_deref().map(parse_ts).transpose()?,
            app_version,
            queued: queued.map(queued_from_sql).transpose()?,
        })
    })
    .transpose()
}

fn queued_from_sql(q: i64) -> Result<u32> {
    u32::try_from(q).map_err(|_| AppError::Internal(format!("queued {q} out of range")))
}

/// A pull's contact: a device seen for the first time gets its row (so a device that only
/// reads shows on the list too); another user's device is left alone.
pub(super) fn record_pull(
    tx: &Transaction,
    id: Uuid,
    user: Uuid,
    report: &DeviceReport,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO devices (device_id, user_id, last_seq, created_at, last_pull_at,
                              app_version, queued, queued_at)
         VALUES (?1, ?2, 0, ?3, ?3, ?4, ?5, CASE WHEN ?5 IS NULL THEN NULL ELSE ?3 END)
         ON CONFLICT (device_id) DO UPDATE SET
             last_pull_at = excluded.last_pull_at,
             app_version = coalesce(excluded.app_version, devices.app_version),
             queued = coalesce(excluded.queued, devices.queued),
             queued_at = coalesce(excluded.queued_at, devices.queued_at)
         WHERE devices.user_id = excluded.user_id",
        params![
            id.to_string(),
            user.to_string(),
            ts(now),
            report.app_version,
            queued_sql(report.queued),
        ],
    )?;
    Ok(())
}

type Raw = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    i64,
);

fn facts(raw: Raw) -> Result<DeviceFacts> {
    let (device, user, name, role, first, push, pull, app_version, queued, queued_at, rejected) =
        raw;
    let opt_ts = |t: Option<String>| t.as_deref().map(parse_ts).transpose();
    Ok(DeviceFacts {
        device_id: parse_uuid(&device)?,
        user_id: parse_uuid(&user)?,
        display_name: name,
        role: Role::parse(&role)
            .ok_or_else(|| AppError::Internal(format!("stored role {role}")))?,
        first_seen: parse_ts(&first)?,
        last_push_at: opt_ts(push)?,
        last_pull_at: opt_ts(pull)?,
        app_version,
        queued: queued.map(queued_from_sql).transpose()?,
        queued_at: opt_ts(queued_at)?,
        rejected: from_sql_int(rejected)?,
    })
}

impl DeviceRead for Connection {
    fn all_devices(&self) -> Result<Vec<DeviceFacts>> {
        let mut stmt = self.prepare_cached(
            "SELECT d.device_id, d.user_id, u.display_name, u.role, d.created_at,
                    d.last_push_at, d.last_pull_at, d.app_version, d.queued, d.queued_at,
                    d.rejected
             FROM devices d JOIN users u ON u.id = d.user_id
             LIMIT ?1",
        )?;
        let rows = stmt.query_map([DEVICES_MAX], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
            ))
        })?;
        rows.map(|raw| facts(raw?)).collect()
    }

    fn silent_days(&self) -> Result<u32> {
        Ok(super::catalog::settings(self)?
            .map_or(huifang_domain::devices::SILENT_DAYS_DEFAULT, |(_, s)| {
                s.device_silent_days
            }))
    }
}

impl Store {
    /// `GET /api/devices` (see `service::devices::health`).
    pub async fn device_health(
        &self,
        query: DeviceQuery,
        now: DateTime<Utc>,
    ) -> Result<huifang_domain::devices::DeviceHealth> {
        self.blocking(move |db| db.read(|conn| service::devices::health(conn, &query, now)))
            .await
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use crate::store::schema;

    /// A database an older server left (migrations up to 0015) gets its devices' counters
    /// from what they stored.
    #[test]
    fn the_migration_counts_rejections_and_dates_the_last_push() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
        schema::migrate_to(&mut conn, 15).unwrap();
        let created = "2026-11-01T08:00:00.000000Z";
        conn.execute_batch(&format!(
            "INSERT INTO devices VALUES ('d1', 'u1', 3, '{created}'), ('d2', 'u2', 0, '{created}');
             INSERT INTO rejections VALUES ('d1', 2, 'invalid', 'm', NULL, '2026-11-03T09:00:00.000000Z'),
                                           ('d1', 3, 'invalid', 'm', NULL, '2026-11-02T09:00:00.000000Z');"
        ))
        .unwrap();
        conn.execute(
            "INSERT INTO visits (id, device_id, seq, user_id, customer_id, channel, visit_type,
                                 outcome, attempt, verbatim, follow_up, contacted_at,
                                 recorded_at, received_at)
             VALUES ('v1', 'd1', 1, 'u1', 'c1', 'phone', 'repair', 'reached', 1, '', '',
                     ?1, ?1, '2026-11-04T10:00:00.000000Z')",
            [created],
        )
        .unwrap();
        schema::migrate(&mut conn).unwrap();
        let row = |id: &str| -> (i64, String, Option<String>, Option<i64>) {
            conn.query_row(
                "SELECT rejected, last_push_at, last_pull_at, queued FROM devices
                 WHERE device_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap()
        };
        assert_eq!(
            row("d1"),
            (2, "2026-11-04T10:00:00.000000Z".into(), None, None)
        );
        assert_eq!(row("d2"), (0, created.into(), None, None));
    }
}
