//! `/api/*`: the HTTP contract documented in docs/api.md. Handlers only parse, authorize,
//! call the store and map errors; the rules are the domain's, the use cases `crate::service`'s.

mod extract;
mod tickets;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing::{get, post};
use huifang_domain::task::{NewTask, TaskStatus, VisitTask};
use huifang_domain::{
    CustomerFile, CustomerMatches, LoginRequest, LoginResponse, PushRequest, PushResponse,
    RevealedContact, Role, User, VisitList,
};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::AppState;
use crate::error::{AppError, Result};
use crate::service::pull::PullPage;
use crate::service::tasks::filter_for as task_filter;
use crate::store::{ReviewState, TaskSaved, VisitFilter};
use extract::{AuthUser, JsonBody, NoBody, QueryParams};

/// Largest `per_page` of `GET /api/visits`: a supervisor's screen, not an export.
const MAX_PER_PAGE: u32 = 200;
const DEFAULT_PER_PAGE: u32 = 50;
/// A login is a username and a password (at most 64 and 256 characters, even escaped
/// well under this): a caller who is not logged in never has more of a body read.
const LOGIN_BODY_LIMIT: usize = 16 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
        .route("/sync/push", post(push))
        .route("/sync/pull", get(pull))
        .route("/visits", get(list_visits))
        .route("/tasks", get(list_tasks).post(create_task))
        .route("/users", get(list_users))
        .route("/customers", get(find_customers))
        .route("/customers/{id}/file", get(customer_file))
        .route("/customers/{id}/reveal", post(reveal_contact))
        .merge(tickets::router())
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
}

async fn health(_: NoBody) -> Json<Value> {
    Json(json!({"status": "ok"}))
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    JsonBody(req): JsonBody<LoginRequest, LOGIN_BODY_LIMIT>,
) -> Result<Json<LoginResponse>> {
    Ok(Json(
        state
            .store
            .login(req, client.ip(), state.clock.now())
            .await?,
    ))
}

async fn logout(State(state): State<AppState>, auth: AuthUser, _: NoBody) -> Result<StatusCode> {
    state.store.logout(auth.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(auth: AuthUser, _: NoBody) -> Json<User> {
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
    let answer = state
        .store
        .apply_push(auth.user, req, state.clock.now())
        .await?;
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
    #[serde(default)]
    snapshot: Option<u64>,
}

async fn pull(
    State(state): State<AppState>,
    auth: AuthUser,
    QueryParams(params): QueryParams<PullParams>,
    _: NoBody,
) -> Result<Json<PullPage>> {
    Ok(Json(
        state
            .store
            .pull(auth.user, params.since, params.snapshot, state.clock.now())
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerParams {
    q: String,
    #[serde(default = "default_found")]
    limit: u32,
}

fn default_found() -> u32 {
    20
}

/// A lookup for a walk-in customer: whoever records visits (see `service::customers::find`).
async fn find_customers(
    State(state): State<AppState>,
    auth: AuthUser,
    QueryParams(params): QueryParams<CustomerParams>,
    _: NoBody,
) -> Result<Json<CustomerMatches>> {
    let customers = state
        .store
        .find_customers(auth.user, params.q, params.limit)
        .await?;
    Ok(Json(CustomerMatches { customers }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VisitParams {
    #[serde(default = "first_page")]
    page: u32,
    #[serde(default = "default_per_page")]
    per_page: u32,
    #[serde(default)]
    escalated: bool,
    #[serde(default)]
    customer: Option<Uuid>,
    #[serde(default)]
    review: Option<ReviewState>,
}

fn first_page() -> u32 {
    1
}

fn default_per_page() -> u32 {
    DEFAULT_PER_PAGE
}

fn check_page(page: u32, per_page: u32) -> Result<()> {
    if page == 0 {
        return Err(AppError::bad_request("page starts at 1", Some("page")));
    }
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(AppError::bad_request(
            format!("per_page must be between 1 and {MAX_PER_PAGE}"),
            Some("per_page"),
        ));
    }
    Ok(())
}

async fn list_visits(
    State(state): State<AppState>,
    auth: AuthUser,
    QueryParams(p): QueryParams<VisitParams>,
    _: NoBody,
) -> Result<Json<VisitList>> {
    auth.require(Role::can_read_all_visits, "read all visits")?;
    check_page(p.page, p.per_page)?;
    let filter = VisitFilter {
        escalated: p.escalated,
        customer: p.customer,
        review: p.review,
    };
    Ok(Json(
        state.store.list_visits(filter, p.page, p.per_page).await?,
    ))
}

/// `201` for a new task, `200` when the same request was already applied (a retry).
async fn create_task(
    State(state): State<AppState>,
    auth: AuthUser,
    JsonBody(new): JsonBody<NewTask>,
) -> Result<(StatusCode, Json<VisitTask>)> {
    auth.require(Role::can_plan_tasks, "plan visit tasks")?;
    Ok(
        match state
            .store
            .create_task(auth.user, new, state.clock.now())
            .await?
        {
            TaskSaved::Created(task) => (StatusCode::CREATED, Json(task)),
            TaskSaved::Existing(task) => (StatusCode::OK, Json(task)),
        },
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskParams {
    #[serde(default)]
    status: Option<TaskStatus>,
    #[serde(default)]
    assignee: Option<Uuid>,
}

/// Planners see every task; everyone else only their own (`task::visible_assignee`).
async fn list_tasks(
    State(state): State<AppState>,
    auth: AuthUser,
    QueryParams(p): QueryParams<TaskParams>,
    _: NoBody,
) -> Result<Json<Vec<VisitTask>>> {
    let filter = task_filter(&auth.user, p.status, p.assignee)?;
    Ok(Json(state.store.list_tasks(filter).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserParams {
    #[serde(default)]
    role: Option<Role>,
}

/// For assigning tasks, hence the planners' right.
async fn list_users(
    State(state): State<AppState>,
    auth: AuthUser,
    QueryParams(p): QueryParams<UserParams>,
    _: NoBody,
) -> Result<Json<Vec<User>>> {
    auth.require(Role::can_plan_tasks, "list users")?;
    Ok(Json(state.store.list_users(p.role).await?))
}

/// Whoever visits customers, or reviews the visits, reads their files.
async fn customer_file(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<Json<CustomerFile>> {
    auth.require(
        |r| r.can_record_visits() || r.can_read_all_visits(),
        "read customer files",
    )?;
    Ok(Json(state.store.customer_file(customer_id(&id)?).await?))
}

async fn reveal_contact(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<Json<RevealedContact>> {
    auth.require(Role::can_reveal_contacts, "see full contacts")?;
    let id = customer_id(&id)?;
    Ok(Json(
        state
            .store
            .reveal_contact(auth.user, id, state.clock.now())
            .await?,
    ))
}

/// An id that is not a UUID names no customer.
fn customer_id(raw: &str) -> Result<Uuid> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}
