//! 话术与问卷编辑: the wire types of the catalog editor (call scripts and survey templates
//! written in the console, drafted, published as versions, retired) and the comparison that
//! tells a second editor what changed under them.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::script::{Script, ScriptProblem};
use crate::survey::{Survey, TemplateProblem};
use crate::vocabulary::VisitType;

/// Which catalog: the path segment `/api/catalog/{kind}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogKind {
    Scripts,
    Surveys,
}

impl CatalogKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CatalogKind::Scripts => "scripts",
            CatalogKind::Surveys => "surveys",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [CatalogKind::Scripts, CatalogKind::Surveys]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A body the editor writes: a [`Script`] or a [`Survey`] (their `id` and `version` are set by
/// the server), with what the catalog needs to know about it.
pub trait CatalogBody: Serialize + serde::de::DeserializeOwned + Clone {
    const KIND: CatalogKind;
    fn title(&self) -> &str;
    fn visit_type(&self) -> Option<VisitType>;
    /// Sets what the server owns: the catalog id, the version and the retired mark.
    fn stamp(&mut self, id: Uuid, version: u32);
    /// Every rule the published version would break.
    fn problems(&self) -> Vec<Problem>;
}

impl CatalogBody for Script {
    const KIND: CatalogKind = CatalogKind::Scripts;
    fn title(&self) -> &str {
        &self.title
    }
    fn visit_type(&self) -> Option<VisitType> {
        Some(self.visit_type)
    }
    fn stamp(&mut self, id: Uuid, version: u32) {
        self.id = id;
        self.version = version;
        self.retired = false;
    }
    fn problems(&self) -> Vec<Problem> {
        Script::problems(self)
            .into_iter()
            .map(Problem::from)
            .collect()
    }
}

impl CatalogBody for Survey {
    const KIND: CatalogKind = CatalogKind::Surveys;
    fn title(&self) -> &str {
        &self.title
    }
    fn visit_type(&self) -> Option<VisitType> {
        self.visit_type
    }
    fn stamp(&mut self, id: Uuid, version: u32) {
        self.id = id;
        self.version = version;
        self.retired = false;
    }
    fn problems(&self) -> Vec<Problem> {
        self.template_problems()
            .into_iter()
            .map(Problem::from)
            .collect()
    }
}

/// One line of `GET /api/catalog/{kind}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogItem {
    pub id: Uuid,
    pub title: String,
    pub visit_type: Option<VisitType>,
    pub published_version: Option<u32>,
    /// The draft has changes not yet published.
    pub has_draft: bool,
    /// 0 when the item has never been edited in the console (e.g. the demo's scripts).
    pub draft_rev: u64,
    pub retired_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogList {
    pub items: Vec<CatalogItem>,
}

/// `GET /api/catalog/{kind}/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "T: CatalogBody")]
pub struct CatalogDetail<T: CatalogBody> {
    pub id: Uuid,
    /// The working copy; `None` for an item only ever published (edit from `published`).
    pub draft: Option<T>,
    pub draft_rev: u64,
    pub has_draft: bool,
    /// The newest published version.
    pub published: Option<T>,
    /// Every published version, newest first.
    pub versions: Vec<VersionInfo>,
    pub retired_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub version: u32,
    pub published_at: DateTime<Utc>,
    /// Display name of the admin who published it; `None` for seeded content.
    pub published_by: Option<String>,
}

/// `POST /api/catalog/{kind}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound = "T: CatalogBody")]
pub struct NewDraft<T: CatalogBody> {
    pub draft: T,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    pub id: Uuid,
    pub draft_rev: u64,
}

/// `PUT /api/catalog/{kind}/{id}/draft`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound = "T: CatalogBody")]
pub struct SaveDraft<T: CatalogBody> {
    /// The `draft_rev` the editor started from (0 for an item without a draft yet).
    pub base_rev: u64,
    pub draft: T,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    pub draft_rev: u64,
}

/// The rest of a 409 `edit_conflict` body: what is stored now and how it differs from the
/// caller's draft, which the caller still holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "T: CatalogBody")]
pub struct EditConflict<T: CatalogBody> {
    pub current: CurrentDraft<T>,
    pub changed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "T: CatalogBody")]
pub struct CurrentDraft<T: CatalogBody> {
    pub draft: T,
    pub draft_rev: u64,
    pub saved_by: Option<String>,
    pub saved_at: DateTime<Utc>,
}

/// `POST /api/catalog/{kind}/{id}/publish`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// The revision the admin reviewed; a newer save in between is a conflict.
    pub draft_rev: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    pub version: u32,
}

/// One rule a draft breaks, named by the path of its field (`steps[2].variants.vip`,
/// `questions[3].kind.options`; indexes count from 0) and a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub path: String,
    pub code: String,
    pub message: String,
}

