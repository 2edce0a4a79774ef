//! 设备状态 (device health, issue 12): what each device last told the server about itself,
//! and the rules that turn it into flags a supervisor acts on before a shift ends.
//!
//! A device reports itself in request headers, not in the push or pull bodies: a server from
//! before this feature refuses unknown body fields and pull parameters, but ignores headers,
//! so a new app keeps syncing with an old server, and an old app (no headers) with a new one.

use std::cmp::Ordering;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::Role;

/// The pulling device's id (a push names it in its body already).
pub const DEVICE_HEADER: &str = "huifang-device";
/// The app's version, e.g. `0.1.0`.
pub const APP_VERSION_HEADER: &str = "huifang-app-version";
/// Records still waiting in the device's outbox: after the batch on a push, when asked on a
/// pull.
pub const QUEUED_HEADER: &str = "huifang-queued";

/// The longest app version kept: a version string, not a free text.
pub const APP_VERSION_MAX: usize = 32;
/// The organisation's default for "silent": no push or pull for more than this many days.
pub const SILENT_DAYS_DEFAULT: u32 = 3;
/// The allowed range of the silent threshold, in days.
pub const SILENT_DAYS_MIN: u32 = 1;
pub const SILENT_DAYS_MAX: u32 = 90;
/// A pull records its contact at most this often per device unless what it reports changed:
/// pulls are reads, and most of them should not wait for the writer.
pub const PULL_CONTACT_EVERY: Duration = Duration::minutes(1);

/// What one request says about the device that sent it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceReport {
    pub app_version: Option<String>,
    pub queued: Option<u32>,
}

/// A header value the server refuses, with the header it came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadReport {
    pub header: &'static str,
}

impl std::fmt::Display for BadReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "header {} has a bad value", self.header)
    }
}

impl DeviceReport {
    /// Reads the report from the raw header values (absent headers are `None`).
    pub fn parse(app_version: Option<&str>, queued: Option<&str>) -> Result<Self, BadReport> {
        let app_version = app_version
            .map(|v| {
                check_app_version(v).ok_or(BadReport {
                    header: APP_VERSION_HEADER,
                })
            })
            .transpose()?;
        let queued = queued
            .map(|q| {
                q.trim().parse::<u32>().map_err(|_| BadReport {
                    header: QUEUED_HEADER,
                })
            })
            .transpose()?;
        Ok(DeviceReport {
            app_version,
            queued,
        })
    }
}

/// A version string as stored: trimmed, 1–32 characters of `0-9 A-Z a-z . + -`.
pub fn check_app_version(raw: &str) -> Option<String> {
    let v = raw.trim();
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-');
    (!v.is_empty() && v.len() <= APP_VERSION_MAX && v.chars().all(allowed)).then(|| v.to_owned())
}

/// The numbers of `major.minor.patch[-pre][+build]`; `None` when the core is not numbers.
fn version_core(v: &str) -> Option<(Vec<u64>, bool)> {
    let v = v.split('+').next().unwrap_or(v);
    let (core, pre) = match v.split_once('-') {
        Some((core, _)) => (core, true),
        None => (v, false),
    };
    let parts = core
        .split('.')
        .map(|p| p.parse::<u64>().ok())
        .collect::<Option<Vec<_>>>()?;
    Some((parts, pre))
}

/// Orders two app versions by their numbers (`0.10.0` after `0.9.1`, missing parts are 0, a
/// pre-release before its release; build metadata ignored). `None` when either does not read
/// as a version: such a device is never called outdated.
pub fn compare_versions(a: &str, b: &str) -> Option<Ordering> {
    let (mut x, x_pre) = version_core(a)?;
    let (mut y, y_pre) = version_core(b)?;
    let n = x.len().max(y.len());
    x.resize(n, 0);
    y.resize(n, 0);
    Some(x.cmp(&y).then(y_pre.cmp(&x_pre)))
}

/// The newest of the versions seen, by [`compare_versions`].
pub fn newest_version<'a>(seen: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    seen.into_iter()
        .filter(|v| version_core(v).is_some())
        .max_by(|a, b| compare_versions(a, b).unwrap_or(Ordering::Equal))
}

