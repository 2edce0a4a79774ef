//! The one JSON error shape of the HTTP API and the validation error that feeds it.

use serde::{Deserialize, Serialize};

/// `{"error": {"code", "message", "field"}}`: every 4xx/5xx body of the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: ErrorBody,
    /// What some refusals carry beside the error, at the top level of the body: `current`
    /// (what is stored now, for an edit from a stale version), `problems` (every broken rule
    /// of an `invalid` or `not_publishable` input), `changed` (an edit conflict's differences).
    /// Empty for most.
    #[serde(flatten, default)]
    pub detail: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    pub fn new(code: ErrorCode, message: impl Into<String>, field: Option<String>) -> Self {
        Self {
            error: ErrorBody {
                code: code.as_str().to_owned(),
                message: message.into(),
                field,
            },
            detail: serde_json::Map::new(),
        }
    }

    /// The code as a known value; `None` for a code this version does not know (a newer
    /// server), which the app treats like any unexpected failure.
    pub fn code(&self) -> Option<ErrorCode> {
        ErrorCode::parse(&self.error.code)
    }
}

/// Every `error.code` the HTTP API answers with; the server and the app share this list so
/// neither spells a code by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// Malformed JSON, wrong content type, unknown field, bad query.
    BadRequest,
    /// Well-formed, but a value breaks a rule (422); `field` names it.
    Invalid,
    /// Wrong username or password (the same answer for both).
    InvalidCredentials,
    /// No token, or one the server does not know.
    Unauthorized,
    /// The token was valid once; the user must log in again.
    SessionExpired,
    /// The role may not do this.
    Forbidden,
    /// The device id belongs to another user.
    DeviceOwned,
    NotFound,
    MethodNotAllowed,
    UsernameTaken,
    /// The request collides with stored data (e.g. a client-made id reused with other content).
    Conflict,
    PayloadTooLarge,
    RateLimited,
    /// A catalog draft was saved by someone else since the editor loaded it.
    EditConflict,
    /// A catalog draft breaks the rules a published script or survey must meet.
    NotPublishable,
    /// An import was asked to commit while rows of its file have errors.
    ImportHasErrors,
    Internal,
    /// The account was disabled by an admin: its sessions and logins are refused.
    AccountDisabled,
    /// Logged in with a one-time password that must be changed first.
    PasswordChangeRequired,
    /// The change would leave no enabled admin.
    LastAdmin,
    /// A bulk plan would make more tasks than one plan may (`planning::MAX_PLAN_TASKS`).
    PlanTooLarge,
    /// The contact is already another customer's.
    DuplicateContact,
    /// The external id is already another customer's.
    DuplicateExternalId,
    /// The customer is archived: no new tasks.
    CustomerArchived,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 24] = [
        ErrorCode::BadRequest,
        ErrorCode::Invalid,
        ErrorCode::InvalidCredentials,
        ErrorCode::Unauthorized,
        ErrorCode::SessionExpired,
        ErrorCode::Forbidden,
        ErrorCode::DeviceOwned,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::UsernameTaken,
        ErrorCode::Conflict,
        ErrorCode::PayloadTooLarge,
        ErrorCode::RateLimited,
        ErrorCode::EditConflict,
        ErrorCode::NotPublishable,
        ErrorCode::ImportHasErrors,
        ErrorCode::Internal,
        ErrorCode::AccountDisabled,
        ErrorCode::PasswordChangeRequired,
        ErrorCode::LastAdmin,
        ErrorCode::PlanTooLarge,
        ErrorCode::DuplicateContact,
        ErrorCode::DuplicateExternalId,
        ErrorCode::CustomerArchived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Invalid => "invalid",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::SessionExpired => "session_expired",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::DeviceOwned => "device_owned",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::UsernameTaken => "username_taken",
            ErrorCode::Conflict => "conflict",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::EditConflict => "edit_conflict",
            ErrorCode::NotPublishable => "not_publishable",
            ErrorCode::ImportHasErrors => "import_has_errors",
            ErrorCode::Internal => "internal",
            ErrorCode::AccountDisabled => "account_disabled",
            ErrorCode::PasswordChangeRequired => "password_change_required",
            ErrorCode::LastAdmin => "last_admin",
            ErrorCode::PlanTooLarge => "plan_too_large",
            ErrorCode::DuplicateContact => "duplicate_contact",
            ErrorCode::DuplicateExternalId => "duplicate_external_id",
            ErrorCode::CustomerArchived => "customer_archived",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_round_trip_and_are_distinct() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
            assert!(seen.insert(code.as_str()), "{} twice", code.as_str());
        }
        assert_eq!(ErrorCode::parse("teapot"), None);
    }

    #[test]
    fn the_error_body_omits_an_absent_field() {
        let body = ApiError::new(ErrorCode::Forbidden, "no", None);
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"error": {"code": "forbidden", "message": "no"}})
        );
        assert_eq!(body.code(), Some(ErrorCode::Forbidden));
    }
}
