//! 看板: the console's dashboards (satisfaction, visits, revisits, SLA and backlog, per
//! agent). The server sums rollups into the tallies below; every rate is worked out here,
//! from those tallies, so the server, the app and the tests agree on one definition.
//!
//! Counts are integers. Rates are percent (`0.0..=100.0`) and `None` when their sample is
//! empty: 0 of 0 is no rate at all, never NaN and never 0 %.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::period::Period;
use crate::risk::CsatDropWarning;
use crate::sla::ClockKind;
use crate::ticket::CoverageRow;
use crate::ticket::vocabulary::Impact;
use crate::vocabulary::{Channel, VisitType};

mod figures;

pub use figures::{
    AgeBucket, SatisfactionCounts, TaskCounts, VisitCounts, age_bucket, attempts_per_reached,
    csat_drop, mean, nps_answer, percent, reopen_rate,
};

/// The CSAT drop, in percentage points week on week, that raises the warning until the rule
/// settings carry their own threshold.
pub const CSAT_DROP_POINTS: f64 = 10.0;

/// The filters of `GET /api/dashboard/satisfaction` and `/visits` (absent: everything).
/// Agents carry no department yet, so visits cannot be filtered by one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_type: Option<VisitType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// A user id (the agent who made the visit / is assigned the task).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<Uuid>,
}

/// Satisfaction figures of one set of visits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SatisfactionFigures {
    /// Visits that gave a 1–5 score: the sample of `average`, `csat` and `distribution`.
    pub sample: u64,
    /// Average score 1–5.
    pub average: Option<f64>,
    /// CSAT: percent of scores 4–5.
    pub csat: Option<f64>,
    /// Scores 1, 2, 3, 4, 5 (index 0 is score 1).
    pub distribution: [u64; 5],
    /// Answers to a 0–10 "would you recommend" (NPS) survey question: the sample of `nps`.
    pub nps_sample: u64,
    pub promoters: u64,
    pub detractors: u64,
    /// NPS: percent promoters (9–10) minus percent detractors (0–6), −100..=100.
    pub nps: Option<f64>,
}

/// One point of a weekly trend.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SatisfactionWeek {
    /// A whole ISO week; the first and last may reach outside the period, only the days
    /// inside it are counted.
    pub week: Period,
    pub figures: SatisfactionFigures,
}

/// `GET /api/dashboard/satisfaction`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SatisfactionDashboard {
    pub period: Period,
    pub previous_period: Period,
    pub filter: DashboardFilter,
    pub current: SatisfactionFigures,
    pub previous: SatisfactionFigures,
    pub weeks: Vec<SatisfactionWeek>,
    /// This local week's CSAT against last week's (the risk rule, unfiltered), if it dropped
    /// more than the limit.
    pub csat_drop: Option<CsatDropWarning>,
}

/// Visit-work figures of one set of tasks and visits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VisitFigures {
    /// Tasks due in the period (cancelled ones left out).
    pub planned: u64,
    /// Of those, done.
    pub done: u64,
    /// Percent of planned tasks done.
    pub done_rate: Option<f64>,
    /// Of the done ones, done by a visit inside the task's due window.
    pub on_time: u64,
    /// Percent of done tasks done on time.
    pub on_time_rate: Option<f64>,
    /// Visits (attempts) made in the period.
    pub visits: u64,
    /// Of those, the customer was reached.
    pub reached: u64,
    /// Percent of visits that reached the customer.
    pub reached_rate: Option<f64>,
    /// Visits recorded within the organisation's "record within N minutes" of the contact.
    pub recorded_in_time: u64,
    /// Percent of visits recorded in time.
    pub recorded_in_time_rate: Option<f64>,
    /// Sum of the attempt numbers of the reaching visits (the 3rd attempt counts 3).
    pub reached_attempts: u64,
    /// Attempts it took per reached customer (`reached_attempts / reached`).
    pub attempts_per_reached: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VisitWeek {
    pub week: Period,
    pub figures: VisitFigures,
}

/// `GET /api/dashboard/visits`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitsDashboard {
    pub period: Period,
    pub previous_period: Period,
    pub filter: DashboardFilter,
    /// The organisation setting the `recorded_in_time` figures are measured against.
    pub record_within_minutes: u32,
    pub current: VisitFigures,
    pub previous: VisitFigures,
    pub weeks: Vec<VisitWeek>,
}

/// `GET /api/dashboard/revisits`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevisitsDashboard {
    pub period: Period,
    /// Revisit coverage per kind of case against its target (tickets first resolved in the
    /// period), as `GET /api/tickets/coverage` has it.
    pub coverage: Vec<CoverageRow>,
    /// Revisits answered in the period (satisfied or not; not reached ones left out).
    pub revisits: u64,
    /// Of those, the ticket's first revisit.
    pub first_revisits: u64,
    /// First revisits answered satisfied: the ticket closed on its first revisit.
    pub closed_on_first_revisit: u64,
    /// Percent of first revisits that closed the ticket.
    pub first_revisit_close_rate: Option<f64>,
    /// Revisits answered unsatisfied: each reopened its ticket.
    pub reopened: u64,
    /// Percent of revisits that reopened the ticket.
    pub reopen_rate: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeCount {
    pub impact: Impact,
    pub open: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentCount {
    /// `None`: not routed to a department.
    pub department: Option<String>,
    pub count: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockBreaches {
    pub kind: ClockKind,
    pub breaches: u64,
}

/// Open tickets by how long ago they were opened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BacklogAge {
    /// Less than a day.
    pub under_1d: u64,
    /// 1 to 3 days.
    pub d1_to_3: u64,
    /// 3 to 7 days.
    pub d3_to_7: u64,
    /// More than 7 days.
    pub over_7d: u64,
}

/// `GET /api/dashboard/backlog`: the open figures are "now"; the breaches are the period's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacklogDashboard {
    pub period: Period,
    /// Tickets not closed.
    pub open: u64,
    /// Every impact, in order, zero included.
    pub by_grade: Vec<GradeCount>,
    /// Largest first.
    pub by_department: Vec<DepartmentCount>,
    /// Open tickets with a running clock past its deadline.
    pub overdue_now: u64,
    /// Open tickets with a running clock due within the next 24 hours (not yet overdue).
    pub due_next_24h: u64,
    /// Clocks breached in the period, every kind, zero included.
    pub breaches_by_kind: Vec<ClockBreaches>,
    /// Clocks breached in the period by the ticket's department, largest first.
    pub breaches_by_department: Vec<DepartmentCount>,
    pub age: BacklogAge,
}

/// One agent's line of `GET /api/dashboard/agents`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentFigures {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    /// Visits made in the period.
    pub visits: u64,
    pub reached: u64,
    pub reached_rate: Option<f64>,
    /// Satisfaction of this agent's visits (sample: scored visits).
    pub satisfaction_sample: u64,
    pub average_satisfaction: Option<f64>,
    /// Tasks due in the period that the agent did, and of those on time.
    pub tasks_done: u64,
    pub on_time: u64,
    pub on_time_rate: Option<f64>,
    /// Tickets the agent resolved in the period.
    pub tickets_resolved: u64,
    /// Revisits answered in the period of tickets the agent holds.
    pub revisited: u64,
    /// Of those, answered unsatisfied (the ticket reopened).
    pub reopened: u64,
    pub reopen_rate: Option<f64>,
    /// The agent's visits of the period a supervisor returned for rework (审核退回).
    pub returned_by_review: u64,
}

/// `GET /api/dashboard/agents`: agents with activity in the period, most visits first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentsDashboard {
    pub period: Period,
    pub agents: Vec<AgentFigures>,
}