/// Whether a pull should record its contact: a device unknown so far, a last pull a minute
/// old or more, or a report that differs from what is stored. A device of another user is
/// never touched by someone else's pull.
pub fn pull_records_contact(
    stored: Option<&StoredContact>,
    user: Uuid,
    report: &DeviceReport,
    now: DateTime<Utc>,
) -> bool {
    let Some(s) = stored else {
        return true;
    };
    if s.owner != user {
        return false;
    }
    let stale = s
        .last_pull_at
        .is_none_or(|at| now - at >= PULL_CONTACT_EVERY);
    let new_version = report
        .app_version
        .as_ref()
        .is_some_and(|v| s.app_version.as_ref() != Some(v));
    let new_queue = report.queued.is_some_and(|q| s.queued != Some(q));
    stale || new_version || new_queue
}

/// What a pull compares its report with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredContact {
    pub owner: Uuid,
    pub last_pull_at: Option<DateTime<Utc>>,
    pub app_version: Option<String>,
    pub queued: Option<u32>,
}

/// A device as stored, with its person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceFacts {
    pub device_id: Uuid,
    pub user_id: Uuid,
    pub display_name: String,
    pub role: Role,
    pub first_seen: DateTime<Utc>,
    pub last_push_at: Option<DateTime<Utc>>,
    pub last_pull_at: Option<DateTime<Utc>>,
    pub app_version: Option<String>,
    pub queued: Option<u32>,
    pub queued_at: Option<DateTime<Utc>>,
    pub rejected: u64,
}

/// One row of `GET /api/devices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRow {
    pub device_id: Uuid,
    /// The first 8 characters of the id: enough to tell a person's devices apart.
    pub device_short: String,
    pub user_id: Uuid,
    pub display_name: String,
    pub role: Role,
    pub first_seen: DateTime<Utc>,
    pub last_push_at: Option<DateTime<Utc>>,
    pub last_pull_at: Option<DateTime<Utc>>,
    /// The later of the two, or `first_seen` for a device that never did either.
    pub last_contact_at: DateTime<Utc>,
    pub app_version: Option<String>,
    /// Records the device said were still waiting to be sent, and when it said so; `None`
    /// for an app too old to say.
    pub queued: Option<u32>,
    pub queued_at: Option<DateTime<Utc>>,
    /// Mutations of this device the server refused (nothing of them was written).
    pub rejected: u64,
    pub flags: DeviceFlags,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceFlags {
    /// No push or pull for more than the organisation's silent days.
    pub silent: bool,
    /// The device said it still holds records the server does not have.
    pub unsynced: bool,
    /// Its app version is older than the newest seen on any device.
    pub outdated: bool,
}

impl DeviceFlags {
    pub fn needs_attention(self) -> bool {
        self.silent || self.unsynced
    }
}

/// `GET /api/devices`: the rows, most urgent first, and the summary line's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceHealth {
    pub silent_days: u32,
    pub newest_version: Option<String>,
    /// People with at least one device holding unsynced records.
    pub unsynced_people: usize,
    pub silent_devices: usize,
    pub devices: Vec<DeviceRow>,
}

/// Whether no contact came for more than `silent_days` whole days.
pub fn is_silent(last_contact: DateTime<Utc>, now: DateTime<Utc>, silent_days: u32) -> bool {
    now - last_contact > Duration::days(i64::from(silent_days))
}

/// The row of one device, its flags weighed at `now`.
pub fn assess(
    f: DeviceFacts,
    now: DateTime<Utc>,
    silent_days: u32,
    newest: Option<&str>,
) -> DeviceRow {
    let last_contact_at = f.last_push_at.max(f.last_pull_at).unwrap_or(f.first_seen);
    let outdated = match (f.app_version.as_deref(), newest) {
        (Some(v), Some(n)) => compare_versions(v, n) == Some(Ordering::Less),
        _ => false,
    };
    let flags = DeviceFlags {
        silent: is_silent(last_contact_at, now, silent_days),
        unsynced: f.queued.is_some_and(|q| q > 0),
        outdated,
    };
    let id = f.device_id.to_string();
    DeviceRow {
        device_id: f.device_id,
        device_short: id[..8].to_owned(),
        user_id: f.user_id,
        display_name: f.display_name,
        role: f.role,
        first_seen: f.first_seen,
        last_push_at: f.last_push_at,
        last_pull_at: f.last_pull_at,
        last_contact_at,
        app_version: f.app_version,
        queued: f.queued,
        queued_at: f.queued_at,
        rejected: f.rejected,
        flags,
    }
}

