//! The one JSON error shape of the HTTP API and the validation error that feeds it.

use serde::{Deserialize, Serialize};

/// `{"error": {"code", "message", "field"}}`: every 4xx/5xx body of the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiError {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// Stable machine code (`invalid`, `unauthorized`, `forbidden`, …); the app translates by it.
    pub code: String,
    /// English explanation for logs and operators.
    pub message: String,
    /// The offending input field, when one can be named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(code: impl Into<String>, message: impl Into<String>, field: Option<String>) -> Self {
        Self {
            error: ErrorBody {
                code: code.into(),
                message: message.into(),
                field,
            },
        }
    }
}

/// A rule a record breaks. `field` names the wire field so both the form (to highlight the
/// input) and the server (to answer `rejected`) can point at it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: &'static str,
    pub kind: ValidationKind,
    pub message: String,
}

/// What kind of rule failed; the app maps this (plus the field) to a translated sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidationKind {
    Required,
    TooLong,
    OutOfRange,
    NotAllowed,
    InFuture,
}

impl ValidationError {
    pub fn new(field: &'static str, kind: ValidationKind, message: impl Into<String>) -> Self {
        Self {
            field,
            kind,
            message: message.into(),
        }
    }
}
