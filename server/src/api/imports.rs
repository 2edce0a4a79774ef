//! `/api/imports`: customers from a CRM export, CSV or XLSX (issue 11), for admins. Upload,
//! map and preview, then commit in the background and follow its progress.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Json;
use axum::routing::{get, post};
use huifang_domain::Role;
use huifang_domain::import::{ImportPreview, ImportStatus, ImportUpload, PreviewRequest};
use serde::Deserialize;
use uuid::Uuid;

use super::extract::{AuthUser, JsonBody, NoBody, QueryParams};
use crate::AppState;
use crate::error::{AppError, Result};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/imports", post(upload))
        .route("/imports/{id}", get(status))
        .route("/imports/{id}/preview", post(preview))
        .route("/imports/{id}/commit", post(commit))
}

const WHAT: &str = "import customers";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadParams {
    /// The file's name as the admin picked it, for the audit trail.
    #[serde(default)]
    name: Option<String>,
}

/// The body is the file itself (any content type: CSV and XLSX are told apart by content),
/// streamed to disk.
async fn upload(
    State(state): State<AppState>,
    auth: AuthUser,
    QueryParams(p): QueryParams<UploadParams>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<ImportUpload>)> {
    auth.require(Role::can_import_customers, WHAT)?;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let name: String = p.name.unwrap_or_default().chars().take(200).collect();
    let answer = state
        .imports
        .upload(&state.store, &auth.user, name, declared, body)
        .await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

fn import_id(raw: &str) -> Result<Uuid> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

async fn status(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<Json<ImportStatus>> {
    auth.require(Role::can_import_customers, WHAT)?;
    Ok(Json(state.imports.status(&auth.user, import_id(&id)?)?))
}

async fn preview(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<PreviewRequest>,
) -> Result<Json<ImportPreview>> {
    auth.require(Role::can_import_customers, WHAT)?;
    let id = import_id(&id)?;
    Ok(Json(
        state
            .imports
            .preview(&state.store, &auth.user, id, req.mapping)
            .await?,
    ))
}

/// `202`: the rows are being written; `GET /api/imports/{id}` follows them.
async fn commit(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<(StatusCode, Json<ImportStatus>)> {
    auth.require(Role::can_import_customers, WHAT)?;
    let id = import_id(&id)?;
    let status = state
        .imports
        .commit(&state.store, &auth.user, id, state.clock.now())?;
    Ok((StatusCode::ACCEPTED, Json(status)))
}
