//! The statistics through the `Store`: readers for the table and the risk warnings, the
//! writer for suggested actions (table `stats_actions`, migration 0016).

use chrono::{DateTime, NaiveDate, Utc};
use huifang_domain::User;
use huifang_domain::period::{Period, local_day};
use huifang_domain::risk::RiskWarnings;
use huifang_domain::stats::{ActionKind, ActionState, FeedbackStats, SuggestedAction};
use rusqlite::{OptionalExtension, Transaction, params};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Conn, Store, audit_change, from_sql_int, to_json, to_sql_int, ts};
use crate::error::{AppError, Result};
use crate::service::stats::{self as service, ActionEdit};
use crate::storage::{StatsQueries, StatsRows};

/// A few of the row's latest tickets, from `tickets_duplicates (sub_problem, created_at)`:
/// one index range walked backwards, stopped after five.
pub(super) const QUOTES: &str = "SELECT json_extract(intake, '$.description') FROM tickets
    WHERE sub_problem = ?1 AND created_at >= ?2 AND created_at < ?3
    ORDER BY created_at DESC LIMIT 5";

pub(super) const ACTION: &str = "SELECT kind, text, state, since, version FROM stats_actions
    WHERE period_key = ?1 AND sub_problem = ?2";

/// The audit trail names an action by a stable id made of its period and row.
fn action_id(period_key: &str, sub_problem: &str) -> Uuid {
    let digest = Sha256::digest(format!("stats_action\n{period_key}\n{sub_problem}"));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

impl<C: Conn> StatsQueries for C {
    fn quotes(
        &self,
        sub_problem: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare_cached(QUOTES)?;
        let rows = stmt
            .query_map(params![sub_problem, ts(from), ts(to)], |r| {
                r.get::<_, Option<String>>(0)
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows.into_iter().flatten().collect())
    }

    fn stats_action(&self, period_key: &str, sub_problem: &str) -> Result<Option<SuggestedAction>> {
        let row = self
            .conn()
            .prepare_cached(ACTION)?
            .query_row(params![period_key, sub_problem], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })
            .optional()?;
        let Some((kind, text, state, since, version)) = row else {
            return Ok(None);
        };
        let bad = |what: &str| AppError::Internal(format!("bad stored action {what}"));
        Ok(Some(SuggestedAction {
            kind: ActionKind::parse(&kind).ok_or_else(|| bad("kind"))?,
            text,
            state: ActionState::parse(&state).ok_or_else(|| bad("state"))?,
            since,
            version: from_sql_int(version)?,
        }))
    }
}

impl StatsRows for Transaction<'_> {
    fn save_stats_action(
        &self,
        period_key: &str,
        sub_problem: &str,
        action: &SuggestedAction,
        before: Option<&SuggestedAction>,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO stats_actions
                 (period_key, sub_problem, kind, text, state, since, by_user, at, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (period_key, sub_problem) DO UPDATE SET
                 kind = excluded.kind, text = excluded.text, state = excluded.state,
                 since = excluded.since, by_user = excluded.by_user, at = excluded.at,
                 version = excluded.version",
            params![
                period_key,
                sub_problem,
                action.kind.as_str(),
                action.text,
                action.state.as_str(),
                action.since,
                by.to_string(),
                ts(now),
                to_sql_int(action.version)
            ],
        )?;
        let scope = |a: &SuggestedAction| -> Result<serde_json::Value> {
            let mut v = to_json(a)?;
            v["period"] = period_key.into();
            v["sub_problem"] = sub_problem.into();
            Ok(v)
        };
        audit_change(
            self,
            now,
            Some(by),
            "stats_action_saved",
            ("stats_action", action_id(period_key, sub_problem)),
            before.map(scope).transpose()?.as_ref(),
            &scope(action)?,
        )
    }
}

impl Store {
    /// The feedback statistics of `period` (see `service::stats::feedback`).
    pub async fn feedback_stats(
        &self,
        period: Period,
        bounds: (DateTime<Utc>, DateTime<Utc>),
    ) -> Result<FeedbackStats> {
        self.blocking(move |db| db.read(|conn| service::feedback(conn, period, bounds)))
            .await
    }

    /// The spikes of the 7 local days ending today.
    pub async fn risk_spikes(
        &self,
        now: DateTime<Utc>,
        utc_offset_minutes: i32,
    ) -> Result<RiskWarnings> {
        let today: NaiveDate = local_day(now, utc_offset_minutes);
        self.blocking(move |db| db.read(|conn| service::spikes(conn, today)))
            .await
    }

    pub async fn save_stats_action(
        &self,
        by: User,
        edit: ActionEdit,
        now: DateTime<Utc>,
    ) -> Result<SuggestedAction> {
        self.write(move |tx| service::save_action(tx, &by, edit, now))
            .await
    }
}
