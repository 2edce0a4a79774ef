//! 反馈分类统计表 and 风险预警: the figures come from the `report_days` rollup (one row per
//! sub-problem and local day), so a year is at most 366 rows per sub-problem whatever the
//! volume; the rules behind them are `huifang_domain::stats` and `huifang_domain::risk`.

use chrono::{DateTime, NaiveDate, Utc};
use huifang_domain::User;
use huifang_domain::period::Period;
use huifang_domain::risk::{self, RiskWarnings, SpikeWarning};
use huifang_domain::stats::{
    self, ActionKind, ActionState, CARRY_LOOKBACK, FeedbackStats, MAX_ACTION_CHARS, StatsRow,
    SuggestedAction,
};
use huifang_domain::ticket::Nature;

use crate::error::{AppError, Result};
use crate::storage::{StatsQueries, StatsRows};

/// Every sub-problem of the vocabulary with its nature: the rows a table can have.
fn vocabulary() -> impl Iterator<Item = (Nature, &'static str)> {
    Nature::ALL
        .iter()
        .flat_map(|n| n.sub_problems().iter().map(move |s| (*n, *s)))
}

fn reports<S: StatsQueries>(s: &S, sub_problem: &str, p: Period) -> Result<u64> {
    Ok(u64::from(s.reports_on_days(
        sub_problem,
        p.first,
        p.last,
    )?))
}

/// The action a row of `period` shows: its own, or an open one carried from before.
fn action_of<S: StatsQueries>(
    s: &S,
    period: Period,
    sub_problem: &str,
) -> Result<Option<SuggestedAction>> {
    let mut chain = Vec::with_capacity(CARRY_LOOKBACK + 1);
    let mut p = period;
    for _ in 0..=CARRY_LOOKBACK {
        let stored = s.stats_action(&p.key(), sub_problem)?;
        let found = stored.is_some();
        chain.push(stored);
        if found {
            break;
        }
        p = p.previous();
    }
    Ok(stats::carried_action(&chain))
}

