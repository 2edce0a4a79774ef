//! The visit form's state as the user typed it, and its conversion to a domain record.
//!
//! The draft holds raw strings (what the inputs show), so it can be autosaved and restored
//! half-filled; only saving turns it into a [`VisitRecord`], checked by the domain's own rules.

use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};
use huifang_domain::{
    Channel, Demand, Emotion, Outcome, ValidationError, ValidationKind, VisitRecord, VisitType,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The `<input type="datetime-local">` format.
const LOCAL_INPUT: &str = "%Y-%m-%dT%H:%M";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub customer_id: String,
    pub channel: String,
    pub visit_type: String,
    pub outcome: String,
    pub attempt: String,
    pub satisfaction: Option<u8>,
    pub emotion: String,
    pub verbatim: String,
    pub demand: String,
    pub follow_up: String,
    /// Local wall-clock time as the datetime input shows it.
    pub contacted_at: String,
    /// Set when the draft edits a rejected record: its seq, and the visit id it keeps.
    pub resend_of: Option<u64>,
    pub visit_id: Option<Uuid>,
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            customer_id: String::new(),
            channel: String::new(),
            visit_type: String::new(),
            outcome: String::new(),
            attempt: "1".into(),
            satisfaction: None,
            emotion: String::new(),
            verbatim: String::new(),
            demand: String::new(),
            follow_up: String::new(),
            contacted_at: String::new(),
            resend_of: None,
            visit_id: None,
        }
    }
}

pub fn to_local_input(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format(LOCAL_INPUT).to_string()
}

