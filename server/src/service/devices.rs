//! 设备状态: who has unsynced work, which devices went silent (the rules are
//! `huifang_domain::devices`).

use chrono::{DateTime, Utc};
use huifang_domain::Role;
use huifang_domain::devices::{self, DeviceFacts, DeviceHealth};
use uuid::Uuid;

use crate::error::Result;

/// The devices as stored and the organisation's silent threshold.
pub trait DeviceRead {
    fn all_devices(&self) -> Result<Vec<DeviceFacts>>;
    fn silent_days(&self) -> Result<u32>;
}

/// `GET /api/devices`'s filters, checked.
#[derive(Debug, Clone, Default)]
pub struct DeviceQuery {
    /// Overrides the organisation's `device_silent_days` for this reading.
    pub silent_days: Option<u32>,
    pub role: Option<Role>,
    pub user: Option<Uuid>,
    /// Only silent or unsynced devices.
    pub attention: bool,
}

/// Every device, weighed against the newest app version seen on any of them (whatever the
/// filters), filtered, most urgent first.
pub fn health<S: DeviceRead>(s: &S, q: &DeviceQuery, now: DateTime<Utc>) -> Result<DeviceHealth> {
    let silent_days = match q.silent_days {
        Some(days) => days,
        None => s.silent_days()?,
    };
    let all = s.all_devices()?;
    let newest = devices::newest_version(all.iter().filter_map(|d| d.app_version.as_deref()))
        .map(str::to_owned);
    let chosen = all
        .into_iter()
        .filter(|d| q.role.is_none_or(|r| d.role == r))
        .filter(|d| q.user.is_none_or(|u| d.user_id == u))
        .collect();
    Ok(devices::health(
        chosen,
        newest.as_deref(),
        now,
        silent_days,
        q.attention,
    ))
}