/// A customer's own words from one ticket of the row, contacts masked.
fn quote<S: StatsQueries>(
    s: &S,
    sub_problem: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Option<String>> {
    Ok(s.quotes(sub_problem, from, to)?
        .into_iter()
        .map(|q| q.trim().to_owned())
        .find(|q| !q.is_empty())
        .map(|q| stats::mask_text(&q)))
}

/// The table of `period` (its UTC `bounds`) against the period before, rows by count
/// (largest first).
pub fn feedback<S: StatsQueries>(
    s: &S,
    period: Period,
    bounds: (DateTime<Utc>, DateTime<Utc>),
) -> Result<FeedbackStats> {
    let previous = period.previous();
    let routing = s.ticket_rules()?.routing;
    let mut counted = Vec::new();
    for (nature, sub_problem) in vocabulary() {
        counted.push((
            nature,
            sub_problem,
            reports(s, sub_problem, period)?,
            reports(s, sub_problem, previous)?,
        ));
    }
    let total: u64 = counted.iter().map(|c| c.2).sum();
    let previous_total: u64 = counted.iter().map(|c| c.3).sum();
    let mut rows = Vec::new();
    for (nature, sub_problem, count, previous_count) in counted {
        if count == 0 {
            continue;
        }
        rows.push(StatsRow {
            nature: nature.as_str().to_owned(),
            sub_problem: sub_problem.to_owned(),
            count,
            share: stats::share(count, total),
            previous_count,
            previous_share: stats::share(previous_count, previous_total),
            quote: quote(s, sub_problem, bounds)?,
            department: routing.route(nature, sub_problem).map(str::to_owned),
            action: action_of(s, period, sub_problem)?,
        });
    }
    stats::sort_rows(&mut rows, stats::SortColumn::Count, true);
    Ok(FeedbackStats {
        period,
        previous,
        total,
        previous_total,
        rows,
    })
}

/// The sub-problems spiking in the 7 local days ending `today`. The CSAT drop is another
/// part's figure and is left out here.
pub fn spikes<S: StatsQueries>(s: &S, today: NaiveDate) -> Result<RiskWarnings> {
    let grading = s.ticket_rules()?.grading;
    let threshold = risk::repeat_threshold(&grading);
    let (window, baseline) = risk::spike_windows(today);
    let mut spikes = Vec::new();
    for (nature, sub_problem) in vocabulary() {
        let count = reports(s, sub_problem, window)?;
        if count == 0 {
            continue;
        }
        let before = reports(s, sub_problem, baseline)?;
        let reasons = risk::spike_reasons(count, before, threshold, grading.risk.spike_factor);
        if reasons.is_empty() {
            continue;
        }
        spikes.push(SpikeWarning {
            nature: nature.as_str().to_owned(),
            sub_problem: sub_problem.to_owned(),
            window,
            reports: count,
            weekly_average: risk::weekly_average(before),
            threshold: threshold.unwrap_or(0),
            reasons,
        });
    }
    spikes.sort_by(|a, b| b.reports.cmp(&a.reports));
    Ok(RiskWarnings {
        spikes,
        csat_drop: None,
    })
}

/// A suggested action as a supervisor sends it, checked field by field.
pub struct ActionEdit {
    pub period: Period,
    pub sub_problem: String,
    pub kind: ActionKind,
    pub text: String,
    pub state: ActionState,
    /// The version of this period's action the editor started from (0: none yet).
    pub version: u64,
}

impl ActionEdit {
    /// Refuses a bad field with 400 naming it, before anything is read or written.
    pub fn parse(
        period: Period,
        sub_problem: String,
        kind: &str,
        text: String,
        state: &str,
        version: u64,
    ) -> Result<ActionEdit> {
        let bad =
            |field: &str, why: &str| AppError::bad_request(format!("{field} {why}"), Some(field));
        if !Nature::is_sub_problem(&sub_problem) {
            return Err(bad("sub_problem", "is not a sub-problem of the vocabulary"));
        }
        let kind = ActionKind::parse(kind)
            .ok_or_else(|| bad("kind", "is not one of script, process, product"))?;
        let state = ActionState::parse(state).ok_or_else(|| bad("state", "is not open or done"))?;
        let text = text.trim().to_owned();
        if text.is_empty() {
            return Err(bad("text", "is empty"));
        }
        if text.chars().count() > MAX_ACTION_CHARS {
            return Err(bad("text", "is longer than 500 characters"));
        }
        Ok(ActionEdit {
            period,
            sub_problem,
            kind,
            text,
            state,
            version,
        })
    }
}

/// Saves the action of a row for its period if nobody saved it since the editor read it;
/// otherwise 409 with what the row shows now. A row that showed a carried action keeps its
/// `since`.
pub fn save_action<S: StatsRows>(
    s: &S,
    by: &User,
    edit: ActionEdit,
    now: DateTime<Utc>,
) -> Result<SuggestedAction> {
    let key = edit.period.key();
    let shown = action_of(s, edit.period, &edit.sub_problem)?;
    let stored = s.stats_action(&key, &edit.sub_problem)?;
    let current = stored.as_ref().map_or(0, |a| a.version);
    if current != edit.version {
        return Err(AppError::Stale {
            message: format!(
                "the action changed since version {} (now {current}); review it and save again",
                edit.version
            ),
            current: serde_json::to_value(&shown)
                .map_err(|e| AppError::Internal(format!("serialising an action: {e}")))?,
        });
    }
    let action = SuggestedAction {
        kind: edit.kind,
        text: edit.text,
        state: edit.state,
        since: shown.map_or(key.clone(), |a| a.since),
        version: current + 1,
    };
    s.save_stats_action(
        &key,
        &edit.sub_problem,
        &action,
        stored.as_ref(),
        by.id,
        now,
    )?;
    Ok(action)
}
