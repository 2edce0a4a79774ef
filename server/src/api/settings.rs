//! `/api/settings`: the organisation's settings (机构设置). Everyone reads them (devices also
//! get them in their pull); admins replace them.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::get;
use huifang_domain::Role;
use huifang_domain::settings::{SettingsUpdate, VersionedSettings};

use super::extract::{AuthUser, JsonBody, NoBody};
use crate::AppState;
use crate::error::Result;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/settings", get(settings).put(put_settings))
}

async fn settings(
    State(state): State<AppState>,
    _auth: AuthUser,
    _: NoBody,
) -> Result<Json<VersionedSettings>> {
    Ok(Json(state.store.settings().await?))
}

async fn put_settings(
    State(state): State<AppState>,
    auth: AuthUser,
    JsonBody(update): JsonBody<SettingsUpdate>,
) -> Result<Json<VersionedSettings>> {
    auth.require(
        Role::can_edit_settings,
        "change the organisation's settings",
    )?;
    Ok(Json(
        state
            .store
            .put_settings(auth.user, update, state.clock.now())
            .await?,
    ))
}
