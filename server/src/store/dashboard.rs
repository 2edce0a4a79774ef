//! The dashboards' reads (`/api/dashboard/*`): sums over the rollups of migration 0017, each a
//! range of a primary key by day (or by agent, then day), plus the open tickets' partial
//! index for the backlog's "now" figures. `store::plans_dashboard` proves every plan.

use chrono::{DateTime, NaiveDate, Utc};
use huifang_domain::dashboard::{
    AgentsDashboard, BacklogDashboard, DashboardFilter, RevisitsDashboard, SatisfactionCounts,
    SatisfactionDashboard, TaskCounts, VisitCounts, VisitsDashboard,
};
use huifang_domain::period::{Period, PeriodKind, local_day};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params_from_iter};
use uuid::Uuid;

use super::{Conn, Store, ts};
use crate::error::Result;
use crate::service::dashboard as service;

/// One local day's sums of the visit rollup.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DayTally {
    pub satisfaction: SatisfactionCounts,
    pub visits: VisitCounts,
    pub tasks: TaskCounts,
}

/// One agent's sums over a period (`agent_days`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AgentTally {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub counts: [u64; 10],
}

/// Open tickets grouped by grade, department and age bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OpenGroup {
    pub impact: String,
    pub department: Option<String>,
    /// Opened less than 1, 1–3, 3–7 and more than 7 days before now.
    pub ages: [u64; 4],
}

