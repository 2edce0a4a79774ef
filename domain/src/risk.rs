//! 风险预警: what the console's red banner lists. A sub-problem that spikes, or a week whose
//! CSAT drops more than the rule settings allow. The rules that find them are functions in
//! this crate; the server feeds them its counts.

use serde::{Deserialize, Serialize};

use crate::period::Period;

/// Why a sub-problem is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpikeReason {
    /// Its reports in the last 7 days reach the grading rule's repeat threshold.
    Threshold,
    /// Its reports in the last 7 days are at least double its weekly average of the 4 weeks
    /// before.
    Doubled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpikeWarning {
    pub nature: String,
    pub sub_problem: String,
    /// The 7 days counted (the last is today, local time).
    pub window: Period,
    pub reports: u64,
    /// Reports per week over the 4 weeks before the window.
    pub weekly_average: f64,
    pub threshold: u64,
    pub reasons: Vec<SpikeReason>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsatDropWarning {
    pub week: Period,
    /// Percent of scores 4–5 this week and the week before.
    pub csat: f64,
    pub previous_csat: f64,
    pub sample: u64,
    pub previous_sample: u64,
    /// The drop that raises the warning, in percentage points (rule settings).
    pub limit_points: f64,
}

/// `GET /api/risks`: empty lists mean no banner.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RiskWarnings {
    pub spikes: Vec<SpikeWarning>,
    pub csat_drop: Option<CsatDropWarning>,
}
