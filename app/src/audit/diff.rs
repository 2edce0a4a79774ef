//! An entry's change made readable: the fields that differ between the stored `before` and
//! `after`, each as `field: before → after`, short. Contacts appear as the server stored them
//! (masked): the trail never holds a full number.

use serde_json::Value;

/// Longest value shown before it is cut with `…`.
const MAX_VALUE: usize = 48;
/// Most fields shown for one entry; the rest are counted.
pub const MAX_FIELDS: usize = 8;

/// One line of the change: `after` alone for a creation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The fields that changed, in key order. Two objects give their differing keys; anything
/// else (a list, a digest string) is one change named by an empty field.
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<FieldChange> {
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .filter(|k| b.get(*k) != a.get(*k))
                .map(|k| FieldChange {
                    field: k.clone(),
                    before: b.get(k).map(short),
                    after: a.get(k).map(short),
                })
                .collect()
        }
        // A creation lists what it set: empty fields say nothing.
        (None, Some(Value::Object(a))) => a
            .iter()
            .filter(|(_, v)| !is_empty(v))
            .map(|(k, v)| FieldChange {
                field: k.clone(),
                before: None,
                after: Some(short(v)),
            })
            .collect(),
        (b, a) if b == a => Vec::new(),
        (b, a) => vec![FieldChange {
            field: String::new(),
            before: b.map(short),
            after: a.map(short),
        }],
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

/// A value on one line: strings without quotes, the rest as compact JSON, cut to
/// [`MAX_VALUE`] characters.
pub fn short(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".to_owned(),
        other => other.to_string(),
    };
    if text.chars().count() > MAX_VALUE {
        text.chars().take(MAX_VALUE - 1).chain(['…']).collect()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(field: &str, before: Option<&str>, after: Option<&str>) -> FieldChange {
        FieldChange {
            field: field.into(),
            before: before.map(Into::into),
            after: after.map(Into::into),
        }
    }

    #[test]
    fn a_change_lists_only_the_fields_that_differ() {
        let before = json!({"company": "惠方", "quiet": [1, 2], "same": 1, "gone": true});
        let after = json!({"company": "惠方家电", "quiet": [1], "same": 1, "new": null});
        assert_eq!(
            changes(Some(&before), Some(&after)),
            vec![
                change("company", Some("惠方"), Some("惠方家电")),
                change("gone", Some("true"), None),
                change("new", None, Some("—")),
                change("quiet", Some("[1,2]"), Some("[1]")),
            ]
        );
    }

    #[test]
    fn a_creation_lists_its_fields_and_a_reveal_keeps_the_masked_number() {
        let after = json!({"contact": "138****5678", "reason": "回访", "note": "", "review": null,
                           "tags": []});
        assert_eq!(
            changes(None, Some(&after)),
            vec![
                change("contact", None, Some("138****5678")),
                change("reason", None, Some("回访")),
            ]
        );
        assert!(changes(Some(&after), Some(&after)).is_empty());
        assert!(changes(None, None).is_empty());
        assert_eq!(
            changes(None, Some(&json!("digest"))),
            vec![change("", None, Some("digest"))]
        );
    }

    #[test]
    fn long_values_are_cut_on_a_character_boundary() {
        let long = "回".repeat(60);
        let cut = short(&json!(long));
        assert_eq!(cut.chars().count(), MAX_VALUE);
        assert!(cut.ends_with('…'));
        assert_eq!(short(&json!("短")), "短");
    }
}