pub(crate) trait DashboardQueries {
    /// Per local day in `[first, last]`, the visit rollup filtered as asked.
    fn visit_tallies(
        &self,
        filter: &DashboardFilter,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Vec<(NaiveDate, DayTally)>>;
    fn agent_tallies(&self, first: NaiveDate, last: NaiveDate) -> Result<Vec<AgentTally>>;
    /// `(nature, resolved, revisited)` of tickets first resolved in `[first, last]`.
    fn coverage_tallies(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Vec<(String, u64, u64)>>;
    /// `[revisits, first_revisits, closed_first, reopened]`.
    fn revisit_tallies(&self, first: NaiveDate, last: NaiveDate) -> Result<[u64; 4]>;
    fn open_groups(&self, now: DateTime<Utc>) -> Result<Vec<OpenGroup>>;
    /// `(overdue now, due within 24 h)`, counted in tickets.
    fn clock_deadlines(&self, now: DateTime<Utc>) -> Result<(u64, u64)>;
    /// `(clock kind, department or "", breaches)`.
    fn breach_tallies(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Vec<(String, String, u64)>>;
    fn user_exists(&self, id: Uuid) -> Result<bool>;
}

/// Every ticket state but `closed`, as SQL text: an IN list the backlog index searches.
const OPEN_STATES: &str = "'new', 'assigned', 'in_progress', 'resolved', 'revisit'";

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

const VISIT_SUMS: &str = "SUM(visits), SUM(reached), SUM(reached_attempts), \
     SUM(recorded_in_time), SUM(score_1), SUM(score_2), SUM(score_3), SUM(score_4), \
     SUM(score_5), SUM(nps_n), SUM(promoters), SUM(detractors), SUM(planned), SUM(done), \
     SUM(on_time)";

impl<C: Conn> DashboardQueries for C {
    fn visit_tallies(
        &self,
        filter: &DashboardFilter,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Vec<(NaiveDate, DayTally)>> {
        let mut args: Vec<Value> = Vec::new();
        let mut sql = match filter.agent {
            Some(agent) => {
                args.push(Value::Text(agent.to_string()));
                format!("SELECT day, {VISIT_SUMS} FROM agent_visit_days WHERE user_id = ?")
            }
            None => format!("SELECT day, {VISIT_SUMS} FROM visit_days WHERE true"),
        };
        sql.push_str(" AND day BETWEEN ? AND ?");
        args.push(Value::Text(day(first)));
        args.push(Value::Text(day(last)));
        if let Some(t) = filter.visit_type {
            sql.push_str(" AND visit_type = ?");
            args.push(Value::Text(t.as_str().into()));
        }
        if let Some(c) = filter.channel {
            sql.push_str(" AND channel = ?");
            args.push(Value::Text(c.as_str().into()));
        }
        sql.push_str(" GROUP BY day ORDER BY day");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), |r| {
            let n = |i: usize| r.get::<_, i64>(i).map(count);
            let d: String = r.get(0)?;
            Ok((
                d,
                DayTally {
                    visits: VisitCounts {
                        visits: n(1)?,
                        reached: n(2)?,
                        reached_attempts: n(3)?,
                        recorded_in_time: n(4)?,
                    },
                    satisfaction: SatisfactionCounts {
                        scores: [n(5)?, n(6)?, n(7)?, n(8)?, n(9)?],
                        nps_sample: n(10)?,
                        promoters: n(11)?,
                        detractors: n(12)?,
                    },
                    tasks: TaskCounts {
                        planned: n(13)?,
                        done: n(14)?,
                        on_time: n(15)?,
                    },
                },
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (d, tally) = row?;
            let d = NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|e| {
                crate::error::AppError::Internal(format!("bad rollup day {d}: {e}"))
            })?;
            out.push((d, tally));
        }
        Ok(out)
    }

    /// Summed here rather than by `GROUP BY user_id`: the key leads by day, so SQLite would
    /// sort a year's rows (73,000 at 200 agents) in a temporary B-tree to group them, which
    /// costs several times the walk itself.
    fn agent_tallies(&self, first: NaiveDate, last: NaiveDate) -> Result<Vec<AgentTally>> {
        let conn = self.conn();
        let mut sums: std::collections::HashMap<String, [u64; 10]> = Default::default();
        let mut stmt = conn.prepare_cached(
            "SELECT user_id, visits, reached, score_n, score_sum, tasks_done, on_time, resolved,
                    revisited, reopened, returned
               FROM agent_days WHERE day BETWEEN ?1 AND ?2",
        )?;
        let mut rows = stmt.query([day(first), day(last)])?;
        while let Some(r) = rows.next()? {
            let sum = sums.entry(r.get(0)?).or_default();
            for (i, c) in sum.iter_mut().enumerate() {
                *c += count(r.get(1 + i)?);
            }
        }
        let mut names = conn.prepare_cached(
            "SELECT coalesce(username, ''), coalesce(display_name, '') FROM users WHERE id = ?1",
        )?;
        let mut out = Vec::with_capacity(sums.len());
        for (user_id, counts) in sums {
            let (username, display_name) = names
                .query_row([&user_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .unwrap_or_default();
            out.push(AgentTally {
                user_id,
                username,
                display_name,
                counts,
            });
        }
        Ok(out)
    }

    fn coverage_tallies(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Vec<(String, u64, u64)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT nature, SUM(resolved), SUM(revisited) FROM coverage_days
              WHERE day BETWEEN ?1 AND ?2 GROUP BY nature",
        )?;
        let rows = stmt.query_map([day(first), day(last)], |r| {
            Ok((r.get(0)?, count(r.get(1)?), count(r.get(2)?)))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn revisit_tallies(&self, first: NaiveDate, last: NaiveDate) -> Result<[u64; 4]> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT coalesce(SUM(revisits), 0), coalesce(SUM(first_revisits), 0),
                    coalesce(SUM(closed_first), 0), coalesce(SUM(reopened), 0)
               FROM revisit_days WHERE day BETWEEN ?1 AND ?2",
        )?;
        Ok(stmt.query_row([day(first), day(last)], |r| {
            Ok([
                count(r.get(0)?),
                count(r.get(1)?),
                count(r.get(2)?),
                count(r.get(3)?),
            ])
        })?)
    }

    fn open_groups(&self, now: DateTime<Utc>) -> Result<Vec<OpenGroup>> {
        let ago = |days| ts(now - chrono::Duration::days(days));
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT impact, department,
                    SUM(created_at > ?1),
                    SUM(created_at <= ?1 AND created_at > ?2),
                    SUM(created_at <= ?2 AND created_at >= ?3),
                    SUM(created_at < ?3)
               FROM tickets INDEXED BY tickets_backlog
              WHERE state IN ({OPEN_STATES})
              GROUP BY impact, department"
        ))?;
        let rows = stmt.query_map([ago(1), ago(3), ago(7)], |r| {
            Ok(OpenGroup {
                impact: r.get(0)?,
                department: r.get(1)?,
                ages: [
                    count(r.get(2)?),
                    count(r.get(3)?),
                    count(r.get(4)?),
                    count(r.get(5)?),
                ],
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn clock_deadlines(&self, now: DateTime<Utc>) -> Result<(u64, u64)> {
        let (now_s, soon) = (ts(now), ts(now + chrono::Duration::hours(24)));
        // Overdue: a breach on record and the clock still not met, or a running clock past
        // its deadline that the breach sweep has not reached yet.
        let overdue_ids = "SELECT ticket_id FROM ticket_clocks
                            WHERE met_at IS NULL AND breached_at IS NOT NULL
                           UNION
                           SELECT ticket_id FROM ticket_clocks
                            WHERE check_at IS NOT NULL AND check_at <= ?1";
        let overdue: i64 = self
            .conn()
            .prepare_cached(&format!(
                "SELECT COUNT(*) FROM tickets
                  WHERE id IN ({overdue_ids}) AND state != 'closed'"
            ))?
            .query_row([&now_s], |r| r.get(0))?;
        let due: i64 = self
            .conn()
            .prepare_cached(&format!(
                "SELECT COUNT(*) FROM tickets
                  WHERE id IN (SELECT ticket_id FROM ticket_clocks
                                WHERE check_at IS NOT NULL AND check_at > ?1 AND check_at <= ?2)
                    AND id NOT IN ({overdue_ids})
                    AND state != 'closed'"
            ))?
            .query_row([&now_s, &soon], |r| r.get(0))?;
        Ok((count(overdue), count(due)))
    }

    fn breach_tallies(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Vec<(String, String, u64)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT kind, department, SUM(breaches) FROM breach_days
              WHERE day BETWEEN ?1 AND ?2 GROUP BY kind, department",
        )?;
        let rows = stmt.query_map([day(first), day(last)], |r| {
            Ok((r.get(0)?, r.get(1)?, count(r.get(2)?)))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn user_exists(&self, id: Uuid) -> Result<bool> {
        Ok(self
            .conn()
            .prepare_cached("SELECT 1 FROM users WHERE id = ?1")?
            .exists([id.to_string()])?)
    }
}

impl Store {
    pub async fn dashboard_satisfaction(
        &self,
        period: Period,
        filter: DashboardFilter,
        now: DateTime<Utc>,
    ) -> Result<SatisfactionDashboard> {
        self.blocking(move |db| db.read(|c| service::satisfaction(c, period, filter, now)))
            .await
    }

    pub async fn dashboard_visits(
        &self,
        period: Period,
        filter: DashboardFilter,
    ) -> Result<VisitsDashboard> {
        self.blocking(move |db| db.read(|c| service::visits(c, period, filter)))
            .await
    }

    pub async fn dashboard_revisits(&self, period: Period) -> Result<RevisitsDashboard> {
        self.blocking(move |db| db.read(|c| service::revisits(c, period)))
            .await
    }

    pub async fn dashboard_backlog(
        &self,
        period: Period,
        now: DateTime<Utc>,
    ) -> Result<BacklogDashboard> {
        self.blocking(move |db| db.read(|c| service::backlog(c, period, now)))
            .await
    }

    pub async fn dashboard_agents(&self, period: Period) -> Result<AgentsDashboard> {
        self.blocking(move |db| db.read(|c| service::agents(c, period)))
            .await
    }

    /// Whether `agent` names a user (the dashboards' filter refuses strangers).
    pub async fn user_exists(&self, agent: Uuid) -> Result<bool> {
        self.blocking(move |db| db.read(|c| c.user_exists(agent)))
            .await
    }
}

/// This local week (from its Monday to today) and the whole week before.
pub(crate) fn this_and_last_week(now: DateTime<Utc>, utc_offset_minutes: i32) -> (Period, Period) {
    let today = local_day(now, utc_offset_minutes);
    let week = Period::containing(PeriodKind::Week, today);
    (week, week.previous())
}
