//! The dashboards: rollup sums (`store::dashboard`) turned into the answers, with every rate
//! worked out by `huifang_domain::dashboard`.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use huifang_domain::VisitType;
use huifang_domain::dashboard::{
    AgentFigures, AgentsDashboard, BacklogAge, BacklogDashboard, ClockBreaches, DashboardFilter,
    DepartmentCount, GradeCount, RevisitsDashboard, SatisfactionCounts, SatisfactionDashboard,
    SatisfactionWeek, VisitWeek, VisitsDashboard, csat_drop, mean, percent, reopen_rate,
};
use huifang_domain::period::Period;
use huifang_domain::risk::CsatDropWarning;
use huifang_domain::sla::ClockKind;
use huifang_domain::ticket::{Coverage, CoverageRow, revisit_kind};
use huifang_domain::ticket::{Impact, Nature};
use uuid::Uuid;

use crate::error::{AppError, Result};
use crate::storage::{CatalogQueries, TicketQueries};
use crate::store::dashboard::{DashboardQueries, DayTally, this_and_last_week};

fn sum(days: &[(NaiveDate, DayTally)], period: Period) -> DayTally {
    let mut out = DayTally::default();
    for (_, t) in days.iter().filter(|(d, _)| period.contains(*d)) {
        out.satisfaction += t.satisfaction;
        out.visits += t.visits;
        out.tasks += t.tasks;
    }
    out
}

/// The period and the one before, read in one range; each week counts its days inside the
/// period only.
fn tallies<S: DashboardQueries>(
    s: &S,
    period: Period,
    filter: &DashboardFilter,
) -> Result<(DayTally, DayTally, Vec<(Period, DayTally)>)> {
    let previous = period.previous();
    let days = s.visit_tallies(filter, previous.first, period.last)?;
    let inside: Vec<_> = days
        .iter()
        .copied()
        .filter(|(d, _)| period.contains(*d))
        .collect();
    let weeks = period
        .weeks()
        .into_iter()
        .map(|w| (w, sum(&inside, w)))
        .collect();
    Ok((sum(&days, period), sum(&days, previous), weeks))
}

pub fn satisfaction<S: DashboardQueries + CatalogQueries>(
    s: &S,
    period: Period,
    filter: DashboardFilter,
    now: DateTime<Utc>,
    limit_points: f64,
) -> Result<SatisfactionDashboard> {
    let (current, previous, weeks) = tallies(s, period, &filter)?;
    Ok(SatisfactionDashboard {
        period,
        previous_period: period.previous(),
        filter,
        current: current.satisfaction.figures(),
        previous: previous.satisfaction.figures(),
        weeks: weeks
            .into_iter()
            .map(|(week, t)| SatisfactionWeek {
                week,
                figures: t.satisfaction.figures(),
            })
            .collect(),
        csat_drop: csat_drop_warning(s, now, limit_points)?,
    })
}

pub fn visits<S: DashboardQueries + CatalogQueries>(
    s: &S,
    period: Period,
    filter: DashboardFilter,
) -> Result<VisitsDashboard> {
    let settings = super::settings::current(s)?.settings;
    let (current, previous, weeks) = tallies(s, period, &filter)?;
    Ok(VisitsDashboard {
        period,
        previous_period: period.previous(),
        filter,
        record_within_minutes: settings.record_within_minutes,
        current: current.visits.figures(current.tasks),
        previous: previous.visits.figures(previous.tasks),
        weeks: weeks
            .into_iter()
            .map(|(week, t)| VisitWeek {
                week,
                figures: t.visits.figures(t.tasks),
            })
            .collect(),
    })
}

