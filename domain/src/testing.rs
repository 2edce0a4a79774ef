//! Shared fixtures for the unit tests: the rules about local time are all tested in Beijing.

use chrono::{DateTime, FixedOffset, TimeZone, Utc};

pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8")
}

/// A Beijing wall-clock time in November 2026 as UTC; the 23rd is a Monday.
pub fn bj_nov(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    beijing()
        .with_ymd_and_hms(2026, 11, day, h, m, 0)
        .single()
        .expect("a valid November 2026 time")
        .with_timezone(&Utc)
}
