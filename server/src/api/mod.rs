//! `/api/*`: the HTTP contract documented in docs/api.md. Handlers only parse, authorize,
//! call the store and map errors.

mod extract;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing::{get, post};
use chrono::Utc;
use huifang_domain::{
    LoginRequest, LoginResponse, PullResponse, PushRequest, PushResponse, Role, User, VisitList,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::{AppError, Result};
use extract::{AuthUser, BODY_LIMIT, JsonBody, QueryParams};

/// Largest `per_page` of `GET /api/visits`: a supervisor's screen, not an export.
const MAX_PER_PAGE: u32 = 200;
const DEFAULT_PER_PAGE: u32 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
        .route("/sync/push", post(push))
        .route("/sync/pull", get(pull))
        .route("/visits", get(list_visits))
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

async fn health() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    JsonBody(req): JsonBody<LoginRequest>,
) -> Result<Json<LoginResponse>> {
    Ok(Json(state.store.login(req, client.ip(), Utc::now()).await?))
}

async fn logout(State(state): State<AppState>, auth: AuthUser) -> Result<StatusCode> {
    state.store.logout(auth.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(auth: AuthUser) -> Json<User> {
    Json(auth.user)
}

/// Every role may push; what each may change is decided per mutation (`Mutation::check`).
async fn push(
    State(state): State<AppState>,
    auth: AuthUser,
    JsonBody(req): JsonBody<PushRequest>,
) -> Result<Json<PushResponse>> {
    req.check_envelope()
        .map_err(|e| AppError::bad_request(e.to_string(), Some("mutations")))?;
    let (user, device, sent) = (
        auth.user.username.clone(),
        req.device_id,
        req.mutations.len(),
    );
    let answer = state.store.apply_push(auth.user, req, Utc::now()).await?;
    tracing::info!(
        %user, %device, sent, acked_seq = answer.acked_seq, rejected = answer.rejected.len(),
        "push"
    );
    Ok(Json(answer))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PullParams {
    #[serde(default)]
    since: u64,
}

async fn pull(
    State(state): State<AppState>,
    _auth: AuthUser,
    QueryParams(params): QueryParams<PullParams>,
) -> Result<Json<PullResponse>> {
    Ok(Json(state.store.pull(params.since).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageParams {
    #[serde(default = "first_page")]
    page: u32,
    #[serde(default = "default_per_page")]
    per_page: u32,
}

fn first_page() -> u32 {
    1
}

fn default_per_page() -> u32 {
    DEFAULT_PER_PAGE
}

async fn list_visits(
    State(state): State<AppState>,
    auth: AuthUser,
    QueryParams(p): QueryParams<PageParams>,
) -> Result<Json<VisitList>> {
    auth.require(Role::can_read_all_visits, "read all visits")?;
    if p.page == 0 {
        return Err(AppError::bad_request("page starts at 1", Some("page")));
    }
    if !(1..=MAX_PER_PAGE).contains(&p.per_page) {
        return Err(AppError::bad_request(
            format!("per_page must be between 1 and {MAX_PER_PAGE}"),
            Some("per_page"),
        ));
    }
    Ok(Json(state.store.list_visits(p.page, p.per_page).await?))
}
