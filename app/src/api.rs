//! The HTTP client of the server's `/api`. Each call returns the wire type or an [`ApiFailure`]
//! that says what the app should do about it (go offline, ask for a login, show an error).

use gloo_net::http::{Request, RequestBuilder, Response};
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

pub async fn login(req: &LoginRequest) -> Result<LoginResponse, ApiFailure> {
    let resp = send(Request::post("/api/auth/login"), Some(encode(req))).await?;
    json(resp).await
}

pub async fn logout(token: &str) -> Result<(), ApiFailure> {
    send(authed(Request::post("/api/auth/logout"), token), None)
        .await
        .map(drop)
}

pub async fn push(token: &str, req: &PushRequest) -> Result<PushResponse, ApiFailure> {
    let resp = send(
        authed(Request::post("/api/sync/push"), token),
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
) -> Result<PullResponse, ApiFailure> {
    let snapshot = snapshot.map_or(String::new(), |s| format!("&snapshot={s}"));
    let url = format!("/api/sync/pull?since={since}{snapshot}");
    let resp = send(authed(Request::get(&url), token), None).await?;
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
pub async fn tickets(
    token: &str,
    after: Option<&str>,
    limit: u32,
) -> Result<TicketList, ApiFailure> {
    let url = format!("/api/tickets?{}", page_query(after, limit));
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

/// A call whose refusals the screen reads itself (an edit conflict's current text, a
/// publish's list of problems): any answer the server gave comes back as its status and JSON
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
