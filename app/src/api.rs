//! The HTTP client of the server's `/api`. Each call returns the wire type or an [`ApiFailure`]
//! that says what the app should do about it (go offline, ask for a login, show an error).

use gloo_net::http::{Request, RequestBuilder, Response};
use huifang_domain::devices::{self, DeviceHealth};
use huifang_domain::people::{
    NewPerson, PasswordChange, PeopleList, Person, PersonChange, PersonWithPassword,
};
use huifang_domain::settings::{SettingsUpdate, VersionedSettings};
use huifang_domain::task::{NewTask, VisitTask};
use huifang_domain::ticket::{
    CoverageRow, DuplicateQuery, ReviewQueue, Ticket, TicketList, TicketView,
};
use huifang_domain::{
    ApiError, Customer, CustomerFile, CustomerMatches, LoginRequest, LoginResponse, PullResponse,
    PushRequest, PushResponse, RevealedContact, User, VisitList,
};
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// A request that hangs on a bad network is worse than one that fails: after this the sync
/// engine backs off and the UI says "offline".
const TIMEOUT_MS: u32 = 20_000;
/// A file of up to 64 MiB on a slow office line takes minutes, not seconds.
const UPLOAD_TIMEOUT_MS: u32 = 600_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiFailure {
    /// No answer: offline, DNS, timeout, or a server that is down.
    Network,
    /// 401: the token is unknown or expired; the code says which.
    Unauthorized(String),
    /// Any other non-success answer, with the server's error body when it sent one.
    Status(u16, Option<String>),
}

fn authed(req: RequestBuilder, token: &str) -> RequestBuilder {
    req.header("Authorization", &format!("Bearer {token}"))
}

async fn send(req: RequestBuilder, body: Option<String>) -> Result<Response, ApiFailure> {
    let signal = web_sys::AbortSignal::timeout_with_u32(TIMEOUT_MS);
    let req = req.abort_signal(Some(&signal));
    let req = match body {
        Some(json) => req
            .header("Content-Type", "application/json")
            .body(json)
            .map_err(|_| ApiFailure::Network)?,
        None => req.build().map_err(|_| ApiFailure::Network)?,
    };
    let resp = req.send().await.map_err(|_| ApiFailure::Network)?;
    if resp.ok() {
        return Ok(resp);
    }
    let status = resp.status();
    let code = resp.json::<ApiError>().await.ok().map(|e| e.error.code);
    Err(match status {
        401 => ApiFailure::Unauthorized(code.unwrap_or_else(|| "unauthorized".into())),
        // A proxy's gateway error means the server is unreachable, not that it refused.
        502..=504 => ApiFailure::Network,
        _ => ApiFailure::Status(status, code),
    })
}

async fn json<T: DeserializeOwned>(resp: Response) -> Result<T, ApiFailure> {
    resp.json::<T>()
        .await
        .map_err(|_| ApiFailure::Status(resp.status(), Some("bad_response".into())))
}

fn encode<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A refusal with the input field the server named, for forms that mark it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub failure: ApiFailure,
    pub field: Option<String>,
}

/// Sends a request whose refusal names a field (`400 bad_request` of a form).
async fn send_form(req: RequestBuilder, body: String) -> Result<Response, Refusal> {
    let signal = web_sys::AbortSignal::timeout_with_u32(TIMEOUT_MS);
    let network = || Refusal {
        failure: ApiFailure::Network,
        field: None,
    };
    let req = req
        .abort_signal(Some(&signal))
        .header("Content-Type", "application/json")
        .body(body)
        .map_err(|_| network())?;
    let resp = req.send().await.map_err(|_| network())?;
    if resp.ok() {
        return Ok(resp);
    }
    let status = resp.status();
    let body = resp.json::<ApiError>().await.ok().map(|e| e.error);
    let (code, field) = body.map_or((None, None), |b| (Some(b.code), b.field));
    let failure = match status {
        401 => ApiFailure::Unauthorized(code.unwrap_or_else(|| "unauthorized".into())),
        502..=504 => ApiFailure::Network,
        _ => ApiFailure::Status(status, code),
    };
    Err(Refusal { failure, field })
}

