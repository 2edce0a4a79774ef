//! What every device pulls to work offline besides its customers and tasks: the organisation
//! settings, the call scripts and the survey templates. Scripts and surveys keep every
//! version, because a visit record names the version it followed.

use chrono::{DateTime, Utc};
use huifang_domain::script::Script;
use huifang_domain::survey::Survey;
use huifang_domain::task::QuietHours;
use huifang_domain::{Settings, VisitType};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use uuid::Uuid;

use super::{
    Conn, audit, audit_change, from_json, from_sql_int, next_version, parse_uuid, to_json,
    to_sql_int, ts,
};
use crate::error::{AppError, Result};
use crate::storage::CatalogQueries;

/// What a fresh installation starts with (DOMAIN.md: 5–10 minute contacts, records finished
/// within 10 minutes, no calls at rest times); the company name is the operator's to set.
fn default_settings() -> Settings {
    Settings {
        company: String::new(),
        utc_offset_minutes: 8 * 60,
        quiet_hours: QuietHours::default(),
        target_minutes: [5, 10],
        record_within_minutes: 10,
        device_silent_days: 3,
    }
}

/// Creates the settings row on a database that has none, so retries always have quiet hours
/// to respect and a first pull always carries settings.
pub(super) fn ensure_settings(tx: &Transaction, now: DateTime<Utc>) -> Result<()> {
    let exists: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM settings)", [], |r| r.get(0))?;
    if !exists {
        write_settings(tx, &default_settings(), None, now)?;
    }
    Ok(())
}

/// Replaces the settings (a new change version, so every device pulls them again); returns
/// that version.
pub(super) fn write_settings(
    tx: &Transaction,
    s: &Settings,
    user: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let before = settings(tx)?.map(|(_, s)| to_json(&s)).transpose()?;
    let version = next_version(tx)?;
    tx.execute(
        "INSERT INTO settings (id, company, utc_offset_minutes, quiet_hours, target_min_minutes,
                               target_max_minutes, record_within_minutes, device_silent_days, version)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?8, ?7)
         ON CONFLICT (id) DO UPDATE SET
             company = excluded.company, utc_offset_minutes = excluded.utc_offset_minutes,
             quiet_hours = excluded.quiet_hours, target_min_minutes = excluded.target_min_minutes,
             target_max_minutes = excluded.target_max_minutes,
             record_within_minutes = excluded.record_within_minutes,
             device_silent_days = excluded.device_silent_days, version = excluded.version",
        params![
            s.company,
            s.utc_offset_minutes,
            to_json(&s.quiet_hours)?.to_string(),
            s.target_minutes[0],
            s.target_minutes[1],
            s.record_within_minutes,
            to_sql_int(version),
            s.device_silent_days
        ],
    )?;
    super::writer::settings_changed();
    // The settings row has no UUID; the nil id names "the one settings row" in the trail.
    audit_change(
        tx,
        now,
        user,
        "settings.update",
        ("settings", Uuid::nil()),
        before.as_ref(),
        &to_json(s)?,
    )?;
    Ok(version)
}

/// The settings and their change version.
pub(super) fn settings(conn: &Connection) -> Result<Option<(u64, Settings)>> {
    conn.query_row(
        "SELECT version, company, utc_offset_minutes, quiet_hours, target_min_minutes,
                target_max_minutes, record_within_minutes, device_silent_days
         FROM settings WHERE id = 1",
        [],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i32>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, u32>(6)?,
                r.get::<_, u32>(7)?,
            ))
        },
    )
    .optional()?
    .map(
        |(version, company, offset, quiet, min, max, within, silent)| {
            Ok((
                from_sql_int(version)?,
                Settings {
                    company,
                    utc_offset_minutes: offset,
                    quiet_hours: from_json(&quiet, "quiet hours")?,
                    target_minutes: [min, max],
                    record_within_minutes: within,
                    device_silent_days: silent,
                },
            ))
        },
    )
    .transpose()
}

pub(super) use crate::service::utc_offset as offset;

impl<C: Conn> CatalogQueries for C {
    fn settings(&self) -> Result<Option<(u64, Settings)>> {
        super::writer::settings_once(|| settings(self.conn()))
    }

    fn script_version(&self, id: Uuid, version: u32) -> Result<Option<Script>> {
        script_version(self.conn(), id, version)
    }

    fn survey_version(&self, id: Uuid, version: u32) -> Result<Option<Survey>> {
        survey_version(self.conn(), id, version)
    }

    fn scripts_since(&self, since: u64, limit: usize) -> Result<Vec<(u64, Script)>> {
        scripts_since(self.conn(), since, limit)
    }

    fn surveys_since(&self, since: u64, limit: usize) -> Result<Vec<(u64, Survey)>> {
        surveys_since(self.conn(), since, limit)
    }
}

/// Stores a new script version; it must pass `Script::check` and be newer than any stored one.
pub(super) fn insert_script(
    tx: &Transaction,
    script: &Script,
    user: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<()> {
    script
        .check()
        .map_err(|e| AppError::bad_request(e.to_string(), Some("steps")))?;
    newer_than_stored(tx, "scripts", script.id, script.version)?;
    let version = next_version(tx)?;
    tx.execute(
        "INSERT INTO scripts (id, version, visit_type, title, steps, server_version, created_at,
                              published_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            script.id.to_string(),
            script.version,
            script.visit_type.as_str(),
            script.title,
            to_json(&script.steps)?.to_string(),
            to_sql_int(version),
            ts(now),
            user.map(|u| u.to_string())
        ],
    )?;
    audit(
        tx,
        now,
        user,
        "script.publish",
        "script",
        script.id,
        &to_json(script)?,
    )
}

