//! 机构设置: the organisation-wide settings every device pulls (company name, time zone, quiet
//! hours, the pace targets), and the one check an admin's edit passes on the console and on
//! the server.

use chrono::{NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use crate::char_len;
use crate::task::{QuietHours, QuietWindow};

/// Organisation-wide settings the device needs offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// `{company}` in the call scripts.
    pub company: String,
    /// The organisation's local time (quiet hours and "today" are local), e.g. 480 for UTC+8.
    pub utc_offset_minutes: i32,
    pub quiet_hours: QuietHours,
    /// 回访时长目标: a contact should take between these many minutes.
    pub target_minutes: [u32; 2],
    /// "一事一记": record a finished contact within this many minutes.
    pub record_within_minutes: u32,
    /// 设备状态: a device with no push or pull for more than this many days is flagged as
    /// silent. Absent in settings from before device health (old servers, old devices'
    /// copies, old consoles' saves): the default.
    #[serde(default = "default_silent_days")]
    pub device_silent_days: u32,
}

fn default_silent_days() -> u32 {
    crate::devices::SILENT_DAYS_DEFAULT
}

/// The settings and the change version they were stored under: `GET /api/settings`, and
/// what a save answers (and a stale save's conflict carries as `current`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionedSettings {
    pub version: u64,
    pub settings: Settings,
}

/// `PUT /api/settings`: the new settings and the version the editor started from.
pub type SettingsUpdate = VersionedSettings;

/// The longest company name: it is spoken in every opening line.
pub const COMPANY_MAX: usize = 100;
/// Most quiet windows: a handful covers any day (DOMAIN.md has three).
pub const QUIET_WINDOWS_MAX: usize = 8;
/// The longest contact target: a long on-site visit, not a day.
pub const TARGET_MINUTES_MAX: u32 = 240;
/// "Record within" at most a day: the record is the visit's memory.
pub const RECORD_WITHIN_MAX: u32 = 24 * 60;

/// The UTC offsets (minutes east of UTC) an organisation can pick: the ones in use around the
/// world, whole, half and quarter hours, from UTC−12:00 to UTC+14:00.
pub const UTC_OFFSETS: &[i32] = &[
    -720, -660, -600, -570, -540, -480, -420, -360, -300, -240, -210, -180, -120, -60, 0, 60, 120,
    180, 210, 240, 270, 300, 330, 345, 360, 390, 420, 480, 525, 540, 570, 600, 630, 660, 720, 765,
    780, 840,
];

/// An offset as people read it: `UTC+08:00`, `UTC−03:30`, `UTC+00:00`.
pub fn utc_offset_label(minutes: i32) -> String {
    let sign = if minutes < 0 { '−' } else { '+' };
    let m = minutes.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

/// Why one setting is refused: the field's wire path (`company`, `quiet_hours[1].start`,
/// `target_minutes`…) and a stable reason code the console words in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsProblem {
    pub field: String,
    pub reason: SettingsReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingsReason {
    Missing,
    TooLong,
    /// Line breaks or other control characters in a one-line name.
    ControlCharacters,
    /// Not one of [`UTC_OFFSETS`].
    UnknownOffset,
    /// A window that starts where it ends: nothing, or the whole day; neither is meant.
    EmptyWindow,
    /// A time with seconds: windows are whole minutes.
    NotWholeMinute,
    /// Shares time with an earlier window.
    Overlaps,
    TooMany,
    /// The windows leave no time of day at all for calls.
    WholeDay,
    /// Outside the allowed range (at least 1, at most the field's maximum).
    OutOfRange,
    /// The lower target is above the upper one.
    MinAboveMax,
}

impl SettingsReason {
    /// An English sentence for logs and API clients; the console words the code itself.
    pub fn message(self) -> &'static str {
        match self {
            SettingsReason::Missing => "is required",
            SettingsReason::TooLong => "is too long",
            SettingsReason::ControlCharacters => "has line breaks or control characters",
            SettingsReason::UnknownOffset => "is not a UTC offset in use",
            SettingsReason::EmptyWindow => "ends where it starts",
            SettingsReason::NotWholeMinute => "is not a whole minute",
            SettingsReason::Overlaps => "overlaps an earlier window",
            SettingsReason::TooMany => "has too many windows",
            SettingsReason::WholeDay => "leaves no time for calls",
            SettingsReason::OutOfRange => "is out of range",
            SettingsReason::MinAboveMax => "has its minimum above its maximum",
        }
    }
}

