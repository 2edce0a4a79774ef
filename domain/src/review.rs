//! 主管审核: a supervisor's decision on a visit record or a ticket's resolution. Its own
//! module because both visits and tickets carry one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ValidationError, ValidationKind::*};
use crate::wire::wire_enum;

/// A review comment is a note like any other.
pub const MAX_COMMENT: usize = 2000;

wire_enum!(
    /// 主管审核 of a visit record or a ticket resolution.
    ReviewDecision {
        /// 签署意见: signed off.
        SignOff => "sign_off",
        /// Returned for correction.
        Return => "return",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub decision: ReviewDecision,
    pub by: Uuid,
    pub comment: String,
    pub at: DateTime<Utc>,
}

/// The `data` of `review.decide`: a supervisor's decision on a visit or a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub target: ReviewTarget,
    pub decision: ReviewDecision,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum ReviewTarget {
    Visit(Uuid),
    Ticket(Uuid),
}

impl ReviewRequest {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.decision == ReviewDecision::Return && self.comment.trim().is_empty() {
            return Err(ValidationError::new(
                "comment",
                Required,
                "say what to correct when returning a record",
            ));
        }
        if crate::char_len(&self.comment) > MAX_COMMENT {
            return Err(ValidationError::new(
                "comment",
                TooLong,
                format!("a comment is limited to {MAX_COMMENT} characters"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returning_a_record_needs_a_comment() {
        let req = |decision, comment: &str| ReviewRequest {
            target: ReviewTarget::Visit(Uuid::from_u128(1)),
            decision,
            comment: comment.into(),
        };
        assert!(req(ReviewDecision::SignOff, "").validate().is_ok());
        assert!(
            req(ReviewDecision::Return, "原话请补充完整")
                .validate()
                .is_ok()
        );
        assert_eq!(
            req(ReviewDecision::Return, " ")
                .validate()
                .unwrap_err()
                .field,
            "comment"
        );
        let json = serde_json::to_value(req(ReviewDecision::SignOff, "")).unwrap();
        assert_eq!(
            json["target"],
            serde_json::json!({"type": "visit", "id": Uuid::from_u128(1)})
        );
    }
}
