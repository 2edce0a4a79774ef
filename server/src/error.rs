//! The server's one error type and its one mapping onto the wire (`domain::ApiError`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use huifang_domain::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{message}")]
    BadRequest {
        message: String,
        field: Option<String>,
    },
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("missing or unknown session token")]
    Unauthorized,
    #[error("the session has expired; log in again")]
    SessionExpired,
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
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
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
            InvalidCredentials => (StatusCode::UNAUTHORIZED, ErrorCode::InvalidCredentials),
            Unauthorized => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            SessionExpired => (StatusCode::UNAUTHORIZED, ErrorCode::SessionExpired),
            Forbidden(_) => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            DeviceOwned(_) => (StatusCode::FORBIDDEN, ErrorCode::DeviceOwned),
            NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed),
            UsernameTaken(_) => (StatusCode::CONFLICT, ErrorCode::UsernameTaken),
            Conflict(_) => (StatusCode::CONFLICT, ErrorCode::Conflict),
            PayloadTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge),
            ImportHasErrors => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::ImportHasErrors),
            RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited),
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
            // Details of a server fault help an attacker more than the user: log them only.
            _ if status.is_server_error() => {
                tracing::error!(error = %self, "request failed");
                ("internal server error".to_owned(), None)
            }
            _ => (self.to_string(), None),
        };
        let mut response =
            (status, axum::Json(ApiError::new(code, message, field))).into_response();
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
