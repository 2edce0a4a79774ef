//! 统计周期: the stretch of calendar days a report, a dashboard or an export covers, in the
//! organisation's time zone. Every reading endpoint takes one (`?period=month&date=…`), the
//! statistics table compares it with the one before, and its `key` names the period a
//! supervisor's suggested action belongs to.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// The longest custom period: a year (a leap year's included), so a query never walks more.
pub const MAX_CUSTOM_DAYS: i64 = 366;

/// How the period was picked: a calendar unit around a day, or a custom range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Day,
    /// ISO week, Monday to Sunday (周).
    Week,
    Month,
    Quarter,
    Year,
    Custom,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 6] = [
        PeriodKind::Day,
        PeriodKind::Week,
        PeriodKind::Month,
        PeriodKind::Quarter,
        PeriodKind::Year,
        PeriodKind::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Day => "day",
            PeriodKind::Week => "week",
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
            PeriodKind::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Both ends are included, as people say "1 to 31 December".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// The query string every reading endpoint accepts. `date` is any day inside the wanted
/// period (default: today in the organisation's time zone); `from` and `to` are for `custom`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodQuery {
    pub period: Option<String>,
    pub date: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Why a period query was refused, naming the parameter at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodProblem {
    pub field: &'static str,
    pub message: &'static str,
}

impl PeriodProblem {
    fn new(field: &'static str, message: &'static str) -> Self {
        PeriodProblem { field, message }
    }
}

fn parse_day(field: &'static str, s: &str) -> Result<NaiveDate, PeriodProblem> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| PeriodProblem::new(field, "is not a date (YYYY-MM-DD)"))
}

/// The organisation's calendar day at `now`.
pub fn local_day(now: DateTime<Utc>, utc_offset_minutes: i32) -> NaiveDate {
    (now + Duration::minutes(i64::from(utc_offset_minutes))).date_naive()
}

/// 00:00 of `day` in the organisation's time zone, as a UTC instant.
pub fn day_start_utc(day: NaiveDate, utc_offset_minutes: i32) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()
        - Duration::minutes(i64::from(utc_offset_minutes))
}

fn quarter_start(day: NaiveDate) -> NaiveDate {
    let month = (day.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(day.year(), month, 1).expect("a quarter starts on a real day")
}

fn add_months(day: NaiveDate, months: i32) -> NaiveDate {
    let total = day.year() * 12 + day.month0() as i32 + months;
    NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1)
        .expect("the first of a month exists")
}

impl Period {
    /// The calendar `kind` (not `Custom`) that holds `day`.
    pub fn containing(kind: PeriodKind, day: NaiveDate) -> Period {
        let (first, last) = match kind {
            PeriodKind::Day | PeriodKind::Custom => (day, day),
            PeriodKind::Week => {
                let first = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
                (first, first + Duration::days(6))
            }
            PeriodKind::Month => {
                let first = day.with_day(1).expect("every month has a first");
                (
                    first,
                    add_months(first, 1).pred_opt().expect("a day before"),
                )
            }
            PeriodKind::Quarter => {
                let first = quarter_start(day);
                (
                    first,
                    add_months(first, 3).pred_opt().expect("a day before"),
                )
            }
            PeriodKind::Year => {
                let first = NaiveDate::from_ymd_opt(day.year(), 1, 1).expect("1 January");
                let last = NaiveDate::from_ymd_opt(day.year(), 12, 31).expect("31 December");
                (first, last)
            }
        };
        let kind = if kind == PeriodKind::Custom {
            PeriodKind::Day
        } else {
            kind
        };
        Period { kind, first, last }
    }

    /// A custom range, both days included; refused when it runs backwards or is too long.
    pub fn custom(first: NaiveDate, last: NaiveDate) -> Result<Period, PeriodProblem> {
        if last < first {
            return Err(PeriodProblem::new("to", "is before from"));
        }
        if (last - first).num_days() + 1 > MAX_CUSTOM_DAYS {
            return Err(PeriodProblem::new(
                "to",
                "makes the period longer than a year",
            ));
        }
        Ok(Period {
            kind: PeriodKind::Custom,
            first,
            last,
        })
    }

    /// The period a query asks for; `today` is the organisation's calendar day (the default
    /// is this month, the weekly review's usual view).
    pub fn from_query(q: &PeriodQuery, today: NaiveDate) -> Result<Period, PeriodProblem> {
        let kind = match q.period.as_deref().map(str::trim) {
            None | Some("") => PeriodKind::Month,
            Some(s) => PeriodKind::parse(s).ok_or(PeriodProblem::new(
                "period",
                "is not one of day, week, month, quarter, year, custom",
            ))?,
        };
        if kind == PeriodKind::Custom {
            let from = q.from.as_deref().ok_or(PeriodProblem::new(
                "from",
                "is required for a custom period",
            ))?;
            let to =
                q.to.as_deref()
                    .ok_or(PeriodProblem::new("to", "is required for a custom period"))?;
            return Period::custom(parse_day("from", from)?, parse_day("to", to)?);
        }
        let day = match q.date.as_deref() {
            None | Some("") => today,
            Some(s) => parse_day("date", s)?,
        };
        Ok(Period::containing(kind, day))
    }