/// What needs attention first: unsynced work, then silent devices, then the longest without
/// contact; ties by name and device, so the order is stable.
pub fn attention_order(a: &DeviceRow, b: &DeviceRow) -> Ordering {
    b.flags
        .unsynced
        .cmp(&a.flags.unsynced)
        .then(b.flags.silent.cmp(&a.flags.silent))
        .then(a.last_contact_at.cmp(&b.last_contact_at))
        .then_with(|| a.display_name.cmp(&b.display_name))
        .then(a.device_id.cmp(&b.device_id))
}

/// The whole answer: every device weighed, sorted by [`attention_order`], counted; with
/// `only_attention` just the silent and unsynced ones (the counts are the same either way).
pub fn health(
    facts: Vec<DeviceFacts>,
    newest: Option<&str>,
    now: DateTime<Utc>,
    silent_days: u32,
    only_attention: bool,
) -> DeviceHealth {
    let mut devices: Vec<DeviceRow> = facts
        .into_iter()
        .map(|f| assess(f, now, silent_days, newest))
        .collect();
    devices.sort_by(attention_order);
    let mut people: Vec<Uuid> = devices
        .iter()
        .filter(|d| d.flags.unsynced)
        .map(|d| d.user_id)
        .collect();
    people.sort();
    people.dedup();
    let silent_devices = devices.iter().filter(|d| d.flags.silent).count();
    if only_attention {
        devices.retain(|d| d.flags.needs_attention());
    }
    DeviceHealth {
        silent_days,
        newest_version: newest.map(str::to_owned),
        unsynced_people: people.len(),
        silent_devices,
        devices,
    }
}

