//! The server's one error type and its one mapping onto the wire (`domain::ApiError`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use huifang_domain::customer_book::FieldProblem;
use huifang_domain::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{message}")]
    BadRequest {
        message: String,
        field: Option<String>,
    },
    /// Well-formed input that breaks a rule: 422, naming the field.
    #[error("{message}")]
    InvalidField { message: String, field: String },
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("missing or unknown session token")]
    Unauthorized,
    #[error("the session has expired; log in again")]
    SessionExpired,
    #[error("this account is disabled; ask an administrator")]
    AccountDisabled,
    #[error("set a new password first (POST /api/me/password)")]
    PasswordChangeRequired,
    #[error("{0}")]
    LastAdmin(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("device {0} belongs to another user")]
    DeviceOwned(uuid::Uuid),
    #[error("no such resource")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("user {0:?} already exists")]
    UsernameTaken(String),
    /// A client-made id reused with other content, or a change that collides with stored data.
    #[error("{0}")]
    Conflict(String),
    /// An edit made from an older version than the stored one: 409, with what is stored now.
    #[error("{message}")]
    Stale {
        message: String,
        current: serde_json::Value,
    },
    /// Fields that break their rules (all of them, in field order; never empty).
    #[error("{} is invalid", .0.first().map_or("a field", |p| p.field.as_str()))]
    Invalid(Vec<FieldProblem>),
    /// The value of this field (`contact`, `external_id`) is already another customer's.
    #[error("the {0} is already another customer's")]
    Duplicate(&'static str),
    #[error("customer {0} is archived and gets no new tasks")]
    CustomerArchived(uuid::Uuid),
    /// A catalog draft saved by someone else since the caller loaded it; `detail` carries the
    /// stored draft and what differs (`huifang_domain::catalog::EditConflict`).
    #[error("{message}")]
    EditConflict {
        message: String,
        detail: serde_json::Map<String, serde_json::Value>,
    },
    /// A catalog draft that breaks the publishing rules; every problem is listed.
    #[error("{}", problems.first().map_or("", |p| p.message.as_str()))]
    NotPublishable {
        problems: Vec<huifang_domain::catalog::Problem>,
    },
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// The selection of a bulk plan finds more customers than one plan may hold.
    #[error("the selection finds more than {max} customers; narrow it")]
    PlanTooLarge { max: usize },
    #[error("rows of the file have errors; fix them and preview again")]
    ImportHasErrors,
    #[error("too many failed logins; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// A broken invariant (corrupt stored value, panicked worker): a bug or damaged data,
    /// never the client's fault.
    #[error("internal: {0}")]
    Internal(String),
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl AppError {
    pub fn bad_request(message: impl Into<String>, field: Option<&str>) -> Self {
        AppError::BadRequest {
            message: message.into(),
            field: field.map(str::to_owned),
        }
    }

    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        use AppError::*;
        match self {
            BadRequest { .. } => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            Invalid(_) | InvalidField { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid)
            }
            InvalidCredentials => (StatusCode::UNAUTHORIZED, ErrorCode::InvalidCredentials),
            Unauthorized => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            SessionExpired => (StatusCode::UNAUTHORIZED, ErrorCode::SessionExpired),
            AccountDisabled => (StatusCode::UNAUTHORIZED, ErrorCode::AccountDisabled),
            PasswordChangeRequired => (StatusCode::FORBIDDEN, ErrorCode::PasswordChangeRequired),
            LastAdmin(_) => (StatusCode::CONFLICT, ErrorCode::LastAdmin),
            Forbidden(_) => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            DeviceOwned(_) => (StatusCode::FORBIDDEN, ErrorCode::DeviceOwned),
            NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed),
            UsernameTaken(_) => (StatusCode::CONFLICT, ErrorCode::UsernameTaken),
            Conflict(_) | Stale { .. } => (StatusCode::CONFLICT, ErrorCode::Conflict),
            Duplicate("contact") => (StatusCode::CONFLICT, ErrorCode::DuplicateContact),
            Duplicate(_) => (StatusCode::CONFLICT, ErrorCode::DuplicateExternalId),
            CustomerArchived(_) => (StatusCode::CONFLICT, ErrorCode::CustomerArchived),
            EditConflict { .. } => (StatusCode::CONFLICT, ErrorCode::EditConflict),
            NotPublishable { .. } => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::NotPublishable),
            PayloadTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge),
            ImportHasErrors => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::ImportHasErrors),
            RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited),
            PlanTooLarge { .. } => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::PlanTooLarge),
            Database(_) | Migration(_) | Io(_) | Internal(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let (message, field) = match &self {
            AppError::BadRequest { field, .. } => (self.to_string(), field.clone()),
            AppError::InvalidField { field, .. } => (self.to_string(), Some(field.clone())),
            AppError::PlanTooLarge { .. } => (self.to_string(), Some("selection".to_owned())),
            AppError::Invalid(problems) => {
                (self.to_string(), problems.first().map(|p| p.field.clone()))
            }
            AppError::Duplicate(field) => (self.to_string(), Some((*field).to_owned())),
            AppError::CustomerArchived(_) => (self.to_string(), Some("customer_id".to_owned())),
            AppError::NotPublishable { problems } => {
                (self.to_string(), problems.first().map(|p| p.path.clone()))
            }
            // Details of a server fault help an attacker more than the user: log them only.
            _ if status.is_server_error() => {
                tracing::error!(error = %self, "request failed");
                ("internal server error".to_owned(), None)
            }
            _ => (self.to_string(), None),
        };
        let mut body = ApiError::new(code, message, field);
        match &self {
            AppError::Stale { current, .. } => {
                body.detail.insert("current".into(), current.clone());
            }
            AppError::Invalid(problems) => {
                body.detail
                    .insert("problems".into(), serde_json::json!(problems));
            }
            AppError::EditConflict { detail, .. } => body.detail = detail.clone(),
            AppError::NotPublishable { problems } => {
                body.detail.insert(
                    "problems".into(),
                    serde_json::to_value(problems).unwrap_or_default(),
                );
            }
            _ => {}
        }
        let mut response = (status, axum::Json(body)).into_response();
        if let AppError::RateLimited { retry_after_secs } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        // The rest of a refused body is never read, so the connection cannot carry another
        // request; saying so keeps the client from sending its next one down it.
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
