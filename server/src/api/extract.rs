//! Extractors whose failures answer in the API's JSON error shape, and the authenticated user.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use chrono::{DateTime, Utc};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use huifang_domain::period::{Period, PeriodQuery, local_day};
use huifang_domain::{Role, User};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::credentials::token_hash;
use crate::error::{AppError, Result};

/// The request body limit (DESIGN.md: request bodies have a size limit). A full batch of
/// visit records with long verbatim texts stays well below it.
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// A JSON request body of at most `LIMIT` bytes, read whole before the handler runs. Unlike
/// `axum::Json`, only `application/json` (with at most `charset=utf-8`) is taken, and
/// malformed JSON, a wrong content type and unknown fields all answer `400 bad_request` (not
/// axum's 415/422 plain-text answers); a longer body answers `413`.
pub struct JsonBody<T, const LIMIT: usize = BODY_LIMIT>(pub T);

impl<S: Send + Sync, T: DeserializeOwned, const LIMIT: usize> FromRequest<S>
    for JsonBody<T, LIMIT>
{
    type Rejection = AppError;

    async fn from_request(req: Request, _state: &S) -> Result<Self> {
        require_json(req.headers())?;
        let bytes = read_body(req, LIMIT).await?;
        axum::Json::<T>::from_bytes(&bytes)
            .map(|axum::Json(value)| JsonBody(value))
            .map_err(|rejection| {
                let field = failed_field::<T>(&bytes);
                AppError::bad_request(rejection.body_text(), field.as_deref())
            })
    }
}

/// The path of the value a JSON body failed on (`class`, `fields.purchase_date`), read again
/// only once it has failed; `None` when the body as a whole is wrong (malformed, an unknown
/// field).
fn failed_field<T: DeserializeOwned>(bytes: &[u8]) -> Option<String> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let path = serde_path_to_error::deserialize::<_, T>(&mut de)
        .err()?
        .path()
        .to_string();
    (path != "." && !path.is_empty()).then_some(path)
}

/// For endpoints that take no body: any body answers `413` before the handler runs, so an
/// endpoint that acts (a contact reveal, a logout) never acts on a request it has not read.
/// Taken last, after the extractors that only read the head.
pub struct NoBody;

impl<S: Send + Sync> FromRequest<S> for NoBody {
    type Rejection = AppError;

    async fn from_request(req: Request, _state: &S) -> Result<Self> {
        read_body(req, 0).await.map(|_| NoBody)
    }
}

async fn read_body(req: Request, limit: usize) -> Result<Bytes> {
    match Limited::new(req.into_body(), limit).collect().await {
        Ok(body) => Ok(body.to_bytes()),
        Err(e) if e.is::<LengthLimitError>() => Err(AppError::PayloadTooLarge { limit }),
        Err(e) => Err(AppError::bad_request(
            format!("the request body could not be read: {e}"),
            None,
        )),
    }
}

/// docs/api.md promises JSON in UTF-8, so that is all that is taken: `application/json`,
/// alone or with `charset=utf-8` (any case, quoted or not, with the optional whitespace RFC
/// 9110 allows). axum's own check would take any `+json` type and ignore the charset,
/// reading UTF-16 text as if it were UTF-8.
fn require_json(headers: &HeaderMap) -> Result<()> {
    let value = headers.get(header::CONTENT_TYPE);
    let text = value.and_then(|v| v.to_str().ok());
    if text.is_some_and(is_json_utf8) {
        return Ok(());
    }
    let received = match (value, text) {
        (None, _) => "none".to_owned(),
        (Some(_), None) => "a value that is not text".to_owned(),
        (Some(_), Some(t)) => format!("{:?}", t.chars().take(100).collect::<String>()),
    };
    Err(AppError::bad_request(
        format!(
            "expected Content-Type: application/json (optionally with charset=utf-8), got {received}"
        ),
        None,
    ))
}

fn is_json_utf8(content_type: &str) -> bool {
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        && parts.all(|param| {
            let param = param.trim();
            param.is_empty()
                || param.split_once('=').is_some_and(|(name, value)| {
                    let value = value.trim();
                    let value = value
                        .strip_prefix('"')
                        .and_then(|v| v.strip_suffix('"'))
                        .unwrap_or(value);
                    name.trim().eq_ignore_ascii_case("charset")
                        && value.eq_ignore_ascii_case("utf-8")
                })
        })
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

/// Every endpoint but the password change, `/api/me` and logout takes [`AuthUser`], which
/// refuses a session whose one-time password is still to be changed.
impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let AnyAuthUser {
            auth,
            must_change_password,
        } = AnyAuthUser::from_request_parts(parts, state).await?;
        if must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        Ok(auth)
    }
}

/// The user behind a valid token, even one who must still change a one-time password: for
/// the endpoints that lead out of that state (the password change, `/api/me`, logout).
pub struct AnyAuthUser {
    pub auth: AuthUser,
    pub must_change_password: bool,
}

impl FromRequestParts<AppState> for AnyAuthUser {
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
        let session = state
            .store
            .session_user(token_hash.clone(), state.clock.now())
            .await?;
        Ok(AnyAuthUser {
            auth: AuthUser {
                user: session.user,
                token_hash,
            },
            must_change_password: session.must_change_password,
        })
    }
}

/// The 统计周期 a reading endpoint covers (`?period=&date=&from=&to=`, see
/// `huifang_domain::period`), read in the organisation's calendar: "this month" is the
/// organisation's month, whatever the server's clock zone. A bad period answers `400` naming
/// the parameter. Other query parameters are left to the handler's own extractor.
pub struct ReportPeriod {
    pub period: Period,
    pub utc_offset_minutes: i32,
}

impl ReportPeriod {
    /// The first instant inside the period (UTC).
    pub fn start(&self) -> DateTime<Utc> {
        self.period.start_utc(self.utc_offset_minutes)
    }

    /// The first instant after the period (UTC).
    pub fn end(&self) -> DateTime<Utc> {
        self.period.end_utc(self.utc_offset_minutes)
    }
}

impl FromRequestParts<AppState> for ReportPeriod {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let QueryParams(q) = QueryParams::<PeriodQuery>::from_request_parts(parts, state).await?;
        let utc_offset_minutes = state.store.settings().await?.settings.utc_offset_minutes;
        let today = local_day(state.clock.now(), utc_offset_minutes);
        let period = Period::from_query(&q, today).map_err(|p| {
            AppError::bad_request(format!("{} {}", p.field, p.message), Some(p.field))
        })?;
        Ok(ReportPeriod {
            period,
            utc_offset_minutes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::is_json_utf8;

    #[test]
    fn only_json_in_utf8_is_taken() {
        let table = [
            ("application/json", true),
            ("application/json;charset=UTF-8", true),
            ("Application/JSON; charset=utf-8", true),
            ("application/json ; charset = \"utf-8\" ", true),
            ("application/json;", true),
            ("application/json; charset=utf-16", false),
            ("application/json; charset=\"utf-16\"", false),
            ("application/json; charset=utf-8; boundary=x", false),
            ("application/json; charset", false),
            ("application/problem+json", false),
            ("application/jsonx", false),
            ("text/json", false),
            ("text/plain", false),
            ("", false),
        ];
        for (content_type, taken) in table {
            assert_eq!(is_json_utf8(content_type), taken, "{content_type:?}");
        }
    }
}
