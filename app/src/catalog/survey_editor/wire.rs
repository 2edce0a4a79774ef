//! The catalog API as the survey editor uses it (`/api/catalog/surveys`), and the reading of
//! its answers. Readers are lenient where the answer is informational (who saved, what
//! changed) and strict where the editor acts on it (ids, revisions, the survey itself).

use gloo_net::http::Request;
use huifang_domain::VisitType;
use huifang_domain::survey::{Question, Survey, TemplateError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::model::{Problem, Said};
use crate::api::{self, ApiFailure};

/// A stored draft as the server hands it back; the editor keeps it as a [`Survey`] of the
/// catalog entry's id.
#[derive(Debug, Clone, Default, Deserialize)]
struct DraftBody {
    #[serde(default)]
    title: String,
    #[serde(default)]
    visit_type: Option<VisitType>,
    #[serde(default)]
    questions: Vec<Question>,
}

impl DraftBody {
    fn into_survey(self, id: Uuid, version: u32) -> Survey {
        Survey {
            id,
            version,
            title: self.title,
            visit_type: self.visit_type,
            questions: self.questions,
            retired: false,
        }
    }
}

/// One published version in the versions list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct VersionRow {
    pub version: u32,
    #[serde(default)]
    pub published_at: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub published_by: String,
}

/// A catalog entry opened in the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: Uuid,
    /// What the editor starts from: the draft, else the published version.
    pub survey: Survey,
    pub draft_rev: u64,
    pub published: Option<u32>,
    pub versions: Vec<VersionRow>,
    pub retired_at: Option<String>,
}

#[derive(Deserialize)]
struct EntryWire {
    id: Uuid,
    #[serde(default)]
    draft: Option<DraftBody>,
    #[serde(default)]
    draft_rev: u64,
    #[serde(default)]
    published: Option<Survey>,
    #[serde(default)]
    versions: Vec<VersionRow>,
    #[serde(default, deserialize_with = "lenient_opt_text")]
    retired_at: Option<String>,
}

pub fn read_entry(value: &Value) -> Option<Entry> {
    let w: EntryWire = crate::json::from_value(value).ok()?;
    let published = w
        .published
        .as_ref()
        .map(|s| s.version)
        .or_else(|| w.versions.iter().map(|v| v.version).max());
    let survey = match (w.draft, w.published) {
        (Some(d), _) => d.into_survey(w.id, published.unwrap_or(0)),
        (None, Some(p)) => p,
        (None, None) => DraftBody::default().into_survey(w.id, 0),
    };
    let mut versions = w.versions;
    versions.sort_by_key(|v| std::cmp::Reverse(v.version));
    Some(Entry {
        id: w.id,
        survey,
        draft_rev: w.draft_rev,
        published,
        versions,
        retired_at: w.retired_at,
    })
}

/// What another admin saved in between, as a 409 `edit_conflict` tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub theirs: Survey,
    pub draft_rev: u64,
    pub saved_by: String,
    pub saved_at: String,
    pub changed: Vec<String>,
}

/// The conflict's parts may sit at the top of the answer or inside its `error`.
fn part<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    value
        .get(name)
        .or_else(|| value.get("error").and_then(|e| e.get(name)))
}

pub fn read_conflict(value: &Value, id: Uuid, version: u32) -> Option<Conflict> {
    let current = part(value, "current")?;
    let theirs: DraftBody = crate::json::from_value(current.get("draft")?).ok()?;
    let changed = part(value, "changed")
        .and_then(Value::as_array)
        .map(|list| list.iter().map(text_of).collect())
        .unwrap_or_default();
    Some(Conflict {
        theirs: theirs.into_survey(id, version),
        draft_rev: current.get("draft_rev")?.as_u64()?,
        saved_by: current.get("saved_by").map(text_of).unwrap_or_default(),
        saved_at: current.get("saved_at").map(text_of).unwrap_or_default(),
        changed,
    })
}

/// A publish's refusal: every problem the server lists, else the one its error names.
pub fn read_problems(value: &Value) -> Vec<Problem> {
    let listed: Vec<Problem> = part(value, "problems")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(read_problem).collect())
        .unwrap_or_default();
    if !listed.is_empty() {
        return listed;
    }
    let (message, field) = read_error(value);
    field
        .map(|field| Problem {
            field,
            said: Said::Message(message),
        })
        .into_iter()
        .collect()
}

/// `{path, code, message}`: the code is the domain's reason when this app knows it.
fn read_problem(v: &Value) -> Option<Problem> {
    let field = v.get("path")?.as_str()?.to_owned();
    let said = match v.get("code").map(crate::json::from_value::<TemplateError>) {
        Some(Ok(reason)) => Said::Reason(reason),
        _ => Said::Message(v.get("message").map(text_of).unwrap_or_default()),
    };
    Some(Problem { field, said })
}

/// The server's own words and field, for a refusal the editor cannot read more from.
pub fn read_error(value: &Value) -> (String, Option<String>) {
    let message = value
        .pointer("/error/message")
        .map(text_of)
        .unwrap_or_default();
    let field = value
        .pointer("/error/field")
        .and_then(Value::as_str)
        .map(str::to_owned);
    (message, field)
}

/// A value shown as text: a string as is, a person as their name, anything else as JSON.
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Object(o) => ["display_name", "name", "field", "username", "id"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .map_or_else(|| v.to_string(), str::to_owned),
        other => other.to_string(),
    }
}

fn lenient_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Value::deserialize(d).map(|v| text_of(&v))
}

fn lenient_opt_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Value::deserialize(d).map(|v| Some(text_of(&v)).filter(|s| !s.is_empty()))
}

#[derive(Serialize)]
struct NewDraft<'a> {
    draft: &'a Survey,
}

#[derive(Serialize)]
struct DraftSave<'a> {
    base_rev: u64,
    draft: &'a Survey,
}

#[derive(Serialize)]
struct PublishRequest {
    draft_rev: u64,
}

const BASE: &str = "/api/catalog/surveys";

pub async fn load(token: &str, id: Uuid) -> Result<(u16, Value), ApiFailure> {
    api::exchange::<()>(Request::get(&format!("{BASE}/{id}")), token, None).await
}

pub async fn create(token: &str, survey: &Survey) -> Result<(u16, Value), ApiFailure> {
    api::exchange(
        Request::post(BASE),
        token,
        Some(&NewDraft { draft: survey }),
    )
    .await
}

pub async fn save(
    token: &str,
    id: Uuid,
    base_rev: u64,
    survey: &Survey,
) -> Result<(u16, Value), ApiFailure> {
    let body = DraftSave {
        base_rev,
        draft: survey,
    };
    api::exchange(
        Request::put(&format!("{BASE}/{id}/draft")),
        token,
        Some(&body),
    )
    .await
}

pub async fn publish(token: &str, id: Uuid, draft_rev: u64) -> Result<(u16, Value), ApiFailure> {
    let body = PublishRequest { draft_rev };
    api::exchange(
        Request::post(&format!("{BASE}/{id}/publish")),
        token,
        Some(&body),
    )
    .await
}

pub async fn retire(token: &str, id: Uuid) -> Result<(u16, Value), ApiFailure> {
    api::exchange::<()>(Request::post(&format!("{BASE}/{id}/retire")), token, None).await
}

#[cfg(test)]
mod tests;
