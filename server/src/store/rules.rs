//! The ticket rules as data (grading, SLA policy, business calendar, routing, revisit
//! targets): one settings row each, filled with the domain's defaults on first start and
//! replaced whole by admins (validated, audited, under a new change version).

use chrono::{DateTime, NaiveDate, Utc};
use huifang_domain::User;
use huifang_domain::calendar::BusinessCalendar;
use huifang_domain::sla::SlaPolicy;
use huifang_domain::ticket::{GradingRules, RevisitTargets, RoutingMap};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use super::{Store, audit_change, from_json, next_version, to_json, to_sql_int};
use crate::error::{AppError, Result};

/// One of the rule sets behind `/api/settings/{name}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSet {
    Grading,
    Sla,
    Calendar,
    Routing,
    Revisit,
}

impl RuleSet {
    const ALL: [RuleSet; 5] = [
        RuleSet::Grading,
        RuleSet::Sla,
        RuleSet::Calendar,
        RuleSet::Routing,
        RuleSet::Revisit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleSet::Grading => "grading",
            RuleSet::Sla => "sla",
            RuleSet::Calendar => "calendar",
            RuleSet::Routing => "routing",
            RuleSet::Revisit => "revisit",
        }
    }

    pub fn parse(s: &str) -> Option<RuleSet> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    fn default_value(self) -> Result<Value> {
        match self {
            RuleSet::Grading => to_json(&GradingRules::default()),
            RuleSet::Sla => to_json(&SlaPolicy::default()),
            RuleSet::Calendar => to_json(&default_calendar()),
            RuleSet::Routing => to_json(&RoutingMap::default()),
            RuleSet::Revisit => to_json(&RevisitTargets::default()),
        }
    }

    /// Parses an admin's replacement and applies the domain's checks, so a rule set that
    /// would break grading or the clocks is refused before it is stored.
    fn checked(self, value: Value) -> Result<Value> {
        fn parse<T: DeserializeOwned + Serialize>(value: Value) -> Result<T> {
            serde_json::from_value(value).map_err(|e| AppError::bad_request(e.to_string(), None))
        }
        let refuse = |field: &str, message: String| AppError::bad_request(message, Some(field));
        match self {
            RuleSet::Grading => {
                let rules: GradingRules = parse(value)?;
                rules.check().map_err(|m| refuse("rules", m))?;
                to_json(&rules)
            }
            RuleSet::Sla => {
                let policy: SlaPolicy = parse(value)?;
                check_sla(&policy).map_err(|m| refuse("rules", m))?;
                to_json(&policy)
            }
            RuleSet::Calendar => {
                let calendar: BusinessCalendar = parse(value)?;
                calendar
                    .check()
                    .map_err(|e| refuse("calendar", e.to_string()))?;
                to_json(&calendar)
            }
            RuleSet::Routing => {
                let routing: RoutingMap = parse(value)?;
                check_routing(&routing).map_err(|m| refuse("by_sub_problem", m))?;
                to_json(&routing)
            }
            RuleSet::Revisit => {
                let targets: RevisitTargets = parse(value)?;
                let over = targets
                    .percent_by_type
                    .values()
                    .chain([&targets.key_customers_percent])
                    .any(|p| *p > 100);
                if over {
                    return Err(refuse("percent_by_type", "a target is 0–100 %".into()));
                }
                to_json(&targets)
            }
        }
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

/// The domain has no check for a policy; these are the ones the evaluator relies on.
/// A zero-minute clock is allowed: "immediately" is a real deadline.
fn check_sla(policy: &SlaPolicy) -> std::result::Result<(), String> {
    const YEAR_MINUTES: u32 = 366 * 24 * 60;
    for r in &policy.rules {
        if r.minutes > YEAR_MINUTES {
            return Err(format!("a {:?} clock allows at most a year", r.kind));
        }
        if !(1..=100).contains(&r.warn_percent) {
            return Err(format!("the {:?} warning is at 1–100 %", r.kind));
        }
    }
    Ok(())
}

fn check_routing(routing: &RoutingMap) -> std::result::Result<(), String> {
    let departments = routing
        .by_nature
        .values()
        .chain(routing.by_sub_problem.values());
    if departments.into_iter().any(|d| d.trim().is_empty()) {
        return Err("a department needs a name".into());
    }
    let known = |s: &String| {
        [
            huifang_domain::ticket::Nature::Product,
            huifang_domain::ticket::Nature::Service,
            huifang_domain::ticket::Nature::Experience,
        ]
        .iter()
        .any(|n| n.sub_problems().contains(&s.as_str()))
    };
    match routing.by_sub_problem.keys().find(|s| !known(s)) {
        Some(s) => Err(format!("{s:?} is not a sub-problem")),
        None => Ok(()),
    }
}

/// Every rule set, read at once for one decision.
#[derive(Debug, Clone)]
pub(super) struct Rules {
    pub grading: GradingRules,
    pub sla: SlaPolicy,
    pub routing: RoutingMap,
    pub revisit: RevisitTargets,
}

pub(super) fn ensure_rules(tx: &Transaction) -> Result<()> {
    for key in RuleSet::ALL {
        if stored(tx, key)?.is_none() {
            let version = next_version(tx)?;
            tx.execute(
                "INSERT INTO ticket_settings (key, value, version) VALUES (?1, ?2, ?3)",
                params![
                    key.as_str(),
                    key.default_value()?.to_string(),
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
    /// the rule they started with.
    pub async fn put_rule_set(
        &self,
        by: User,
        key: RuleSet,
        value: Value,
        now: DateTime<Utc>,
    ) -> Result<Value> {
        let value = key.checked(value)?;
        self.blocking(move |db| {
            db.write(|tx| {
                let before = stored(tx, key)?;
                let version = next_version(tx)?;
                tx.execute(
                    "UPDATE ticket_settings SET value = ?2, version = ?3 WHERE key = ?1",
                    params![key.as_str(), value.to_string(), to_sql_int(version)],
                )?;
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
        })
        .await
    }
}
