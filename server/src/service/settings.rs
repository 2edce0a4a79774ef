//! 机构设置: reading the organisation's settings and an admin replacing them, checked by the
//! domain's `Settings::problems` and guarded by the version the editor started from.

use chrono::{DateTime, Utc};
use huifang_domain::User;
use huifang_domain::settings::{SettingsUpdate, VersionedSettings};

use crate::error::{AppError, Result};
use crate::storage::{CatalogQueries, SettingsRows};

/// The stored settings and their version. Every database has them: the first start writes
/// the defaults (`store::catalog::ensure_settings`).
pub fn current<S: CatalogQueries>(s: &S) -> Result<VersionedSettings> {
    let (version, settings) = s
        .settings()?
        .ok_or_else(|| AppError::Internal("the settings are missing".into()))?;
    Ok(VersionedSettings { version, settings })
}

/// Checks a replacement before it reaches the storage: the first broken rule is a 422 naming
/// its field (the message lists them all).
pub fn prepare(update: SettingsUpdate) -> Result<SettingsUpdate> {
    let settings = update.settings.normalized();
    let problems = settings.problems();
    if let Some(first) = problems.first() {
        let all: Vec<String> = problems
            .iter()
            .map(|p| format!("{} {}", p.field, p.reason.message()))
            .collect();
        return Err(AppError::InvalidField {
            message: all.join("; "),
            field: first.field.clone(),
        });
    }
    Ok(SettingsUpdate { settings, ..update })
}

/// Replaces the settings (`update` from [`prepare`]) if nobody saved since the editor read
/// them; otherwise a conflict carrying what is stored now, and nothing written.
pub fn update<S: SettingsRows>(
    s: &S,
    by: &User,
    update: SettingsUpdate,
    now: DateTime<Utc>,
) -> Result<VersionedSettings> {
    let stored = current(s)?;
    if stored.version != update.version {
        return Err(AppError::Stale {
            message: format!(
                "the settings changed since version {} (now {}); review them and save again",
                update.version, stored.version
            ),
            current: serde_json::to_value(&stored)
                .map_err(|e| AppError::Internal(format!("serialising the settings: {e}")))?,
        });
    }
    let version = s.save_settings(&update.settings, by.id, now)?;
    Ok(VersionedSettings {
        version,
        settings: update.settings,
    })
}
