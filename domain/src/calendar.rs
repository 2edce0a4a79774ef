//! 工作日历: working hours, weekends, holidays and make-up working days (调休), so that SLA
//! clocks count the time in which someone is actually at work.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessCalendar {
    /// Local time of the organisation, e.g. 480 for UTC+8.
    pub utc_offset_minutes: i32,
    pub work_start: NaiveTime,
    /// Exclusive; must be after `work_start` (no overnight shifts in one calendar).
    pub work_end: NaiveTime,
    /// Working weekdays, Monday first.
    pub workdays: [bool; 7],
    /// Public holidays that fall on a working weekday.
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
    /// Weekend days worked to make up for a holiday (调休上班).
    #[serde(default)]
    pub extra_workdays: Vec<NaiveDate>,
}

impl Default for BusinessCalendar {
    /// Monday to Friday, 9:00–18:00, UTC+8, no holidays entered yet.
    fn default() -> Self {
        BusinessCalendar {
            utc_offset_minutes: 8 * 60,
            work_start: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN),
            work_end: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or(NaiveTime::MIN),
            workdays: [true, true, true, true, true, false, false],
            holidays: Vec::new(),
            extra_workdays: Vec::new(),
        }
    }
}

/// A calendar that cannot be used (it would never let a clock run).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("the working day must end after it starts")]
    EmptyDay,
    #[error("the calendar has no working weekday")]
    NoWorkdays,
    #[error("the UTC offset is out of range")]
    BadOffset,
}

/// How far ahead a search for working time may look; a calendar with a year without
/// working time is broken, not busy.
const HORIZON_DAYS: i64 = 400;

impl BusinessCalendar {
    pub fn check(&self) -> Result<(), CalendarError> {
        if self.work_end <= self.work_start {
            return Err(CalendarError::EmptyDay);
        }
        if !self.workdays.contains(&true) && self.extra_workdays.is_empty() {
            return Err(CalendarError::NoWorkdays);
        }
        if self.utc_offset_minutes.abs() >= 24 * 60 {
            return Err(CalendarError::BadOffset);
        }
        Ok(())
    }

    fn offset(&self) -> FixedOffset {
        FixedOffset::east_opt(self.utc_offset_minutes * 60)
            .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"))
    }

    pub fn is_workday(&self, day: NaiveDate) -> bool {
        if self.extra_workdays.contains(&day) {
            return true;
        }
        if self.holidays.contains(&day) {
            return false;
        }
        self.workdays[day.weekday().num_days_from_monday() as usize]
    }

    fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.with_timezone(&self.offset()).naive_local()
    }

    fn utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        (local - Duration::minutes(self.utc_offset_minutes as i64)).and_utc()
    }

    /// The working interval of `day` in local time, if it is a working day.
    fn window(&self, day: NaiveDate) -> Option<(NaiveDateTime, NaiveDateTime)> {
        self.is_workday(day)
            .then(|| (day.and_time(self.work_start), day.and_time(self.work_end)))
    }

    /// Working time between `from` and `to` (zero if `to` is not after `from`).
    pub fn working_time_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        let (a, b) = (self.local(from), self.local(to));
        let mut total = Duration::zero();
        let mut day = a.date();
        while day <= b.date() {
            if let Some((start, end)) = self.window(day) {
                let (s, e) = (start.max(a), end.min(b));
                if e > s {
                    total += e - s;
                }
            }
            day = day.succ_opt().unwrap_or(day);
            if day == NaiveDate::MAX {
                break;
            }
        }
        total
    }

    /// The moment `work` of working time after `from`. Zero working time lands on the next
    /// working moment (a clock started at night starts running in the morning).
    pub fn add_working_time(&self, from: DateTime<Utc>, work: Duration) -> DateTime<Utc> {
        let start = self.local(from);
        let mut left = work.max(Duration::zero());
        let mut day = start.date();
        for _ in 0..HORIZON_DAYS {
            if let Some((open, close)) = self.window(day) {
                let s = open.max(start);
                if s < close {
                    let available = close - s;
                    if left <= available {
                        return self.utc(s + left);
                    }
                    left -= available;
                }
            }
            day = match day.succ_opt() {
                Some(d) => d,
                None => break,
            };
        }
        // No working time within the horizon: the calendar is broken (check() refuses such
        // calendars); answer a deadline far away rather than loop.
        from + Duration::days(HORIZON_DAYS) + work
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::bj_nov as bj;

    fn cal() -> BusinessCalendar {
        BusinessCalendar {
            // Wednesday 25th is a holiday; Saturday 28th is worked to make up for it.
            holidays: vec![NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()],
            extra_workdays: vec![NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()],
            ..BusinessCalendar::default()
        }
    }

    #[test]
    fn working_time_counts_only_working_hours_and_days() {
        let h = Duration::hours;
        let m = Duration::minutes;
        let table = [
            // same morning
            (bj(23, 9, 0), bj(23, 11, 30), h(2) + m(30)),
            // started before opening
            (bj(23, 7, 0), bj(23, 10, 0), h(1)),
            // overnight: 17:00 → next day 10:00 is 1 h + 1 h
            (bj(23, 17, 0), bj(24, 10, 0), h(2)),
            // over the holiday: Tue 17:00 → Thu 10:00
            (bj(24, 17, 0), bj(26, 10, 0), h(2)),
            // Friday evening → Saturday make-up day → Monday
            (bj(27, 17, 0), bj(30, 10, 0), h(1) + h(9) + h(1)),
            // entirely at night
            (bj(23, 19, 0), bj(23, 23, 0), h(0)),
            // reversed
            (bj(24, 10, 0), bj(23, 10, 0), h(0)),
        ];
        for (i, (from, to, want)) in table.into_iter().enumerate() {
            assert_eq!(cal().working_time_between(from, to), want, "case {i}");
        }
    }

    #[test]
    fn adding_working_time_skips_nights_weekends_and_holidays() {
        let h = Duration::hours;
        let table = [
            (bj(23, 10, 0), h(2), bj(23, 12, 0)),
            // runs past closing into the next morning
            (bj(23, 17, 0), h(2), bj(24, 10, 0)),
            // started at night: counts from opening
            (bj(23, 22, 0), h(1), bj(24, 10, 0)),
            // Tuesday 17:00 + 2 h skips Wednesday's holiday
            (bj(24, 17, 0), h(2), bj(26, 10, 0)),
            // Friday 17:00 + 2 h lands on the make-up Saturday
            (bj(27, 17, 0), h(2), bj(28, 10, 0)),
            // Saturday 17:00 + 2 h skips Sunday
            (bj(28, 17, 0), h(2), bj(30, 10, 0)),
            // zero at night waits for the morning
            (bj(23, 20, 0), h(0), bj(24, 9, 0)),
            // exactly at closing
            (bj(23, 9, 0), h(9), bj(23, 18, 0)),
        ];
        for (i, (from, work, want)) in table.into_iter().enumerate() {
            assert_eq!(cal().add_working_time(from, work), want, "case {i}");
        }
    }

    #[test]
    fn adding_and_measuring_agree() {
        let from = bj(23, 16, 20);
        for hours in [0, 1, 5, 9, 13, 40] {
            let work = Duration::hours(hours);
            let due = cal().add_working_time(from, work);
            assert_eq!(cal().working_time_between(from, due), work, "{hours} h");
        }
    }

    #[test]
    fn broken_calendars_are_refused() {
        let c = BusinessCalendar::default;
        assert_eq!(c().check(), Ok(()));
        assert_eq!(
            BusinessCalendar {
                work_end: c().work_start,
                ..c()
            }
            .check(),
            Err(CalendarError::EmptyDay)
        );
        assert_eq!(
            BusinessCalendar {
                workdays: [false; 7],
                ..c()
            }
            .check(),
            Err(CalendarError::NoWorkdays)
        );
        assert_eq!(
            BusinessCalendar {
                utc_offset_minutes: 24 * 60,
                ..c()
            }
            .check(),
            Err(CalendarError::BadOffset)
        );
    }
}
