//! The import's calls to `/api/imports`: the server's answer or why not, in words the screen
//! can show (a refusal never loses what is on the screen).

use gloo_net::http::Request;
use huifang_domain::import::{
    ImportMapping, ImportPreview, ImportStatus, ImportUpload, PreviewRequest,
};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::api::{self, ApiFailure};

/// Why a call did not give its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    Offline,
    Unauthorized,
    TooBig,
    /// `400` naming the file: empty, no header row, UTF-16 or a damaged XLSX.
    Unreadable,
    /// `400` naming the mapping.
    Mapping,
    HasErrors,
    /// `409`: the import is busy or over.
    Busy,
    /// `404`: dropped (an hour untouched, or a newer upload).
    Gone,
    /// Anything else, with the server's error code.
    Other(u16, String),
}

fn read<T: DeserializeOwned>(
    answer: Result<(u16, serde_json::Value), ApiFailure>,
) -> Result<T, Refused> {
    let (status, body) = match answer {
        Ok(a) => a,
        Err(ApiFailure::Unauthorized(_)) => return Err(Refused::Unauthorized),
        Err(_) => return Err(Refused::Offline),
    };
    if (200..300).contains(&status) {
        return serde_json::from_value(body)
            .map_err(|_| Refused::Other(status, "bad_response".into()));
    }
    let text = |key: &str| {
        body.pointer(&format!("/error/{key}"))
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    Err(match (status, text("field").as_str()) {
        (413, _) => Refused::TooBig,
        (400, "file") => Refused::Unreadable,
        (400, "mapping") => Refused::Mapping,
        (422, _) if text("code") == "import_has_errors" => Refused::HasErrors,
        (409, _) => Refused::Busy,
        (404, _) => Refused::Gone,
        _ => Refused::Other(status, text("code")),
    })
}

pub async fn upload(token: &str, file: &web_sys::File) -> Result<ImportUpload, Refused> {
    let name = js_sys::encode_uri_component(&file.name());
    let url = format!("/api/imports?name={name}");
    read(api::exchange_raw(Request::post(&url), token, file.clone()).await)
}

pub async fn preview(
    token: &str,
    id: Uuid,
    mapping: ImportMapping,
) -> Result<ImportPreview, Refused> {
    let url = format!("/api/imports/{id}/preview");
    let body = PreviewRequest { mapping };
    read(api::exchange(Request::post(&url), token, Some(&body)).await)
}

pub async fn commit(token: &str, id: Uuid) -> Result<ImportStatus, Refused> {
    let url = format!("/api/imports/{id}/commit");
    read(api::exchange::<()>(Request::post(&url), token, None).await)
}

pub async fn status(token: &str, id: Uuid) -> Result<ImportStatus, Refused> {
    let url = format!("/api/imports/{id}");
    read(api::exchange::<()>(Request::get(&url), token, None).await)
}
