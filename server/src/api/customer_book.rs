//! 客户档案, the console's customer book: supervisors and admins list, add, edit, archive and
//! unarchive customers. Apart from `GET /api/customers?q=`, the field app's lookup.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing::{get, post};
use chrono::NaiveDate;
use huifang_domain::customer_book::{
    CustomerBookList, CustomerEdit, CustomerFields, CustomerProfile,
};
use huifang_domain::{CustomerClass, Role};
use serde::Deserialize;
use uuid::Uuid;

use super::extract::{AuthUser, JsonBody, NoBody, QueryParams};
use super::page_at;
use crate::AppState;
use crate::error::{AppError, Result};
use crate::store::BookQuery;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/customer-book", get(list).post(create))
        .route("/customer-book/{id}", get(one).put(edit))
        .route("/customer-book/{id}/archive", post(archive))
        .route("/customer-book/{id}/unarchive", post(unarchive))
}

const WHO: &str = "manage the customer book";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListParams {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    contact: Option<String>,
    #[serde(default)]
    external_id: Option<String>,
    #[serde(default)]
    tag: Option<String>,
    #[serde(default)]
    class: Option<CustomerClass>,
    #[serde(default)]
    vip: Option<bool>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    last_visit_before: Option<NaiveDate>,
    #[serde(default)]
    archived: bool,
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    after: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    auth: AuthUser,
    QueryParams(p): QueryParams<ListParams>,
    _: NoBody,
) -> Result<Json<CustomerBookList>> {
    auth.require(Role::can_manage_customers, WHO)?;
    let at = page_at(p.limit, p.after)?;
    let q = BookQuery {
        name: p.name,
        contact: p.contact,
        external_id: p.external_id,
        tag: p.tag,
        class: p.class,
        vip: p.vip,
        region: p.region,
        last_visit_before: p.last_visit_before,
        archived: p.archived,
    };
    Ok(Json(state.store.customer_book(q, at).await?))
}

async fn one(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<Json<CustomerProfile>> {
    auth.require(Role::can_manage_customers, WHO)?;
    Ok(Json(state.store.customer_profile(customer(&id)?).await?))
}

async fn create(
    State(state): State<AppState>,
    auth: AuthUser,
    JsonBody(fields): JsonBody<CustomerFields>,
) -> Result<(StatusCode, Json<CustomerProfile>)> {
    auth.require(Role::can_manage_customers, WHO)?;
    let created = state
        .store
        .create_customer(auth.user, fields, state.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn edit(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    JsonBody(edit): JsonBody<CustomerEdit>,
) -> Result<Json<CustomerProfile>> {
    auth.require(Role::can_manage_customers, WHO)?;
    let id = customer(&id)?;
    Ok(Json(
        state
            .store
            .edit_customer(auth.user, id, edit, state.clock.now())
            .await?,
    ))
}

async fn archive(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<Json<CustomerProfile>> {
    set_archived(state, auth, &id, true).await
}

async fn unarchive(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<Json<CustomerProfile>> {
    set_archived(state, auth, &id, false).await
}

async fn set_archived(
    state: AppState,
    auth: AuthUser,
    id: &str,
    archived: bool,
) -> Result<Json<CustomerProfile>> {
    auth.require(Role::can_manage_customers, WHO)?;
    let id = customer(id)?;
    Ok(Json(
        state
            .store
            .archive_customer(auth.user, id, archived, state.clock.now())
            .await?,
    ))
}

/// An id that is not a UUID names no customer.
fn customer(raw: &str) -> Result<Uuid> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}
