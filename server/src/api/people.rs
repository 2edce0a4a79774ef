//! People and passwords: the accounts admins manage (`/api/people`) and everyone's own
//! password (`/api/me/password`). See docs/api.md "People and passwords".

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing::{get, patch, post};
use huifang_domain::Role;
use huifang_domain::people::{
    Me, NewPerson, PasswordChange, PasswordReset, PeopleList, Person, PersonChange,
    PersonWithPassword,
};
use uuid::Uuid;

use super::extract::{AnyAuthUser, AuthUser, JsonBody, NoBody};
use crate::AppState;
use crate::error::{AppError, Result};

/// A password change is two passwords of at most 256 characters: like a login, no more of a
/// body is read.
const PASSWORD_BODY_LIMIT: usize = 16 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/me/password", post(change_own_password))
        .route("/people", get(list).post(add))
        .route("/people/{id}", patch(change))
        .route("/people/{id}/reset-password", post(reset_password))
        .route("/people/{id}/disable", post(disable))
        .route("/people/{id}/enable", post(enable))
}

/// Answers even before a one-time password is changed, saying so.
async fn me(auth: AnyAuthUser, _: NoBody) -> Json<Me> {
    Json(Me {
        user: auth.auth.user,
        must_change_password: auth.must_change_password,
    })
}

/// Everyone, one-time password or not: this is how they leave that state.
async fn change_own_password(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    auth: AnyAuthUser,
    JsonBody(change): JsonBody<PasswordChange, PASSWORD_BODY_LIMIT>,
) -> Result<StatusCode> {
    let AuthUser { user, token_hash } = auth.auth;
    state
        .store
        .change_own_password(user, token_hash, change, client.ip(), state.clock.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn require(auth: &AuthUser) -> Result<()> {
    auth.require(Role::can_manage_people, "manage people")
}

/// An id that is not a UUID names no account.
fn person_id(raw: &str) -> Result<Uuid> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

async fn list(
    State(state): State<AppState>,
    auth: AuthUser,
    _: NoBody,
) -> Result<Json<PeopleList>> {
    require(&auth)?;
    Ok(Json(PeopleList {
        people: state.store.people().await?,
    }))
}

async fn add(
    State(state): State<AppState>,
    auth: AuthUser,
    JsonBody(new): JsonBody<NewPerson>,
) -> Result<(StatusCode, Json<PersonWithPassword>)> {
    require(&auth)?;
    let added = state
        .store
        .add_person(auth.user, new, state.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(added)))
}

async fn change(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    JsonBody(change): JsonBody<PersonChange>,
) -> Result<Json<Person>> {
    require(&auth)?;
    let id = person_id(&id)?;
    Ok(Json(
        state
            .store
            .change_person(auth.user, id, change, state.clock.now())
            .await?,
    ))
}

async fn reset_password(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    JsonBody(reset): JsonBody<PasswordReset>,
) -> Result<Json<PersonWithPassword>> {
    require(&auth)?;
    let id = person_id(&id)?;
    Ok(Json(
        state
            .store
            .reset_password(auth.user, id, reset, state.clock.now())
            .await?,
    ))
}

async fn disable(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<Json<Person>> {
    set_disabled(state, auth, &id, true).await
}

async fn enable(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<Json<Person>> {
    set_disabled(state, auth, &id, false).await
}

async fn set_disabled(
    state: AppState,
    auth: AuthUser,
    id: &str,
    disabled: bool,
) -> Result<Json<Person>> {
    require(&auth)?;
    let id = person_id(id)?;
    Ok(Json(
        state
            .store
            .set_disabled(auth.user, id, disabled, state.clock.now())
            .await?,
    ))
}
