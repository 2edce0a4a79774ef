//! The catalog editor's calls to `/api/catalog/{scripts|surveys}`, for scripts and surveys
//! alike. A refusal the editor acts on (an edit conflict, a refused publish) comes back typed.

use gloo_net::http::Request;
use huifang_domain::catalog::{
    CatalogBody, CatalogDetail, CatalogKind, CatalogList, Created, EditConflict, Problem, Problems,
    Published, Saved,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::api::{self, ApiFailure};

#[derive(Debug, Clone, PartialEq)]
pub enum Failure<T: CatalogBody> {
    Api(ApiFailure),
    /// Someone saved the draft since it was loaded: theirs, and where it differs.
    Conflict(EditConflict<T>),
    /// The draft breaks the publishing rules: every problem.
    Problems(Vec<Problem>),
}

fn base(kind: CatalogKind) -> String {
    format!("/api/catalog/{}", kind.as_str())
}

fn refusal<T: CatalogBody>(
    (failure, error): (ApiFailure, Option<huifang_domain::ApiError>),
) -> Failure<T> {
    let Some(error) = error else {
        return Failure::Api(failure);
    };
    let detail = Value::Object(error.detail.clone());
    match error.error.code.as_str() {
        "edit_conflict" => serde_json::from_value(detail)
            .map(Failure::Conflict)
            .unwrap_or(Failure::Api(failure)),
        "not_publishable" => serde_json::from_value::<Problems>(detail)
            .map(|p| Failure::Problems(p.problems))
            .unwrap_or(Failure::Api(failure)),
        _ => Failure::Api(failure),
    }
}

async fn call<T: CatalogBody, A: serde::de::DeserializeOwned>(
    req: gloo_net::http::RequestBuilder,
    token: &str,
    body: Option<Value>,
) -> Result<A, Failure<T>> {
    let resp = api::send_keeping_error(req, token, body.map(|b| b.to_string()))
        .await
        .map_err(refusal)?;
    api::answer(resp).await.map_err(Failure::Api)
}

pub async fn list(token: &str, kind: CatalogKind) -> Result<CatalogList, ApiFailure> {
    let resp = api::send_keeping_error(Request::get(&base(kind)), token, None)
        .await
        .map_err(|(f, _)| f)?;
    api::answer(resp).await
}

pub async fn detail<T: CatalogBody>(token: &str, id: Uuid) -> Result<CatalogDetail<T>, Failure<T>> {
    call(
        Request::get(&format!("{}/{id}", base(T::KIND))),
        token,
        None,
    )
    .await
}

pub async fn create<T: CatalogBody>(token: &str, draft: &T) -> Result<Created, Failure<T>> {
    call(
        Request::post(&base(T::KIND)),
        token,
        Some(json!({ "draft": draft })),
    )
    .await
}

pub async fn save<T: CatalogBody>(
    token: &str,
    id: Uuid,
    base_rev: u64,
    draft: &T,
) -> Result<Saved, Failure<T>> {
    call(
        Request::put(&format!("{}/{id}/draft", base(T::KIND))),
        token,
        Some(json!({ "base_rev": base_rev, "draft": draft })),
    )
    .await
}

pub async fn publish<T: CatalogBody>(
    token: &str,
    id: Uuid,
    draft_rev: u64,
) -> Result<Published, Failure<T>> {
    call(
        Request::post(&format!("{}/{id}/publish", base(T::KIND))),
        token,
        Some(json!({ "draft_rev": draft_rev })),
    )
    .await
}

/// Retires (`true`) or restores the item; answers its `retired_at`.
pub async fn set_retired<T: CatalogBody>(
    token: &str,
    id: Uuid,
    retired: bool,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, Failure<T>> {
    let action = if retired { "retire" } else { "restore" };
    let answer: Value = call(
        Request::post(&format!("{}/{id}/{action}", base(T::KIND))),
        token,
        None,
    )
    .await?;
    Ok(serde_json::from_value(answer["retired_at"].clone()).unwrap_or(None))
}
