//! The server's one source of "now".

use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};

/// What every rule the server evaluates takes as `now`: quiet hours, SLA clocks on the business
/// calendar, "today", session expiry. The system time by default; tests and demos can start
/// it at a chosen instant, from which it advances with real time, so what they show does not
/// depend on the hour they run at.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: Option<(DateTime<Utc>, Instant)>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock { start: None }
    }

    /// A clock that reads `at` now and runs on from there. It counts on a monotonic timer, so
    /// a change of the machine's time during a test does not move it.
    pub fn starting_at(at: DateTime<Utc>) -> Clock {
        Clock {
            start: Some((at, Instant::now())),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self.start {
            None => Utc::now(),
            Some((at, since)) => {
                at + TimeDelta::from_std(since.elapsed()).expect("uptime fits in a TimeDelta")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_started_clock_reads_its_start_and_then_runs_on() {
        let at = DateTime::parse_from_rfc3339("2026-11-23T10:10:30+08:00")
            .unwrap()
            .to_utc();
        let clock = Clock::starting_at(at);
        let first = clock.now();
        assert!(first >= at && first - at < TimeDelta::seconds(1), "{first}");
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(clock.now() >= first + TimeDelta::milliseconds(20));
    }

    #[test]
    fn the_system_clock_reads_the_system_time() {
        let before = Utc::now();
        let now = Clock::system().now();
        assert!(before <= now && now <= Utc::now());
    }
}
