//! Extractors whose failures answer in the API's JSON error shape, and the authenticated user.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use huifang_domain::{Role, User};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::credentials::token_hash;
use crate::error::{AppError, Result};

/// The request body limit (DESIGN.md: request bodies have a size limit). A full batch of
/// visit records with long verbatim texts stays well below it.
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// `axum::Json`, but malformed JSON, a wrong content type and unknown fields all answer
/// `400 bad_request` (not axum's 415/422 plain-text answers), and an oversized body `413`.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(json_error(rejection)),
        }
    }
}

fn json_error(rejection: JsonRejection) -> AppError {
    match rejection {
        r if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::PayloadTooLarge { limit: BODY_LIMIT }
        }
        JsonRejection::MissingJsonContentType(_) => {
            AppError::bad_request("expected Content-Type: application/json", None)
        }
        r => AppError::bad_request(r.body_text(), None),
    }
}

/// `axum::extract::Query` with JSON errors.
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| QueryParams(q.0))
            .map_err(|r: QueryRejection| AppError::bad_request(r.body_text(), None))
    }
}

/// The user behind a valid `Authorization: Bearer <token>`; taking it as a handler argument is
/// what makes an endpoint require a login.
pub struct AuthUser {
    pub user: User,
    /// Kept so logout can revoke exactly this session.
    pub token_hash: String,
}

impl AuthUser {
    /// Role checks use the domain's permission rules, so the app hides exactly what the
    /// server refuses.
    pub fn require(&self, allowed: fn(Role) -> bool, what: &str) -> Result<()> {
        if allowed(self.user.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "role {} may not {what}",
                self.user.role.as_str()
            )))
        }
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|token| !token.is_empty())
            .ok_or(AppError::Unauthorized)?;
        let token_hash = token_hash(token);
        let user = state
            .store
            .session_user(token_hash.clone(), state.clock.now())
            .await?;
        Ok(AuthUser { user, token_hash })
    }
}
