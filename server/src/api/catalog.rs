//! `/api/catalog/{scripts|surveys}`: the call script and survey editor's drafts, publishing,
//! versions and retiring (docs/api.md "Call scripts and surveys (catalog)"). Admins only.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing::{get, post, put};
use huifang_domain::Role;
use huifang_domain::catalog::{
    CatalogKind, CatalogList, Created, NewDraft, PublishRequest, Published, SaveDraft, Saved,
};
use huifang_domain::script::Script;
use huifang_domain::survey::Survey;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

use super::extract::{AuthUser, JsonBody, NoBody};
use crate::AppState;
use crate::error::{AppError, Result};
use crate::service::catalog::Versioned;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/catalog/{kind}", get(list).post(create))
        .route("/catalog/{kind}/{id}", get(detail))
        .route("/catalog/{kind}/{id}/draft", put(save))
        .route("/catalog/{kind}/{id}/publish", post(publish))
        .route("/catalog/{kind}/{id}/retire", post(retire))
        .route("/catalog/{kind}/{id}/restore", post(restore))
}

fn editor(auth: &AuthUser) -> Result<()> {
    auth.require(Role::can_edit_catalog, "edit call scripts and surveys")
}

/// An unknown kind or an id that is not a UUID names nothing.
fn kind(raw: &str) -> Result<CatalogKind> {
    CatalogKind::parse(raw).ok_or(AppError::NotFound)
}

fn item(raw: &str) -> Result<Uuid> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

/// The body typed by the kind in the path (the extractor took it as JSON already).
fn typed<T: DeserializeOwned>(body: Value) -> Result<T> {
    serde_json::from_value(body).map_err(|e| AppError::bad_request(e.to_string(), Some("draft")))
}

async fn list(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(k): Path<String>,
    _: NoBody,
) -> Result<Json<CatalogList>> {
    editor(&auth)?;
    Ok(Json(state.store.catalog_list(kind(&k)?).await?))
}

async fn detail(
    State(state): State<AppState>,
    auth: AuthUser,
    Path((k, id)): Path<(String, String)>,
    _: NoBody,
) -> Result<Json<Value>> {
    editor(&auth)?;
    let (kind, id) = (kind(&k)?, item(&id)?);
    let detail = match kind {
        CatalogKind::Scripts => json!(state.store.catalog_detail::<Script>(id).await?),
        CatalogKind::Surveys => json!(state.store.catalog_detail::<Survey>(id).await?),
    };
    Ok(Json(detail))
}

async fn create(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(k): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<Created>)> {
    editor(&auth)?;
    async fn run<T: Versioned + Send + 'static>(
        state: &AppState,
        auth: AuthUser,
        body: Value,
    ) -> Result<Created> {
        let req: NewDraft<T> = typed(body)?;
        state
            .store
            .catalog_create(auth.user, req, state.clock.now())
            .await
    }
    let created = match kind(&k)? {
        CatalogKind::Scripts => run::<Script>(&state, auth, body).await?,
        CatalogKind::Surveys => run::<Survey>(&state, auth, body).await?,
    };
    Ok((StatusCode::CREATED, Json(created)))
}

async fn save(
    State(state): State<AppState>,
    auth: AuthUser,
    Path((k, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Saved>> {
    editor(&auth)?;
    async fn run<T: Versioned + Send + 'static>(
        state: &AppState,
        auth: AuthUser,
        id: Uuid,
        body: Value,
    ) -> Result<Saved> {
        let req: SaveDraft<T> = typed(body)?;
        state
            .store
            .catalog_save(auth.user, id, req, state.clock.now())
            .await
    }
    let (kind, id) = (kind(&k)?, item(&id)?);
    Ok(Json(match kind {
        CatalogKind::Scripts => run::<Script>(&state, auth, id, body).await?,
        CatalogKind::Surveys => run::<Survey>(&state, auth, id, body).await?,
    }))
}

async fn publish(
    State(state): State<AppState>,
    auth: AuthUser,
    Path((k, id)): Path<(String, String)>,
    JsonBody(req): JsonBody<PublishRequest>,
) -> Result<(StatusCode, Json<Published>)> {
    editor(&auth)?;
    let (kind, id, now) = (kind(&k)?, item(&id)?, state.clock.now());
    let published = match kind {
        CatalogKind::Scripts => {
            state
                .store
                .catalog_publish::<Script>(auth.user, id, req, now)
                .await?
        }
        CatalogKind::Surveys => {
            state
                .store
                .catalog_publish::<Survey>(auth.user, id, req, now)
                .await?
        }
    };
    Ok((StatusCode::CREATED, Json(published)))
}

async fn retire(
    state: State<AppState>,
    auth: AuthUser,
    path: Path<(String, String)>,
    _: NoBody,
) -> Result<Json<Value>> {
    set_retired(state, auth, path, true).await
}

async fn restore(
    state: State<AppState>,
    auth: AuthUser,
    path: Path<(String, String)>,
    _: NoBody,
) -> Result<Json<Value>> {
    set_retired(state, auth, path, false).await
}

async fn set_retired(
    State(state): State<AppState>,
    auth: AuthUser,
    Path((k, id)): Path<(String, String)>,
    retired: bool,
) -> Result<Json<Value>> {
    editor(&auth)?;
    let (kind, id) = (kind(&k)?, item(&id)?);
    let at = state
        .store
        .catalog_retire(kind, auth.user, id, retired, state.clock.now())
        .await?;
    Ok(Json(json!({ "retired_at": at })))
}
