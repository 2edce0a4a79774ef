//! `/api/*`: the HTTP contract documented in docs/api.md. Handlers only parse, authorize,
//! call the store and map errors; the rules are the domain's, the use cases `crate::service`'s.

mod catalog;
mod customer_book;
mod dashboard;
mod devices;
mod exports;
mod extract;
mod imports;
mod people;
mod plans;
mod settings;
mod stats;
mod tickets;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use huifang_domain::audit::{AuditList, AuditVerification};
use huifang_domain::paging;
use huifang_domain::task::{NewTask, TaskList, TaskStatus, VisitTask};
use huifang_domain::{
    CustomerClass, CustomerFile, CustomerMatches, LoginRequest, LoginResponse, PushRequest,
    PushResponse, RevealedContact, Role, User, VisitList, VisitType,
};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::AppState;
use crate::error::{AppError, Result};
use crate::service::pull::PullPage;
use crate::service::tasks::filter_for as task_filter;
use crate::store::{AuditFilter, PageAt, ReviewState, TaskFilter, TaskSaved, VisitFilter};
use devices::DeviceHeaders;
use extract::{AnyAuthUser, AuthUser, JsonBody, NoBody, QueryParams};

/// A login is a username and a password (at most 64 and 256 characters, even escaped
/// well under this): a caller who is not logged in never has more of a body read.
const LOGIN_BODY_LIMIT: usize = 16 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/sync/push", post(push))
        .route("/sync/pull", get(pull))
        .route("/visits", get(list_visits))
        .route("/tasks", get(list_tasks).post(create_task))
        .route("/users", get(list_users))
        .route("/customers", get(find_customers))
        .route("/customers/{id}/file", get(customer_file))
        .route("/customers/{id}/reveal", post(reveal_contact))
        .route("/audit", get(list_audit))
        .route("/audit/verify", get(verify_audit))
        .merge(settings::router())
        .merge(devices::router())
        .merge(catalog::router())
        .merge(tickets::router())
        .merge(people::router())
        .merge(plans::router())
        .merge(customer_book::router())
        .merge(imports::router())
        .merge(dashboard::router())
        .merge(exports::router())
        .merge(stats::router())
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

/// Also before a one-time password is changed: leaving is always allowed.
async fn logout(State(state): State<AppState>, auth: AnyAuthUser, _: NoBody) -> Result<StatusCode> {
    state.store.logout(auth.auth.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every role may push; what each may change is decided per mutation (`Mutation::check`).
async fn push(
    State(state): State<AppState>,
    auth: AuthUser,
    reporting: DeviceHeaders,
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
        .apply_push(auth.user, req, reporting.report, state.clock.now())
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

/// A pull with the `Huifang-Device` header also records the device's contact (device
/// health); one without it (an app from before) is the same read as ever.
async fn pull(
    State(state): State<AppState>,
    auth: AuthUser,
    device: DeviceHeaders,
    QueryParams(params): QueryParams<PullParams>,
    _: NoBody,
) -> Result<Json<PullPage>> {
    let contact = device.device.map(|id| (id, device.report));
    Ok(Json(
        state
            .store
            .pull(
                auth.user,
                params.since,
                params.snapshot,
                contact,
                state.clock.now(),
            )
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
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    after: Option<String>,
    #[serde(default)]
    escalated: bool,
    #[serde(default)]
    customer: Option<Uuid>,
    #[serde(default)]
    review: Option<ReviewState>,
}

/// `?limit=&after=` of a list by cursor, checked (`huifang_domain::paging`); the cursor
/// itself is checked by the list that handed it out.
fn page_at(limit: Option<u32>, after: Option<String>) -> Result<PageAt> {
    let limit = paging::check_limit(limit)
        .map_err(|e| AppError::bad_request(e.to_string(), Some("limit")))?;
    Ok(PageAt {
        after,
        limit,
        cap: paging::TOTAL_CAP,
    })
}

async fn list_visits(
    State(state): State<AppState>,
    auth: AuthUser,
    QueryParams(p): QueryParams<VisitParams>,
    _: NoBody,
) -> Result<Json<VisitList>> {
    auth.require(Role::can_read_all_visits, "read all visits")?;
    let at = page_at(p.limit, p.after)?;
    let filter = VisitFilter {
        escalated: p.escalated,
        customer: p.customer,
        review: p.review,
    };
    Ok(Json(state.store.list_visits(filter, at).await?))
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
    #[serde(default)]
    visit_type: Option<VisitType>,
    #[serde(default)]
    class: Option<CustomerClass>,
    #[serde(default)]
    due_from: Option<DateTime<Utc>>,
    #[serde(default)]
    due_to: Option<DateTime<Utc>>,
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    after: Option<String>,
}

/// Planners see every task; everyone else only their own (`task::visible_assignee`).
async fn list_tasks(
    State(state): State<AppState>,
    auth: AuthUser,
    QueryParams(p): QueryParams<TaskParams>,
    _: NoBody,
) -> Result<Json<TaskList>> {
    let filter = TaskFilter {
        visit_type: p.visit_type,
        class: p.class,
        due_from: p.due_from,
        due_to: p.due_to,
        ..task_filter(&auth.user, p.status, p.assignee)?
    };
    let at = page_at(p.limit, p.after)?;
    Ok(Json(state.store.list_tasks(filter, at).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditParams {
    #[serde(default)]
    user: Option<Uuid>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    entity: Option<String>,
    #[serde(default)]
    entity_id: Option<String>,
    #[serde(default)]
    from: Option<DateTime<Utc>>,
    #[serde(default)]
    to: Option<DateTime<Utc>>,
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    after: Option<String>,
}

/// Most actions one list asks for at once (`?action=a,b,…`): the quick filters need a few.
const MAX_AUDIT_ACTIONS: usize = 20;

/// `?action=contact.reveal,export`: any of these actions.
fn audit_actions(raw: Option<&str>) -> Result<Vec<String>> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    let actions: Vec<String> = raw.split(',').map(|a| a.trim().to_owned()).collect();
    if actions.iter().any(String::is_empty) || actions.len() > MAX_AUDIT_ACTIONS {
        return Err(AppError::bad_request(
            format!("action takes 1 to {MAX_AUDIT_ACTIONS} action names separated by commas"),
            Some("action"),
        ));
    }
    Ok(actions)
}

/// The audit trail's hash chain recomputed (an operator's check, reading the whole log on a
/// blocking thread; see docs/operations.md), for admins.
async fn verify_audit(
    State(state): State<AppState>,
    auth: AuthUser,
    _: NoBody,
) -> Result<Json<AuditVerification>> {
    auth.require(Role::can_read_audit_log, "read the audit log")?;
    Ok(Json(state.store.audit_verify().await?))
}

/// The audit trail, for admins.
async fn list_audit(
    State(state): State<AppState>,
    auth: AuthUser,
    QueryParams(p): QueryParams<AuditParams>,
    _: NoBody,
) -> Result<Json<AuditList>> {
    auth.require(Role::can_read_audit_log, "read the audit log")?;
    if p.entity_id.is_some() && p.entity.is_none() {
        return Err(AppError::bad_request(
            "entity_id needs entity",
            Some("entity_id"),
        ));
    }
    let at = page_at(p.limit, p.after)?;
    let filter = AuditFilter {
        user: p.user,
        actions: audit_actions(p.action.as_deref())?,
        entity: p.entity,
        entity_id: p.entity_id,
        from: p.from,
        to: p.to,
    };
    Ok(Json(state.store.audit_list(filter, at).await?))
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
