//! 分类定级: grading rules are data with a small evaluator, so admins can change thresholds
//! while the device suggests a grade offline and the server decides with the same code.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::vocabulary::{DemandKind, Impact, Nature, TicketPriority};
use crate::risk::RiskRules;
use crate::vocabulary::Emotion;

/// What a grading rule can see about a report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    pub nature: Option<Nature>,
    pub sub_problem: String,
    pub emotion: Option<Emotion>,
    pub demand: Option<DemandKind>,
    pub personal_injury: bool,
    pub property_loss: bool,
    /// Reports of the same sub-problem in each rule's window ([`repeat_window`]) by its
    /// days, across customers and channels, this one included. Only the server can count these; the device passes what it knows.
    pub similar_reports: BTreeMap<u32, u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum When {
    PersonalInjury,
    PropertyLoss,
    Nature(Nature),
    SubProblem(String),
    Emotion(Emotion),
    Demand(DemandKind),
    /// The same sub-problem reported at least `min` times in the last `days` calendar days
    /// of the organisation (today included; see [`repeat_window`]).
    Repeated {
        min: u32,
        days: u32,
    },
    Any(Vec<When>),
    All(Vec<When>),
}

impl When {
    fn holds(&self, f: &Facts) -> bool {
        match self {
            When::PersonalInjury => f.personal_injury,
            When::PropertyLoss => f.property_loss,
            When::Nature(n) => f.nature == Some(*n),
            When::SubProblem(s) => &f.sub_problem == s,
            When::Emotion(e) => f.emotion == Some(*e),
            When::Demand(d) => f.demand == Some(*d),
            When::Repeated { min, days } => {
                f.similar_reports.get(days).copied().unwrap_or(1) >= *min
            }
            When::Any(all) => all.iter().any(|w| w.holds(f)),
            When::All(all) => all.iter().all(|w| w.holds(f)),
        }
    }

    /// Windows (in days) of every `Repeated` test, so the server knows what to count.
    fn windows(&self, out: &mut Vec<u32>) {
        match self {
            When::Repeated { days, .. } => out.push(*days),
            When::Any(all) | When::All(all) => all.iter().for_each(|w| w.windows(out)),
            _ => {}
        }
    }
}

/// The calendar day, in the organisation's local time (`utc_offset_minutes` east of UTC), a
/// report made at `at` counts on.
pub fn report_day(at: DateTime<Utc>, utc_offset_minutes: i32) -> NaiveDate {
    (at + Duration::minutes(i64::from(utc_offset_minutes))).date_naive()
}

/// The first and last day (both included) of a repeat window of `days` at `now`: today in
/// local time and the `days - 1` days before it. Calendar days rather than a rolling
/// `days × 24` hours, so the server counts a window from one total per day.
pub fn repeat_window(
    now: DateTime<Utc>,
    utc_offset_minutes: i32,
    days: u32,
) -> (NaiveDate, NaiveDate) {
    let today = report_day(now, utc_offset_minutes);
    let back = Days::new(u64::from(days.saturating_sub(1)));
    (
        today.checked_sub_days(back).unwrap_or(NaiveDate::MIN),
        today,
    )
}

/// One grading rule: when it holds, impact and priority are raised to at least these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradingRule {
    pub key: String,
    pub when: When,
    #[serde(default)]
    pub impact_at_least: Option<Impact>,
    #[serde(default)]
    pub priority_at_least: Option<TicketPriority>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradingRules {
    pub rules: Vec<GradingRule>,
    /// The risk warnings' thresholds (the repeat threshold is the rules' own).
    #[serde(default)]
    pub risk: RiskRules,
}

/// The grade a set of rules gives, and which rules fired (shown to the user: a grade is
/// never a mystery).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grade {
    pub impact: Impact,
    pub priority: TicketPriority,
    pub fired: Vec<String>,
}

