//! 话术与问卷编辑: admins write call scripts and survey templates as drafts, publish a draft as
//! a new version (checked by the same rules the server applies to records), and retire what
//! should no longer be offered. Drafts carry a revision, so of two admins saving the same one
//! the second is told what changed instead of overwriting the first.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use huifang_domain::User;
use huifang_domain::VisitType;
use huifang_domain::catalog::{
    CatalogBody, CatalogDetail, CatalogItem, CatalogKind, CatalogList, Created, CurrentDraft,
    EditConflict, PublishRequest, Published, SaveDraft, Saved, VersionInfo, changed_paths,
};
use huifang_domain::script::Script;
use huifang_domain::survey::Survey;
use uuid::Uuid;

use super::new_id;
use crate::error::{AppError, Result};
use crate::storage::{CatalogEditQueries, CatalogEditRows, CatalogQueries, DraftRow};

/// Most items one catalog lists: a service centre has dozens of scripts, not thousands.
pub const MAX_ITEMS: usize = 500;

/// A catalog body the store can keep as published versions.
pub trait Versioned: CatalogBody {
    fn stored<S: CatalogQueries>(s: &S, id: Uuid, version: u32) -> Result<Option<Self>>;
    fn insert<S: CatalogEditRows>(&self, s: &S, by: Uuid, now: DateTime<Utc>) -> Result<()>;
}

impl Versioned for Script {
    fn stored<S: CatalogQueries>(s: &S, id: Uuid, version: u32) -> Result<Option<Self>> {
        s.script_version(id, version)
    }
    fn insert<S: CatalogEditRows>(&self, s: &S, by: Uuid, now: DateTime<Utc>) -> Result<()> {
        s.insert_script_version(self, by, now)
    }
}

impl Versioned for Survey {
    fn stored<S: CatalogQueries>(s: &S, id: Uuid, version: u32) -> Result<Option<Self>> {
        s.survey_version(id, version)
    }
    fn insert<S: CatalogEditRows>(&self, s: &S, by: Uuid, now: DateTime<Utc>) -> Result<()> {
        s.insert_survey_version(self, by, now)
    }
}

fn visit_type(stored: Option<&str>) -> Option<VisitType> {
    stored.and_then(VisitType::parse)
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| AppError::Internal(format!("serialise: {e}")))
}

fn from_value<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T> {
    serde_json::from_value(v).map_err(|e| AppError::Internal(format!("bad stored draft: {e}")))
}

/// Every item of one kind with its state: published items (newest version) and drafts, one
/// line per id, the most recently changed first.
pub fn list<S: CatalogEditQueries>(s: &S, kind: CatalogKind) -> Result<CatalogList> {
    let mut items: BTreeMap<Uuid, CatalogItem> = BTreeMap::new();
    for v in s.catalog_latest(kind, MAX_ITEMS)? {
        items.insert(
            v.id,
            CatalogItem {
                id: v.id,
                title: v.title,
                visit_type: visit_type(v.visit_type.as_deref()),
                published_version: Some(v.version),
                has_draft: false,
                draft_rev: 0,
                retired_at: v.retired_at,
                updated_at: v.retired_at.unwrap_or(v.published_at).max(v.published_at),
            },
        );
    }
    for d in s.catalog_drafts(kind, MAX_ITEMS)? {
        let item = items.entry(d.id).or_insert_with(|| CatalogItem {
            id: d.id,
            title: String::new(),
            visit_type: None,
            published_version: None,
            has_draft: false,
            draft_rev: 0,
            retired_at: None,
            updated_at: d.saved_at,
        });
        item.title = d.title;
        item.visit_type = visit_type(d.visit_type.as_deref());
        item.has_draft = d.draft_rev > d.published_rev;
        item.draft_rev = d.draft_rev;
        item.updated_at = item.updated_at.max(d.saved_at);
    }
    let mut items: Vec<CatalogItem> = items.into_values().collect();
    items.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(a.id.cmp(&b.id)));
    Ok(CatalogList { items })
}

/// One item: its draft, its newest published version and every version's date and author.
pub fn detail<T: Versioned, S: CatalogEditQueries + CatalogQueries>(
    s: &S,
    id: Uuid,
) -> Result<CatalogDetail<T>> {
    let draft = s.catalog_draft(T::KIND, id)?;
    let versions = s.catalog_versions(T::KIND, id)?;
    if draft.is_none() && versions.is_empty() {
        return Err(AppError::NotFound);
    }
    let published = match versions.first() {
        Some(v) => T::stored(s, id, v.version)?,
        None => None,
    };
    Ok(CatalogDetail {
        id,
        draft_rev: draft.as_ref().map_or(0, |d| d.draft_rev),
        has_draft: draft
            .as_ref()
            .is_some_and(|d| d.draft_rev > d.published_rev),
        draft: draft.map(|d| from_value(d.body)).transpose()?,
        published,
        retired_at: versions.first().and_then(|v| v.retired_at),
        versions: versions
            .into_iter()
            .map(|v| VersionInfo {
                version: v.version,
                published_at: v.published_at,
                published_by: v.published_by,
            })
            .collect(),
    })
}

fn draft_row<T: CatalogBody>(
    id: Uuid,
    draft: &T,
    draft_rev: u64,
    published_rev: u64,
    now: DateTime<Utc>,
) -> Result<DraftRow> {
    Ok(DraftRow {
        id,
        title: draft.title().to_owned(),
        visit_type: draft.visit_type().map(|t| t.as_str().to_owned()),
        body: to_value(draft)?,
        draft_rev,
        published_rev,
        saved_by: None,
        saved_at: now,
    })
}