async fn form_json<T: DeserializeOwned>(resp: Response) -> Result<T, Refusal> {
    json(resp).await.map_err(|failure| Refusal {
        failure,
        field: None,
    })
}

/// `POST /api/me/password`: 204 when changed.
pub async fn change_password(token: &str, change: &PasswordChange) -> Result<(), Refusal> {
    send_form(
        authed(Request::post("/api/me/password"), token),
        encode(change),
    )
    .await
    .map(drop)
}

pub async fn people(token: &str) -> Result<PeopleList, ApiFailure> {
    let resp = send(authed(Request::get("/api/people"), token), None).await?;
    json(resp).await
}

pub async fn add_person(token: &str, new: &NewPerson) -> Result<PersonWithPassword, Refusal> {
    let resp = send_form(authed(Request::post("/api/people"), token), encode(new)).await?;
    form_json(resp).await
}

pub async fn change_person(
    token: &str,
    id: Uuid,
    change: &PersonChange,
) -> Result<Person, Refusal> {
    let url = format!("/api/people/{id}");
    let resp = send_form(authed(Request::patch(&url), token), encode(change)).await?;
    form_json(resp).await
}

pub async fn reset_password(token: &str, id: Uuid) -> Result<PersonWithPassword, Refusal> {
    let url = format!("/api/people/{id}/reset-password");
    let resp = send_form(authed(Request::post(&url), token), "{}".to_owned()).await?;
    form_json(resp).await
}

/// Disables (`true`) or enables an account.
pub async fn set_disabled(token: &str, id: Uuid, disabled: bool) -> Result<Person, Refusal> {
    let what = if disabled { "disable" } else { "enable" };
    let url = format!("/api/people/{id}/{what}");
    let resp = send(authed(Request::post(&url), token), None)
        .await
        .map_err(|failure| Refusal {
            failure,
            field: None,
        })?;
    form_json(resp).await
}

pub async fn login(req: &LoginRequest) -> Result<LoginResponse, ApiFailure> {
    let resp = send(Request::post("/api/auth/login"), Some(encode(req))).await?;
    json(resp).await
}

pub async fn logout(token: &str) -> Result<(), ApiFailure> {
    send(authed(Request::post("/api/auth/logout"), token), None)
        .await
        .map(drop)
}

/// What the device says about itself on every push and pull (device health), in headers: a
/// server from before device health ignores them where it would refuse unknown body fields.
pub struct Reporting {
    pub device: Uuid,
    pub queued: usize,
}

fn reporting(req: RequestBuilder, r: &Reporting) -> RequestBuilder {
    req.header(devices::DEVICE_HEADER, &r.device.to_string())
        .header(devices::APP_VERSION_HEADER, crate::sync::APP_VERSION)
        .header(devices::QUEUED_HEADER, &r.queued.to_string())
}

/// One batch; `report.queued` counts what stays in the outbox after it.
pub async fn push(
    token: &str,
    req: &PushRequest,
    report: &Reporting,
) -> Result<PushResponse, ApiFailure> {
    let resp = send(
        reporting(authed(Request::post("/api/sync/push"), token), report),
        Some(encode(req)),
    )
    .await?;
    json(resp).await
}

/// One pull page after `since`; `snapshot` is the one the previous page of a first pull gave.
pub async fn pull(
    token: &str,
    since: u64,
    snapshot: Option<u64>,
    report: &Reporting,
) -> Result<PullResponse, ApiFailure> {
    let snapshot = snapshot.map_or(String::new(), |s| format!("&snapshot={s}"));
    let url = format!("/api/sync/pull?since={since}{snapshot}");
    let resp = send(reporting(authed(Request::get(&url), token), report), None).await?;
    json(resp).await
}

/// 设备状态, for supervisors and admins; `query` is the URL's query string (may be empty).
pub async fn device_health(token: &str, query: &str) -> Result<DeviceHealth, ApiFailure> {
    let resp = send(
        authed(Request::get(&format!("/api/devices{query}")), token),
        None,
    )
    .await?;
    json(resp).await
}

