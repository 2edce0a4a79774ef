//! 意见登记: a report as it comes in, its checks, and how a duplicate is recognised.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::grading::Facts;
use super::vocabulary::{DemandKind, IntakeChannel, Nature};
use crate::error::{ValidationError, ValidationKind::*};
use crate::vocabulary::Emotion;

pub const MAX_DESCRIPTION: usize = 2000;
pub const MAX_NOTE: usize = 2000;
pub const MAX_REPORTER: usize = 64;
pub const MAX_CONTACT: usize = 32;

/// The `data` of `ticket.create` (意见登记): the intake fields of DOMAIN.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketIntake {
    /// Registered customer, or `None` for an anonymous or unregistered reporter.
    #[serde(default)]
    pub customer_id: Option<Uuid>,
    /// How the reporter called themselves (may be partial: "王女士"); empty if anonymous.
    #[serde(default)]
    pub reporter: String,
    /// A reachable contact; kept full on the server only, masked everywhere else.
    #[serde(default)]
    pub contact: Option<String>,
    pub channel: IntakeChannel,
    pub nature: Nature,
    pub sub_problem: String,
    /// The concrete description, in the customer's words where possible.
    pub description: String,
    #[serde(default)]
    pub emotion: Option<Emotion>,
    pub demand: DemandKind,
    #[serde(default)]
    pub personal_injury: bool,
    #[serde(default)]
    pub property_loss: bool,
    /// The visit that found the problem.
    #[serde(default)]
    pub visit_id: Option<Uuid>,
    /// An existing ticket this report duplicates (the user accepted the offered link): the
    /// report is recorded on that ticket and counted, not opened again.
    #[serde(default)]
    pub duplicate_of: Option<Uuid>,
}

impl TicketIntake {
    /// No name and no contact: it cannot be revisited, only answered in writing.
    pub fn is_anonymous(&self) -> bool {
        self.customer_id.is_none() && self.contact.as_deref().is_none_or(|c| c.trim().is_empty())
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        if !self.nature.has_sub_problem(&self.sub_problem) {
            return Err(ValidationError::new(
                "sub_problem",
                NotAllowed,
                format!(
                    "{:?} is not a sub-problem of {:?}",
                    self.sub_problem, self.nature
                ),
            ));
        }
        if self.description.trim().is_empty() {
            return Err(ValidationError::new(
                "description",
                Required,
                "describe the problem",
            ));
        }
        let too_long = [
            (
                "description",
                crate::char_len(&self.description),
                MAX_DESCRIPTION,
            ),
            ("reporter", crate::char_len(&self.reporter), MAX_REPORTER),
            (
                "contact",
                self.contact.as_deref().map_or(0, crate::char_len),
                MAX_CONTACT,
            ),
        ];
        if let Some((field, _, max)) = too_long.iter().find(|(_, len, max)| len > max) {
            return Err(ValidationError::new(
                field,
                TooLong,
                format!("{field} is limited to {max} characters"),
            ));
        }
        Ok(())
    }

    /// What the grading rules see; `similar_reports` comes from the server's count.
    pub fn facts(&self, similar_reports: BTreeMap<u32, u32>) -> Facts {
        Facts {
            nature: Some(self.nature),
            sub_problem: self.sub_problem.clone(),
            emotion: self.emotion,
            demand: Some(self.demand),
            personal_injury: self.personal_injury,
            property_loss: self.property_loss,
            similar_reports,
        }
    }
}

/// What identifies "the same problem from the same customer" at intake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey<'a> {
    pub customer_id: Option<Uuid>,
    /// Masked or full contact, compared as given.
    pub contact: Option<&'a str>,
    pub sub_problem: &'a str,
    pub reported_at: DateTime<Utc>,
}

/// Likely the same report (any channel): same customer (or, for unregistered reporters, the
/// same contact) and the same sub-problem within `window`. The user confirms the link; this
/// only offers it.
pub fn likely_duplicate(a: &DuplicateKey, b: &DuplicateKey, window: Duration) -> bool {
    let same_person = match (a.customer_id, b.customer_id) {
        (Some(x), Some(y)) => x == y,
        _ => a.contact.is_some() && a.contact == b.contact,
    };
    same_person && a.sub_problem == b.sub_problem && (a.reported_at - b.reported_at).abs() <= window
}