    /// The query string that asks for this period again.
    pub fn to_query(self) -> PeriodQuery {
        match self.kind {
            PeriodKind::Custom => PeriodQuery {
                period: Some("custom".into()),
                date: None,
                from: Some(self.first.to_string()),
                to: Some(self.last.to_string()),
            },
            kind => PeriodQuery {
                period: Some(kind.as_str().into()),
                date: Some(self.first.to_string()),
                from: None,
                to: None,
            },
        }
    }

    /// Number of calendar days, both ends included.
    pub fn days(self) -> i64 {
        (self.last - self.first).num_days() + 1
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.first <= day && day <= self.last
    }

    /// The period just before, to compare with: the previous calendar unit, or for a custom
    /// range the same number of days ending the day before it starts.
    pub fn previous(self) -> Period {
        match self.kind {
            PeriodKind::Custom => Period {
                kind: PeriodKind::Custom,
                first: self.first - Duration::days(self.days()),
                last: self.first - Duration::days(1),
            },
            kind => Period::containing(kind, self.first - Duration::days(1)),
        }
    }

    /// The period just after (an open suggested action is carried into it).
    pub fn next(self) -> Period {
        match self.kind {
            PeriodKind::Custom => Period {
                kind: PeriodKind::Custom,
                first: self.last + Duration::days(1),
                last: self.last + Duration::days(self.days()),
            },
            kind => Period::containing(kind, self.last + Duration::days(1)),
        }
    }

    /// The first instant inside the period, in UTC.
    pub fn start_utc(self, utc_offset_minutes: i32) -> DateTime<Utc> {
        day_start_utc(self.first, utc_offset_minutes)
    }

    /// The first instant after the period, in UTC (an exclusive bound).
    pub fn end_utc(self, utc_offset_minutes: i32) -> DateTime<Utc> {
        day_start_utc(self.last + Duration::days(1), utc_offset_minutes)
    }

    /// The ISO weeks the period touches, each whole (a trend's points).
    pub fn weeks(self) -> Vec<Period> {
        let mut out = Vec::new();
        let mut week = Period::containing(PeriodKind::Week, self.first);
        while week.first <= self.last {
            out.push(week);
            week = week.next();
        }
        out
    }