/// Sends `req` (with `body` as JSON) for callers that show more of a refusal than its code:
/// the server's whole error body comes back with the failure (a catalog edit conflict carries
/// the stored draft, a refused publish every problem).
pub(crate) async fn send_keeping_error(
    req: RequestBuilder,
    token: &str,
    body: Option<String>,
) -> Result<Response, (ApiFailure, Option<ApiError>)> {
    let signal = web_sys::AbortSignal::timeout_with_u32(TIMEOUT_MS);
    let req = authed(req, token).abort_signal(Some(&signal));
    let req = match body {
        Some(json) => req.header("Content-Type", "application/json").body(json),
        None => req.build(),
    }
    .map_err(|_| (ApiFailure::Network, None))?;
    let resp = req.send().await.map_err(|_| (ApiFailure::Network, None))?;
    if resp.ok() {
        return Ok(resp);
    }
    let status = resp.status();
    let error = resp.json::<ApiError>().await.ok();
    let code = error.as_ref().map(|e| e.error.code.clone());
    Err(match status {
        401 => (
            ApiFailure::Unauthorized(code.unwrap_or_else(|| "unauthorized".into())),
            None,
        ),
        502..=504 => (ApiFailure::Network, None),
        _ => (ApiFailure::Status(status, code), error),
    })
}

/// A successful answer's JSON body.
pub(crate) async fn answer<T: DeserializeOwned>(resp: Response) -> Result<T, ApiFailure> {
    json(resp).await
}

/// One of the ticket rule sets (`grading`, `sla`, `calendar`, `routing`) as stored.
pub async fn rule_set(token: &str, name: &str) -> Result<serde_json::Value, ApiFailure> {
    let url = format!("/api/settings/{name}");
    let resp = send(authed(Request::get(&url), token), None).await?;
    json(resp).await
}

/// Replaces a rule set (admins). A refusal comes with the server's message, which names
/// what the domain checks did not accept.
pub async fn save_rule_set<T: serde::Serialize + DeserializeOwned>(
    token: &str,
    name: &str,
    value: &T,
) -> Result<T, (ApiFailure, Option<String>)> {
    let url = format!("/api/settings/{name}");
    let signal = web_sys::AbortSignal::timeout_with_u32(TIMEOUT_MS);
    let req = authed(Request::put(&url), token)
        .abort_signal(Some(&signal))
        .header("Content-Type", "application/json")
        .body(encode(value))
        .map_err(|_| (ApiFailure::Network, None))?;
    let resp = req.send().await.map_err(|_| (ApiFailure::Network, None))?;
    if resp.ok() {
        return json(resp).await.map_err(|e| (e, None));
    }
    let status = resp.status();
    let body = resp.json::<ApiError>().await.ok().map(|e| e.error);
    let (code, message) = match body {
        Some(b) => (Some(b.code), Some(b.message)),
        None => (None, None),
    };
    Err(match status {
        401 => (
            ApiFailure::Unauthorized(code.unwrap_or_else(|| "unauthorized".into())),
            None,
        ),
        502..=504 => (ApiFailure::Network, None),
        _ => (ApiFailure::Status(status, code), message),
    })
}

pub async fn ticket_duplicates(token: &str, q: &DuplicateQuery) -> Result<Vec<Ticket>, ApiFailure> {
    let resp = send(
        authed(Request::post("/api/tickets/duplicates"), token),
        Some(encode(q)),
    )
    .await?;
    // Either a bare list of tickets or of ticket views.
    let raw: serde_json::Value = json(resp).await?;
    let list = raw
        .get("tickets")
        .cloned()
        .unwrap_or(raw)
        .as_array()
        .cloned()
        .unwrap_or_default();
    Ok(list
        .into_iter()
        .filter_map(|v| crate::json::from_value(v.get("ticket").unwrap_or(&v)).ok())
        .collect())
}

pub async fn ticket(token: &str, id: Uuid) -> Result<TicketView, ApiFailure> {
    let url = format!("/api/tickets/{id}");
    let resp = send(authed(Request::get(&url), token), None).await?;
    json(resp).await
}

