//! 规则设置: the ticket rule sets admins replace whole (grading, deadlines, business calendar,
//! routing, revisit targets), and the checks a replacement must pass before it is stored.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::grading::GradingRules;
use super::revisit::RevisitTargets;
use super::routing::RoutingMap;
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

/// Why a replacement rule set is refused, and the field to point at (none when it does not
/// even parse).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RuleSetRefusal {
    pub field: Option<&'static str>,
    pub message: String,
}

impl RuleSet {
    /// Parses an admin's replacement and applies the checks the evaluators rely on; returns
    /// it as it will be stored.
    pub fn check(self, value: Value) -> Result<Value, RuleSetRefusal> {
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
                checked(parse::<GradingRules>(value)?, "rules", GradingRules::check)
            }
            RuleSet::Sla => checked(parse::<SlaPolicy>(value)?, "rules", SlaPolicy::check),
            RuleSet::Calendar => checked(parse::<BusinessCalendar>(value)?, "calendar", |c| {
                c.check().map_err(|e| e.to_string())
            }),
            RuleSet::Routing => checked(
                parse::<RoutingMap>(value)?,
                "by_sub_problem",
                RoutingMap::check,
            ),
            RuleSet::Revisit => checked(
                parse::<RevisitTargets>(value)?,
                "percent_by_type",
                RevisitTargets::check,
            ),
        }
    }
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
        ];
        for (set, value, want) in table {
            let got = set
                .check(value.clone())
                .map(|_| ())
                .map_err(|e| (e.field.map(str::to_owned), e.message));
            assert_eq!(got, want, "{set:?} {value}");
        }
        let unparsed = RuleSet::Routing.check(json!({"by_nature": 3})).unwrap_err();
        assert_eq!(unparsed.field, None);
        assert!(!unparsed.message.is_empty());
        assert_eq!(RuleSet::parse("sla"), Some(RuleSet::Sla));
        assert_eq!(RuleSet::parse("users"), None);
    }
}
