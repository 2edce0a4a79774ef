//! The catalog editor's rows: drafts of call scripts and surveys (`catalog_drafts`), the
//! version lists of what is published, and retiring. The published versions themselves are
//! written and read by `store::catalog`, which devices' pulls and record checks go through.

use chrono::{DateTime, Utc};
use huifang_domain::User;
use huifang_domain::catalog::{
    CatalogDetail, CatalogKind, CatalogList, Created, NewDraft, PublishRequest, Published,
    SaveDraft, Saved,
};
use huifang_domain::script::Script;
use huifang_domain::survey::Survey;
use rusqlite::{OptionalExtension, Row, Transaction, params};
use serde_json::json;
use uuid::Uuid;

use super::{
    Conn, Store, audit_change, from_json, from_sql_int, next_version, parse_ts, parse_uuid,
    to_sql_int, ts,
};
use crate::error::Result;
use crate::service::catalog::{self as service, Versioned};
use crate::storage::{CatalogEditQueries, CatalogEditRows, DraftRow, VersionRow};

impl Store {
    pub async fn catalog_list(&self, kind: CatalogKind) -> Result<CatalogList> {
        self.blocking(move |db| db.read(|conn| service::list(conn, kind)))
            .await
    }

    pub async fn catalog_detail<T: Versioned + Send + 'static>(
        &self,
        id: Uuid,
    ) -> Result<CatalogDetail<T>> {
        self.blocking(move |db| db.read(|conn| service::detail::<T, _>(conn, id)))
            .await
    }

    pub async fn catalog_create<T: Versioned + Send + 'static>(
        &self,
        by: User,
        req: NewDraft<T>,
        now: DateTime<Utc>,
    ) -> Result<Created> {
        self.write(move |tx| service::create(tx, &by, req.draft, now))
            .await
    }

    pub async fn catalog_save<T: Versioned + Send + 'static>(
        &self,
        by: User,
        id: Uuid,
        req: SaveDraft<T>,
        now: DateTime<Utc>,
    ) -> Result<Saved> {
        self.write(move |tx| service::save(tx, &by, id, req, now))
            .await
    }

    pub async fn catalog_publish<T: Versioned + Send + 'static>(
        &self,
        by: User,
        id: Uuid,
        req: PublishRequest,
        now: DateTime<Utc>,
    ) -> Result<Published> {
        self.write(move |tx| service::publish::<T, _>(tx, &by, id, req, now))
            .await
    }

    pub async fn catalog_retire(
        &self,
        kind: CatalogKind,
        by: User,
        id: Uuid,
        retire: bool,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        self.write(move |tx| service::retire(tx, kind, &by, id, retire, now))
            .await
    }
}

/// The table of published versions and the audit trail's entity name.
fn names(kind: CatalogKind) -> (&'static str, &'static str) {
    match kind {
        CatalogKind::Scripts => ("scripts", "script"),
        CatalogKind::Surveys => ("surveys", "survey"),
    }
}

fn kind_column(kind: CatalogKind) -> &'static str {
    names(kind).1
}

const DRAFT_COLUMNS: &str = "d.id, d.title, d.visit_type, d.body, d.draft_rev, d.published_rev,
                             u.display_name, d.saved_at";

fn draft_from_row(r: &Row) -> Result<DraftRow> {
    Ok(DraftRow {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        title: r.get(1)?,
        visit_type: r.get(2)?,
        body: from_json(&r.get::<_, String>(3)?, "catalog draft")?,
        draft_rev: from_sql_int(r.get(4)?)?,
        published_rev: from_sql_int(r.get(5)?)?,
        saved_by: r.get(6)?,
        saved_at: parse_ts(&r.get::<_, String>(7)?)?,
    })
}

fn version_columns(table: &str) -> String {
    format!(
        "SELECT s.id, s.version, s.title, s.visit_type, s.created_at, u.display_name,
                s.retired_at
         FROM {table} s LEFT JOIN users u ON u.id = s.published_by"
    )
}

fn version_from_row(r: &Row) -> Result<VersionRow> {
    Ok(VersionRow {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        version: r.get(1)?,
        title: r.get(2)?,
        visit_type: r.get(3)?,
        published_at: parse_ts(&r.get::<_, String>(4)?)?,
        published_by: r.get(5)?,
        retired_at: r
            .get::<_, Option<String>>(6)?
            .map(|t| parse_ts(&t))
            .transpose()?,
    })
}

