//! Versioned schema migrations (tracked in SQLite's `user_version`). A released migration is
//! never edited: a schema change is a new file appended here.

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use crate::error::Result;

const STEPS: &[M<'static>] = &[
    M::up(include_str!("../../migrations/0001_init.sql")),
    M::up(include_str!("../../migrations/0002_field_visit.sql")),
    M::up(include_str!("../../migrations/0003_feedback_loop.sql")),
    M::up(include_str!("../../migrations/0004_login_attempts.sql")),
    M::up(include_str!(
        "../../migrations/0005_login_attempt_indexes.sql"
    )),
    M::up(include_str!("../../migrations/0006_clocks_by_due_time.sql")),
    M::up(include_str!("../../migrations/0007_list_indexes.sql")),
    M::up(include_str!("../../migrations/0008_device_scope.sql")),
    M::up(include_str!("../../migrations/0009_audit_content_hash.sql")),
    M::up(include_str!("../../migrations/0010_customer_book.sql")),
    M::up(include_str!("../../migrations/0011_customer_book_list.sql")),
    M::up(include_str!("../../migrations/0012_import_mappings.sql")),
    M::up(include_str!("../../migrations/0013_people.sql")),
    M::up(include_str!("../../migrations/0014_catalog_drafts.sql")),
    M::up(include_str!("../../migrations/0015_visit_plans.sql")),
    M::up(include_str!("../../migrations/0016_stats_actions.sql")),
    M::up(include_str!("../../migrations/0017_dashboard_rollups.sql")),
    M::up(include_str!("../../migrations/0018_audit_chain.sql")),
    M::up(include_str!("../../migrations/0019_device_health.sql")),
    M::up(include_str!("../../migrations/0020_export_walks.sql")),
];
const MIGRATIONS: Migrations<'static> = Migrations::from_slice(STEPS);

/// Brings the schema up to date, then chains the audit rows an older server wrote (which
/// SQL cannot: it has no hash function), before anything writes.
pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    MIGRATIONS.to_latest(conn)?;
    super::audit_chain::backfill(conn)?;
    Ok(())
}

pub(super) fn version(conn: &Connection) -> Result<usize> {
    Ok(usize::from(&MIGRATIONS.current_version(conn)?))
}

/// Brings a database to `version` only, to fill it as an older server left it before a
/// migration's test.
#[cfg(test)]
pub(super) fn migrate_to(conn: &mut Connection, version: usize) -> Result<()> {
    MIGRATIONS.to_version(conn, version)?;
    Ok(())
}
