//! The ticket rules as data (grading, SLA policy, business calendar, routing, revisit
//! targets): one settings row each, filled with the domain's defaults on first start and
//! replaced whole by admins (validated, audited, under a new change version).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use huifang_domain::User;
use huifang_domain::calendar::BusinessCalendar;
use huifang_domain::sla::SlaPolicy;
use huifang_domain::ticket::{GradingRules, RevisitTargets, RoutingMap, Staff};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use super::{Store, audit_change, from_json, next_version, to_json, to_sql_int};
use crate::error::{AppError, Result};
use crate::service;
use crate::storage::{Rules, UserQueries};

pub use huifang_domain::ticket::RuleSet;

/// The rule set as first stored: the domain's defaults, and the demo calendar.
fn default_value(key: RuleSet) -> Result<Value> {
    match key {
        RuleSet::Grading => to_json(&GradingRules::default()),
        RuleSet::Sla => to_json(&SlaPolicy::default()),
        RuleSet::Calendar => to_json(&default_calendar()),
        RuleSet::Routing => to_json(&RoutingMap::default()),
        RuleSet::Revisit => to_json(&RevisitTargets::default()),
    }
}

/// Monday to Friday 9:00–18:00 in UTC+8, with the (invented) holidays and make-up working
/// days of the demo years, so clocks do not run over the long breaks.
fn default_calendar() -> BusinessCalendar {
    let days = |list: &[(i32, u32, u32)]| -> Vec<NaiveDate> {
        list.iter()
            .filter_map(|&(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
            .collect()
    };
    BusinessCalendar {
        holidays: days(&[
            (2026, 10, 1),
            (2026, 10, 2),
            (2026, 10, 5),
            (2026, 10, 6),
            (2026, 10, 7),
            (2027, 1, 1),
            (2027, 2, 8),
            (2027, 2, 9),
            (2027, 2, 10),
            (2027, 2, 11),
            (2027, 2, 12),
            (2027, 4, 5),
            (2027, 5, 3),
        ]),
        extra_workdays: days(&[(2026, 10, 10), (2027, 2, 20)]),
        ..BusinessCalendar::default()
    }
}

pub(super) fn ensure_rules(tx: &Transaction) -> Result<()> {
    for &key in RuleSet::ALL {
        if stored(tx, key)?.is_none() {
            let version = next_version(tx)?;
            tx.execute(
                "INSERT INTO ticket_settings (key, value, version) VALUES (?1, ?2, ?3)",
                params![
                    key.as_str(),
                    default_value(key)?.to_string(),
                    to_sql_int(version)
                ],
            )?;
        }
    }
    Ok(())
}

fn stored(conn: &Connection, key: RuleSet) -> Result<Option<Value>> {
    conn.query_row(
        "SELECT value FROM ticket_settings WHERE key = ?1",
        [key.as_str()],
        |r| r.get::<_, String>(0),
    )
    .optional()?
    .map(|text| from_json(&text, key.as_str()))
    .transpose()
}

fn typed<T: DeserializeOwned>(conn: &Connection, key: RuleSet) -> Result<T> {
    let value = stored(conn, key)?
        .ok_or_else(|| AppError::Internal(format!("settings {} missing", key.as_str())))?;
    serde_json::from_value(value)
        .map_err(|e| AppError::Internal(format!("bad stored {}: {e}", key.as_str())))
}

pub(super) fn rules(conn: &Connection) -> Result<Rules> {
    Ok(Rules {
        grading: typed(conn, RuleSet::Grading)?,
        sla: typed(conn, RuleSet::Sla)?,
        routing: typed(conn, RuleSet::Routing)?,
        revisit: typed(conn, RuleSet::Revisit)?,
    })
}

pub(super) fn calendar(conn: &Connection) -> Result<BusinessCalendar> {
    typed(conn, RuleSet::Calendar)
}

impl Store {
    pub async fn rule_set(&self, key: RuleSet) -> Result<Value> {
        self.blocking(move |db| {
            db.read(|conn| stored(conn, key)?.ok_or_else(|| AppError::NotFound))
        })
        .await
    }

    /// Replaces a rule set whole; new tickets follow it at once. Clocks already running keep
    /// the rule they started with, but count working time on the new calendar, so a new
    /// calendar has the breach sweep look at every running clock once more.
    pub async fn put_rule_set(
        &self,
        by: User,
        key: RuleSet,
        value: Value,
        now: DateTime<Utc>,
    ) -> Result<Value> {
        self.write(move |tx| {
            // The revisit rules name people: checked against the users as this write sees them.
            let staff: HashMap<Uuid, Staff> = tx
                .people()?
                .iter()
                .map(|u| (u.id, service::tickets::staff(u)))
                .collect();
            let value = key
                .check(value, |id| staff.get(&id).copied())
                .map_err(|refusal| AppError::bad_request(refusal.message, refusal.field))?;
            let before = stored(tx, key)?;
            let version = next_version(tx)?;
            tx.execute(
                "UPDATE ticket_settings SET value = ?2, version = ?3 WHERE key = ?1",
                params![key.as_str(), value.to_string(), to_sql_int(version)],
            )?;
            if key == RuleSet::Calendar {
                super::tickets::recheck_clocks(tx)?;
            }
            // The rule sets have no UUID; the nil id names "the one row" as for settings.
            audit_change(
                tx,
                now,
                Some(by.id),
                &format!("settings.{}.update", key.as_str()),
                ("settings", Uuid::nil()),
                before.as_ref(),
                &value,
            )?;
            Ok(value)
        })
        .await
    }
}
