//! 回访记录: one record per contact (一事一记) and the rules it must follow.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::char_len;
use crate::error::{ValidationError, ValidationKind};
use crate::proof::{Place, Signature};
use crate::script::ScriptUse;
use crate::survey::SurveyResponse;

pub use crate::vocabulary::{Channel, Demand, Emotion, Outcome, VisitType};

pub const MAX_VERBATIM: usize = 2000;
pub const MAX_FOLLOW_UP: usize = 1000;
pub const MAX_ATTEMPT: u8 = 9;
/// Tablet clocks drift; a record a little "in the future" is a clock, not a fake.
pub const CLOCK_SKEW_MINUTES: i64 = 10;

/// The `data` of a `visit.record` mutation: one contact attempt with one customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitRecord {
    pub customer_id: Uuid,
    pub channel: Channel,
    pub visit_type: VisitType,
    pub outcome: Outcome,
    /// 第几次回访: 1 for the first try, 2 and 3 for retries after no answer.
    #[serde(default = "first_attempt")]
    pub attempt: u8,
    /// 满意度 1–5; only when the customer was reached.
    #[serde(default)]
    pub satisfaction: Option<u8>,
    #[serde(default)]
    pub emotion: Option<Emotion>,
    /// 客户原话: the customer's own words, not a paraphrase.
    #[serde(default)]
    pub verbatim: String,
    #[serde(default)]
    pub demand: Option<Demand>,
    /// 跟进事项
    #[serde(default)]
    pub follow_up: String,
    /// When the contact happened, by the device clock.
    pub contacted_at: DateTime<Utc>,
    /// The 回访任务 this visit carries out, if any.
    #[serde(default)]
    pub task_id: Option<Uuid>,
    /// With outcome `call_back`: when the customer asked to be called again.
    #[serde(default)]
    pub call_back_at: Option<DateTime<Utc>>,
    /// The call script followed and the steps ticked off.
    #[serde(default)]
    pub script: Option<ScriptUse>,
    /// The survey answers, checked against the survey version they name.
    #[serde(default)]
    pub survey: Option<SurveyResponse>,
    /// 转接主管: an urgent problem for the supervisors, now.
    #[serde(default)]
    pub escalate: bool,
    /// How long the contact took, from the visit timer.
    #[serde(default)]
    pub duration_secs: Option<u32>,
    /// 客户签名: required for an on-site visit that reached the customer.
    #[serde(default)]
    pub signature: Option<Signature>,
    /// Where an on-site visit happened, or why the device could not tell.
    #[serde(default)]
    pub place: Option<Place>,
}

fn first_attempt() -> u8 {
    1
}

/// A contact may last at most a day on the timer; more is a timer left running.
pub const MAX_DURATION_SECS: u32 = 24 * 3600;

impl VisitRecord {
    /// A first attempt with nothing recorded yet beyond who, how, why and when.
    pub fn new(
        customer_id: Uuid,
        channel: Channel,
        visit_type: VisitType,
        outcome: Outcome,
        contacted_at: DateTime<Utc>,
    ) -> Self {
        VisitRecord {
            customer_id,
            channel,
            visit_type,
            outcome,
            attempt: 1,
            satisfaction: None,
            emotion: None,
            verbatim: String::new(),
            demand: None,
            follow_up: String::new(),
            contacted_at,
            task_id: None,
            call_back_at: None,
            script: None,
            survey: None,
            escalate: false,
            duration_secs: None,
            signature: None,
            place: None,
        }
    }