impl<C: Conn> CatalogEditQueries for C {
    fn catalog_drafts(&self, kind: CatalogKind, limit: usize) -> Result<Vec<DraftRow>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {DRAFT_COLUMNS} FROM catalog_drafts d LEFT JOIN users u ON u.id = d.saved_by
             WHERE d.kind = ?1 ORDER BY d.id LIMIT ?2"
        ))?;
        stmt.query_map(params![kind_column(kind), limit as i64], |r| {
            Ok(draft_from_row(r))
        })?
        .map(|row| row?)
        .collect()
    }

    fn catalog_latest(&self, kind: CatalogKind, limit: usize) -> Result<Vec<VersionRow>> {
        let table = names(kind).0;
        let mut stmt = self.conn().prepare_cached(&format!(
            "{} WHERE s.version = (SELECT MAX(version) FROM {table} WHERE id = s.id)
             ORDER BY s.id LIMIT ?1",
            version_columns(table)
        ))?;
        stmt.query_map(params![limit as i64], |r| Ok(version_from_row(r)))?
            .map(|row| row?)
            .collect()
    }

    fn catalog_draft(&self, kind: CatalogKind, id: Uuid) -> Result<Option<DraftRow>> {
        self.conn()
            .prepare_cached(&format!(
                "SELECT {DRAFT_COLUMNS} FROM catalog_drafts d LEFT JOIN users u ON u.id = d.saved_by
                 WHERE d.kind = ?1 AND d.id = ?2"
            ))?
            .query_row(params![kind_column(kind), id.to_string()], |r| {
                Ok(draft_from_row(r))
            })
            .optional()?
            .transpose()
    }

    fn catalog_versions(&self, kind: CatalogKind, id: Uuid) -> Result<Vec<VersionRow>> {
        let table = names(kind).0;
        let mut stmt = self.conn().prepare_cached(&format!(
            "{} WHERE s.id = ?1 ORDER BY s.version DESC",
            version_columns(table)
        ))?;
        stmt.query_map(params![id.to_string()], |r| Ok(version_from_row(r)))?
            .map(|row| row?)
            .collect()
    }
}

impl CatalogEditRows for Transaction<'_> {
    fn save_catalog_draft(
        &self,
        kind: CatalogKind,
        row: &DraftRow,
        before: Option<&serde_json::Value>,
        by: Uuid,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO catalog_drafts (kind, id, title, visit_type, body, draft_rev,
                                         published_rev, saved_by, saved_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (kind, id) DO UPDATE SET
                 title = excluded.title, visit_type = excluded.visit_type, body = excluded.body,
                 draft_rev = excluded.draft_rev, saved_by = excluded.saved_by,
                 saved_at = excluded.saved_at",
            params![
                kind_column(kind),
                row.id.to_string(),
                row.title,
                row.visit_type,
                row.body.to_string(),
                to_sql_int(row.draft_rev),
                to_sql_int(row.published_rev),
                by.to_string(),
                ts(row.saved_at)
            ],
        )?;
        let entity = kind_column(kind);
        audit_change(
            self,
            row.saved_at,
            Some(by),
            &format!("{entity}.draft_save"),
            (entity, row.id),
            before,
            &json!({"draft_rev": row.draft_rev, "draft": row.body}),
        )
    }

    fn mark_draft_published(&self, kind: CatalogKind, id: Uuid, rev: u64) -> Result<()> {
        self.execute(
            "UPDATE catalog_drafts SET published_rev = ?3 WHERE kind = ?1 AND id = ?2",
            params![kind_column(kind), id.to_string(), to_sql_int(rev)],
        )?;
        Ok(())
    }

    fn insert_script_version(&self, s: &Script, by: Uuid, now: DateTime<Utc>) -> Result<()> {
        super::catalog::insert_script(self, s, Some(by), now)
    }

    fn insert_survey_version(&self, s: &Survey, by: Uuid, now: DateTime<Utc>) -> Result<()> {
        super::catalog::insert_survey(self, s, Some(by), now)
    }

    fn set_retired(
        &self,
        kind: CatalogKind,
        id: Uuid,
        retired_at: Option<DateTime<Utc>>,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (table, entity) = names(kind);
        let before: Option<(u32, Option<String>)> = self
            .query_row(
                &format!(
                    "SELECT version, retired_at FROM {table}
                     WHERE id = ?1 ORDER BY version DESC LIMIT 1"
                ),
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((version, was)) = before else {
            return Err(crate::error::AppError::NotFound);
        };
        let change = next_version(self)?;
        self.execute(
            &format!(
                "UPDATE {table} SET retired_at = ?3, server_version = ?4
                 WHERE id = ?1 AND version = ?2"
            ),
            params![
                id.to_string(),
                version,
                retired_at.map(ts),
                to_sql_int(change)
            ],
        )?;
        let action = if retired_at.is_some() {
            "retire"
        } else {
            "restore"
        };
        audit_change(
            self,
            now,
            Some(by),
            &format!("{entity}.{action}"),
            (entity, id),
            Some(&json!({"version": version, "retired_at": was})),
            &json!({"version": version, "retired_at": retired_at.map(ts)}),
        )
    }
}
