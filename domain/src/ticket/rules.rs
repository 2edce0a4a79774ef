//! 规则设置: the ticket rule sets admins replace whole (grading, deadlines, business calendar,
//! routing, revisit targets), and the checks a replacement must pass before it is stored:
//! first its size ([`limits`]), then what the evaluators rely on.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use super::grading::{GradingRules, When};
use super::revisit::{RevisitTargets, Staff};
use super::routing::RoutingMap;
use super::vocabulary::Impact;
use crate::calendar::BusinessCalendar;
use crate::sla::SlaPolicy;
use crate::wire::wire_enum;

wire_enum!(
    /// One of the rule sets, by the name it is stored and served under.
    RuleSet {
        Grading => "grading",
        Sla => "sla",
        Calendar => "calendar",
        Routing => "routing",
        Revisit => "revisit",
    }
);

/// How big a rule set may be. Every ticket read grades, routes and runs its clocks over the
/// stored sets, on the server and on every tablet, so a set far beyond what anyone keeps by
/// hand would slow every read down; these are well above a real organisation's sets.
pub mod limits {
    use std::ops::RangeInclusive;

    /// Longest code (a grading rule's key, a sub-problem a rule tests): codes are short words
    /// joined by `_`, looked up in the app's names, never prose.
    pub const MAX_CODE_CHARS: usize = 64;
    /// Longest department name: a name shown on every ticket, not a description.
    pub const MAX_NAME_CHARS: usize = 100;
    /// Most grading rules, and most SLA rules: hand-kept sets have a handful; every one is
    /// tried on every ticket.
    pub const MAX_RULES: usize = 200;
    /// Most tests in one grading rule's `when` (each `any`/`all` counting as one besides what
    /// it holds): still a condition an admin can read.
    pub const MAX_WHEN_TESTS: usize = 32;
    /// Most holidays, and most make-up working days: a year has about 30, so this is a decade
    /// ahead; every day a clock covers is looked up in them.
    pub const MAX_DATES: usize = 400;
    /// The years a holiday or make-up day may fall in: a mistyped year (0202, 20266) is
    /// refused instead of kept for ever.
    pub const DATE_YEARS: RangeInclusive<i32> = 2000..=2099;
}

use limits::{DATE_YEARS, MAX_CODE_CHARS, MAX_DATES, MAX_NAME_CHARS, MAX_RULES, MAX_WHEN_TESTS};

/// Why a replacement rule set is refused, and the field to point at (none when it does not
/// even parse).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RuleSetRefusal {
    pub field: Option<&'static str>,
    pub message: String,
}

fn refuse(field: &'static str, message: impl Into<String>) -> RuleSetRefusal {
    RuleSetRefusal {
        field: Some(field),
        message: message.into(),
    }
}

impl RuleSet {
    /// Parses an admin's replacement, checks its size, then applies the checks the evaluators
    /// rely on; returns it as it will be stored. `staff` tells what is known of a user the
    /// revisit rules name (`None`: no such user).
    pub fn check(
        self,
        value: Value,
        staff: impl Fn(Uuid) -> Option<Staff>,
    ) -> Result<Value, RuleSetRefusal> {
        fn parse<T: DeserializeOwned>(value: Value) -> Result<T, RuleSetRefusal> {
            serde_json::from_value(value).map_err(|e| RuleSetRefusal {
                field: None,
                message: e.to_string(),
            })
        }
        fn checked<T: Serialize>(
            set: T,
            field: &'static str,
            check: impl FnOnce(&T) -> Result<(), String>,
        ) -> Result<Value, RuleSetRefusal> {
            check(&set).map_err(|message| RuleSetRefusal {
                field: Some(field),
                message,
            })?;
            serde_json::to_value(set).map_err(|e| RuleSetRefusal {
                field: None,
                message: e.to_string(),
            })
        }
        match self {
            RuleSet::Grading => {
                let set = parse::<GradingRules>(value)?;
                grading_size(&set)?;
                checked(set, "rules", GradingRules::check)
            }
            RuleSet::Sla => {
                let set = parse::<SlaPolicy>(value)?;
                if set.rules.len() > MAX_RULES {
                    return Err(refuse("rules", format!("at most {MAX_RULES} rules")));
                }
                checked(set, "rules", SlaPolicy::check)
            }
            RuleSet::Calendar => {
                let set = parse::<BusinessCalendar>(value)?;
                dates_size(("holidays", "holidays"), &set.holidays)?;
                dates_size(
                    ("extra_workdays", "make-up working days"),
                    &set.extra_workdays,
                )?;
                checked(set, "calendar", |c| c.check().map_err(|e| e.to_string()))
            }
            RuleSet::Routing => {
                let set = parse::<RoutingMap>(value)?;
                department_names("by_nature", set.by_nature.values())?;
                department_names("by_sub_problem", set.by_sub_problem.values())?;
                checked(set, "by_sub_problem", RoutingMap::check)
            }
            // Keyed by closed sets of values: its size is bounded by its type.
            RuleSet::Revisit => {
                let set = parse::<RevisitTargets>(value)?;
                if let Err((impact, message)) = set.check_people(staff) {
                    return Err(RuleSetRefusal {
                        field: Some(revisitor_field(impact)),
                        message,
                    });
                }
                checked(set, "percent_by_type", RevisitTargets::check)
            }
        }
    }
}

