//! Reading a JSON value the app already holds (a queued mutation's data, a rule set, part of
//! an answer) as a typed one.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Like `serde_json::from_value`, but through the value's text. Every type read from a
/// `Value` would otherwise carry a second copy of its deserializer in the wasm, next to the
/// one for text that storage and the API use anyway; these values are small, so printing
/// one again costs little.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, serde_json::Error> {
    serde_json::from_str(&value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use huifang_domain::ticket::GradingRules;

    #[test]
    fn a_value_reads_as_the_type_it_holds_and_fails_as_from_value_does() {
        let rules = GradingRules::default();
        let value = serde_json::to_value(&rules).unwrap();
        assert_eq!(from_value::<GradingRules>(&value).unwrap(), rules);
        let wrong = serde_json::json!({ "rules": 3 });
        assert!(from_value::<GradingRules>(&wrong).is_err());
        assert!(serde_json::from_value::<GradingRules>(wrong).is_err());
    }
}
