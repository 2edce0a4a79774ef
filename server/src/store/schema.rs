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
    M::up(include_str!("../../migrations/0007_list_indexes.sql")),
];
const MIGRATIONS: Migrations<'static> = Migrations::from_slice(STEPS);

pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    MIGRATIONS.to_latest(conn)?;
    Ok(())
}

pub(super) fn version(conn: &Connection) -> Result<usize> {
    Ok(usize::from(&MIGRATIONS.current_version(conn)?))
}
