//! The feedback loop's reads and admin settings: tickets, duplicates offered at intake,
//! revisit coverage, the review desk and the ticket rules. Ticket changes themselves arrive
//! as mutations through `/api/sync/push`.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Json;
use axum::routing::{get, post};
use chrono::{DateTime, Duration, Utc};
use huifang_domain::Role;
use huifang_domain::period::{Period as PeriodChoice, PeriodQuery, local_day};
use huifang_domain::ticket::{
    CoverageRow, DuplicateQuery, Nature, ReviewQueue, Ticket, TicketList, TicketState, TicketView,
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
    /// The statistics' drill-down: one sub-problem, created in a period.
    #[serde(default)]
    sub_problem: Option<String>,
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

impl TicketParams {
    /// The sub-problem as the vocabulary spells it; another word is a 400 naming it.
    fn sub_problem(&self) -> Result<Option<&'static str>> {
        let Some(asked) = self.sub_problem.as_deref() else {
            return Ok(None);
        };
        Nature::ALL
            .iter()
            .flat_map(|n| n.sub_problems().iter().copied())
            .find(|s| *s == asked)
            .map(Some)
            .ok_or_else(|| {
                AppError::bad_request("sub_problem is not a sub-problem", Some("sub_problem"))
            })
    }

    /// The period asked, as UTC bounds in the organisation's calendar; none when no period
    /// parameter is given (the list is not limited to a period by default).
    async fn created(&self, state: &AppState) -> Result<Option<(DateTime<Utc>, DateTime<Utc>)>> {
        let q = PeriodQuery {
            period: self.period.clone(),
            date: self.date.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
        };
        if q == PeriodQuery::default() {
            return Ok(None);
        }
        let offset = state.store.settings().await?.settings.utc_offset_minutes;
        let period =
            PeriodChoice::from_query(&q, local_day(state.clock.now(), offset)).map_err(|p| {
                AppError::bad_request(format!("{} {}", p.field, p.message), Some(p.field))
            })?;
        Ok(Some((period.start_utc(offset), period.end_utc(offset))))
    }
}

/// Supervisors and admins see every ticket; field and agent staff the ones assigned to or
/// reported by them (the filters narrow further).
async fn list_tickets(
    State(state): State<AppState>,
    auth: AuthUser,
    QueryParams(p): QueryParams<TicketParams>,
    _: NoBody,
) -> Result<Json<TicketList>> {
    let sub_problem = p.sub_problem()?;
    let created = p.created(&state).await?;
    let at = page_at(p.limit, p.after.clone())?;
    let filter = TicketFilter {
        sub_problem,
        created,
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