const DAY: u32 = 24 * 60;

fn minute_of(t: NaiveTime) -> u32 {
    t.hour() * 60 + t.minute()
}

/// A window as half-open minute ranges of one day: one range, or two when it runs over
/// midnight.
fn ranges(w: &QuietWindow) -> Vec<(u32, u32)> {
    let (s, e) = (minute_of(w.start), minute_of(w.end));
    if s < e {
        vec![(s, e)]
    } else {
        [(s, DAY), (0, e)]
            .into_iter()
            .filter(|(a, b)| a < b)
            .collect()
    }
}

fn overlap(a: &QuietWindow, b: &QuietWindow) -> bool {
    ranges(a)
        .iter()
        .any(|x| ranges(b).iter().any(|y| x.0 < y.1 && y.0 < x.1))
}

impl Settings {
    /// The settings as stored: the company name trimmed.
    pub fn normalized(mut self) -> Self {
        self.company = self.company.trim().to_owned();
        self
    }

    /// Every broken rule, in field order; empty when the settings may be stored. The console
    /// shows each beside its field, the server refuses the first.
    pub fn problems(&self) -> Vec<SettingsProblem> {
        let mut out = Vec::new();
        let mut refuse = |field: String, reason| out.push(SettingsProblem { field, reason });
        let company = self.company.trim();
        if company.is_empty() {
            refuse("company".into(), SettingsReason::Missing);
        } else if char_len(company) > COMPANY_MAX {
            refuse("company".into(), SettingsReason::TooLong);
        } else if company.chars().any(char::is_control) {
            refuse("company".into(), SettingsReason::ControlCharacters);
        }
        if !UTC_OFFSETS.contains(&self.utc_offset_minutes) {
            refuse("utc_offset_minutes".into(), SettingsReason::UnknownOffset);
        }
        let windows = &self.quiet_hours.windows;
        if windows.len() > QUIET_WINDOWS_MAX {
            refuse("quiet_hours".into(), SettingsReason::TooMany);
        } else {
            let mut whole = true;
            for (i, w) in windows.iter().enumerate() {
                let field = |end: &str| format!("quiet_hours[{i}].{end}");
                let exact = |t: NaiveTime| t.second() == 0 && t.nanosecond() == 0;
                if !exact(w.start) {
                    refuse(field("start"), SettingsReason::NotWholeMinute);
                    whole = false;
                } else if !exact(w.end) {
                    refuse(field("end"), SettingsReason::NotWholeMinute);
                    whole = false;
                } else if w.start == w.end {
                    refuse(field("end"), SettingsReason::EmptyWindow);
                    whole = false;
                } else if windows[..i].iter().any(|earlier| overlap(earlier, w)) {
                    refuse(field("start"), SettingsReason::Overlaps);
                    whole = false;
                }
            }
            // Only well-formed windows that do not overlap can be summed up to a day.
            let covered: u32 = windows.iter().flat_map(ranges).map(|(a, b)| b - a).sum();
            if whole && covered >= DAY {
                refuse("quiet_hours".into(), SettingsReason::WholeDay);
            }
        }
        let [min, max] = self.target_minutes;
        if !(1..=TARGET_MINUTES_MAX).contains(&min) || !(1..=TARGET_MINUTES_MAX).contains(&max) {
            refuse("target_minutes".into(), SettingsReason::OutOfRange);
        } else if min > max {
            refuse("target_minutes".into(), SettingsReason::MinAboveMax);
        }
        if !(1..=RECORD_WITHIN_MAX).contains(&self.record_within_minutes) {
            refuse("record_within_minutes".into(), SettingsReason::OutOfRange);
        }
        if !crate::devices::check_silent_days(self.device_silent_days) {
            refuse("device_silent_days".into(), SettingsReason::OutOfRange);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn window(start: (u32, u32), end: (u32, u32)) -> QuietWindow {
        QuietWindow {
            start: at(start.0, start.1),
            end: at(end.0, end.1),
        }
    }

    fn good() -> Settings {
        Settings {
            company: "惠方客服中心".into(),
            utc_offset_minutes: 480,
            quiet_hours: QuietHours::default(),
            target_minutes: [5, 10],
            record_within_minutes: 10,
            device_silent_days: 3,
        }
    }

    #[test]
    fn every_broken_setting_is_named_by_its_field() {
        use SettingsReason::*;
        let windows = |w: Vec<QuietWindow>| QuietHours { windows: w };
        type Case = (&'static str, Settings, Vec<(&'static str, SettingsReason)>);
        let table: Vec<Case> = vec![
            ("the defaults with a name", good(), vec![]),
            (
                "a blank name",
                Settings {
                    company: "  ".into(),
                    ..good()
                },
                vec![("company", Missing)],
            ),
            (
                "the longest name",
                Settings {
                    company: "名".repeat(COMPANY_MAX),
                    ..good()
                },
                vec![],
            ),
            (
                "a name one too long",
                Settings {
                    company: "名".repeat(COMPANY_MAX + 1),
                    ..good()
                },
                vec![("company", TooLong)],
            ),
            (
                "a line break in the name",
                Settings {
                    company: "惠方\n客服".into(),
                    ..good()
                },
                vec![("company", ControlCharacters)],
            ),
            (
                "UTC−03:30 and UTC+05:45 are offered",
                Settings {
                    utc_offset_minutes: -210,
                    ..good()
                },
                vec![],
            ),
            (
                "an offset of 7 minutes",
                Settings {
                    utc_offset_minutes: 487,
                    ..good()
                },
                vec![("utc_offset_minutes", UnknownOffset)],
            ),
            (
                "UTC+15:00 does not exist",
                Settings {
                    utc_offset_minutes: 900,
                    ..good()
                },
                vec![("utc_offset_minutes", UnknownOffset)],
            ),
            (
                "no quiet hours at all",
                Settings {
                    quiet_hours: windows(vec![]),
                    ..good()
                },
                vec![],
            ),
            (
                "back-to-back windows touch without overlapping",
                Settings {
                    quiet_hours: windows(vec![window((21, 0), (9, 0)), window((9, 0), (9, 30))]),
                    ..good()
                },
                vec![],
            ),
            (
                "a window that ends where it starts",
                Settings {
                    quiet_hours: windows(vec![window((21, 0), (9, 0)), window((12, 0), (12, 0))]),
                    ..good()
                },
                vec![("quiet_hours[1].end", EmptyWindow)],
            ),
            (
                "a window inside another",
                Settings {
                    quiet_hours: windows(vec![window((12, 0), (14, 0)), window((13, 0), (13, 30))]),
                    ..good()
                },
                vec![("quiet_hours[1].start", Overlaps)],
            ),
            (
                "a window over midnight overlapping an early one",
                Settings {
                    quiet_hours: windows(vec![window((7, 0), (8, 0)), window((22, 0), (7, 30))]),
                    ..good()
                },
                vec![("quiet_hours[1].start", Overlaps)],
            ),
            (
                "two windows over midnight",
                Settings {
                    quiet_hours: windows(vec![window((21, 0), (9, 0)), window((23, 0), (1, 0))]),
                    ..good()
                },
                vec![("quiet_hours[1].start", Overlaps)],
            ),
            (
                "a window ending at midnight",
                Settings {
                    quiet_hours: windows(vec![window((21, 0), (0, 0)), window((0, 0), (8, 0))]),
                    ..good()
                },
                vec![],
            ),
            (
                "seconds in a window",
                Settings {
                    quiet_hours: windows(vec![QuietWindow {
                        start: at(12, 0),
                        end: NaiveTime::from_hms_opt(14, 0, 30).unwrap(),
                    }]),
                    ..good()
                },
                vec![("quiet_hours[0].end", NotWholeMinute)],
            ),
            (
                "windows that fill the day",
                Settings {
                    quiet_hours: windows(vec![window((0, 0), (12, 0)), window((12, 0), (0, 0))]),
                    ..good()
                },
                vec![("quiet_hours", WholeDay)],
            ),
            (
                "too many windows",
                Settings {
                    quiet_hours: windows(
                        (0..=QUIET_WINDOWS_MAX as u32)
                            .map(|h| window((h, 0), (h, 30)))
                            .collect(),
                    ),
                    ..good()
                },
                vec![("quiet_hours", TooMany)],
            ),
            (
                "a minimum above the maximum",
                Settings {
                    target_minutes: [12, 10],
                    ..good()
                },
                vec![("target_minutes", MinAboveMax)],
            ),
            (
                "equal targets",
                Settings {
                    target_minutes: [10, 10],
                    ..good()
                },
                vec![],
            ),
            (
                "a zero target",
                Settings {
                    target_minutes: [0, 10],
                    ..good()
                },
                vec![("target_minutes", OutOfRange)],
            ),
            (
                "a target over four hours",
                Settings {
                    target_minutes: [5, TARGET_MINUTES_MAX + 1],
                    ..good()
                },
                vec![("target_minutes", OutOfRange)],
            ),
            (
                "record within zero minutes",
                Settings {
                    record_within_minutes: 0,
                    ..good()
                },
                vec![("record_within_minutes", OutOfRange)],
            ),
            (
                "record within a day",
                Settings {
                    record_within_minutes: RECORD_WITHIN_MAX,
                    ..good()
                },
                vec![],
            ),
            (
                "silent after no day at all",
                Settings {
                    device_silent_days: 0,
                    ..good()
                },
                vec![("device_silent_days", OutOfRange)],
            ),
            (
                "silent after 90 days",
                Settings {
                    device_silent_days: 90,
                    ..good()
                },
                vec![],
            ),
            (
                "silent after 91 days",
                Settings {
                    device_silent_days: 91,
                    ..good()
                },
                vec![("device_silent_days", OutOfRange)],
            ),
            (
                "several at once, in field order",
                Settings {
                    company: String::new(),
                    utc_offset_minutes: 1,
                    target_minutes: [9, 3],
                    record_within_minutes: 0,
                    ..good()
                },
                vec![
                    ("company", Missing),
                    ("utc_offset_minutes", UnknownOffset),
                    ("target_minutes", MinAboveMax),
                    ("record_within_minutes", OutOfRange),
                ],
            ),
        ];
        for (case, settings, want) in table {
            let got: Vec<(String, SettingsReason)> = settings
                .problems()
                .into_iter()
                .map(|p| (p.field, p.reason))
                .collect();
            let want: Vec<(String, SettingsReason)> =
                want.into_iter().map(|(f, r)| (f.to_owned(), r)).collect();
            assert_eq!(got, want, "{case}");
        }
    }

    #[test]
    fn offsets_read_as_people_write_them() {
        let table = [
            (480, "UTC+08:00"),
            (0, "UTC+00:00"),
            (-210, "UTC−03:30"),
            (345, "UTC+05:45"),
            (-720, "UTC−12:00"),
            (840, "UTC+14:00"),
        ];
        for (minutes, label) in table {
            assert_eq!(utc_offset_label(minutes), label);
            assert!(UTC_OFFSETS.contains(&minutes), "{minutes} is offered");
        }
        assert!(UTC_OFFSETS.windows(2).all(|w| w[0] < w[1]));
        assert!(UTC_OFFSETS.iter().all(|m| m % 15 == 0));
    }

    #[test]
    fn the_name_is_stored_trimmed() {
        let s = Settings {
            company: "  惠方 ".into(),
            ..good()
        };
        assert_eq!(s.normalized().company, "惠方");
    }

    #[test]
    fn settings_from_before_device_health_read_with_the_default() {
        let mut old = serde_json::to_value(good()).unwrap();
        old.as_object_mut().unwrap().remove("device_silent_days");
        let read: Settings = serde_json::from_value(old).unwrap();
        assert_eq!(read.device_silent_days, 3);
    }
}