impl Default for GradingRules {
    /// The rules of DOMAIN.md "Classification".
    fn default() -> Self {
        let rule = |key: &str, when, impact, priority| GradingRule {
            key: key.into(),
            when,
            impact_at_least: impact,
            priority_at_least: priority,
        };
        GradingRules {
            rules: vec![
                rule(
                    "injury_or_loss",
                    When::Any(vec![When::PersonalInjury, When::PropertyLoss]),
                    Some(Impact::Urgent),
                    Some(TicketPriority::High),
                ),
                rule(
                    "repeated_5_in_7_days",
                    When::Repeated { min: 5, days: 7 },
                    Some(Impact::Important),
                    Some(TicketPriority::Medium),
                ),
                rule(
                    "strong_complaint",
                    When::Emotion(Emotion::Angry),
                    None,
                    Some(TicketPriority::High),
                ),
                rule(
                    "affects_use",
                    When::Nature(Nature::Product),
                    None,
                    Some(TicketPriority::Medium),
                ),
            ],
            risk: RiskRules::default(),
        }
    }
}

impl GradingRules {
    /// Starts at general / low and lets every rule that holds raise the grade; rules never
    /// lower it, so their order does not matter.
    pub fn grade(&self, facts: &Facts) -> Grade {
        let mut grade = Grade {
            impact: Impact::General,
            priority: TicketPriority::Low,
            fired: Vec::new(),
        };
        for rule in self.rules.iter().filter(|r| r.when.holds(facts)) {
            if let Some(i) = rule.impact_at_least {
                grade.impact = grade.impact.max(i);
            }
            if let Some(p) = rule.priority_at_least {
                grade.priority = grade.priority.max(p);
            }
            grade.fired.push(rule.key.clone());
        }
        grade
    }