/// The field a refused revisitor rule is named by: its grade.
fn revisitor_field(impact: Impact) -> &'static str {
    match impact {
        Impact::General => "revisitors.general",
        Impact::Important => "revisitors.important",
        Impact::Urgent => "revisitors.urgent",
    }
}

/// A code: 1 to [`MAX_CODE_CHARS`] of `a`–`z`, `0`–`9`, `_`, `.`, `-`.
fn is_code(s: &str) -> bool {
    (1..=MAX_CODE_CHARS).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b))
}

fn grading_size(set: &GradingRules) -> Result<(), RuleSetRefusal> {
    if set.rules.len() > MAX_RULES {
        return Err(refuse("rules", format!("at most {MAX_RULES} rules")));
    }
    for (i, rule) in set.rules.iter().enumerate() {
        // The key is not quoted back: it may be what is too long.
        if !is_code(&rule.key) {
            return Err(refuse(
                "rules",
                format!(
                    "rule {}: a key has 1 to {MAX_CODE_CHARS} characters of a–z, 0–9, _ . -",
                    i + 1
                ),
            ));
        }
        let mut tests = 0;
        let mut bad_code = false;
        each_test(&rule.when, &mut |w| {
            tests += 1;
            bad_code |= matches!(w, When::SubProblem(s) if !is_code(s));
        });
        if tests > MAX_WHEN_TESTS {
            return Err(refuse(
                "rules",
                format!(
                    "rule {:?} tests more than {MAX_WHEN_TESTS} things",
                    rule.key
                ),
            ));
        }
        if bad_code {
            return Err(refuse(
                "rules",
                format!(
                    "rule {:?}: a sub-problem has 1 to {MAX_CODE_CHARS} characters of a–z, 0–9, _ . -",
                    rule.key
                ),
            ));
        }
    }
    Ok(())
}

fn each_test<'a>(w: &'a When, f: &mut impl FnMut(&'a When)) {
    f(w);
    if let When::Any(all) | When::All(all) = w {
        all.iter().for_each(|w| each_test(w, f));
    }
}