pub async fn coverage(token: &str) -> Result<Vec<CoverageRow>, ApiFailure> {
    let resp = send(authed(Request::get("/api/coverage"), token), None).await?;
    let raw: serde_json::Value = json(resp).await?;
    let list = raw.get("rows").unwrap_or(&raw);
    crate::json::from_value(list).map_err(|_| ApiFailure::Status(200, Some("bad_response".into())))
}

pub async fn reviews(token: &str) -> Result<ReviewQueue, ApiFailure> {
    let resp = send(
        authed(Request::get("/api/reviews?state=pending"), token),
        None,
    )
    .await?;
    json(resp).await
}

/// One of the dashboards (`satisfaction`, `visits`, `revisits`, `backlog`, `agents`) for the
/// period and filters in `query` (without the `?`).
pub async fn dashboard<T: DeserializeOwned>(
    token: &str,
    part: &str,
    query: &str,
) -> Result<T, ApiFailure> {
    let url = format!("/api/dashboard/{part}?{query}");
    let resp = send(authed(Request::get(&url), token), None).await?;
    json(resp).await
}

/// `?limit=` and, past the first page, `&after=<cursor>` (cursors are hex: nothing to escape).
fn page_query(after: Option<&str>, limit: u32) -> String {
    match after {
        Some(cursor) => format!("limit={limit}&after={cursor}"),
        None => format!("limit={limit}"),
    }
}

/// One page of every stored visit, after the cursor of the page before.
pub async fn visits(token: &str, after: Option<&str>, limit: u32) -> Result<VisitList, ApiFailure> {
    let url = format!("/api/visits?{}", page_query(after, limit));
    let resp = send(authed(Request::get(&url), token), None).await?;
    json(resp).await
}

/// One page of every ticket the user may see (all of them for supervisors), newest change
/// first, after the cursor of the page before.
/// `filter` is more of the query string (the statistics' drill-down), already encoded.
pub async fn tickets(
    token: &str,
    filter: &str,
    after: Option<&str>,
    limit: u32,
) -> Result<TicketList, ApiFailure> {
    let mut url = format!("/api/tickets?{}", page_query(after, limit));
    if !filter.is_empty() {
        url.push('&');
        url.push_str(filter);
    }
    let resp = send(authed(Request::get(&url), token), None).await?;
    json(resp).await
}

pub async fn escalations(token: &str) -> Result<VisitList, ApiFailure> {
    let resp = send(
        authed(Request::get("/api/visits?escalated=true&limit=50"), token),
        None,
    )
    .await?;
    json(resp).await
}

pub async fn customer_file(token: &str, id: Uuid) -> Result<CustomerFile, ApiFailure> {
    let url = format!("/api/customers/{id}/file");
    let resp = send(authed(Request::get(&url), token), None).await?;
    json(resp).await
}

pub async fn reveal(token: &str, id: Uuid) -> Result<RevealedContact, ApiFailure> {
    let url = format!("/api/customers/{id}/reveal");
    let resp = send(authed(Request::post(&url), token), None).await?;
    json(resp).await
}

pub async fn users(token: &str) -> Result<Vec<User>, ApiFailure> {
    let resp = send(authed(Request::get("/api/users"), token), None).await?;
    json(resp).await
}

pub async fn create_task(token: &str, task: &NewTask) -> Result<VisitTask, ApiFailure> {
    let resp = send(
        authed(Request::post("/api/tasks"), token),
        Some(encode(task)),
    )
    .await?;
    json(resp).await
}

/// `GET /api/customers?q=`: customers by the start of their name or the end of their number.
pub async fn find_customers(token: &str, q: &str) -> Result<Vec<Customer>, ApiFailure> {
    let q: String = js_sys::encode_uri_component(q).into();
    let url = format!("/api/customers?q={q}&limit=20");
    let resp = send(authed(Request::get(&url), token), None).await?;
    json::<CustomerMatches>(resp).await.map(|m| m.customers)
}

/// `GET /api/settings`: the organisation's settings and their version.
pub async fn settings(token: &str) -> Result<VersionedSettings, ApiFailure> {
    let resp = send(authed(Request::get("/api/settings"), token), None).await?;
    json(resp).await
}

