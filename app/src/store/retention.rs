//! Which synced copies leave the device, and when.
//!
//! The device keeps what its user acts on (queued records, drafts, records the server refused)
//! for as long as it takes, and copies the server already holds (synced visits, cached
//! customer files) only within a stated time and budget, so local storage stops growing with
//! every visit ever made. The rule is a plain function of the records, their sizes and `now`.

use chrono::{DateTime, Duration, Utc};

/// What the device keeps of the copies the server already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Synced copies older than this leave the device.
    pub keep_days: i64,
    /// At most this many synced visits stay, the newest ones.
    pub keep_visits: usize,
    /// When usage reaches this share of the quota, the oldest synced copies go…
    pub high_percent: u32,
    /// …until usage is back at this share (or no synced copy is left).
    pub low_percent: u32,
    /// The space the percentages are of, in UTF-16 code units.
    pub quota: usize,
}

impl Retention {
    pub fn high_units(&self) -> usize {
        self.quota / 100 * self.high_percent as usize
    }

    pub fn low_units(&self) -> usize {
        self.quota / 100 * self.low_percent as usize
    }
}

/// What a stored record is, as far as keeping it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// Queued, not on the server yet: kept until it is.
    Unsynced,
    /// Refused by the server and waiting in "needs attention" for the user.
    Attention,
    /// A visit being written.
    Draft,
    /// The server has it: this copy is only for reading offline.
    Synced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Visit,
    /// A customer file read ahead of a visit; the next sync reads it again when a task needs it.
    File,
    Draft,
}

/// One stored record: what it is, since when the device holds it in that state, and its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub kind: Kind,
    pub hold: Hold,
    pub at: DateTime<Utc>,
    pub units: usize,
}

/// Indices into `held` of the records to remove, oldest first. Only synced copies are ever
/// chosen: first those older than `keep_days`, then synced visits beyond the newest
/// `keep_visits`, then, while `used` (the store's usage) is at or above the high mark, the
/// oldest synced copies left until usage is down to the low mark.
pub fn to_prune(held: &[Held], rule: &Retention, used: usize, now: DateTime<Utc>) -> Vec<usize> {
    let mut synced: Vec<usize> = (0..held.len())
        .filter(|&i| held[i].hold == Hold::Synced)
        .collect();
    // Oldest first; the index breaks ties so the choice never depends on input order alone.
    crate::sorting::sort_by_key(&mut synced, |&i| (held[i].at, i));
    let too_old = now - Duration::days(rule.keep_days);
    let visits = synced
        .iter()
        .filter(|&&i| held[i].kind == Kind::Visit)
        .count();
    let mut extra_visits = visits.saturating_sub(rule.keep_visits);
    let mut used = used;
    let mut pressed = used >= rule.high_units();
    let mut out = Vec::new();
    for i in synced {
        let h = held[i];
        let over_count = h.kind == Kind::Visit && extra_visits > 0;
        pressed = pressed && used > rule.low_units();
        if h.at < too_old || over_count || pressed {
            if h.kind == Kind::Visit {
                extra_visits = extra_visits.saturating_sub(1);
            }
            used = used.saturating_sub(h.units);
            out.push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
    }

    const RULE: Retention = Retention {
        keep_days: 30,
        keep_visits: 3,
        high_percent: 60,
        low_percent: 40,
        quota: 1_000,
    };

    fn h(kind: Kind, hold: Hold, days_ago: i64, units: usize) -> Held {
        Held {
            kind,
            hold,
            at: now() - Duration::days(days_ago),
            units,
        }
    }

    use Hold::{Attention, Synced, Unsynced};
    use Kind::{File, Visit};

    #[test]
    fn only_synced_copies_go_by_age_count_and_space() {
        // (records, used, expected indices pruned, why)
        let cases: Vec<(Vec<Held>, usize, Vec<usize>, &str)> = vec![
            (vec![], 0, vec![], "nothing stored"),
            (
                vec![h(Visit, Synced, 1, 10), h(Visit, Synced, 29, 10)],
                20,
                vec![],
                "young and few: all kept",
            ),
            (
                vec![h(Visit, Synced, 31, 10), h(Visit, Synced, 2, 10)],
                20,
                vec![0],
                "older than 30 days",
            ),
            (
                vec![h(File, Synced, 40, 10), h(File, Synced, 3, 10)],
                20,
                vec![0],
                "an old customer file goes too",
            ),
            (
                vec![
                    h(Visit, Unsynced, 90, 10),
                    h(Visit, Attention, 90, 10),
                    h(Kind::Draft, Hold::Draft, 90, 10),
                ],
                30,
                vec![],
                "never an unsynced record, one needing attention or a draft, however old",
            ),
            (
                (0..5).map(|d| h(Visit, Synced, d, 10)).collect(),
                50,
                vec![4, 3],
                "beyond the newest three synced visits, the oldest go",
            ),
            (
                vec![
                    h(Visit, Unsynced, 9, 10),
                    h(Visit, Synced, 8, 10),
                    h(Visit, Synced, 7, 10),
                    h(Visit, Unsynced, 6, 10),
                    h(Visit, Synced, 5, 10),
                    h(Visit, Synced, 4, 10),
                ],
                60,
                vec![1],
                "unsynced visits do not count against the synced budget",
            ),
            (
                vec![
                    h(File, Synced, 20, 10),
                    h(Visit, Synced, 1, 10),
                    h(Visit, Synced, 2, 10),
                    h(Visit, Synced, 3, 10),
                    h(Visit, Synced, 4, 10),
                ],
                50,
                vec![4],
                "files do not count against the visit budget",
            ),
            (
                vec![
                    h(Visit, Synced, 3, 100),
                    h(Visit, Unsynced, 9, 400),
                    h(Visit, Synced, 2, 100),
                    h(Visit, Synced, 1, 100),
                ],
                599,
                vec![],
                "just below the high mark: nothing for space",
            ),
            (
                vec![
                    h(Visit, Synced, 3, 100),
                    h(Visit, Unsynced, 9, 400),
                    h(File, Synced, 4, 100),
                    h(Visit, Synced, 1, 100),
                ],
                700,
                vec![2, 0, 3],
                "at the high mark: oldest synced first until at the low mark",
            ),
            (
                vec![
                    h(Visit, Synced, 3, 100),
                    h(Visit, Synced, 2, 100),
                    h(Visit, Synced, 1, 100),
                ],
                650,
                vec![0, 1, 2],
                "the low mark is not reached: every synced copy goes",
            ),
            (
                vec![
                    h(Visit, Unsynced, 9, 900),
                    h(Kind::Draft, Hold::Draft, 9, 50),
                ],
                950,
                vec![],
                "full of unsynced work: nothing can go",
            ),
            (
                vec![h(Visit, Synced, 2, 300), h(Visit, Synced, 2, 300)],
                600,
                vec![0],
                "same age: the earlier index goes first, and one is enough",
            ),
        ];
        for (held, used, expected, why) in cases {
            assert_eq!(to_prune(&held, &RULE, used, now()), expected, "{why}");
        }
    }

    #[test]
    fn the_marks_are_shares_of_the_quota() {
        assert_eq!(RULE.high_units(), 600);
        assert_eq!(RULE.low_units(), 400);
    }
}
