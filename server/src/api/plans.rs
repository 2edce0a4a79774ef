//! 回访计划 for planners (supervisors and admins): change or cancel one task, plan many visits
//! at once (preview, then create), and the recurring policy per customer class.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing::{get, patch, post};
use huifang_domain::Role;
use huifang_domain::planning::{PlanOutcome, PlanRequest, TaskCancel, TaskChange};
use huifang_domain::recurring::{PolicyUpdate, StoredPolicy};
use huifang_domain::task::VisitTask;
use uuid::Uuid;

use super::extract::{AuthUser, JsonBody, NoBody};
use crate::AppState;
use crate::error::{AppError, Result};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/tasks/{id}", patch(change_task))
        .route("/tasks/{id}/cancel", post(cancel_task))
        .route("/plans/preview", post(preview))
        .route("/plans", post(create))
        .route("/plans/recurring", get(policy).put(save_policy))
}

fn task_id(raw: &str) -> Result<Uuid> {
    raw.parse().map_err(|_| AppError::NotFound)
}

fn require_planner(auth: &AuthUser) -> Result<()> {
    auth.require(Role::can_plan_tasks, "plan visit tasks")
}

/// Reassigns an open task and/or moves its window.
async fn change_task(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    JsonBody(change): JsonBody<TaskChange>,
) -> Result<Json<VisitTask>> {
    require_planner(&auth)?;
    let id = task_id(&id)?;
    Ok(Json(
        state
            .store
            .change_task(auth.user, id, change, state.clock.now())
            .await?,
    ))
}

async fn cancel_task(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    JsonBody(cancel): JsonBody<TaskCancel>,
) -> Result<Json<VisitTask>> {
    require_planner(&auth)?;
    let id = task_id(&id)?;
    Ok(Json(
        state
            .store
            .cancel_task(auth.user, id, cancel, state.clock.now())
            .await?,
    ))
}

async fn preview(
    State(state): State<AppState>,
    auth: AuthUser,
    JsonBody(req): JsonBody<PlanRequest>,
) -> Result<Json<PlanOutcome>> {
    require_planner(&auth)?;
    Ok(Json(
        state.store.preview_plan(req, state.clock.now()).await?,
    ))
}

/// `201` when the tasks were created now, `200` when the same plan was already created.
async fn create(
    State(state): State<AppState>,
    auth: AuthUser,
    JsonBody(req): JsonBody<PlanRequest>,
) -> Result<(StatusCode, Json<PlanOutcome>)> {
    require_planner(&auth)?;
    let (outcome, now_created) = state
        .store
        .create_plan(auth.user, req, state.clock.now())
        .await?;
    let status = if now_created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(outcome)))
}

async fn policy(
    State(state): State<AppState>,
    auth: AuthUser,
    _: NoBody,
) -> Result<Json<StoredPolicy>> {
    require_planner(&auth)?;
    Ok(Json(state.store.recurring_policy().await?))
}

async fn save_policy(
    State(state): State<AppState>,
    auth: AuthUser,
    JsonBody(update): JsonBody<PolicyUpdate>,
) -> Result<Json<StoredPolicy>> {
    require_planner(&auth)?;
    Ok(Json(
        state
            .store
            .save_recurring_policy(auth.user, update, state.clock.now())
            .await?,
    ))
}
