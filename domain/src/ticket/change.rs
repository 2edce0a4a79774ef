//! Changes to a ticket as they travel: the `ticket.update` a user sends, and one field's
//! change as the history keeps it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::intake::MAX_NOTE;
use super::vocabulary::{Department, Impact, Nature, TicketAction, TicketPriority};
use crate::error::{ValidationError, ValidationKind::*};

/// One field's change, kept in the ticket's history so no overwrite is ever silent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldChange {
    pub field: String,
    pub old: serde_json::Value,
    pub new: serde_json::Value,
    pub by: Uuid,
    /// Device time of the edit.
    pub at: DateTime<Utc>,
    /// The edit was made against an older value than the one it replaced (an offline edit
    /// that crossed another): the overwritten value is kept here and flagged.
    pub concurrent: bool,
}

/// Merges an edit of one field in arrival order: the edit wins, and the value it replaces
/// goes to history. `base` is the value the editor saw; if the stored value differs, another
/// edit came in between and the change is flagged as concurrent.
pub fn merge_field(
    field: &str,
    stored: &serde_json::Value,
    base: Option<&serde_json::Value>,
    incoming: serde_json::Value,
    by: Uuid,
    at: DateTime<Utc>,
) -> Option<FieldChange> {
    if stored == &incoming {
        return None;
    }
    Some(FieldChange {
        field: field.to_owned(),
        old: stored.clone(),
        new: incoming,
        by,
        at,
        concurrent: base.is_some_and(|b| b != stored),
    })
}

/// The `data` of `ticket.update`: one user's change to a ticket, made online or offline.
/// Fields in `set` are merged one by one in arrival order ([`merge_field`]); `base` holds
/// the values the user saw, so a crossing edit is detected and kept in history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketUpdate {
    #[serde(default)]
    pub action: Option<TicketAction>,
    #[serde(default)]
    pub set: TicketFields,
    #[serde(default)]
    pub base: TicketFields,
    /// Appended to the timeline; notes are never overwritten.
    #[serde(default)]
    pub note: Option<String>,
    /// Waiting on the customer (pauses the clocks) or not.
    #[serde(default)]
    pub waiting_on_customer: Option<bool>,
}

/// The editable fields of a ticket; `None` leaves a field alone.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<Department>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Impact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<TicketPriority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nature: Option<Nature>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_problem: Option<String>,
    /// 处理结果 / written reply (anonymous complaints keep this as their answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
}

impl TicketUpdate {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let empty = self.action.is_none()
            && self.set == TicketFields::default()
            && self.note.is_none()
            && self.waiting_on_customer.is_none();
        if empty {
            return Err(ValidationError::new(
                "set",
                Required,
                "the update changes nothing",
            ));
        }
        if let Some(note) = &self.note {
            if note.trim().is_empty() {
                return Err(ValidationError::new("note", Required, "the note is empty"));
            }
            if crate::char_len(note) > MAX_NOTE {
                return Err(ValidationError::new(
                    "note",
                    TooLong,
                    format!("a note is limited to {MAX_NOTE} characters"),
                ));
            }
        }
        if let (Some(n), Some(sub)) = (self.set.nature, &self.set.sub_problem)
            && !n.has_sub_problem(sub)
        {
            return Err(ValidationError::new(
                "sub_problem",
                NotAllowed,
                format!("{sub:?} is not a sub-problem of {n:?}"),
            ));
        }
        if self.action == Some(TicketAction::Resolve)
            && self
                .set
                .resolution
                .as_deref()
                .is_none_or(|r| r.trim().is_empty())
        {
            return Err(ValidationError::new(
                "resolution",
                Required,
                "resolving a ticket needs its resolution written down",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_edits_keep_the_overwritten_value_in_history() {
        use serde_json::json;
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let by = Uuid::from_u128(5);
        assert_eq!(
            merge_field(
                "assignee",
                &json!("a"),
                Some(&json!("a")),
                json!("a"),
                by,
                at
            ),
            None
        );
        let plain = merge_field(
            "assignee",
            &json!("a"),
            Some(&json!("a")),
            json!("b"),
            by,
            at,
        )
        .unwrap();
        assert_eq!(
            (plain.old, plain.new, plain.concurrent),
            (json!("a"), json!("b"), false)
        );
        // Device 2 edited from "a" while device 1's "b" arrived first: "c" wins (arrival
        // order) and "b" is kept, flagged.
        let crossed = merge_field(
            "assignee",
            &json!("b"),
            Some(&json!("a")),
            json!("c"),
            by,
            at,
        )
        .unwrap();
        assert_eq!(
            (crossed.old, crossed.new, crossed.concurrent),
            (json!("b"), json!("c"), true)
        );
    }

    #[test]
    fn updates_must_change_something_and_resolutions_are_written_down() {
        let none = TicketUpdate {
            action: None,
            set: TicketFields::default(),
            base: TicketFields::default(),
            note: None,
            waiting_on_customer: None,
        };
        let field = |u: TicketUpdate| u.validate().err().map(|e| e.field);
        assert_eq!(field(none.clone()), Some("set"));
        assert_eq!(
            field(TicketUpdate {
                note: Some("已联系客户".into()),
                ..none.clone()
            }),
            None
        );
        assert_eq!(
            field(TicketUpdate {
                note: Some("".into()),
                ..none.clone()
            }),
            Some("note")
        );
        assert_eq!(
            field(TicketUpdate {
                action: Some(TicketAction::Resolve),
                ..none.clone()
            }),
            Some("resolution")
        );
        assert_eq!(
            field(TicketUpdate {
                action: Some(TicketAction::Resolve),
                set: TicketFields {
                    resolution: Some("已更换压缩机".into()),
                    ..TicketFields::default()
                },
                ..none.clone()
            }),
            None
        );
        assert_eq!(
            field(TicketUpdate {
                set: TicketFields {
                    nature: Some(Nature::Product),
                    sub_problem: Some("attitude".into()),
                    ..TicketFields::default()
                },
                ..none
            }),
            Some("sub_problem")
        );
    }
}
