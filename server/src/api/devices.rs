//! `/api/devices`: 设备状态 for supervisors and admins; and the device-health headers every
//! push and pull may carry (`huifang_domain::devices`).

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::Json;
use axum::routing::get;
use huifang_domain::Role;
use huifang_domain::devices::{
    APP_VERSION_HEADER, DEVICE_HEADER, DeviceHealth, DeviceReport, QUEUED_HEADER, SILENT_DAYS_MAX,
    SILENT_DAYS_MIN, check_silent_days,
};
use serde::Deserialize;
use uuid::Uuid;

use super::extract::{AuthUser, NoBody, QueryParams};
use crate::AppState;
use crate::error::{AppError, Result};
use crate::service::devices::DeviceQuery;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/devices", get(list))
}

fn header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<Option<&'a str>> {
    headers
        .get(name)
        .map(|v| {
            v.to_str().map_err(|_| {
                AppError::bad_request(format!("header {name} is not text"), Some(name))
            })
        })
        .transpose()
}

/// What the requesting device says about itself: its id (pulls only; a push names it in
/// the body) and its report. Every header is optional: an app from before device health
/// sends none.
pub(super) struct DeviceHeaders {
    pub device: Option<Uuid>,
    pub report: DeviceReport,
}

impl<S: Send + Sync> FromRequestParts<S> for DeviceHeaders {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self> {
        let h = &parts.headers;
        let device = header(h, DEVICE_HEADER)?
            .map(|d| {
                Uuid::parse_str(d.trim()).map_err(|_| {
                    AppError::bad_request(
                        format!("header {DEVICE_HEADER} is not a UUID"),
                        Some(DEVICE_HEADER),
                    )
                })
            })
            .transpose()?;
        let report = DeviceReport::parse(header(h, APP_VERSION_HEADER)?, header(h, QUEUED_HEADER)?)
            .map_err(|e| AppError::bad_request(e.to_string(), Some(e.header)))?;
        Ok(DeviceHeaders { device, report })
    }
}

/// Raw, so that each bad value is refused naming its own field.
#[derive(Deserialize)]
struct DeviceParams {
    #[serde(default)]
    silent_days: Option<String>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    attention: Option<String>,
}

impl DeviceParams {
    fn check(self) -> Result<DeviceQuery> {
        let bad = |field: &str, what: String| AppError::bad_request(what, Some(field));
        let silent_days = self
            .silent_days
            .map(|d| {
                d.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|d| check_silent_days(*d))
                    .ok_or_else(|| {
                        bad(
                            "silent_days",
                            format!(
                                "silent_days must be a whole number of days, \
                                 {SILENT_DAYS_MIN} to {SILENT_DAYS_MAX}"
                            ),
                        )
                    })
            })
            .transpose()?;
        let role = self
            .role
            .map(|r| Role::parse(&r).ok_or_else(|| bad("role", format!("unknown role {r}"))))
            .transpose()?;
        let user = self
            .user
            .map(|u| Uuid::parse_str(&u).map_err(|_| bad("user", "user is not a UUID".into())))
            .transpose()?;
        let attention = match self.attention.as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => return Err(bad("attention", "attention is true or false".into())),
        };
        Ok(DeviceQuery {
            silent_days,
            role,
            user,
            attention,
        })
    }
}

/// One row per device, most urgent first (`huifang_domain::devices::attention_order`).
async fn list(
    State(state): State<AppState>,
    auth: AuthUser,
    QueryParams(p): QueryParams<DeviceParams>,
    _: NoBody,
) -> Result<Json<DeviceHealth>> {
    auth.require(Role::can_read_reports, "read device health")?;
    let query = p.check()?;
    Ok(Json(
        state.store.device_health(query, state.clock.now()).await?,
    ))
}