/// Coverage as `tickets::coverage` has it (the same kinds, the same targets), from the
/// rollup of first resolutions by day.
pub fn revisits<S: DashboardQueries + TicketQueries>(
    s: &S,
    period: Period,
) -> Result<RevisitsDashboard> {
    let targets = s.ticket_rules()?.revisit;
    let mut counts: BTreeMap<VisitType, (u32, u32)> = BTreeMap::new();
    for (nature, resolved, revisited) in s.coverage_tallies(period.first, period.last)? {
        let nature = Nature::parse(&nature)
            .ok_or_else(|| AppError::Internal(format!("unknown nature {nature} in a rollup")))?;
        let e = counts.entry(revisit_kind(nature)).or_default();
        e.0 += u32::try_from(resolved).unwrap_or(u32::MAX);
        e.1 += u32::try_from(revisited).unwrap_or(u32::MAX);
    }
    let mut kinds: Vec<VisitType> = targets.percent_by_type.keys().copied().collect();
    for k in [VisitType::Complaint, VisitType::Repair] {
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    kinds.sort();
    let coverage = kinds
        .into_iter()
        .map(|k| {
            let (resolved, revisited) = counts.get(&k).copied().unwrap_or_default();
            CoverageRow::new(
                k,
                Coverage {
                    resolved,
                    revisited,
                    target_percent: targets.target(k, false),
                },
            )
        })
        .collect();
    let [revisits, first_revisits, closed_first, reopened] =
        s.revisit_tallies(period.first, period.last)?;
    Ok(RevisitsDashboard {
        period,
        coverage,
        revisits,
        first_revisits,
        closed_on_first_revisit: closed_first,
        first_revisit_close_rate: percent(closed_first, first_revisits),
        reopened,
        reopen_rate: reopen_rate(reopened, revisits),
    })
}

fn largest_first(map: BTreeMap<Option<String>, u64>) -> Vec<DepartmentCount> {
    let mut out: Vec<_> = map
        .into_iter()
        .map(|(department, count)| DepartmentCount { department, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.department.cmp(&b.department)));
    out
}

pub fn backlog<S: DashboardQueries>(
    s: &S,
    period: Period,
    now: DateTime<Utc>,
) -> Result<BacklogDashboard> {
    let mut by_grade: BTreeMap<Impact, u64> = Impact::ALL.iter().map(|i| (*i, 0)).collect();
    let mut by_department = BTreeMap::new();
    let mut age = BacklogAge::default();
    for g in s.open_groups(now)? {
        let impact = Impact::parse(&g.impact)
            .ok_or_else(|| AppError::Internal(format!("unknown impact {}", g.impact)))?;
        let n: u64 = g.ages.iter().sum();
        *by_grade.entry(impact).or_default() += n;
        *by_department.entry(g.department).or_default() += n;
        age.under_1d += g.ages[0];
        age.d1_to_3 += g.ages[1];
        age.d3_to_7 += g.ages[2];
        age.over_7d += g.ages[3];
    }
    let (overdue_now, due_next_24h) = s.clock_deadlines(now)?;
    let mut by_kind: BTreeMap<ClockKind, u64> = ClockKind::ALL.iter().map(|k| (*k, 0)).collect();
    let mut breach_departments = BTreeMap::new();
    for (kind, department, n) in s.breach_tallies(period.first, period.last)? {
        if let Some(kind) = ClockKind::parse(&kind) {
            *by_kind.entry(kind).or_default() += n;
        }
        let department = (!department.is_empty()).then_some(department);
        *breach_departments.entry(department).or_default() += n;
    }
    Ok(BacklogDashboard {
        period,
        open: by_grade.values().sum(),
        by_grade: by_grade
            .into_iter()
            .map(|(impact, open)| GradeCount { impact, open })
            .collect(),
        by_department: largest_first(by_department),
        overdue_now,
        due_next_24h,
        breaches_by_kind: by_kind
            .into_iter()
            .map(|(kind, breaches)| ClockBreaches { kind, breaches })
            .collect(),
        breaches_by_department: largest_first(breach_departments),
        age,
    })
}

pub fn agents<S: DashboardQueries>(s: &S, period: Period) -> Result<AgentsDashboard> {
    let mut agents = Vec::new();
    for a in s.agent_tallies(period.first, period.last)? {
        let [
            visits,
            reached,
            score_n,
            score_sum,
            tasks_done,
            on_time,
            resolved,
            revisited,
            reopened,
            returned,
        ] = a.counts;
        if a.counts.iter().all(|n| *n == 0) {
            continue;
        }
        agents.push(AgentFigures {
            user_id: Uuid::parse_str(&a.user_id)
                .map_err(|e| AppError::Internal(format!("bad user id in a rollup: {e}")))?,
            username: a.username,
            display_name: a.display_name,
            visits,
            reached,
            reached_rate: percent(reached, visits),
            satisfaction_sample: score_n,
            average_satisfaction: mean(score_sum, score_n),
            tasks_done,
            on_time,
            on_time_rate: percent(on_time, tasks_done),
            tickets_resolved: resolved,
            revisited,
            reopened,
            reopen_rate: reopen_rate(reopened, revisited),
            returned_by_review: returned,
        });
    }
    agents.sort_by(|a, b| {
        b.visits
            .cmp(&a.visits)
            .then_with(|| a.display_name.cmp(&b.display_name))
    });
    Ok(AgentsDashboard { period, agents })
}

pub fn csat_drop_warning<S: DashboardQueries + CatalogQueries>(
    s: &S,
    now: DateTime<Utc>,
    limit_points: f64,
) -> Result<Option<CsatDropWarning>> {
    let offset = super::settings::current(s)?.settings.utc_offset_minutes;
    let (week, last_week) = this_and_last_week(now, offset);
    let days = s.visit_tallies(&DashboardFilter::default(), last_week.first, week.last)?;
    let counts = |p: Period| -> SatisfactionCounts { sum(&days, p).satisfaction };
    Ok(csat_drop(
        week,
        &counts(week),
        &counts(last_week),
        limit_points,
    ))
}