/// Stores a new survey version; it must pass `Survey::check_template` and be newer than any
/// stored one.
pub(super) fn insert_survey(
    tx: &Transaction,
    survey: &Survey,
    user: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<()> {
    survey
        .check_template()
        .map_err(|e| AppError::bad_request(e.to_string(), Some("questions")))?;
    newer_than_stored(tx, "surveys", survey.id, survey.version)?;
    let version = next_version(tx)?;
    tx.execute(
        "INSERT INTO surveys (id, version, title, visit_type, questions, server_version, created_at,
                              published_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            survey.id.to_string(),
            survey.version,
            survey.title,
            survey.visit_type.map(VisitType::as_str),
            to_json(&survey.questions)?.to_string(),
            to_sql_int(version),
            ts(now),
            user.map(|u| u.to_string())
        ],
    )?;
    audit(
        tx,
        now,
        user,
        "survey.publish",
        "survey",
        survey.id,
        &to_json(survey)?,
    )
}

/// Versions only grow: a device holding version 3 must never be handed an older text as news.
fn newer_than_stored(tx: &Transaction, table: &str, id: Uuid, version: u32) -> Result<()> {
    let latest: Option<u32> = tx.query_row(
        &format!("SELECT MAX(version) FROM {table} WHERE id = ?1"),
        [id.to_string()],
        |r| r.get(0),
    )?;
    match latest {
        Some(latest) if version <= latest => Err(AppError::Conflict(format!(
            "{id} already has version {latest}; a new version must be higher"
        ))),
        _ => Ok(()),
    }
}

const SCRIPT_COLUMNS: &str = "server_version, id, version, visit_type, title, steps, retired_at";

fn script_from_row(r: &rusqlite::Row) -> Result<(u64, Script)> {
    let visit_type: String = r.get(3)?;
    Ok((
        from_sql_int(r.get(0)?)?,
        Script {
            id: parse_uuid(&r.get::<_, String>(1)?)?,
            version: r.get(2)?,
            visit_type: VisitType::parse(&visit_type).ok_or_else(|| {
                AppError::Internal(format!("bad stored visit type {visit_type:?}"))
            })?,
            title: r.get(4)?,
            steps: from_json(&r.get::<_, String>(5)?, "script steps")?,
            retired: r.get::<_, Option<String>>(6)?.is_some(),
        },
    ))
}

const SURVEY_COLUMNS: &str =
    "server_version, id, version, title, questions, visit_type, retired_at";

fn survey_from_row(r: &rusqlite::Row) -> Result<(u64, Survey)> {
    Ok((
        from_sql_int(r.get(0)?)?,
        Survey {
            id: parse_uuid(&r.get::<_, String>(1)?)?,
            version: r.get(2)?,
            title: r.get(3)?,
            questions: from_json(&r.get::<_, String>(4)?, "survey questions")?,
            visit_type: r
                .get::<_, Option<String>>(5)?
                .map(|t| {
                    VisitType::parse(&t)
                        .ok_or_else(|| AppError::Internal(format!("bad stored visit type {t:?}")))
                })
                .transpose()?,
            retired: r.get::<_, Option<String>>(6)?.is_some(),
        },
    ))
}

/// The exact script version a record names, current or not.
pub(super) fn script_version(conn: &Connection, id: Uuid, version: u32) -> Result<Option<Script>> {
    conn.query_row(
        &format!("SELECT {SCRIPT_COLUMNS} FROM scripts WHERE id = ?1 AND version = ?2"),
        params![id.to_string(), version],
        |r| Ok(script_from_row(r)),
    )
    .optional()?
    .transpose()
    .map(|found| found.map(|(_, s)| s))
}

pub(super) fn survey_version(conn: &Connection, id: Uuid, version: u32) -> Result<Option<Survey>> {
    conn.query_row(
        &format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE id = ?1 AND version = ?2"),
        params![id.to_string(), version],
        |r| Ok(survey_from_row(r)),
    )
    .optional()?
    .transpose()
    .map(|found| found.map(|(_, s)| s))
}

/// Current script versions changed after `since`, by change version, at most `limit`.
pub(super) fn scripts_since(
    conn: &Connection,
    since: u64,
    limit: usize,
) -> Result<Vec<(u64, Script)>> {
    current_since(
        conn,
        "scripts",
        SCRIPT_COLUMNS,
        since,
        limit,
        script_from_row,
    )
}

/// Current survey versions changed after `since`, by change version, at most `limit`.
pub(super) fn surveys_since(
    conn: &Connection,
    since: u64,
    limit: usize,
) -> Result<Vec<(u64, Survey)>> {
    current_since(
        conn,
        "surveys",
        SURVEY_COLUMNS,
        since,
        limit,
        survey_from_row,
    )
}

/// The newest version of each versioned item (script or survey) whose change is after
/// `since`: devices only ever need the current version, the server keeps the old ones for the
/// records that name them.
fn current_since<T>(
    conn: &Connection,
    table: &str,
    columns: &str,
    since: u64,
    limit: usize,
    from_row: fn(&rusqlite::Row) -> Result<(u64, T)>,
) -> Result<Vec<(u64, T)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {columns} FROM {table} s
         WHERE server_version > ?1
           AND version = (SELECT MAX(version) FROM {table} WHERE id = s.id)
         ORDER BY server_version LIMIT ?2"
    ))?;
    stmt.query_map(params![to_sql_int(since), limit as i64], |r| {
        Ok(from_row(r))
    })?
    .map(|row| row?)
    .collect()
}