/// The screen shows the message alone, so it names the list (`what`) as well.
fn dates_size(
    (field, what): (&'static str, &str),
    dates: &[NaiveDate],
) -> Result<(), RuleSetRefusal> {
    if dates.len() > MAX_DATES {
        return Err(refuse(field, format!("at most {MAX_DATES} {what}")));
    }
    let mut seen = BTreeSet::new();
    for day in dates {
        if !DATE_YEARS.contains(&day.year()) {
            return Err(refuse(
                field,
                format!(
                    "{what}: {day} is outside the years {}–{}",
                    DATE_YEARS.start(),
                    DATE_YEARS.end()
                ),
            ));
        }
        if !seen.insert(day) {
            return Err(refuse(field, format!("{what}: {day} is listed twice")));
        }
    }
    Ok(())
}

fn department_names<'a>(
    field: &'static str,
    names: impl IntoIterator<Item = &'a String>,
) -> Result<(), RuleSetRefusal> {
    for name in names {
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(refuse(
                field,
                format!("a department name has at most {MAX_NAME_CHARS} characters"),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(refuse(field, "a department name has no control characters"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replacements_are_checked_as_the_api_reports_them() {
        let refused = |field: Option<&str>, message: &str| {
            Err::<(), _>((field.map(str::to_owned), message.to_owned()))
        };
        let table = [
            (
                RuleSet::Grading,
                serde_json::to_value(GradingRules::default()).unwrap(),
                Ok(()),
            ),
            (
                RuleSet::Grading,
                json!({"rules": [{"key": "a", "when": "personal_injury"}]}),
                refused(Some("rules"), "rule \"a\" changes nothing"),
            ),
            (
                RuleSet::Sla,
                serde_json::to_value(SlaPolicy::default()).unwrap(),
                Ok(()),
            ),
            (
                RuleSet::Sla,
                json!({"rules": [{"kind": "plan", "minutes": 60, "timing": "business", "warn_percent": 0}]}),
                refused(Some("rules"), "the Plan warning is at 1–100 %"),
            ),
            (
                RuleSet::Sla,
                json!({"rules": [{"kind": "plan", "minutes": 600000, "timing": "business", "warn_percent": 50}]}),
                refused(Some("rules"), "a Plan clock allows at most a year"),
            ),
            (
                RuleSet::Calendar,
                serde_json::to_value(BusinessCalendar::default()).unwrap(),
                Ok(()),
            ),
            (
                RuleSet::Routing,
                serde_json::to_value(RoutingMap::default()).unwrap(),
                Ok(()),
            ),
            (
                RuleSet::Routing,
                json!({"by_nature": {}, "by_sub_problem": {"weather": "ops"}}),
                refused(Some("by_sub_problem"), "\"weather\" is not a sub-problem"),
            ),
            (
                RuleSet::Revisit,
                serde_json::to_value(RevisitTargets::default()).unwrap(),
                Ok(()),
            ),
            (
                RuleSet::Revisit,
                json!({"percent_by_type": {"complaint": 101}, "key_customers_percent": 100}),
                refused(Some("percent_by_type"), "a target is 0–100 %"),
            ),
            (
                RuleSet::Grading,
                json!({"rules": [{"key": "Injury", "when": "personal_injury", "impact_at_least": "urgent"}]}),
                refused(
                    Some("rules"),
                    "rule 1: a key has 1 to 64 characters of a–z, 0–9, _ . -",
                ),
            ),
            (
                RuleSet::Calendar,
                json!({"utc_offset_minutes": 480, "work_start": "09:00:00", "work_end": "18:00:00",
                       "workdays": [true, true, true, true, true, false, false],
                       "extra_workdays": ["2027-02-20", "2027-02-20"]}),
                refused(
                    Some("extra_workdays"),
                    "make-up working days: 2027-02-20 is listed twice",
                ),
            ),
        ];
        for (set, value, want) in table {
            let got = set
                .check(value.clone(), |_| None)
                .map(|_| ())
                .map_err(|e| (e.field.map(str::to_owned), e.message));
            assert_eq!(got, want, "{set:?} {value}");
        }
        let unparsed = RuleSet::Routing
            .check(json!({"by_nature": 3}), |_| None)
            .unwrap_err();
        assert_eq!(unparsed.field, None);
        assert!(!unparsed.message.is_empty());
        assert_eq!(RuleSet::parse("sla"), Some(RuleSet::Sla));
        assert_eq!(RuleSet::parse("users"), None);
    }

    #[test]
    fn a_revisitor_rule_naming_someone_who_cannot_revisit_is_refused_by_grade() {
        use crate::auth::Role;
        let staff = |id: Uuid| match id.as_u128() {
            1 => Some(Staff {
                role: Role::Supervisor,
                disabled: false,
            }),
            2 => Some(Staff {
                role: Role::Supervisor,
                disabled: true,
            }),
            3 => Some(Staff {
                role: Role::Admin,
                disabled: false,
            }),
            _ => None,
        };
        let set = |grade: &str, user: u128| {
            json!({"percent_by_type": {"complaint": 50}, "key_customers_percent": 100,
                   "revisitors": {grade: {"by": "person", "user": Uuid::from_u128(user)}}})
        };
        let table = [
            (set("important", 1), None),
            (set("urgent", 2), Some("revisitors.urgent")),
            (set("important", 3), Some("revisitors.important")),
            (set("general", 9), Some("revisitors.general")),
        ];
        for (value, refused) in table {
            let got = RuleSet::Revisit.check(value.clone(), staff);
            assert_eq!(got.err().and_then(|e| e.field), refused, "{value}");
        }
    }

    #[test]
    fn each_size_limit_takes_its_maximum_and_refuses_one_more_naming_the_field() {
        use RuleSet::{Calendar, Grading, Routing, Sla};
        let rule = |key: &str, when: Value| json!({"rules": [{"key": key, "when": when, "priority_at_least": "high"}]});
        let injury = || json!("personal_injury");
        let rules = |n: usize| {
            let all: Vec<Value> = (0..n)
                .map(|i| json!({"key": format!("r{i}"), "when": injury(), "impact_at_least": "urgent"}))
                .collect();
            json!({ "rules": all })
        };
        // `n` tests: the `any` and what it holds.
        let tests = |n: usize| rule("k", json!({ "any": vec![injury(); n - 1] }));
        let sub_problem = |code: &str| rule("k", json!({ "sub_problem": code }));
        let clocks = |n: usize| {
            let clock =
                json!({"kind": "plan", "minutes": 60, "timing": "business", "warn_percent": 50});
            json!({ "rules": vec![clock; n] })
        };
        let calendar = |field: &str, days: Vec<String>| {
            let mut c = serde_json::to_value(BusinessCalendar::default()).unwrap();
            c[field] = json!(days);
            c
        };
        let first = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        let days = |n: u64| -> Vec<String> {
            (0..n)
                .map(|i| (first + chrono::Days::new(i)).to_string())
                .collect()
        };
        let dated = |list: &[&str]| list.iter().map(|d| d.to_string()).collect::<Vec<_>>();
        let routing = |by_nature: &str, by_sub: &str| json!({"by_nature": {"product": by_nature}, "by_sub_problem": {"design": by_sub}});
        let code = |n: usize| "k".repeat(n);

        let table: Vec<(RuleSet, Value, Option<&str>)> = vec![
            (Grading, rules(MAX_RULES), None),
            (Grading, rules(MAX_RULES + 1), Some("rules")),
            (Grading, rule(&code(MAX_CODE_CHARS), injury()), None),
            (
                Grading,
                rule(&code(MAX_CODE_CHARS + 1), injury()),
                Some("rules"),
            ),
            (Grading, rule("a.b-c_9", injury()), None),
            (Grading, rule("", injury()), Some("rules")),
            (Grading, rule("Injury", injury()), Some("rules")),
            (Grading, rule("a b", injury()), Some("rules")),
            (Grading, rule("受伤", injury()), Some("rules")),
            (Grading, tests(MAX_WHEN_TESTS), None),
            (Grading, tests(MAX_WHEN_TESTS + 1), Some("rules")),
            (Grading, sub_problem(&code(MAX_CODE_CHARS)), None),
            (
                Grading,
                sub_problem(&code(MAX_CODE_CHARS + 1)),
                Some("rules"),
            ),
            (Grading, sub_problem("Design"), Some("rules")),
            (Sla, clocks(MAX_RULES), None),
            (Sla, clocks(MAX_RULES + 1), Some("rules")),
            (Calendar, calendar("holidays", days(MAX_DATES as u64)), None),
            (
                Calendar,
                calendar("holidays", days(MAX_DATES as u64 + 1)),
                Some("holidays"),
            ),
            (
                Calendar,
                calendar("extra_workdays", days(MAX_DATES as u64)),
                None,
            ),
            (
                Calendar,
                calendar("extra_workdays", days(MAX_DATES as u64 + 1)),
                Some("extra_workdays"),
            ),
            (
                Calendar,
                calendar("holidays", dated(&["2000-01-01", "2099-12-31"])),
                None,
            ),
            (
                Calendar,
                calendar("holidays", dated(&["1999-12-31"])),
                Some("holidays"),
            ),
            (
                Calendar,
                calendar("holidays", dated(&["2100-01-01"])),
                Some("holidays"),
            ),
            (
                Calendar,
                calendar("holidays", dated(&["2027-01-01", "2027-01-01"])),
                Some("holidays"),
            ),
            (
                Calendar,
                calendar("extra_workdays", dated(&["2027-02-20", "2027-02-20"])),
                Some("extra_workdays"),
            ),
            (Routing, routing(&"部".repeat(MAX_NAME_CHARS), "ops"), None),
            (
                Routing,
                routing(&"部".repeat(MAX_NAME_CHARS + 1), "ops"),
                Some("by_nature"),
            ),
            (
                Routing,
                routing("ops", &"d".repeat(MAX_NAME_CHARS + 1)),
                Some("by_sub_problem"),
            ),
            (Routing, routing("ops\n", "ops"), Some("by_nature")),
        ];
        for (i, (set, value, refused)) in table.into_iter().enumerate() {
            let got = set.check(value, |_| None);
            match refused {
                None => assert!(got.is_ok(), "case {i}: {got:?}"),
                Some(field) => {
                    let refusal = got.expect_err(&format!("case {i} is refused"));
                    assert_eq!(refusal.field, Some(field), "case {i}: {refusal:?}");
                }
            }
        }
    }
}