/// Why a settings save was refused, beyond the ordinary failures.
#[derive(Debug, Clone, PartialEq)]
pub enum SettingsRefusal {
    Failed(ApiFailure),
    /// 422: the field the server named (the form's own check lets little through).
    Invalid(String),
    /// 409: another admin saved first; what is stored now.
    Conflict(VersionedSettings),
}

/// `PUT /api/settings` (admins), from the version the editor read.
pub async fn save_settings(
    token: &str,
    update: &SettingsUpdate,
) -> Result<VersionedSettings, SettingsRefusal> {
    let signal = web_sys::AbortSignal::timeout_with_u32(TIMEOUT_MS);
    let req = authed(Request::put("/api/settings"), token)
        .abort_signal(Some(&signal))
        .header("Content-Type", "application/json")
        .body(encode(update))
        .map_err(|_| SettingsRefusal::Failed(ApiFailure::Network))?;
    let resp = req
        .send()
        .await
        .map_err(|_| SettingsRefusal::Failed(ApiFailure::Network))?;
    if resp.ok() {
        return json(resp).await.map_err(SettingsRefusal::Failed);
    }
    let status = resp.status();
    let body = resp.json::<ApiError>().await.ok();
    let current = body
        .as_ref()
        .and_then(|b| b.detail.get("current"))
        .and_then(|c| crate::json::from_value::<VersionedSettings>(c).ok());
    Err(match (status, body, current) {
        (409, _, Some(current)) => SettingsRefusal::Conflict(current),
        (422, Some(b), _) => SettingsRefusal::Invalid(b.error.field.unwrap_or_default()),
        (401, b, _) => SettingsRefusal::Failed(ApiFailure::Unauthorized(
            b.map_or_else(|| "unauthorized".into(), |b| b.error.code),
        )),
        (502..=504, ..) => SettingsRefusal::Failed(ApiFailure::Network),
        (_, b, _) => SettingsRefusal::Failed(ApiFailure::Status(status, b.map(|b| b.error.code))),
    })
}

/// `GET /api/tasks?…` for planners: `query` is the filter part, already encoded.
pub async fn task_page(
    token: &str,
    query: &str,
) -> Result<huifang_domain::task::TaskList, ApiFailure> {
    let resp = send(
        authed(Request::get(&format!("/api/tasks?{query}")), token),
        None,
    )
    .await?;
    json(resp).await
}

pub async fn change_task(
    token: &str,
    id: Uuid,
    change: &huifang_domain::planning::TaskChange,
) -> Result<VisitTask, ApiFailure> {
    let resp = send(
        authed(Request::patch(&format!("/api/tasks/{id}")), token),
        Some(encode(change)),
    )
    .await?;
    json(resp).await
}

pub async fn cancel_task(
    token: &str,
    id: Uuid,
    cancel: &huifang_domain::planning::TaskCancel,
) -> Result<VisitTask, ApiFailure> {
    let resp = send(
        authed(Request::post(&format!("/api/tasks/{id}/cancel")), token),
        Some(encode(cancel)),
    )
    .await?;
    json(resp).await
}

/// `POST /api/plans/preview` (`create` false) or `POST /api/plans`.
pub async fn plan(
    token: &str,
    req: &huifang_domain::planning::PlanRequest,
    create: bool,
) -> Result<huifang_domain::planning::PlanOutcome, ApiFailure> {
    let path = if create {
        "/api/plans"
    } else {
        "/api/plans/preview"
    };
    let resp = send(authed(Request::post(path), token), Some(encode(req))).await?;
    json(resp).await
}

pub async fn recurring_policy(
    token: &str,
) -> Result<huifang_domain::recurring::StoredPolicy, ApiFailure> {
    let resp = send(authed(Request::get("/api/plans/recurring"), token), None).await?;
    json(resp).await
}

pub async fn save_recurring_policy(
    token: &str,
    update: &huifang_domain::recurring::PolicyUpdate,
) -> Result<huifang_domain::recurring::StoredPolicy, ApiFailure> {
    let resp = send(
        authed(Request::put("/api/plans/recurring"), token),
        Some(encode(update)),
    )
    .await?;
    json(resp).await
}

