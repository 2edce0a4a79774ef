//! `/api/exports/*` (issue 12): the 客户沟通记录表, the tickets and the 反馈分类统计表 of a
//! period as CSV or XLSX,
//! for supervisors and admins (`Role::can_export_records`). Contacts leave masked; every
//! export is audited with its row count (`crate::export`).

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use huifang_domain::{Channel, Role, VisitType, WireName};
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::extract::{AuthUser, NoBody, QueryParams, ReportPeriod};
use crate::AppState;
use crate::error::{AppError, Result};
use crate::export::{
    Format, Job, Kind, Lang, VISIT_WIDTHS, respond, respond_bytes, stats_csv, stats_workbook,
    ticket_cells, ticket_headers, ticket_widths, visit_cells, visit_headers,
};
use crate::store::VisitExportQuery;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/exports/visits", get(visits))
        .route("/exports/tickets", get(tickets))
        .route("/exports/stats", get(stats))
}

/// The export's own parameters; the period's (`period`, `date`, `from`, `to`) share the query
/// string, so unknown names are left alone.
#[derive(Deserialize)]
struct ExportParams {
    format: Option<String>,
    lang: Option<String>,
    agent: Option<String>,
    visit_type: Option<String>,
    channel: Option<String>,
}

fn bad(field: &str, message: &str) -> AppError {
    AppError::bad_request(format!("{field} {message}"), Some(field))
}

impl ExportParams {
    fn format(&self) -> Result<Format> {
        match self.format.as_deref() {
            None => Err(bad("format", "is required: csv or xlsx")),
            Some(f) => Format::parse(f).ok_or_else(|| bad("format", "must be csv or xlsx")),
        }
    }

    fn lang(&self) -> Result<Lang> {
        match self.lang.as_deref() {
            None => Ok(Lang::default()),
            Some(l) => Lang::parse(l).ok_or_else(|| bad("lang", "must be zh-CN or en")),
        }
    }

    fn agent(&self) -> Result<Option<Uuid>> {
        self.agent
            .as_deref()
            .map(|a| Uuid::parse_str(a).map_err(|_| bad("agent", "must be a user id")))
            .transpose()
    }

    fn named<T: WireName>(value: &Option<String>, field: &str) -> Result<Option<T>> {
        value
            .as_deref()
            .map(|v| T::from_wire_name(v).ok_or_else(|| bad(field, "is not a known value")))
            .transpose()
    }

    /// The filters as given, for the audit entry.
    fn filters(&self) -> Value {
        let mut map = Map::new();
        for (name, value) in [
            ("agent", &self.agent),
            ("visit_type", &self.visit_type),
            ("channel", &self.channel),
        ] {
            if let Some(v) = value {
                map.insert(name.into(), v.clone().into());
            }
        }
        Value::Object(map)
    }
}

/// Role first: a field worker or an agent is refused whatever the parameters.
fn job(
    state: &AppState,
    auth: &AuthUser,
    kind: Kind,
    period: Result<ReportPeriod>,
    params: Result<QueryParams<ExportParams>>,
) -> Result<(Job, ReportPeriod, ExportParams)> {
    auth.require(Role::can_export_records, "export records")?;
    let period = period?;
    let QueryParams(params) = params?;
    let (format, lang) = (params.format()?, params.lang()?);
    let job = Job {
        kind,
        period: period.period,
        format,
        lang,
        filters: Value::Object(Map::new()),
        headers: Vec::new(),
        widths: Vec::new(),
        by: auth.user.id,
        now: state.clock.now(),
    };
    Ok((job, period, params))
}

async fn visits(
    State(state): State<AppState>,
    auth: AuthUser,
    period: Result<ReportPeriod>,
    params: Result<QueryParams<ExportParams>>,
    _: NoBody,
) -> Result<Response> {
    let (mut job, period, params) = job(&state, &auth, Kind::Visits, period, params)?;
    let q = VisitExportQuery {
        start: period.start(),
        end: period.end(),
        agent: params.agent()?,
        visit_type: ExportParams::named::<VisitType>(&params.visit_type, "visit_type")?,
        channel: ExportParams::named::<Channel>(&params.channel, "channel")?,
    };
    job.filters = params.filters();
    job.headers = visit_headers(job.lang).map(str::to_owned).to_vec();
    job.widths = VISIT_WIDTHS.to_vec();
    let (lang, offset) = (job.lang, period.utc_offset_minutes);
    respond(state.store.clone(), job, move |reader, table| {
        let mut number = 0;
        reader.visits(&q, |v| {
            number += 1;
            table.row(&visit_cells(number, &v, lang, offset))
        })
    })
    .await
}

async fn tickets(
    State(state): State<AppState>,
    auth: AuthUser,
    period: Result<ReportPeriod>,
    params: Result<QueryParams<ExportParams>>,
    _: NoBody,
) -> Result<Response> {
    let (mut job, period, _) = job(&state, &auth, Kind::Tickets, period, params)?;
    job.headers = ticket_headers(job.lang);
    job.widths = ticket_widths();
    let (lang, offset, now) = (job.lang, period.utc_offset_minutes, job.now);
    let (start, end) = (period.start(), period.end());
    respond(state.store.clone(), job, move |reader, table| {
        reader.tickets(start, end, now, |t| {
            table.row(&ticket_cells(&t, lang, offset))
        })
    })
    .await
}

async fn stats(
    State(state): State<AppState>,
    auth: AuthUser,
    period: Result<ReportPeriod>,
    params: Result<QueryParams<ExportParams>>,
    _: NoBody,
) -> Result<Response> {
    let (job, period, _) = job(&state, &auth, Kind::Stats, period, params)?;
    let stats = state
        .store
        .feedback_stats(period.period, (period.start(), period.end()))
        .await?;
    let file = match job.format {
        Format::Csv => stats_csv(&stats, job.lang)?,
        Format::Xlsx => stats_workbook(&stats, job.lang)?,
    };
    let rows = stats.rows.len() as u64;
    respond_bytes(state.store.clone(), job, rows, file).await
}
