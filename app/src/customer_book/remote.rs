//! The customer book's calls to `/api/customer-book`. Unlike most calls, a refusal keeps the
//! server's whole error body: the editor shows each field's problem and, on a conflict, what
//! changed.

use gloo_net::http::{Request, RequestBuilder};
use huifang_domain::ApiError;
use huifang_domain::customer_book::{
    CustomerBookList, CustomerEdit, CustomerFields, CustomerProfile,
};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::api::ApiFailure;

const TIMEOUT_MS: u32 = 20_000;

/// A failed call: what kind, and the server's error body when it sent one.
pub type Refusal = (ApiFailure, Option<ApiError>);

async fn call<T: DeserializeOwned>(
    req: RequestBuilder,
    token: &str,
    body: Option<String>,
) -> Result<T, Refusal> {
    let signal = web_sys::AbortSignal::timeout_with_u32(TIMEOUT_MS);
    let req = req
        .header("Authorization", &format!("Bearer {token}"))
        .abort_signal(Some(&signal));
    let req = match body {
        Some(json) => req.header("Content-Type", "application/json").body(json),
        None => req.build(),
    }
    .map_err(|_| (ApiFailure::Network, None))?;
    let resp = req.send().await.map_err(|_| (ApiFailure::Network, None))?;
    let status = resp.status();
    if resp.ok() {
        return resp.json::<T>().await.map_err(|_| {
            (
                ApiFailure::Status(status, Some("bad_response".into())),
                None,
            )
        });
    }
    let error = resp.json::<ApiError>().await.ok();
    let code = error.as_ref().map(|e| e.error.code.clone());
    Err(match status {
        401 => (
            ApiFailure::Unauthorized(code.unwrap_or_else(|| "unauthorized".into())),
            error,
        ),
        502..=504 => (ApiFailure::Network, None),
        _ => (ApiFailure::Status(status, code), error),
    })
}

fn json<T: serde::Serialize>(v: &T) -> Option<String> {
    serde_json::to_string(v).ok()
}

/// A page of the book; `query` from `form::Query::to_query_string`.
pub async fn list(
    token: &str,
    query: &str,
    after: Option<&str>,
    limit: u32,
) -> Result<CustomerBookList, Refusal> {
    let after = after.map_or(String::new(), |a| format!("&after={a}"));
    let url = format!("/api/customer-book?limit={limit}{after}&{query}");
    call(Request::get(&url), token, None).await
}

pub async fn create(token: &str, fields: &CustomerFields) -> Result<CustomerProfile, Refusal> {
    call(Request::post("/api/customer-book"), token, json(fields)).await
}

pub async fn edit(token: &str, id: Uuid, edit: &CustomerEdit) -> Result<CustomerProfile, Refusal> {
    let url = format!("/api/customer-book/{id}");
    call(Request::put(&url), token, json(edit)).await
}

pub async fn set_archived(
    token: &str,
    id: Uuid,
    archived: bool,
) -> Result<CustomerProfile, Refusal> {
    let action = if archived { "archive" } else { "unarchive" };
    let url = format!("/api/customer-book/{id}/{action}");
    call(Request::post(&url), token, None).await
}