/// `POST /api/tickets/duplicates`: who reports what, before the intake form is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuplicateQuery {
    #[serde(default)]
    pub customer_id: Option<Uuid>,
    #[serde(default)]
    pub contact: Option<String>,
    pub sub_problem: String,
}

/// How many days back a likely duplicate is looked for (DOMAIN.md: the same problem raised
/// through several channels is recorded once).
pub const DUPLICATE_WINDOW_DAYS: i64 = 7;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::grading::GradingRules;
    use crate::ticket::vocabulary::{Impact, TicketPriority};

    #[test]
    fn duplicates_are_the_same_person_and_sub_problem_within_the_window() {
        use chrono::TimeZone;
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
        let key = |customer: Option<u128>,
                   contact: Option<&'static str>,
                   sub: &'static str,
                   hours: i64| DuplicateKey {
            customer_id: customer.map(Uuid::from_u128),
            contact,
            sub_problem: sub,
            reported_at: t0 + Duration::hours(hours),
        };
        let week = Duration::days(7);
        let a = key(Some(1), None, "attitude", 0);
        let table = [
            (key(Some(1), None, "attitude", 30), true),
            (key(Some(1), None, "attitude", -30), true),
            (key(Some(1), None, "attitude", 24 * 8), false),
            (key(Some(2), None, "attitude", 1), false),
            (key(Some(1), None, "slow_response", 1), false),
            (key(None, Some("138****5678"), "attitude", 1), false),
        ];
        for (i, (b, want)) in table.into_iter().enumerate() {
            assert_eq!(likely_duplicate(&a, &b, week), want, "case {i}");
        }
        let anon = key(None, Some("138****5678"), "attitude", 0);
        assert!(likely_duplicate(
            &anon,
            &key(None, Some("138****5678"), "attitude", 2),
            week
        ));
        assert!(!likely_duplicate(
            &key(None, None, "attitude", 0),
            &key(None, None, "attitude", 0),
            week
        ));
    }

    fn intake() -> TicketIntake {
        TicketIntake {
            customer_id: Some(Uuid::from_u128(1)),
            reporter: "王女士".into(),
            contact: None,
            channel: IntakeChannel::Hotline,
            nature: Nature::Service,
            sub_problem: "attitude".into(),
            description: "客服未等我说完就挂断电话".into(),
            emotion: Some(Emotion::Angry),
            demand: DemandKind::Emotional,
            personal_injury: false,
            property_loss: false,
            visit_id: None,
            duplicate_of: None,
        }
    }

    #[test]
    fn intake_needs_a_known_sub_problem_and_a_description() {
        assert_eq!(intake().validate(), Ok(()));
        let field = |i: TicketIntake| i.validate().unwrap_err().field;
        assert_eq!(
            field(TicketIntake {
                sub_problem: "quality_defect".into(),
                ..intake()
            }),
            "sub_problem"
        );
        assert_eq!(
            field(TicketIntake {
                description: " ".into(),
                ..intake()
            }),
            "description"
        );
        assert_eq!(
            field(TicketIntake {
                description: "长".repeat(MAX_DESCRIPTION + 1),
                ..intake()
            }),
            "description"
        );
        assert_eq!(
            field(TicketIntake {
                contact: Some("1".repeat(MAX_CONTACT + 1)),
                ..intake()
            }),
            "contact"
        );
    }

    #[test]
    fn a_report_without_name_or_contact_is_anonymous() {
        assert!(!intake().is_anonymous());
        let anon = TicketIntake {
            customer_id: None,
            reporter: String::new(),
            ..intake()
        };
        assert!(anon.is_anonymous());
        assert!(
            !TicketIntake {
                contact: Some("13812345678".into()),
                ..anon.clone()
            }
            .is_anonymous()
        );
        assert!(
            TicketIntake {
                contact: Some("  ".into()),
                ..anon
            }
            .is_anonymous()
        );
    }

    #[test]
    fn the_intake_grades_through_the_rules() {
        let g = GradingRules::default().grade(
            &TicketIntake {
                property_loss: true,
                ..intake()
            }
            .facts(BTreeMap::new()),
        );
        assert_eq!(
            (g.impact, g.priority),
            (Impact::Urgent, TicketPriority::High)
        );
    }
}