/// A new item with its first draft; the server makes the id.
pub fn create<T: Versioned, S: CatalogEditRows>(
    s: &S,
    by: &User,
    mut draft: T,
    now: DateTime<Utc>,
) -> Result<Created> {
    let id = new_id();
    draft.stamp(id, 0);
    s.save_catalog_draft(T::KIND, &draft_row(id, &draft, 1, 0, now)?, None, by.id)?;
    Ok(Created { id, draft_rev: 1 })
}

/// The refusal of a save or publish that did not start from the stored revision: the stored
/// draft (the caller keeps theirs) and where the two differ.
fn conflict<T: CatalogBody>(
    base_rev: u64,
    mine: Option<&T>,
    current: CurrentDraft<T>,
) -> Result<AppError> {
    let changed = match mine {
        Some(mine) => changed_paths(&to_value(mine)?, &to_value(&current.draft)?),
        None => Vec::new(),
    };
    let message = format!(
        "the draft is at revision {}, not {base_rev}: someone saved it in between",
        current.draft_rev
    );
    let detail = match to_value(&EditConflict { current, changed })? {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    Ok(AppError::EditConflict { message, detail })
}

/// The draft as stored, or for an item only ever published, its newest version (revision 0).
fn current<T: Versioned, S: CatalogEditQueries + CatalogQueries>(
    s: &S,
    id: Uuid,
) -> Result<Option<(CurrentDraft<T>, u64)>> {
    if let Some(d) = s.catalog_draft(T::KIND, id)? {
        return Ok(Some((
            CurrentDraft {
                draft: from_value(d.body)?,
                draft_rev: d.draft_rev,
                saved_by: d.saved_by,
                saved_at: d.saved_at,
            },
            d.published_rev,
        )));
    }
    let Some(v) = s.catalog_versions(T::KIND, id)?.into_iter().next() else {
        return Ok(None);
    };
    let Some(mut draft) = T::stored(s, id, v.version)? else {
        return Ok(None);
    };
    draft.stamp(id, 0);
    Ok(Some((
        CurrentDraft {
            draft,
            draft_rev: 0,
            saved_by: v.published_by,
            saved_at: v.published_at,
        },
        0,
    )))
}

/// Saves the draft over revision `base_rev`; refused with what changed when it is not the
/// stored revision.
pub fn save<T: Versioned, S: CatalogEditRows>(
    s: &S,
    by: &User,
    id: Uuid,
    req: SaveDraft<T>,
    now: DateTime<Utc>,
) -> Result<Saved> {
    let (current, published_rev) = current::<T, _>(s, id)?.ok_or(AppError::NotFound)?;
    let mut draft = req.draft;
    draft.stamp(id, 0);
    if req.base_rev != current.draft_rev {
        return Err(conflict(req.base_rev, Some(&draft), current)?);
    }
    let before = (current.draft_rev > 0)
        .then(|| to_value(&current.draft))
        .transpose()?;
    let rev = current.draft_rev + 1;
    s.save_catalog_draft(
        T::KIND,
        &draft_row(id, &draft, rev, published_rev, now)?,
        before.as_ref(),
        by.id,
    )?;
    Ok(Saved { draft_rev: rev })
}

/// Publishes revision `req.draft_rev` of the draft as the next version, if it passes every
/// rule; refused with all its problems otherwise. The new version is live (not retired).
pub fn publish<T: Versioned, S: CatalogEditRows>(
    s: &S,
    by: &User,
    id: Uuid,
    req: PublishRequest,
    now: DateTime<Utc>,
) -> Result<Published> {
    let (current, published_rev) = current::<T, _>(s, id)?.ok_or(AppError::NotFound)?;
    if req.draft_rev != current.draft_rev {
        return Err(conflict::<T>(req.draft_rev, None, current)?);
    }
    let latest = s.catalog_versions(T::KIND, id)?.first().map(|v| v.version);
    if current.draft_rev == 0 || published_rev == current.draft_rev {
        return Err(AppError::Conflict(format!(
            "draft revision {} is already published as version {}",
            current.draft_rev,
            latest.unwrap_or_default()
        )));
    }
    let problems = current.draft.problems();
    if !problems.is_empty() {
        return Err(AppError::NotPublishable { problems });
    }
    let version = latest.map_or(1, |v| v + 1);
    let mut body = current.draft;
    body.stamp(id, version);
    body.insert(s, by.id, now)?;
    s.mark_draft_published(T::KIND, id, current.draft_rev)?;
    Ok(Published { version })
}

/// Retires the item (no new visit is offered it) or restores it; answers when it is retired.
/// Only a published item can be retired; doing it twice changes nothing.
pub fn retire<S: CatalogEditRows>(
    s: &S,
    kind: CatalogKind,
    by: &User,
    id: Uuid,
    retire: bool,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let Some(latest) = s.catalog_versions(kind, id)?.into_iter().next() else {
        return Err(match s.catalog_draft(kind, id)? {
            Some(_) => AppError::Conflict("only a published version can be retired".into()),
            None => AppError::NotFound,
        });
    };
    if latest.retired_at.is_some() == retire {
        return Ok(latest.retired_at);
    }
    let at = retire.then_some(now);
    s.set_retired(kind, id, at, by.id, now)?;
    Ok(at)
}