fn from_local_input(s: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(s, LOCAL_INPUT).ok()?;
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

fn required(field: &'static str) -> ValidationError {
    ValidationError::new(
        field,
        ValidationKind::Required,
        format!("{field} is required"),
    )
}

fn pick<T>(
    raw: &str,
    parse: fn(&str) -> Option<T>,
    field: &'static str,
) -> Result<T, ValidationError> {
    parse(raw).ok_or_else(|| required(field))
}

impl Draft {
    /// A fresh form, optionally for a customer picked from the list.
    pub fn new(customer_id: Option<Uuid>, now: DateTime<Utc>) -> Self {
        Self {
            customer_id: customer_id.map(|id| id.to_string()).unwrap_or_default(),
            contacted_at: to_local_input(now),
            ..Self::default()
        }
    }

    /// The form for fixing a rejected record.
    pub fn from_record(record: &VisitRecord, seq: u64, visit_id: Uuid) -> Self {
        Self {
            customer_id: record.customer_id.to_string(),
            channel: record.channel.as_str().into(),
            visit_type: record.visit_type.as_str().into(),
            outcome: record.outcome.as_str().into(),
            attempt: record.attempt.to_string(),
            satisfaction: record.satisfaction,
            emotion: record
                .emotion
                .map(|e| e.as_str().into())
                .unwrap_or_default(),
            verbatim: record.verbatim.clone(),
            demand: record.demand.map(|d| d.as_str().into()).unwrap_or_default(),
            follow_up: record.follow_up.clone(),
            contacted_at: to_local_input(record.contacted_at),
            resend_of: Some(seq),
            visit_id: Some(visit_id),
        }
    }

    /// Satisfaction, emotion and demand only make sense once the customer was reached; the
    /// form hides them otherwise.
    pub fn reached(&self) -> bool {
        self.outcome == Outcome::Reached.as_str()
    }

    /// True when nothing worth keeping was typed (so no draft is stored for it).
    pub fn is_blank(&self) -> bool {
        let fresh = Draft {
            customer_id: self.customer_id.clone(),
            contacted_at: self.contacted_at.clone(),
            ..Draft::default()
        };
        *self == fresh
    }

    /// Builds the record and checks it with the domain's rules. Hidden fields are dropped,
    /// so values typed before switching the outcome to "not reached" cannot break a rule
    /// the user can no longer see.
    pub fn to_record(&self, now: DateTime<Utc>) -> Result<VisitRecord, ValidationError> {
        let customer_id =
            Uuid::parse_str(&self.customer_id).map_err(|_| required("customer_id"))?;
        let channel = pick(&self.channel, Channel::parse, "channel")?;
        let visit_type = pick(&self.visit_type, VisitType::parse, "visit_type")?;
        let outcome = pick(&self.outcome, Outcome::parse, "outcome")?;
        let attempt = self.attempt.trim().parse::<u8>().map_err(|_| {
            ValidationError::new(
                "attempt",
                ValidationKind::OutOfRange,
                "attempt is not a number",
            )
        })?;
        let contacted_at =
            from_local_input(&self.contacted_at).ok_or_else(|| required("contacted_at"))?;
        let reached = outcome == Outcome::Reached;
        let record = VisitRecord {
            attempt,
            satisfaction: self.satisfaction.filter(|_| reached),
            emotion: Emotion::parse(&self.emotion).filter(|_| reached),
            verbatim: self.verbatim.trim().to_owned(),
            demand: Demand::parse(&self.demand).filter(|_| reached),
            follow_up: self.follow_up.trim().to_owned(),
            ..VisitRecord::new(customer_id, channel, visit_type, outcome, contacted_at)
        };
        record.validate(now)?;
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        Utc::now()
    }

    fn filled() -> Draft {
        Draft {
            channel: "phone".into(),
            visit_type: "complaint".into(),
            outcome: "reached".into(),
            satisfaction: Some(4),
            emotion: "calm".into(),
            verbatim: " 师傅很准时 ".into(),
            demand: "none".into(),
            ..Draft::new(Some(Uuid::from_u128(1)), now() - Duration::minutes(5))
        }
    }

    #[test]
    fn a_filled_form_becomes_a_valid_record() {
        let r = filled().to_record(now()).unwrap();
        assert_eq!(r.verbatim, "师傅很准时");
        assert_eq!(r.satisfaction, Some(4));
        assert_eq!(r.emotion, Some(Emotion::Calm));
        assert_eq!(r.attempt, 1);
    }

    #[test]
    fn missing_choices_point_at_their_field_in_form_order() {
        let cases = [
            (
                Draft {
                    customer_id: String::new(),
                    ..filled()
                },
                "customer_id",
            ),
            (
                Draft {
                    channel: String::new(),
                    ..filled()
                },
                "channel",
            ),
            (
                Draft {
                    visit_type: "x".into(),
                    ..filled()
                },
                "visit_type",
            ),
            (
                Draft {
                    outcome: String::new(),
                    ..filled()
                },
                "outcome",
            ),
            (
                Draft {
                    attempt: "two".into(),
                    ..filled()
                },
                "attempt",
            ),
            (
                Draft {
                    attempt: "0".into(),
                    ..filled()
                },
                "attempt",
            ),
            (
                Draft {
                    satisfaction: None,
                    ..filled()
                },
                "satisfaction",
            ),
            (
                Draft {
                    emotion: String::new(),
                    ..filled()
                },
                "emotion",
            ),
            (
                Draft {
                    verbatim: "  ".into(),
                    ..filled()
                },
                "verbatim",
            ),
            (
                Draft {
                    contacted_at: "soon".into(),
                    ..filled()
                },
                "contacted_at",
            ),
        ];
        for (draft, field) in cases {
            assert_eq!(draft.to_record(now()).unwrap_err().field, field);
        }
    }

    #[test]
    fn hidden_fields_are_dropped_when_the_customer_was_not_reached() {
        let d = Draft {
            outcome: "no_answer".into(),
            attempt: "2".into(),
            ..filled()
        };
        assert!(!d.reached());
        let r = d.to_record(now()).unwrap();
        assert_eq!((r.satisfaction, r.emotion, r.demand), (None, None, None));
        assert_eq!(r.attempt, 2);
    }

    #[test]
    fn a_rejected_record_round_trips_through_the_form() {
        let r = filled().to_record(now()).unwrap();
        let d = Draft::from_record(&r, 7, Uuid::from_u128(9));
        assert_eq!(d.resend_of, Some(7));
        let back = d.to_record(now()).unwrap();
        // The datetime input has minute precision.
        assert_eq!(
            back.contacted_at.timestamp() / 60,
            r.contacted_at.timestamp() / 60
        );
        assert_eq!(
            VisitRecord {
                contacted_at: r.contacted_at,
                ..back
            },
            r
        );
    }

    #[test]
    fn an_untouched_form_is_blank() {
        let d = Draft::new(Some(Uuid::from_u128(1)), now());
        assert!(d.is_blank());
        assert!(!filled().is_blank());
    }
}
