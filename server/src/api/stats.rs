//! `/api/stats/feedback` (反馈分类统计表), `/api/stats/actions` (建议措施) and `/api/risks`
//! (风险预警, the spikes): supervisors and admins read them; the actions are theirs to write.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{get, put};
use huifang_domain::Role;
use huifang_domain::period::{Period, PeriodQuery, local_day};
use huifang_domain::risk::RiskWarnings;
use huifang_domain::stats::{FeedbackStats, SuggestedAction};
use serde::Deserialize;

use super::extract::{AuthUser, JsonBody, NoBody, ReportPeriod};
use crate::AppState;
use crate::error::{AppError, Result};
use crate::service::stats::ActionEdit;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/stats/feedback", get(feedback))
        .route("/stats/actions", put(put_action))
        .route("/risks", get(risks))
}

async fn feedback(
    State(state): State<AppState>,
    auth: AuthUser,
    period: ReportPeriod,
    _: NoBody,
) -> Result<Json<FeedbackStats>> {
    auth.require(Role::can_read_reports, "read the statistics")?;
    Ok(Json(
        state
            .store
            .feedback_stats(period.period, (period.start(), period.end()))
            .await?,
    ))
}

/// The spikes of the last 7 days; the CSAT drop is added by the satisfaction figures.
async fn risks(
    State(state): State<AppState>,
    auth: AuthUser,
    _: NoBody,
) -> Result<Json<RiskWarnings>> {
    auth.require(Role::can_read_reports, "read the risk warnings")?;
    let offset = state.store.settings().await?.settings.utc_offset_minutes;
    Ok(Json(
        state.store.risk_spikes(state.clock.now(), offset).await?,
    ))
}

/// The period as the statistics query names it, the row, and the action.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionBody {
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    sub_problem: String,
    kind: String,
    text: String,
    state: String,
    /// The version of this period's action the editor started from; 0 when it had none.
    version: u64,
}

async fn put_action(
    State(state): State<AppState>,
    auth: AuthUser,
    JsonBody(body): JsonBody<ActionBody>,
) -> Result<Json<SuggestedAction>> {
    auth.require(Role::can_plan_improvements, "write suggested actions")?;
    let offset = state.store.settings().await?.settings.utc_offset_minutes;
    let today = local_day(state.clock.now(), offset);
    let query = PeriodQuery {
        period: body.period,
        date: body.date,
        from: body.from,
        to: body.to,
    };
    let period = Period::from_query(&query, today)
        .map_err(|p| AppError::bad_request(format!("{} {}", p.field, p.message), Some(p.field)))?;
    let edit = ActionEdit::parse(
        period,
        body.sub_problem,
        &body.kind,
        body.text,
        &body.state,
        body.version,
    )?;
    Ok(Json(
        state
            .store
            .save_stats_action(auth.user, edit, state.clock.now())
            .await?,
    ))
}