    /// Checks every rule and returns the first broken one (what the server answers with),
    /// in the order of [`VisitRecord::validate_all`].
    pub fn validate(&self, now: DateTime<Utc>) -> Result<(), ValidationError> {
        match self.validate_all(now).into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every rule the record breaks, at most one per field, in a fixed order, so a form can
    /// show all of them after one save instead of one per save.
    pub fn validate_all(&self, now: DateTime<Utc>) -> Vec<ValidationError> {
        use ValidationKind::*;
        let reached = self.outcome == Outcome::Reached;
        let mut errors = Vec::new();
        let mut fail = |field, kind, message: String| {
            errors.push(ValidationError::new(field, kind, message));
        };

        if self.outcome == Outcome::WrongNumber && self.channel == Channel::OnSite {
            fail(
                "outcome",
                NotAllowed,
                "an on-site visit cannot have a wrong number".into(),
            );
        }
        if !(1..=MAX_ATTEMPT).contains(&self.attempt) {
            fail(
                "attempt",
                OutOfRange,
                format!("attempt must be between 1 and {MAX_ATTEMPT}"),
            );
        }
        match (reached, self.satisfaction) {
            (true, None) => {
                fail(
                    "satisfaction",
                    Required,
                    "satisfaction is required when the customer was reached".into(),
                );
            }
            (true, Some(s)) if !(1..=5).contains(&s) => {
                fail(
                    "satisfaction",
                    OutOfRange,
                    "satisfaction must be between 1 and 5".into(),
                );
            }
            (false, Some(_)) => {
                fail(
                    "satisfaction",
                    NotAllowed,
                    "no satisfaction score without reaching the customer".into(),
                );
            }
            _ => {}
        }
        match (reached, self.emotion) {
            (true, None) => {
                fail(
                    "emotion",
                    Required,
                    "emotion is required when the customer was reached".into(),
                );
            }
            (false, Some(_)) => {
                fail(
                    "emotion",
                    NotAllowed,
                    "no emotion without reaching the customer".into(),
                );
            }
            _ => {}
        }
        if reached && self.verbatim.trim().is_empty() {
            fail(
                "verbatim",
                Required,
                "record the customer's own words when they were reached".into(),
            );
        }
        if char_len(&self.verbatim) > MAX_VERBATIM {
            fail(
                "verbatim",
                TooLong,
                format!("verbatim is limited to {MAX_VERBATIM} characters"),
            );
        }
        if !reached && self.demand.is_some() {
            fail(
                "demand",
                NotAllowed,
                "no demand without reaching the customer".into(),
            );
        }
        if char_len(&self.follow_up) > MAX_FOLLOW_UP {
            fail(
                "follow_up",
                TooLong,
                format!("follow-up is limited to {MAX_FOLLOW_UP} characters"),
            );
        }
        match (self.outcome, self.call_back_at) {
            (Outcome::CallBack, Some(at)) if at <= self.contacted_at => {
                fail(
                    "call_back_at",
                    OutOfRange,
                    "the call-back time must be after the contact".into(),
                );
            }
            (outcome, Some(_)) if outcome != Outcome::CallBack => {
                fail(
                    "call_back_at",
                    NotAllowed,
                    "a call-back time goes only with the outcome call back".into(),
                );
            }
            _ => {}
        }
        if !reached && self.survey.is_some() {
            fail(
                "survey",
                NotAllowed,
                "no survey answers without reaching the customer".into(),
            );
        }
        if !reached && self.escalate {
            fail(
                "escalate",
                NotAllowed,
                "only a reached customer's problem can be escalated".into(),
            );
        }
        if self.duration_secs.is_some_and(|d| d > MAX_DURATION_SECS) {
            fail(
                "duration_secs",
                OutOfRange,
                "the visit timer ran for more than a day".into(),
            );
        }
        let on_site = self.channel == Channel::OnSite;
        match (&self.signature, on_site, reached) {
            (None, true, true) => {
                fail(
                    "signature",
                    Required,
                    "an on-site visit needs the customer's signature".into(),
                );
            }
            (Some(_), false, _) => {
                fail(
                    "signature",
                    NotAllowed,
                    "only on-site visits carry a signature".into(),
                );
            }
            (Some(sig), true, _) => {
                if let Err(e) = sig.check() {
                    fail(e.field, e.kind, e.message);
                }
            }
            _ => {}
        }
        match (&self.place, on_site) {
            (None, true) => {
                fail(
                    "place",
                    Required,
                    "an on-site visit records where it happened, or why it cannot".into(),
                );
            }
            (Some(_), false) => {
                fail(
                    "place",
                    NotAllowed,
                    "only on-site visits record a place".into(),
                );
            }
            (Some(place), true) => {
                if let Err(e) = place.check() {
                    fail(e.field, e.kind, e.message);
                }
            }
            _ => {}
        }
        if self.contacted_at > now + Duration::minutes(CLOCK_SKEW_MINUTES) {
            fail(
                "contacted_at",
                InFuture,
                "the contact time is in the future".into(),
            );
        }
        errors
    }
}

/// A stored visit as supervisors and admins read it (`GET /api/visits`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitSummary {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub agent_username: String,
    pub agent_name: String,
    pub record: VisitRecord,
    /// When the server stored it (the device may have been offline for days).
    pub received_at: DateTime<Utc>,
    /// 主管审核: `None` while pending review.
    #[serde(default)]
    pub review: Option<crate::review::Review>,
}