/// Checks a `silent_days` filter: 1–90.
pub fn check_silent_days(days: u32) -> bool {
    (SILENT_DAYS_MIN..=SILENT_DAYS_MAX).contains(&days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0).unwrap()
    }

    fn uid(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn facts(n: u128, name: &str) -> DeviceFacts {
        DeviceFacts {
            device_id: uid(0xd000 + n),
            user_id: uid(n),
            display_name: name.into(),
            role: Role::Field,
            first_seen: at(1, 8),
            last_push_at: None,
            last_pull_at: None,
            app_version: None,
            queued: None,
            queued_at: None,
            rejected: 0,
        }
    }

    #[test]
    fn versions_compare_by_their_numbers() {
        use Ordering::*;
        let cases = [
            ("0.1.0", "0.1.0", Some(Equal)),
            ("0.9.1", "0.10.0", Some(Less)),
            ("1.2", "1.2.0", Some(Equal)),
            ("1.2.1", "1.2", Some(Greater)),
            ("1.0.0-rc1", "1.0.0", Some(Less)),
            ("1.0.0+abc", "1.0.0", Some(Equal)),
            ("dev", "1.0.0", None),
            ("1.x", "1.0", None),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare_versions(a, b), want, "{a} vs {b}");
        }
        assert_eq!(
            newest_version(["0.9.1", "dev", "0.10.0", "0.2.0"]),
            Some("0.10.0")
        );
        assert_eq!(newest_version(["dev"]), None);
    }

    #[test]
    fn reports_are_read_or_refused_by_header() {
        assert_eq!(
            DeviceReport::parse(Some(" 0.1.0 "), Some("3")),
            Ok(DeviceReport {
                app_version: Some("0.1.0".into()),
                queued: Some(3)
            })
        );
        assert_eq!(DeviceReport::parse(None, None), Ok(DeviceReport::default()));
        let bad = |v: Option<&str>, q: Option<&str>| DeviceReport::parse(v, q).err();
        assert_eq!(bad(Some(""), None).unwrap().header, APP_VERSION_HEADER);
        assert_eq!(
            bad(Some("0.1 beta"), None).unwrap().header,
            APP_VERSION_HEADER
        );
        assert_eq!(
            bad(Some(&"1".repeat(33)), None).unwrap().header,
            APP_VERSION_HEADER
        );
        assert_eq!(bad(None, Some("-1")).unwrap().header, QUEUED_HEADER);
        assert_eq!(bad(None, Some("many")).unwrap().header, QUEUED_HEADER);
    }

    #[test]
    fn silent_means_more_than_the_days_without_push_or_pull() {
        let now = at(10, 12);
        let cases = [
            // (last push, last pull, silent after 3 days?)
            (None, None, true),                      // first seen on the 1st only
            (Some(at(7, 12)), None, false),          // exactly 3 days
            (Some(at(7, 11)), None, true),           // 3 days and an hour
            (Some(at(2, 8)), Some(at(9, 8)), false), // a recent pull is contact
            (Some(at(9, 8)), Some(at(2, 8)), false),
        ];
        for (push, pull, silent) in cases {
            let mut f = facts(1, "张三");
            f.last_push_at = push;
            f.last_pull_at = pull;
            assert_eq!(
                assess(f, now, 3, None).flags.silent,
                silent,
                "{push:?} {pull:?}"
            );
        }
    }

    #[test]
    fn unsynced_and_outdated_come_from_the_report() {
        let now = at(2, 8);
        let cases = [
            // (queued, version, newest, unsynced, outdated)
            (None, None, Some("0.2.0"), false, false),
            (Some(0), Some("0.2.0"), Some("0.2.0"), false, false),
            (Some(3), Some("0.1.9"), Some("0.2.0"), true, true),
            (Some(1), Some("dev"), Some("0.2.0"), true, false),
        ];
        for (queued, version, newest, unsynced, outdated) in cases {
            let mut f = facts(1, "张三");
            f.last_push_at = Some(at(2, 7));
            f.queued = queued;
            f.app_version = version.map(str::to_owned);
            let flags = assess(f, now, 3, newest).flags;
            assert_eq!((flags.unsynced, flags.outdated), (unsynced, outdated));
        }
    }

    #[test]
    fn unsynced_first_then_silent_then_longest_without_contact() {
        let now = at(10, 12);
        let mut quiet_recent = facts(1, "甲");
        quiet_recent.last_push_at = Some(at(10, 9));
        let mut quiet_older = facts(2, "乙");
        quiet_older.last_pull_at = Some(at(9, 9));
        let mut silent = facts(3, "丙");
        silent.last_push_at = Some(at(5, 9));
        let mut unsynced = facts(4, "丁");
        unsynced.last_push_at = Some(at(10, 11));
        unsynced.queued = Some(2);
        let mut unsynced_twice = facts(4, "丁");
        unsynced_twice.device_id = uid(0xe000);
        unsynced_twice.last_push_at = Some(at(10, 10));
        unsynced_twice.queued = Some(1);
        let all = vec![quiet_recent, silent, unsynced, quiet_older, unsynced_twice];
        let h = health(all.clone(), None, now, 3, false);
        let names: Vec<_> = h
            .devices
            .iter()
            .map(|d| (d.display_name.as_str(), d.last_contact_at))
            .collect();
        assert_eq!(
            names,
            vec![
                ("丁", at(10, 10)),
                ("丁", at(10, 11)),
                ("丙", at(5, 9)),
                ("乙", at(9, 9)),
                ("甲", at(10, 9)),
            ]
        );
        assert_eq!((h.unsynced_people, h.silent_devices), (1, 1));
        let only = health(all, None, now, 3, true);
        assert_eq!(only.devices.len(), 3);
        assert_eq!((only.unsynced_people, only.silent_devices), (1, 1));
    }

    #[test]
    fn a_pull_writes_only_when_its_contact_is_news() {
        let now = at(2, 8);
        let me = uid(1);
        let stored = StoredContact {
            owner: me,
            last_pull_at: Some(now - Duration::seconds(30)),
            app_version: Some("0.1.0".into()),
            queued: Some(0),
        };
        let same = DeviceReport {
            app_version: Some("0.1.0".into()),
            queued: Some(0),
        };
        assert!(pull_records_contact(None, me, &same, now));
        assert!(!pull_records_contact(Some(&stored), me, &same, now));
        assert!(!pull_records_contact(
            Some(&stored),
            me,
            &DeviceReport::default(),
            now
        ));
        assert!(!pull_records_contact(Some(&stored), uid(2), &same, now));
        let queued = DeviceReport {
            queued: Some(2),
            ..same.clone()
        };
        assert!(pull_records_contact(Some(&stored), me, &queued, now));
        let newer = DeviceReport {
            app_version: Some("0.2.0".into()),
            ..same.clone()
        };
        assert!(pull_records_contact(Some(&stored), me, &newer, now));
        let minute_later = now + Duration::seconds(30);
        assert!(pull_records_contact(Some(&stored), me, &same, minute_later));
    }

    #[test]
    fn silent_days_range() {
        assert!(!check_silent_days(0));
        assert!(check_silent_days(1));
        assert!(check_silent_days(90));
        assert!(!check_silent_days(91));
    }
}
