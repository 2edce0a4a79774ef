//! 定期回访: a visit every so many months per customer class (e.g. A monthly, B quarterly, C
//! twice a year, D none). The server creates the due tasks once a day; a customer gets at most
//! one recurring task per period, the period named by [`period_key`].

use chrono::{DateTime, Datelike, FixedOffset, Months, Utc};
use serde::{Deserialize, Serialize};

use crate::customer::CustomerClass;
use crate::error::{ValidationError, ValidationKind};
use crate::visit::{Channel, VisitType};

/// The periods a class may have, in months (a period divides the year, so each calendar year
/// splits into whole periods).
pub const PERIODS: [u8; 6] = [1, 2, 3, 4, 6, 12];

/// Months between recurring visits per class; `None`: no recurring visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassPeriods {
    #[serde(rename = "A")]
    pub a: Option<u8>,
    #[serde(rename = "B")]
    pub b: Option<u8>,
    #[serde(rename = "C")]
    pub c: Option<u8>,
    #[serde(rename = "D")]
    pub d: Option<u8>,
}

impl ClassPeriods {
    pub fn of(&self, class: CustomerClass) -> Option<u8> {
        match class {
            CustomerClass::A => self.a,
            CustomerClass::B => self.b,
            CustomerClass::C => self.c,
            CustomerClass::D => self.d,
        }
    }
}

/// `GET/PUT /api/plans/recurring`: the recurring policy the daily run follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecurringPolicy {
    pub every_months: ClassPeriods,
    pub visit_type: VisitType,
    pub planned_channel: Channel,
    /// Most tasks one person gets a day, existing ones included.
    pub daily_cap: u32,
}

impl RecurringPolicy {
    /// No recurring visits: what a new database starts with, so no task appears until a
    /// planner chooses the periods.
    pub fn off() -> Self {
        RecurringPolicy {
            every_months: ClassPeriods {
                a: None,
                b: None,
                c: None,
                d: None,
            },
            ..Self::handbook()
        }
    }

    /// The handbooks' example, offered to planners: A monthly, B quarterly, C twice a year,
    /// D none.
    pub fn handbook() -> Self {
        RecurringPolicy {
            every_months: ClassPeriods {
                a: Some(1),
                b: Some(3),
                c: Some(6),
                d: None,
            },
            visit_type: VisitType::Satisfaction,
            planned_channel: Channel::Phone,
            daily_cap: crate::planning::DEFAULT_DAILY_CAP,
        }
    }
}

/// The stored policy and its version (a save names the version it replaces).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPolicy {
    pub policy: RecurringPolicy,
    pub version: u64,
}

/// `PUT /api/plans/recurring`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyUpdate {
    pub version: u64,
    pub policy: RecurringPolicy,
}

impl RecurringPolicy {
    /// Whether any class has recurring visits.
    pub fn is_on(&self) -> bool {
        let p = self.every_months;
        [p.a, p.b, p.c, p.d].iter().any(Option::is_some)
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        for class in [
            CustomerClass::A,
            CustomerClass::B,
            CustomerClass::C,
            CustomerClass::D,
        ] {
            if let Some(m) = self.every_months.of(class)
                && !PERIODS.contains(&m)
            {
                return Err(ValidationError::new(
                    match class {
                        CustomerClass::A => "every_months.A",
                        CustomerClass::B => "every_months.B",
                        CustomerClass::C => "every_months.C",
                        CustomerClass::D => "every_months.D",
                    },
                    ValidationKind::NotAllowed,
                    format!("a period is one of {PERIODS:?} months, or none"),
                ));
            }
        }
        if !(1..=crate::planning::MAX_DAILY_CAP).contains(&self.daily_cap) {
            return Err(ValidationError::new(
                "daily_cap",
                ValidationKind::OutOfRange,
                format!(
                    "the daily cap is between 1 and {} visits",
                    crate::planning::MAX_DAILY_CAP
                ),
            ));
        }
        Ok(())
    }
}