/// One page of stored visits, newest first (`crate::paging`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitList {
    pub visits: Vec<VisitSummary>,
    pub total: crate::paging::ListTotal,
    /// The cursor of the next page (`?after=`); `None` on the last page.
    pub next: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
    }

    fn reached() -> VisitRecord {
        VisitRecord {
            satisfaction: Some(4),
            emotion: Some(Emotion::Calm),
            verbatim: "师傅上门很准时,问题已经解决了".into(),
            demand: Some(Demand::None),
            ..VisitRecord::new(
                Uuid::from_u128(1),
                Channel::Phone,
                VisitType::Complaint,
                Outcome::Reached,
                now() - Duration::minutes(5),
            )
        }
    }

    fn signature() -> Signature {
        Signature {
            width: 600,
            height: 200,
            strokes: vec![(0..20).map(|i| [i * 20, 100]).collect()],
        }
    }

    fn on_site() -> VisitRecord {
        VisitRecord {
            channel: Channel::OnSite,
            signature: Some(signature()),
            place: Some(Place::Fix {
                lat_e6: 31_230_416,
                lon_e6: 121_473_701,
                accuracy_m: 15,
                at: now() - Duration::minutes(6),
            }),
            ..reached()
        }
    }

    fn unreached(outcome: Outcome) -> VisitRecord {
        VisitRecord {
            outcome,
            satisfaction: None,
            emotion: None,
            verbatim: String::new(),
            demand: None,
            ..reached()
        }
    }

    #[test]
    fn valid_records_pass() {
        let ok = [
            reached(),
            VisitRecord {
                satisfaction: Some(1),
                emotion: Some(Emotion::Angry),
                ..reached()
            },
            VisitRecord {
                satisfaction: Some(5),
                ..reached()
            },
            on_site(),
            VisitRecord {
                place: Some(Place::Denied),
                ..on_site()
            },
            VisitRecord {
                signature: None,
                place: Some(Place::Unavailable),
                ..VisitRecord {
                    channel: Channel::OnSite,
                    ..unreached(Outcome::Refused)
                }
            },
            VisitRecord {
                call_back_at: Some(now() + Duration::hours(3)),
                ..unreached(Outcome::CallBack)
            },
            VisitRecord {
                escalate: true,
                duration_secs: Some(420),
                task_id: Some(Uuid::from_u128(5)),
                ..reached()
            },
            unreached(Outcome::NoAnswer),
            unreached(Outcome::Refused),
            unreached(Outcome::CallBack),
            unreached(Outcome::WrongNumber),
            VisitRecord {
                verbatim: "别再打了".into(),
                ..unreached(Outcome::Refused)
            },
            VisitRecord {
                attempt: 3,
                ..unreached(Outcome::NoAnswer)
            },
            VisitRecord {
                verbatim: "好".repeat(MAX_VERBATIM),
                ..reached()
            },
            VisitRecord {
                contacted_at: now() + Duration::minutes(CLOCK_SKEW_MINUTES),
                ..reached()
            },
            VisitRecord {
                contacted_at: now() - Duration::days(20),
                ..reached()
            },
        ];
        for (i, record) in ok.iter().enumerate() {
            assert_eq!(record.validate(now()), Ok(()), "case {i}: {record:?}");
        }
    }

    #[test]
    fn invalid_records_name_the_field_and_the_rule() {
        use ValidationKind::*;
        let table: Vec<(VisitRecord, &str, ValidationKind)> = vec![
            (
                VisitRecord {
                    satisfaction: None,
                    ..reached()
                },
                "satisfaction",
                Required,
            ),
            (
                VisitRecord {
                    satisfaction: Some(0),
                    ..reached()
                },
                "satisfaction",
                OutOfRange,
            ),
            (
                VisitRecord {
                    satisfaction: Some(6),
                    ..reached()
                },
                "satisfaction",
                OutOfRange,
            ),
            (
                VisitRecord {
                    satisfaction: Some(3),
                    ..unreached(Outcome::NoAnswer)
                },
                "satisfaction",
                NotAllowed,
            ),
            (
                VisitRecord {
                    emotion: None,
                    ..reached()
                },
                "emotion",
                Required,
            ),
            (
                VisitRecord {
                    emotion: Some(Emotion::Calm),
                    ..unreached(Outcome::Refused)
                },
                "emotion",
                NotAllowed,
            ),
            (
                VisitRecord {
                    verbatim: "   ".into(),
                    ..reached()
                },
                "verbatim",
                Required,
            ),
            (
                VisitRecord {
                    verbatim: "好".repeat(MAX_VERBATIM + 1),
                    ..reached()
                },
                "verbatim",
                TooLong,
            ),
            (
                VisitRecord {
                    demand: Some(Demand::Apology),
                    ..unreached(Outcome::NoAnswer)
                },
                "demand",
                NotAllowed,
            ),
            (
                VisitRecord {
                    follow_up: "x".repeat(MAX_FOLLOW_UP + 1),
                    ..reached()
                },
                "follow_up",
                TooLong,
            ),
            (
                VisitRecord {
                    contacted_at: now() + Duration::minutes(CLOCK_SKEW_MINUTES + 1),
                    ..reached()
                },
                "contacted_at",
                InFuture,
            ),
            (
                VisitRecord {
                    channel: Channel::OnSite,
                    ..unreached(Outcome::WrongNumber)
                },
                "outcome",
                NotAllowed,
            ),
            (
                VisitRecord {
                    attempt: 0,
                    ..reached()
                },
                "attempt",
                OutOfRange,
            ),
            (
                VisitRecord {
                    signature: None,
                    ..on_site()
                },
                "signature",
                Required,
            ),
            (
                VisitRecord {
                    signature: Some(Signature {
                        strokes: vec![vec![[1, 1]]],
                        ..signature()
                    }),
                    ..on_site()
                },
                "signature",
                Required,
            ),
            (
                VisitRecord {
                    signature: Some(signature()),
                    ..reached()
                },
                "signature",
                NotAllowed,
            ),
            (
                VisitRecord {
                    place: None,
                    ..on_site()
                },
                "place",
                Required,
            ),
            (
                VisitRecord {
                    place: Some(Place::Denied),
                    ..reached()
                },
                "place",
                NotAllowed,
            ),
            (
                VisitRecord {
                    call_back_at: Some(now() - Duration::hours(1)),
                    ..unreached(Outcome::CallBack)
                },
                "call_back_at",
                OutOfRange,
            ),
            (
                VisitRecord {
                    call_back_at: Some(now() + Duration::hours(1)),
                    ..unreached(Outcome::NoAnswer)
                },
                "call_back_at",
                NotAllowed,
            ),
            (
                VisitRecord {
                    escalate: true,
                    ..unreached(Outcome::Refused)
                },
                "escalate",
                NotAllowed,
            ),
            (
                VisitRecord {
                    duration_secs: Some(MAX_DURATION_SECS + 1),
                    ..reached()
                },
                "duration_secs",
                OutOfRange,
            ),
            (
                VisitRecord {
                    attempt: MAX_ATTEMPT + 1,
                    ..unreached(Outcome::NoAnswer)
                },
                "attempt",
                OutOfRange,
            ),
        ];
        for (i, (record, field, kind)) in table.into_iter().enumerate() {
            let err = record.validate(now()).expect_err(&format!("case {i}"));
            assert_eq!((err.field, err.kind), (field, kind), "case {i}: {err}");
            assert!(!err.message.is_empty());
            assert_eq!(record.validate_all(now()).first(), Some(&err), "case {i}");
        }
    }

    #[test]
    fn validate_all_reports_every_broken_rule_once_in_order() {
        use ValidationKind::*;
        let empty_on_site = VisitRecord {
            channel: Channel::OnSite,
            satisfaction: None,
            emotion: None,
            verbatim: String::new(),
            demand: None,
            ..reached()
        };
        let table: Vec<(VisitRecord, Vec<(&str, ValidationKind)>)> = vec![
            (reached(), vec![]),
            (on_site(), vec![]),
            (
                empty_on_site.clone(),
                vec![
                    ("satisfaction", Required),
                    ("emotion", Required),
                    ("verbatim", Required),
                    ("signature", Required),
                    ("place", Required),
                ],
            ),
            (
                VisitRecord {
                    signature: Some(Signature {
                        width: 0,
                        ..signature()
                    }),
                    place: Some(Place::Fix {
                        lat_e6: 91_000_000,
                        lon_e6: 0,
                        accuracy_m: 5,
                        at: now(),
                    }),
                    contacted_at: now() + Duration::hours(1),
                    ..empty_on_site
                },
                vec![
                    ("satisfaction", Required),
                    ("emotion", Required),
                    ("verbatim", Required),
                    ("signature", OutOfRange),
                    ("place", OutOfRange),
                    ("contacted_at", InFuture),
                ],
            ),
            (
                VisitRecord {
                    attempt: 0,
                    satisfaction: Some(3),
                    emotion: Some(Emotion::Angry),
                    demand: Some(Demand::Apology),
                    follow_up: "x".repeat(MAX_FOLLOW_UP + 1),
                    call_back_at: Some(now()),
                    escalate: true,
                    duration_secs: Some(MAX_DURATION_SECS + 1),
                    signature: Some(signature()),
                    place: Some(Place::Denied),
                    ..unreached(Outcome::NoAnswer)
                },
                vec![
                    ("attempt", OutOfRange),
                    ("satisfaction", NotAllowed),
                    ("emotion", NotAllowed),
                    ("demand", NotAllowed),
                    ("follow_up", TooLong),
                    ("call_back_at", NotAllowed),
                    ("escalate", NotAllowed),
                    ("duration_secs", OutOfRange),
                    ("signature", NotAllowed),
                    ("place", NotAllowed),
                ],
            ),
            (
                VisitRecord {
                    channel: Channel::OnSite,
                    verbatim: "好".repeat(MAX_VERBATIM + 1),
                    ..unreached(Outcome::WrongNumber)
                },
                vec![
                    ("outcome", NotAllowed),
                    ("verbatim", TooLong),
                    ("place", Required),
                ],
            ),
        ];
        for (i, (record, want)) in table.into_iter().enumerate() {
            let all = record.validate_all(now());
            let got: Vec<_> = all.iter().map(|e| (e.field, e.kind)).collect();
            assert_eq!(got, want, "case {i}");
            assert!(all.iter().all(|e| !e.message.is_empty()), "case {i}");
            assert_eq!(
                record.validate(now()).err(),
                all.first().cloned(),
                "case {i}"
            );
        }
    }

    #[test]
    fn wire_names_are_stable_and_round_trip() {
        assert_eq!(Channel::OnSite.as_str(), "on_site");
        assert_eq!(VisitType::AfterSales.as_str(), "after_sales");
        assert_eq!(Outcome::CallBack.as_str(), "call_back");
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(*c));
            assert_eq!(
                serde_json::to_string(c).unwrap(),
                format!("\"{}\"", c.as_str())
            );
        }
        for t in VisitType::ALL {
            assert_eq!(VisitType::parse(t.as_str()), Some(*t));
        }
        assert_eq!(Outcome::parse("maybe"), None);
    }

    #[test]
    fn a_visit_record_rejects_unknown_fields_and_fills_defaults() {
        let base = serde_json::json!({
            "customer_id": Uuid::from_u128(1),
            "channel": "phone",
            "visit_type": "repair",
            "outcome": "no_answer",
            "contacted_at": "2026-11-23T09:00:00Z"
        });
        let record: VisitRecord = serde_json::from_value(base.clone()).unwrap();
        assert_eq!(record.attempt, 1);
        assert_eq!(record.validate(now()), Ok(()));

        let mut extra = base;
        extra["mood"] = serde_json::json!("happy");
        assert!(serde_json::from_value::<VisitRecord>(extra).is_err());
    }
}
