//! 回访记录: one record per contact (一事一记) and the rules it must follow.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::char_len;
use crate::error::{ValidationError, ValidationKind};

/// Declares a closed set of values with a stable snake_case wire name, so the form's `<select>`,
/// the JSON and the database column all use one spelling.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}

wire_enum!(
    /// How the customer was contacted (回访方式).
    Channel {
        /// 电话
        Phone => "phone",
        /// 上门
        OnSite => "on_site",
        /// 在线
        Chat => "chat",
        Email => "email",
        Sms => "sms",
    }
);

wire_enum!(
    /// 回访类型 (DOMAIN.md "Visit types and their rules").
    VisitType {
        /// 投诉回访
        Complaint => "complaint",
        /// 维修回访
        Repair => "repair",
        /// 活动回访
        Event => "event",
        /// 售后回访
        AfterSales => "after_sales",
        /// 满意度回访
        Satisfaction => "satisfaction",
        /// 拜访回访
        VisitCheck => "visit_check",
        /// 新客户激活
        Activation => "activation",
        /// 节日关怀
        Care => "care",
    }
);

wire_enum!(
    /// 结果: what came of the attempt.
    Outcome {
        /// 已接通
        Reached => "reached",
        /// 无人接听
        NoAnswer => "no_answer",
        /// 拒绝
        Refused => "refused",
        /// 号码错误
        WrongNumber => "wrong_number",
        /// 约定回拨
        CallBack => "call_back",
    }
);

wire_enum!(
    /// 情绪
    Emotion {
        Calm => "calm",
        Agitated => "agitated",
        Angry => "angry",
        Satisfied => "satisfied",
        Neutral => "neutral",
        Unsatisfied => "unsatisfied",
    }
);

wire_enum!(
    /// 期望诉求
    Demand {
        Exchange => "exchange",
        Compensation => "compensation",
        Apology => "apology",
        Explanation => "explanation",
        None => "none",
    }
);

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
}

fn first_attempt() -> u8 {
    1
}

impl VisitRecord {
    /// Checks every rule and returns the first broken one, in form order, so the user fixes
    /// the form top to bottom.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<(), ValidationError> {
        use ValidationKind::*;
        let reached = self.outcome == Outcome::Reached;

        if self.outcome == Outcome::WrongNumber && self.channel == Channel::OnSite {
            return Err(ValidationError::new(
                "outcome",
                NotAllowed,
                "an on-site visit cannot have a wrong number",
            ));
        }
        if !(1..=MAX_ATTEMPT).contains(&self.attempt) {
            return Err(ValidationError::new(
                "attempt",
                OutOfRange,
                format!("attempt must be between 1 and {MAX_ATTEMPT}"),
            ));
        }
        match (reached, self.satisfaction) {
            (true, None) => {
                return Err(ValidationError::new(
                    "satisfaction",
                    Required,
                    "satisfaction is required when the customer was reached",
                ));
            }
            (true, Some(s)) if !(1..=5).contains(&s) => {
                return Err(ValidationError::new(
                    "satisfaction",
                    OutOfRange,
                    "satisfaction must be between 1 and 5",
                ));
            }
            (false, Some(_)) => {
                return Err(ValidationError::new(
                    "satisfaction",
                    NotAllowed,
                    "no satisfaction score without reaching the customer",
                ));
            }
            _ => {}
        }
        match (reached, self.emotion) {
            (true, None) => {
                return Err(ValidationError::new(
                    "emotion",
                    Required,
                    "emotion is required when the customer was reached",
                ));
            }
            (false, Some(_)) => {
                return Err(ValidationError::new(
                    "emotion",
                    NotAllowed,
                    "no emotion without reaching the customer",
                ));
            }
            _ => {}
        }
        if reached && self.verbatim.trim().is_empty() {
            return Err(ValidationError::new(
                "verbatim",
                Required,
                "record the customer's own words when they were reached",
            ));
        }
        if char_len(&self.verbatim) > MAX_VERBATIM {
            return Err(ValidationError::new(
                "verbatim",
                TooLong,
                format!("verbatim is limited to {MAX_VERBATIM} characters"),
            ));
        }
        if !reached && self.demand.is_some() {
            return Err(ValidationError::new(
                "demand",
                NotAllowed,
                "no demand without reaching the customer",
            ));
        }
        if char_len(&self.follow_up) > MAX_FOLLOW_UP {
            return Err(ValidationError::new(
                "follow_up",
                TooLong,
                format!("follow-up is limited to {MAX_FOLLOW_UP} characters"),
            ));
        }
        if self.contacted_at > now + Duration::minutes(CLOCK_SKEW_MINUTES) {
            return Err(ValidationError::new(
                "contacted_at",
                InFuture,
                "the contact time is in the future",
            ));
        }
        Ok(())
    }
}

/// A stored visit as supervisors and admins read it (`GET /api/visits`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitSummary {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub agent_username: String,
    pub agent_name: String,
    pub record: VisitRecord,
    /// When the server stored it (the device may have been offline for days).
    pub received_at: DateTime<Utc>,
}

/// One page of stored visits, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitList {
    pub visits: Vec<VisitSummary>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
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
            customer_id: Uuid::from_u128(1),
            channel: Channel::Phone,
            visit_type: VisitType::Complaint,
            outcome: Outcome::Reached,
            attempt: 1,
            satisfaction: Some(4),
            emotion: Some(Emotion::Calm),
            verbatim: "师傅上门很准时,问题已经解决了".into(),
            demand: Some(Demand::None),
            follow_up: String::new(),
            contacted_at: now() - Duration::minutes(5),
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
            VisitRecord {
                channel: Channel::OnSite,
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