/// A call whose refusals the screen reads itself (an import's refused mapping, its row
/// errors, a busy import): any answer the server gave comes back as its status and JSON
/// body; only no answer (or a gateway's) is a failure, and a 401 asks for a login as usual.
pub async fn exchange<B: serde::Serialize>(
    req: RequestBuilder,
    token: &str,
    body: Option<&B>,
) -> Result<(u16, serde_json::Value), ApiFailure> {
    let signal = web_sys::AbortSignal::timeout_with_u32(TIMEOUT_MS);
    let req = authed(req, token).abort_signal(Some(&signal));
    let req = match body {
        Some(b) => req
            .header("Content-Type", "application/json")
            .body(encode(b))
            .map_err(|_| ApiFailure::Network)?,
        None => req.build().map_err(|_| ApiFailure::Network)?,
    };
    exchanged(req).await
}

/// [`exchange`] with a raw body (a file the user chose), sent as it is.
pub async fn exchange_raw(
    req: RequestBuilder,
    token: &str,
    body: impl Into<wasm_bindgen::JsValue>,
) -> Result<(u16, serde_json::Value), ApiFailure> {
    let signal = web_sys::AbortSignal::timeout_with_u32(UPLOAD_TIMEOUT_MS);
    let req = authed(req, token)
        .abort_signal(Some(&signal))
        .body(body)
        .map_err(|_| ApiFailure::Network)?;
    exchanged(req).await
}

async fn exchanged(req: gloo_net::http::Request) -> Result<(u16, serde_json::Value), ApiFailure> {
    let resp = req.send().await.map_err(|_| ApiFailure::Network)?;
    let status = resp.status();
    let value = resp.json::<serde_json::Value>().await.unwrap_or_default();
    match status {
        401 => Err(ApiFailure::Unauthorized(
            value
                .pointer("/error/code")
                .and_then(|c| c.as_str())
                .unwrap_or("unauthorized")
                .to_owned(),
        )),
        502..=504 => Err(ApiFailure::Network),
        _ => Ok((status, value)),
    }
}

/// `GET /api/stats/feedback?{period}`: the 反馈分类统计表 of a period.
pub async fn feedback_stats(
    token: &str,
    period: &str,
) -> Result<huifang_domain::stats::FeedbackStats, ApiFailure> {
    let url = format!("/api/stats/feedback?{period}");
    let resp = send(authed(Request::get(&url), token), None).await?;
    json(resp).await
}

/// `GET /api/risks`: the risk warnings (empty: no banner).
pub async fn risks(token: &str) -> Result<huifang_domain::risk::RiskWarnings, ApiFailure> {
    let resp = send(authed(Request::get("/api/risks"), token), None).await?;
    json(resp).await
}

/// How saving a suggested action went wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionRefusal {
    /// Someone saved the row since; what it shows now.
    Stale(Option<huifang_domain::stats::SuggestedAction>),
    /// A field the server refused.
    Invalid(String),
    Failed(ApiFailure),
}

/// `PUT /api/stats/actions`.
pub async fn save_stats_action(
    token: &str,
    body: &serde_json::Value,
) -> Result<huifang_domain::stats::SuggestedAction, ActionRefusal> {
    let (status, value) = exchange(Request::put("/api/stats/actions"), token, Some(body))
        .await
        .map_err(ActionRefusal::Failed)?;
    match status {
        200 => crate::json::from_value(&value).map_err(|_| {
            ActionRefusal::Failed(ApiFailure::Status(200, Some("bad_response".into())))
        }),
        409 => Err(ActionRefusal::Stale(
            value
                .pointer("/detail/current")
                .and_then(|c| crate::json::from_value(c).ok()),
        )),
        400 => Err(ActionRefusal::Invalid(
            value
                .pointer("/error/field")
                .and_then(|f| f.as_str())
                .unwrap_or_default()
                .to_owned(),
        )),
        _ => Err(ActionRefusal::Failed(ApiFailure::Status(status, None))),
    }
}