/// The rest of a 422 `not_publishable` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problems {
    pub problems: Vec<Problem>,
}

impl From<ScriptProblem> for Problem {
    fn from(p: ScriptProblem) -> Self {
        Problem {
            path: p.path,
            code: p.error.code().to_owned(),
            message: p.error.to_string(),
        }
    }
}

impl From<TemplateProblem> for Problem {
    fn from(p: TemplateProblem) -> Self {
        Problem {
            path: p.path,
            code: p.error.code().to_owned(),
            message: p.error.to_string(),
        }
    }
}

/// The paths where two drafts differ. Lists of objects with a `key` (steps, questions) are
/// matched by key, so one inserted step names that step, not every step after it:
/// `steps[opening].variants.vip`, `questions[nps]` (added or removed), `steps` (reordered).
pub fn changed_paths(mine: &Value, theirs: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff(mine, theirs, String::new(), &mut out);
    out
}

fn diff(a: &Value, b: &Value, path: String, out: &mut Vec<String>) {
    let join = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for name in names {
                let (x, y) = (
                    a.get(name).unwrap_or(&Value::Null),
                    b.get(name).unwrap_or(&Value::Null),
                );
                diff(x, y, join(name), out);
            }
        }
        (Value::Array(a), Value::Array(b)) if keyed(a) && keyed(b) => {
            let keys = |list: &[Value]| -> Vec<String> {
                list.iter()
                    .map(|v| v["key"].as_str().unwrap_or_default().to_owned())
                    .collect()
            };
            let (ka, kb) = (keys(a), keys(b));
            let common_a: Vec<&String> = ka.iter().filter(|k| kb.contains(k)).collect();
            let common_b: Vec<&String> = kb.iter().filter(|k| ka.contains(k)).collect();
            if common_a != common_b {
                out.push(path.clone());
            }
            let mut seen = BTreeSet::new();
            for key in ka.iter().chain(kb.iter()) {
                if !seen.insert(key) {
                    continue;
                }
                let at = format!("{path}[{key}]");
                match (
                    ka.iter().position(|k| k == key),
                    kb.iter().position(|k| k == key),
                ) {
                    (Some(i), Some(j)) => diff(&a[i], &b[j], at, out),
                    _ => out.push(at),
                }
            }
        }
        _ if a != b => out.push(path),
        _ => {}
    }
}

/// A list whose entries are objects with distinct string keys.
fn keyed(list: &[Value]) -> bool {
    let mut seen = BTreeSet::new();
    list.iter()
        .all(|v| v["key"].as_str().is_some_and(|k| seen.insert(k)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn script(steps: Value) -> Value {
        json!({"id": Uuid::nil(), "version": 0, "visit_type": "repair", "title": "维修回访",
               "steps": steps})
    }

    fn step(key: &str, standard: &str) -> Value {
        json!({"key": key, "kind": "opening", "goal": "", "variants": {"standard": standard}})
    }

    #[test]
    fn changed_paths_name_the_steps_and_fields_that_differ() {
        let base = script(json!([step("opening", "您好"), step("closing", "再见")]));
        let with = |edit: fn(&mut Value)| {
            let mut v = base.clone();
            edit(&mut v);
            v
        };
        let table: Vec<(Value, Vec<&str>)> = vec![
            (base.clone(), vec![]),
            (with(|v| v["title"] = json!("新标题")), vec!["title"]),
            (
                with(|v| v["steps"][0]["variants"]["vip"] = json!("尊敬的{customer_name}")),
                vec!["steps[opening].variants.vip"],
            ),
            (
                with(|v| {
                    v["steps"][1]["variants"]["standard"] = json!("慢走");
                    v["visit_type"] = json!("complaint");
                }),
                vec!["steps[closing].variants.standard", "visit_type"],
            ),
            (
                with(|v| {
                    v["steps"]
                        .as_array_mut()
                        .unwrap()
                        .insert(1, step("apology", "抱歉"))
                }),
                vec!["steps[apology]"],
            ),
            (
                with(|v| v["steps"].as_array_mut().unwrap().swap(0, 1)),
                vec!["steps"],
            ),
            (
                with(|v| v["steps"][1]["key"] = json!("opening")),
                vec!["steps"],
            ),
        ];
        for (i, (theirs, want)) in table.into_iter().enumerate() {
            assert_eq!(changed_paths(&base, &theirs), want, "case {i}");
        }
    }

    #[test]
    fn catalog_kinds_round_trip_through_their_path_segment() {
        for kind in [CatalogKind::Scripts, CatalogKind::Surveys] {
            assert_eq!(CatalogKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(CatalogKind::parse("settings"), None);
    }
}