/// The calendar period (local time) `now` falls in, for a policy of `every` months: e.g.
/// `2026-11/1` (November, monthly), `2026-Q4/3` (the fourth quarter). A customer gets at most
/// one recurring task per key.
pub fn period_key(every: u8, now: DateTime<Utc>, offset: FixedOffset) -> String {
    let local = now.with_timezone(&offset);
    let every = u32::from(every.max(1));
    let n = local.month0() / every + 1;
    format!("{}-{n:02}/{every}", local.year())
}

/// Whether a customer last visited at `last_visit` is due again under a period of `every`
/// months: never visited, or last visited `every` months ago or earlier.
pub fn is_due(every: u8, last_visit: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    match last_visit {
        None => true,
        Some(at) => at <= due_before(every, now),
    }
}

/// Visits at or before this instant are too old for a period of `every` months (what the run's
/// query compares `last_visit_at` with).
pub fn due_before(every: u8, now: DateTime<Utc>) -> DateTime<Utc> {
    now.checked_sub_months(Months::new(u32::from(every)))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{beijing, bj_nov};
    use chrono::{Duration, TimeZone};

    #[test]
    fn the_period_key_names_the_calendar_period_in_local_time() {
        let table = [
            (1, bj_nov(23, 10, 0), "2026-11/1"),
            (3, bj_nov(23, 10, 0), "2026-04/3"),
            (6, bj_nov(23, 10, 0), "2026-02/6"),
            (12, bj_nov(23, 10, 0), "2026-01/12"),
            (2, bj_nov(23, 10, 0), "2026-06/2"),
        ];
        for (every, now, want) in table {
            assert_eq!(period_key(every, now, beijing()), want, "{every}");
        }
        // 1 December 01:00 in Beijing is still 30 November in UTC: local time decides.
        let dec1 = Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap();
        assert_eq!(period_key(1, dec1, beijing()), "2026-12/1");
        assert_eq!(
            period_key(1, dec1, FixedOffset::east_opt(0).unwrap()),
            "2026-11/1"
        );
    }

    #[test]
    fn a_customer_is_due_when_not_visited_within_the_period() {
        let now = bj_nov(23, 10, 0);
        let table = [
            (1, None, true),
            (1, Some(now - Duration::days(10)), false),
            // Exactly a month ago (23 October): the period has passed.
            (1, Some(now - Duration::days(31)), true),
            (1, Some(now - Duration::days(30)), false),
            (3, Some(now - Duration::days(80)), false),
            (3, Some(now - Duration::days(95)), true),
            (6, Some(now - Duration::days(170)), false),
            (6, Some(now - Duration::days(190)), true),
        ];
        for (every, last, want) in table {
            assert_eq!(is_due(every, last, now), want, "{every} {last:?}");
        }
    }

    #[test]
    fn the_policy_allows_periods_that_divide_the_year() {
        let ok = RecurringPolicy::handbook();
        assert!(ok.is_on() && !RecurringPolicy::off().is_on());
        assert!(ok.validate().is_ok());
        let with = |a, cap| RecurringPolicy {
            every_months: ClassPeriods {
                a,
                ..ok.every_months
            },
            daily_cap: cap,
            ..ok.clone()
        };
        assert_eq!(
            with(Some(5), 8).validate().unwrap_err().field,
            "every_months.A"
        );
        assert_eq!(
            with(Some(0), 8).validate().unwrap_err().field,
            "every_months.A"
        );
        assert!(with(None, 8).validate().is_ok());
        assert_eq!(with(Some(1), 0).validate().unwrap_err().field, "daily_cap");
        assert_eq!(with(Some(1), 11).validate().unwrap_err().field, "daily_cap");
        let json = serde_json::to_value(&ok).unwrap();
        assert_eq!(json["every_months"]["A"], 1);
        assert!(json["every_months"]["D"].is_null());
    }
}
