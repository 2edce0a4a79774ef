//! `/api/dashboard/*`: the console's dashboards (supervisors and admins), each for a
//! `ReportPeriod`; the figures come from the rollups (`store::dashboard`).

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::get;
use huifang_domain::dashboard::{
    AgentsDashboard, BacklogDashboard, CSAT_DROP_POINTS, DashboardFilter, RevisitsDashboard,
    SatisfactionDashboard, VisitsDashboard,
};
use huifang_domain::{Channel, Role, VisitType};
use serde::Deserialize;
use uuid::Uuid;

use super::extract::{AuthUser, NoBody, QueryParams, ReportPeriod};
use crate::AppState;
use crate::error::{AppError, Result};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard/satisfaction", get(satisfaction))
        .route("/dashboard/visits", get(visits))
        .route("/dashboard/revisits", get(revisits))
        .route("/dashboard/backlog", get(backlog))
        .route("/dashboard/agents", get(agents))
}

const READ: &str = "read the dashboards";

/// Text, not typed: the query string is shared with the period's parameters (so no
/// `deny_unknown_fields`), and a bad value must be refused naming its own field.
#[derive(Deserialize)]
struct FilterParams {
    visit_type: Option<String>,
    channel: Option<String>,
    department: Option<String>,
    agent: Option<String>,
}

fn bad(field: &'static str, message: String) -> AppError {
    AppError::bad_request(message, Some(field))
}

impl FilterParams {
    async fn check(self, state: &AppState) -> Result<DashboardFilter> {
        let given = |v: Option<String>| v.filter(|s| !s.is_empty());
        let visit_type = given(self.visit_type)
            .map(|v| {
                VisitType::parse(&v)
                    .ok_or_else(|| bad("visit_type", format!("unknown visit type {v:?}")))
            })
            .transpose()?;
        let channel = given(self.channel)
            .map(|v| {
                Channel::parse(&v).ok_or_else(|| bad("channel", format!("unknown channel {v:?}")))
            })
            .transpose()?;
        if given(self.department).is_some() {
            return Err(bad(
                "department",
                "visits cannot be filtered by department: agents carry none".into(),
            ));
        }
        let agent = match given(self.agent) {
            Some(v) => {
                let id = Uuid::parse_str(&v)
                    .map_err(|_| bad("agent", format!("agent {v:?} is not a user id")))?;
                if !state.store.user_exists(id).await? {
                    return Err(bad("agent", format!("unknown agent {id}")));
                }
                Some(id)
            }
            None => None,
        };
        Ok(DashboardFilter {
            visit_type,
            channel,
            agent,
        })
    }
}

async fn satisfaction(
    State(state): State<AppState>,
    auth: AuthUser,
    period: ReportPeriod,
    QueryParams(p): QueryParams<FilterParams>,
    _: NoBody,
) -> Result<Json<SatisfactionDashboard>> {
    auth.require(Role::can_read_reports, READ)?;
    let filter = p.check(&state).await?;
    Ok(Json(
        state
            .store
            .dashboard_satisfaction(period.period, filter, state.clock.now(), CSAT_DROP_POINTS)
            .await?,
    ))
}

async fn visits(
    State(state): State<AppState>,
    auth: AuthUser,
    period: ReportPeriod,
    QueryParams(p): QueryParams<FilterParams>,
    _: NoBody,
) -> Result<Json<VisitsDashboard>> {
    auth.require(Role::can_read_reports, READ)?;
    let filter = p.check(&state).await?;
    Ok(Json(
        state.store.dashboard_visits(period.period, filter).await?,
    ))
}

async fn revisits(
    State(state): State<AppState>,
    auth: AuthUser,
    period: ReportPeriod,
    _: NoBody,
) -> Result<Json<RevisitsDashboard>> {
    auth.require(Role::can_read_reports, READ)?;
    Ok(Json(state.store.dashboard_revisits(period.period).await?))
}

async fn backlog(
    State(state): State<AppState>,
    auth: AuthUser,
    period: ReportPeriod,
    _: NoBody,
) -> Result<Json<BacklogDashboard>> {
    auth.require(Role::can_read_reports, READ)?;
    Ok(Json(
        state
            .store
            .dashboard_backlog(period.period, state.clock.now())
            .await?,
    ))
}

async fn agents(
    State(state): State<AppState>,
    auth: AuthUser,
    period: ReportPeriod,
    _: NoBody,
) -> Result<Json<AgentsDashboard>> {
    auth.require(Role::can_read_reports, READ)?;
    Ok(Json(state.store.dashboard_agents(period.period).await?))
}