    /// A stable name: `2026-12-02`, `2026-W49`, `2026-12`, `2026-Q4`, `2026`,
    /// `2026-12-01~2026-12-15`. Suggested actions are kept under it.
    pub fn key(self) -> String {
        match self.kind {
            PeriodKind::Day => self.first.to_string(),
            PeriodKind::Week => {
                let w = self.first.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            PeriodKind::Month => self.first.format("%Y-%m").to_string(),
            PeriodKind::Quarter => {
                format!("{}-Q{}", self.first.year(), self.first.month0() / 3 + 1)
            }
            PeriodKind::Year => self.first.year().to_string(),
            PeriodKind::Custom => format!("{}~{}", self.first, self.last),
        }
    }

    /// The period a `key` names, or `None` for a string no period gives.
    pub fn parse_key(key: &str) -> Option<Period> {
        if let Some((a, b)) = key.split_once('~') {
            let first = NaiveDate::parse_from_str(a, "%Y-%m-%d").ok()?;
            let last = NaiveDate::parse_from_str(b, "%Y-%m-%d").ok()?;
            return Period::custom(first, last).ok();
        }
        if let Some((y, w)) = key.split_once("-W") {
            let day = NaiveDate::from_isoywd_opt(y.parse().ok()?, w.parse().ok()?, Weekday::Mon)?;
            return Some(Period::containing(PeriodKind::Week, day));
        }
        if let Some((y, q)) = key.split_once("-Q") {
            let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            let day = NaiveDate::from_ymd_opt(y.parse().ok()?, (q - 1) * 3 + 1, 1)?;
            return Some(Period::containing(PeriodKind::Quarter, day));
        }
        let parsed = match key.len() {
            10 => (
                PeriodKind::Day,
                NaiveDate::parse_from_str(key, "%Y-%m-%d").ok()?,
            ),
            7 => (
                PeriodKind::Month,
                NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d").ok()?,
            ),
            4 => (
                PeriodKind::Year,
                NaiveDate::from_ymd_opt(key.parse().ok()?, 1, 1)?,
            ),
            _ => return None,
        };
        let period = Period::containing(parsed.0, parsed.1);
        (period.key() == key).then_some(period)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn q(period: &str, date: &str, from: &str, to: &str) -> PeriodQuery {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        PeriodQuery {
            period: opt(period),
            date: opt(date),
            from: opt(from),
            to: opt(to),
        }
    }

    #[test]
    fn calendar_units_hold_their_day() {
        let cases = [
            (
                PeriodKind::Day,
                "2026-12-02",
                "2026-12-02",
                "2026-12-02",
                "2026-12-02",
            ),
            (
                PeriodKind::Week,
                "2026-12-02",
                "2026-11-30",
                "2026-12-06",
                "2026-W49",
            ),
            (
                PeriodKind::Week,
                "2027-01-01",
                "2026-12-28",
                "2027-01-03",
                "2026-W53",
            ),
            (
                PeriodKind::Month,
                "2026-02-14",
                "2026-02-01",
                "2026-02-28",
                "2026-02",
            ),
            (
                PeriodKind::Month,
                "2028-02-29",
                "2028-02-01",
                "2028-02-29",
                "2028-02",
            ),
            (
                PeriodKind::Quarter,
                "2026-12-02",
                "2026-10-01",
                "2026-12-31",
                "2026-Q4",
            ),
            (
                PeriodKind::Quarter,
                "2026-01-01",
                "2026-01-01",
                "2026-03-31",
                "2026-Q1",
            ),
            (
                PeriodKind::Year,
                "2026-06-30",
                "2026-01-01",
                "2026-12-31",
                "2026",
            ),
        ];
        for (kind, day, first, last, key) in cases {
            let p = Period::containing(kind, d(day));
            assert_eq!((p.first, p.last), (d(first), d(last)), "{kind:?} {day}");
            assert_eq!(p.key(), key);
            assert_eq!(Period::parse_key(key), Some(p), "{key}");
        }
    }

    #[test]
    fn the_previous_period_is_the_same_unit_before() {
        let cases = [
            ("month", "2026-03-31", "", "", "2026-02-01", "2026-02-28"),
            ("month", "2026-01-15", "", "", "2025-12-01", "2025-12-31"),
            ("week", "2026-12-02", "", "", "2026-11-23", "2026-11-29"),
            ("quarter", "2026-01-05", "", "", "2025-10-01", "2025-12-31"),
            ("day", "2026-03-01", "", "", "2026-02-28", "2026-02-28"),
            ("year", "2026-03-01", "", "", "2025-01-01", "2025-12-31"),
            (
                "custom",
                "",
                "2026-12-01",
                "2026-12-10",
                "2026-11-21",
                "2026-11-30",
            ),
        ];
        for (period, date, from, to, first, last) in cases {
            let p = Period::from_query(&q(period, date, from, to), d("2026-06-01")).unwrap();
            let prev = p.previous();
            assert_eq!(
                (prev.first, prev.last),
                (d(first), d(last)),
                "{period} {date}"
            );
            assert_eq!(prev.next(), p, "{period} {date}: next undoes previous");
        }
    }

    #[test]
    fn queries_default_to_this_month_and_name_the_bad_field() {
        let today = d("2026-12-02");
        let p = Period::from_query(&PeriodQuery::default(), today).unwrap();
        assert_eq!(p, Period::containing(PeriodKind::Month, today));
        assert_eq!(Period::from_query(&p.to_query(), d("2020-01-01")), Ok(p));
        let custom = Period::from_query(&q("custom", "", "2026-01-01", "2026-12-31"), today);
        assert_eq!(custom.map(|p| p.days()), Ok(365));
        assert_eq!(
            Period::from_query(&custom.unwrap().to_query(), today),
            custom
        );
        let refused = [
            (q("fortnight", "", "", ""), "period"),
            (q("month", "2026-13-01", "", ""), "date"),
            (q("month", "yesterday", "", ""), "date"),
            (q("custom", "", "", "2026-12-01"), "from"),
            (q("custom", "", "2026-12-01", ""), "to"),
            (q("custom", "", "2026-12-01", "2026-11-30"), "to"),
            (q("custom", "", "2025-01-01", "2026-12-31"), "to"),
            (q("custom", "", "1.12.2026", "2026-12-31"), "from"),
        ];
        for (query, field) in refused {
            let err = Period::from_query(&query, today).unwrap_err();
            assert_eq!(err.field, field, "{query:?}");
        }
    }

    #[test]
    fn bounds_are_local_midnights() {
        let p = Period::containing(PeriodKind::Day, d("2026-12-02"));
        assert_eq!(p.start_utc(480).to_rfc3339(), "2026-12-01T16:00:00+00:00");
        assert_eq!(p.end_utc(480).to_rfc3339(), "2026-12-02T16:00:00+00:00");
        let at = p.start_utc(480);
        assert_eq!(local_day(at, 480), d("2026-12-02"));
        assert_eq!(local_day(at - Duration::seconds(1), 480), d("2026-12-01"));
    }

    #[test]
    fn weeks_cover_the_period_whole() {
        let month = Period::containing(PeriodKind::Month, d("2026-12-02"));
        let weeks = month.weeks();
        assert_eq!(weeks.first().unwrap().first, d("2026-11-30"));
        assert_eq!(weeks.last().unwrap().last, d("2027-01-03"));
        assert_eq!(weeks.len(), 5);
    }

    #[test]
    fn keys_no_period_gives_are_refused() {
        for key in [
            "2026-13",
            "2026-Q5",
            "2026-W60",
            "20261",
            "2026-12-32",
            "x~y",
            "",
        ] {
            assert_eq!(Period::parse_key(key), None, "{key}");
        }
    }
}
