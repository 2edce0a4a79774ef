//! The settings as the form holds them (text as typed, times as `HH:MM`), and the one check
//! the form runs: the domain's `Settings::problems`, after what could not even be read.

use chrono::NaiveTime;
use huifang_domain::settings::{
    Settings, SettingsProblem, SettingsReason, SettingsUpdate, VersionedSettings,
};
use huifang_domain::task::{QuietHours, QuietWindow};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WindowDraft {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    /// The version the settings were read at: a save names it.
    pub version: u64,
    pub company: String,
    pub utc_offset_minutes: i32,
    pub windows: Vec<WindowDraft>,
    pub target_min: String,
    pub target_max: String,
    pub record_within: String,
    pub silent_days: String,
}

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").ok()
}

/// A number (minutes or days) as typed; what is not one reads as 0, which the range check refuses.
fn minutes(text: &str) -> u32 {
    text.trim().parse().unwrap_or(0)
}

impl Draft {
    pub fn of(v: &VersionedSettings) -> Draft {
        let s = &v.settings;
        Draft {
            version: v.version,
            company: s.company.clone(),
            utc_offset_minutes: s.utc_offset_minutes,
            windows: s
                .quiet_hours
                .windows
                .iter()
                .map(|w| WindowDraft {
                    start: hhmm(w.start),
                    end: hhmm(w.end),
                })
                .collect(),
            target_min: s.target_minutes[0].to_string(),
            target_max: s.target_minutes[1].to_string(),
            record_within: s.record_within_minutes.to_string(),
            silent_days: s.device_silent_days.to_string(),
        }
    }

    /// The save this draft makes, or every problem by field (an unreadable time first, as
    /// missing; the windows' other checks wait until every time reads).
    pub fn update(&self) -> Result<SettingsUpdate, Vec<SettingsProblem>> {
        let mut unread = Vec::new();
        let mut windows = Vec::new();
        for (i, w) in self.windows.iter().enumerate() {
            match (time(&w.start), time(&w.end)) {
                (Some(start), Some(end)) => windows.push(QuietWindow { start, end }),
                (start, _) => unread.push(SettingsProblem {
                    field: format!(
                        "quiet_hours[{i}].{}",
                        if start.is_none() { "start" } else { "end" }
                    ),
                    reason: SettingsReason::Missing,
                }),
            }
        }
        let settings = Settings {
            company: self.company.clone(),
            utc_offset_minutes: self.utc_offset_minutes,
            quiet_hours: QuietHours { windows },
            target_minutes: [minutes(&self.target_min), minutes(&self.target_max)],
            record_within_minutes: minutes(&self.record_within),
            device_silent_days: minutes(&self.silent_days),
        }
        .normalized();
        let mut problems = settings.problems();
        if !unread.is_empty() {
            problems.retain(|p| !p.field.starts_with("quiet_hours"));
            problems.splice(0..0, unread);
        }
        if problems.is_empty() {
            Ok(SettingsUpdate {
                version: self.version,
                settings,
            })
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read() -> VersionedSettings {
        VersionedSettings {
            version: 7,
            settings: Settings {
                company: "惠方".into(),
                utc_offset_minutes: 480,
                quiet_hours: QuietHours::default(),
                target_minutes: [5, 10],
                record_within_minutes: 10,
                device_silent_days: 3,
            },
        }
    }

    fn fields(d: &Draft) -> Vec<(String, SettingsReason)> {
        d.update()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|p| (p.field, p.reason))
            .collect()
    }

    #[test]
    fn a_draft_read_and_saved_unchanged_is_the_same_settings_at_its_version() {
        let v = read();
        assert_eq!(Draft::of(&v).update(), Ok(v));
    }

    #[test]
    fn what_the_form_cannot_read_is_named_before_the_rules() {
        use SettingsReason::*;
        let base = Draft::of(&read());
        let with = |f: &dyn Fn(&mut Draft)| {
            let mut d = base.clone();
            f(&mut d);
            d
        };
        let table: Vec<(Draft, Vec<(&str, SettingsReason)>)> = vec![
            (
                with(&|d| d.windows[1].start = String::new()),
                vec![("quiet_hours[1].start", Missing)],
            ),
            (
                with(&|d| {
                    d.windows[0].end = String::new();
                    d.target_min = "abc".into();
                }),
                vec![
                    ("quiet_hours[0].end", Missing),
                    ("target_minutes", OutOfRange),
                ],
            ),
            (
                with(&|d| {
                    d.windows.push(WindowDraft {
                        start: "13:00".into(),
                        end: "15:00".into(),
                    })
                }),
                vec![("quiet_hours[2].start", Overlaps)],
            ),
            (
                with(&|d| d.record_within = " 0 ".into()),
                vec![("record_within_minutes", OutOfRange)],
            ),
            (
                with(&|d| d.silent_days = "a week".into()),
                vec![("device_silent_days", OutOfRange)],
            ),
            (with(&|d| d.silent_days = " 14 ".into()), vec![]),
        ];
        for (draft, want) in table {
            let want: Vec<(String, SettingsReason)> =
                want.into_iter().map(|(f, r)| (f.to_owned(), r)).collect();
            assert_eq!(fields(&draft), want, "{draft:?}");
        }
    }
}
