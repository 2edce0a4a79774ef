//! 风险预警: what the console's red banner lists. A sub-problem that spikes, or a week whose
//! CSAT drops more than the rule settings allow. The rules that find them are functions in
//! this crate; the server feeds them its counts.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::period::{Period, PeriodKind};
use crate::ticket::{GradingRules, When};

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

/// The rule settings of the risk warnings, kept with the grading rules (an admin edits both
/// on the rules screen). Stored rules from before they existed read the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RiskRules {
    /// A sub-problem spikes when its last 7 days reach this many times its weekly average of
    /// the 4 weeks before.
    pub spike_factor: f64,
    /// A week's CSAT falling by more than this many percentage points raises a warning.
    pub csat_drop_points: f64,
}

impl Default for RiskRules {
    fn default() -> Self {
        RiskRules {
            spike_factor: 2.0,
            csat_drop_points: 5.0,
        }
    }
}

// The grading rules compare as `Eq`; a stored rule set never holds a NaN (`problem` refuses
// it), so equality is reflexive for every value that is kept.
impl Eq for RiskRules {}

impl RiskRules {
    /// The field at fault and why, for values an admin could not have meant.
    pub fn problem(&self) -> Option<(&'static str, &'static str)> {
        if !(self.spike_factor.is_finite() && (1.1..=10.0).contains(&self.spike_factor)) {
            return Some(("spike_factor", "must be between 1.1 and 10"));
        }
        if !(self.csat_drop_points.is_finite() && (0.5..=100.0).contains(&self.csat_drop_points)) {
            return Some(("csat_drop_points", "must be between 0.5 and 100 points"));
        }
        None
    }
}

/// Days in a spike window, today included.
pub const SPIKE_WINDOW_DAYS: i64 = 7;
/// Weeks before the window its average is taken over.
pub const BASELINE_WEEKS: i64 = 4;

/// The 7 local days ending `today` and the 4 weeks just before them, both as custom periods.
pub fn spike_windows(today: NaiveDate) -> (Period, Period) {
    let window = Period {
        kind: PeriodKind::Custom,
        first: today - Duration::days(SPIKE_WINDOW_DAYS - 1),
        last: today,
    };
    let baseline = Period {
        kind: PeriodKind::Custom,
        first: window.first - Duration::days(7 * BASELINE_WEEKS),
        last: window.first - Duration::days(1),
    };
    (window, baseline)
}

/// The repeat threshold of the grading rules ("same problem 5+ times in 7 days"): the
/// smallest `min` of a `Repeated` test over 7 days, else of any `Repeated` test.
pub fn repeat_threshold(rules: &GradingRules) -> Option<u64> {
    fn collect(w: &When, out: &mut Vec<(u32, u32)>) {
        match w {
            When::Repeated { min, days } => out.push((*days, *min)),
            When::Any(all) | When::All(all) => all.iter().for_each(|w| collect(w, out)),
            _ => {}
        }
    }
    let mut tests = Vec::new();
    rules
        .rules
        .iter()
        .for_each(|r| collect(&r.when, &mut tests));
    let week = tests
        .iter()
        .filter(|(d, _)| i64::from(*d) == SPIKE_WINDOW_DAYS);
    week.map(|(_, m)| *m)
        .min()
        .or_else(|| tests.iter().map(|(_, m)| *m).min())
        .map(u64::from)
}

/// Why a sub-problem with `reports` in the window and `baseline_reports` over the 4 weeks
/// before is flagged (empty: not flagged). A sub-problem never seen before the window has no
/// average to double, so only the threshold can flag it.
pub fn spike_reasons(
    reports: u64,
    baseline_reports: u64,
    threshold: Option<u64>,
    factor: f64,
) -> Vec<SpikeReason> {
    let mut reasons = Vec::new();
    if threshold.is_some_and(|t| reports >= t) {
        reasons.push(SpikeReason::Threshold);
    }
    let average = weekly_average(baseline_reports);
    if average > 0.0 && reports as f64 >= factor * average {
        reasons.push(SpikeReason::Doubled);
    }
    reasons
}

pub fn weekly_average(baseline_reports: u64) -> f64 {
    baseline_reports as f64 / BASELINE_WEEKS as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::GradingRule;
    use SpikeReason::{Doubled, Threshold};

    #[test]
    fn the_spike_rule_flags_the_threshold_and_a_doubled_average() {
        let cases: Vec<(u64, u64, Option<u64>, f64, Vec<SpikeReason>)> = vec![
            (0, 0, Some(5), 2.0, vec![]),
            (4, 0, Some(5), 2.0, vec![]),
            (5, 0, Some(5), 2.0, vec![Threshold]),
            // 8 over 4 weeks: 2 a week; 3 is not double, 4 is.
            (3, 8, Some(5), 2.0, vec![]),
            (4, 8, Some(5), 2.0, vec![Doubled]),
            (6, 8, Some(5), 2.0, vec![Threshold, Doubled]),
            (6, 8, None, 2.0, vec![Doubled]),
            // A fractional average: 1 over 4 weeks is 0.25 a week, 1 report doubles it.
            (1, 1, None, 2.0, vec![Doubled]),
            (5, 8, None, 3.0, vec![]),
            (6, 8, None, 3.0, vec![Doubled]),
            (1, 0, None, 2.0, vec![]),
        ];
        for (reports, baseline, threshold, factor, want) in cases {
            assert_eq!(
                spike_reasons(reports, baseline, threshold, factor),
                want,
                "{reports} {baseline} {threshold:?} {factor}"
            );
        }
    }

    #[test]
    fn the_window_is_the_last_seven_days_and_the_baseline_the_four_weeks_before() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let (window, baseline) = spike_windows(d("2026-12-02"));
        assert_eq!(
            (window.first, window.last),
            (d("2026-11-26"), d("2026-12-02"))
        );
        assert_eq!(
            (baseline.first, baseline.last),
            (d("2026-10-29"), d("2026-11-25"))
        );
        assert_eq!((window.days(), baseline.days()), (7, 28));
    }

    #[test]
    fn the_threshold_comes_from_the_repeat_rule() {
        let rule = |when| GradingRule {
            key: "r".into(),
            when,
            impact_at_least: None,
            priority_at_least: None,
        };
        let with = |rules| GradingRules {
            rules,
            risk: RiskRules::default(),
        };
        assert_eq!(repeat_threshold(&GradingRules::default()), Some(5));
        assert_eq!(repeat_threshold(&with(vec![])), None);
        let nested = When::Any(vec![
            When::PersonalInjury,
            When::Repeated { min: 9, days: 30 },
            When::Repeated { min: 3, days: 7 },
        ]);
        assert_eq!(repeat_threshold(&with(vec![rule(nested)])), Some(3));
        let other = When::Repeated { min: 9, days: 30 };
        assert_eq!(repeat_threshold(&with(vec![rule(other)])), Some(9));
    }

    #[test]
    fn risk_rules_default_when_absent_and_refuse_nonsense() {
        let stored: GradingRules = serde_json::from_str(r#"{"rules": []}"#).unwrap();
        assert_eq!(stored.risk, RiskRules::default());
        let cases = [
            (2.0, 5.0, None),
            (1.0, 5.0, Some("spike_factor")),
            (f64::NAN, 5.0, Some("spike_factor")),
            (2.0, 0.0, Some("csat_drop_points")),
            (2.0, 101.0, Some("csat_drop_points")),
        ];
        for (spike_factor, csat_drop_points, want) in cases {
            let r = RiskRules {
                spike_factor,
                csat_drop_points,
            };
            assert_eq!(r.problem().map(|p| p.0), want, "{r:?}");
        }
    }
}
