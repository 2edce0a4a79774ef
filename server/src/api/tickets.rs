//! The feedback loop's reads and admin settings: tickets, duplicates offered at intake,
//! revisit coverage, the review desk and the ticket rules. Ticket changes themselves arrive
//! as mutations through `/api/sync/push`.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Json;
use axum::routing::{get, post};
use chrono::{DateTime, Duration, Utc};
use huifang_domain::Role;
use huifang_domain::ticket::{
    CoverageRow, DuplicateQuery, ReviewQueue, Ticket, TicketList, TicketState, TicketView,
};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::extract::{AuthUser, JsonBody, NoBody, QueryParams};
use super::page_at;
use crate::AppState;
use crate::error::{AppError, Result};
use crate::store::{ReviewState, RuleSet, TicketFilter, TicketQueue};

/// Above the largest rule set the domain's size limits accept (200 grading rules of 32 tests
/// with the longest codes: 545 KB of compact JSON, 782 KB indented by two spaces).
const RULES_BODY_LIMIT: usize = 1024 * 1024;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets", get(list_tickets))
        .route("/tickets/duplicates", post(duplicates))
        .route("/tickets/{id}", get(ticket))
        .route("/coverage", get(coverage))
        .route("/reviews", get(reviews))
        .route("/settings/{name}", get(rule_set).put(put_rule_set))
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum Queue {
    Escalated,
    Mine,
    Review,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TicketParams {
    #[serde(default)]
    state: Option<TicketState>,
    #[serde(default)]
    assignee: Option<Uuid>,
    #[serde(default)]
    queue: Option<Queue>,
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    after: Option<String>,
}

/// Supervisors and admins see every ticket; field and agent staff the ones assigned to or
/// reported by them (the filters narrow further).
async fn list_tickets(
    State(state): State<AppState>,
    auth: AuthUser,
    QueryParams(p): QueryParams<TicketParams>,
    _: NoBody,
) -> Result<Json<TicketList>> {
    let at = page_at(p.limit, p.after)?;
    let filter = TicketFilter {
        state: p.state,
        assignee: p.assignee,
        queue: p.queue.map(|q| match q {
            Queue::Escalated => TicketQueue::Escalated,
            Queue::Mine => TicketQueue::Mine,
            Queue::Review => TicketQueue::Review,
        }),
    };
    Ok(Json(
        state
            .store
            .list_tickets(auth.user, filter, at, state.clock.now())
            .await?,
    ))
}

async fn ticket(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<Json<TicketView>> {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    Ok(Json(
        state.store.ticket(auth.user, id, state.clock.now()).await?,
    ))
}

/// For the intake form, so whoever may create tickets may ask.
async fn duplicates(
    State(state): State<AppState>,
    auth: AuthUser,
    JsonBody(q): JsonBody<DuplicateQuery>,
) -> Result<Json<Vec<Ticket>>> {
    auth.require(Role::can_record_visits, "register feedback")?;
    Ok(Json(state.store.duplicates(q, state.clock.now()).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Period {
    #[serde(default)]
    from: Option<DateTime<Utc>>,
    #[serde(default)]
    to: Option<DateTime<Utc>>,
}

/// The last 30 days unless a period is given.
async fn coverage(
    State(state): State<AppState>,
    auth: AuthUser,
    QueryParams(p): QueryParams<Period>,
    _: NoBody,
) -> Result<Json<Vec<CoverageRow>>> {
    auth.require(Role::can_decide_reviews, "see revisit coverage")?;
    let to = p.to.unwrap_or_else(|| state.clock.now());
    let from = p.from.unwrap_or(to - Duration::days(30));
    if to <= from {
        return Err(AppError::bad_request(
            "the period must end after it starts",
            Some("to"),
        ));
    }
    Ok(Json(state.store.coverage(from, to).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewParams {
    #[serde(default = "pending")]
    state: ReviewState,
}

fn pending() -> ReviewState {
    ReviewState::Pending
}

async fn reviews(
    State(state): State<AppState>,
    auth: AuthUser,
    QueryParams(p): QueryParams<ReviewParams>,
    _: NoBody,
) -> Result<Json<ReviewQueue>> {
    auth.require(Role::can_decide_reviews, "review records")?;
    Ok(Json(state.store.reviews(p.state).await?))
}

fn rule_set_named(name: &str) -> Result<RuleSet> {
    RuleSet::parse(name).ok_or(AppError::NotFound)
}

/// Every role reads the rules: the device grades and routes offline with them.
async fn rule_set(
    State(state): State<AppState>,
    _auth: AuthUser,
    Path(name): Path<String>,
    _: NoBody,
) -> Result<Json<Value>> {
    Ok(Json(state.store.rule_set(rule_set_named(&name)?).await?))
}

async fn put_rule_set(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(name): Path<String>,
    JsonBody(value): JsonBody<Value, RULES_BODY_LIMIT>,
) -> Result<Json<Value>> {
    let key = rule_set_named(&name)?;
    auth.require(Role::can_edit_rules, "change the ticket rules")?;
    Ok(Json(
        state
            .store
            .put_rule_set(auth.user, key, value, state.clock.now())
            .await?,
    ))
}
