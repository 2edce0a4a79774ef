//! 反馈分类统计表: the feedback statistics of a period as the server sends them, the shape
//! the console's table, its Excel export and its chart all read. The figures are computed by
//! the server; the rules behind them (share, change against the previous period) live here.

use serde::{Deserialize, Serialize};

use crate::period::Period;

/// 建议措施: what a supervisor proposes for a row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// 话术优化
    Script,
    /// 流程改进
    Process,
    /// 产品迭代
    Product,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionState {
    Open,
    Done,
}

/// A suggested action, kept per period and row; an open one is carried into the next period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestedAction {
    pub kind: ActionKind,
    pub text: String,
    pub state: ActionState,
    /// The key (`Period::key`) of the period it was written in; differs from the table's
    /// period when it was carried over.
    pub since: String,
    pub version: u64,
}

/// One row of the table: a sub-problem of a feedback type (nature).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsRow {
    pub nature: String,
    pub sub_problem: String,
    pub count: u64,
    /// Percent of the period's total, 0–100.
    pub share: f64,
    pub previous_count: u64,
    pub previous_share: f64,
    /// 典型原话: a customer's own words from this period, contacts masked.
    pub quote: Option<String>,
    /// 责任部门 by the routing rules.
    pub department: Option<String>,
    pub action: Option<SuggestedAction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackStats {
    pub period: Period,
    pub previous: Period,
    pub total: u64,
    pub previous_total: u64,
    pub rows: Vec<StatsRow>,
}

/// `count` as a percentage of `total` (0 when there is nothing to share).
pub fn share(count: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        count as f64 * 100.0 / total as f64
    }
}