    /// The repeat windows (days) the rules look at, sorted and without duplicates.
    pub fn repeat_windows(&self) -> Vec<u32> {
        let mut out = Vec::new();
        self.rules.iter().for_each(|r| r.when.windows(&mut out));
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Refuses rule sets an admin could not have meant.
    pub fn check(&self) -> Result<(), String> {
        if let Some((field, why)) = self.risk.problem() {
            return Err(format!("risk {field} {why}"));
        }
        let mut keys = std::collections::BTreeSet::new();
        for r in &self.rules {
            if !keys.insert(r.key.as_str()) {
                return Err(format!("rule {:?} appears twice", r.key));
            }
            if r.impact_at_least.is_none() && r.priority_at_least.is_none() {
                return Err(format!("rule {:?} changes nothing", r.key));
            }
            let mut windows = Vec::new();
            r.when.windows(&mut windows);
            if windows.iter().any(|d| !(1..=365).contains(d)) {
                return Err(format!("rule {:?} counts over 1–365 days only", r.key));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            nature: Some(Nature::Service),
            sub_problem: "attitude".into(),
            emotion: Some(Emotion::Calm),
            demand: Some(DemandKind::Emotional),
            ..Facts::default()
        }
    }

    #[test]
    fn the_default_rules_grade_as_the_handbook_says() {
        let rules = GradingRules::default();
        let repeated = |n| Facts {
            similar_reports: BTreeMap::from([(7, n)]),
            ..facts()
        };
        let table: Vec<(Facts, Impact, TicketPriority, Vec<&str>)> = vec![
            (facts(), Impact::General, TicketPriority::Low, vec![]),
            (
                Facts {
                    personal_injury: true,
                    ..facts()
                },
                Impact::Urgent,
                TicketPriority::High,
                vec!["injury_or_loss"],
            ),
            (
                Facts {
                    property_loss: true,
                    ..facts()
                },
                Impact::Urgent,
                TicketPriority::High,
                vec!["injury_or_loss"],
            ),
            (repeated(4), Impact::General, TicketPriority::Low, vec![]),
            (
                repeated(5),
                Impact::Important,
                TicketPriority::Medium,
                vec!["repeated_5_in_7_days"],
            ),
            (
                Facts {
                    emotion: Some(Emotion::Angry),
                    ..facts()
                },
                Impact::General,
                TicketPriority::High,
                vec!["strong_complaint"],
            ),
            (
                Facts {
                    nature: Some(Nature::Product),
                    sub_problem: "quality_defect".into(),
                    ..facts()
                },
                Impact::General,
                TicketPriority::Medium,
                vec!["affects_use"],
            ),
            (
                Facts {
                    personal_injury: true,
                    nature: Some(Nature::Product),
                    similar_reports: BTreeMap::from([(7, 9)]),
                    ..facts()
                },
                Impact::Urgent,
                TicketPriority::High,
                vec!["injury_or_loss", "repeated_5_in_7_days", "affects_use"],
            ),
        ];
        for (i, (f, impact, priority, fired)) in table.into_iter().enumerate() {
            let g = rules.grade(&f);
            assert_eq!((g.impact, g.priority), (impact, priority), "case {i}");
            assert_eq!(g.fired, fired, "case {i}");
        }
    }

    #[test]
    fn admins_can_change_thresholds_and_rules_as_data() {
        let rules: GradingRules = serde_json::from_value(serde_json::json!({"rules": [
            {"key": "three_in_two_days", "when": {"repeated": {"min": 3, "days": 2}},
             "impact_at_least": "important"},
            {"key": "angry_compensation", "when": {"all": [{"emotion": "angry"}, {"demand": "compensation"}]},
             "priority_at_least": "high"}
        ]}))
        .unwrap();
        assert_eq!(rules.check(), Ok(()));
        assert_eq!(rules.repeat_windows(), [2]);
        let g = rules.grade(&Facts {
            similar_reports: BTreeMap::from([(2, 3)]),
            emotion: Some(Emotion::Angry),
            demand: Some(DemandKind::Compensation),
            ..facts()
        });
        assert_eq!(
            (g.impact, g.priority),
            (Impact::Important, TicketPriority::High)
        );
        let g = rules.grade(&Facts {
            emotion: Some(Emotion::Angry),
            ..facts()
        });
        assert_eq!(
            (g.impact, g.priority),
            (Impact::General, TicketPriority::Low)
        );
    }

    #[test]
    fn a_repeat_window_is_today_and_the_days_before_it_in_local_time() {
        use chrono::TimeZone;
        let utc = |d, h, m| Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap();
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        // (now, offset minutes, days) → (first, last)
        let table = [
            // 15:59 UTC is 23:59 in Beijing: still Monday the 23rd there.
            (utc(23, 15, 59), 480, 7, (day(11, 17), day(11, 23))),
            // 16:00 UTC is midnight in Beijing: Tuesday, and the window moves a day.
            (utc(23, 16, 0), 480, 7, (day(11, 18), day(11, 24))),
            // The same instants in UTC are both Monday.
            (utc(23, 15, 59), 0, 7, (day(11, 17), day(11, 23))),
            (utc(23, 16, 0), 0, 7, (day(11, 17), day(11, 23))),
            // West of UTC: 03:00 UTC on the 23rd is still the 22nd in UTC−5.
            (utc(23, 3, 0), -300, 7, (day(11, 16), day(11, 22))),
            // One day is today only; a window over a month's end.
            (utc(23, 2, 0), 480, 1, (day(11, 23), day(11, 23))),
            (utc(2, 2, 0), 480, 7, (day(10, 27), day(11, 2))),
        ];
        for (i, (now, offset, days, want)) in table.into_iter().enumerate() {
            assert_eq!(repeat_window(now, offset, days), want, "case {i}");
            assert_eq!(report_day(now, offset), want.1, "case {i}");
        }
    }

    #[test]
    fn rule_sets_an_admin_cannot_mean_are_refused() {
        let rule = |key: &str, days| GradingRule {
            key: key.into(),
            when: When::Repeated { min: 2, days },
            impact_at_least: Some(Impact::Important),
            priority_at_least: None,
        };
        let set = |rules| GradingRules {
            rules,
            risk: RiskRules::default(),
        };
        assert!(set(vec![rule("a", 7)]).check().is_ok());
        assert!(set(vec![rule("a", 7), rule("a", 3)]).check().is_err());
        assert!(set(vec![rule("a", 0)]).check().is_err());
        assert!(
            set(vec![GradingRule {
                impact_at_least: None,
                ..rule("a", 7)
            }])
            .check()
            .is_err()
        );
        assert!(GradingRules::default().check().is_ok());
    }
}
