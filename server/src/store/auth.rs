//! Users, sessions and login attempts.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use huifang_domain::auth::{MAX_PASSWORD, MAX_USERNAME};
use huifang_domain::{LoginRequest, LoginResponse, Role, User};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use super::{Store, audit, new_id, parse_ts, parse_uuid, ts};
use crate::credentials::{hash_password, new_token, verify_password};
use crate::error::{AppError, Result};

/// How long a session token is accepted. Long, because a tablet that logged in once must keep
/// working offline for days (DESIGN.md "Auth").
const SESSION_DAYS: i64 = 30;
/// Failed logins are counted over this sliding window…
const FAILURE_WINDOW_MINUTES: i64 = 5;
/// …per username: enough for typos, far too few for guessing;
const MAX_FAILURES_PER_USER: i64 = 5;
/// …and per client address, higher because a whole office of tablets may share one NAT address.
const MAX_FAILURES_PER_IP: i64 = 30;

/// An account to create (`huifang user add`, demo seeding).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub agent_no: String,
    pub password: String,
}

impl NewUser {
    fn check(&self) -> Result<()> {
        let name = &self.username;
        if name.is_empty() || name.chars().count() > MAX_USERNAME {
            return Err(AppError::bad_request(
                format!("a username has 1 to {MAX_USERNAME} characters"),
                Some("username"),
            ));
        }
        if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(AppError::bad_request(
                "a username has no spaces",
                Some("username"),
            ));
        }
        if self.password.is_empty() || self.password.chars().count() > MAX_PASSWORD {
            return Err(AppError::bad_request(
                format!("a password has 1 to {MAX_PASSWORD} characters"),
                Some("password"),
            ));
        }
        Ok(())
    }
}

impl Store {
    pub async fn add_user(&self, new: NewUser, now: DateTime<Utc>) -> Result<User> {
        new.check()?;
        self.blocking(move |db| {
            let hash = hash_password(&new.password)?;
            db.write(|tx| insert_user(tx, &new, &hash, now))
        })
        .await
    }

    /// Checks the credentials and opens a session. Failures are counted per username and per
    /// client address; over the limit the answer is `rate_limited` even for the right password,
    /// so a guesser learns nothing more.
    pub async fn login(
        &self,
        req: LoginRequest,
        client: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<LoginResponse> {
        if req.username.chars().count() > MAX_USERNAME {
            return Err(AppError::bad_request("username too long", Some("username")));
        }
        if req.password.chars().count() > MAX_PASSWORD {
            return Err(AppError::bad_request("password too long", Some("password")));
        }
        let keys = [
            (
                format!("user:{}", req.username.to_lowercase()),
                MAX_FAILURES_PER_USER,
            ),
            (format!("ip:{client}"), MAX_FAILURES_PER_IP),
        ];
        let _permit = self
            .password_checks
            .acquire()
            .await
            .map_err(|e| AppError::Internal(format!("password check queue: {e}")))?;
        self.blocking(move |db| {
            let since = now - Duration::minutes(FAILURE_WINDOW_MINUTES);
            let found = db.read(|conn| {
                for (key, max) in &keys {
                    if let Some(oldest) = limited(conn, key, *max, since)? {
                        let retry = oldest + Duration::minutes(FAILURE_WINDOW_MINUTES) - now;
                        return Err(AppError::RateLimited {
                            retry_after_secs: retry.num_seconds().max(1).unsigned_abs(),
                        });
                    }
                }
                conn.query_row(
                    "SELECT id, username, display_name, role, agent_no, password_hash
                     FROM users WHERE username = ?1",
                    [&req.username],
                    |r| Ok((user_from_row(r), r.get::<_, String>(5)?)),
                )
                .optional()
                .map_err(AppError::from)
            })?;
            let (user, hash) = match found {
                Some((user, hash)) => (Some(user?), Some(hash)),
                None => (None, None),
            };
            // Verified while holding no connection: argon2 takes tens of milliseconds.
            let user = match (verify_password(&req.password, hash.as_deref())?, user) {
                (true, Some(user)) => user,
                _ => {
                    db.write(|tx| {
                        tx.execute("DELETE FROM login_failures WHERE at < ?1", [ts(since)])?;
                        for (key, _) in &keys {
                            tx.execute(
                                "INSERT INTO login_failures (key, at) VALUES (?1, ?2)",
                                params![key, ts(now)],
                            )?;
                        }
                        Ok(())
                    })?;
                    return Err(AppError::InvalidCredentials);
                }
            };
            let (token, token_hash) = new_token();
            let expires_at = now + Duration::days(SESSION_DAYS);
            db.write(|tx| {
                tx.execute(
                    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![token_hash, user.id.to_string(), ts(now), ts(expires_at)],
                )?;
                tx.execute("DELETE FROM login_failures WHERE key = ?1", [&keys[0].0])?;
                // Long-dead sessions go; recently expired ones stay a while so their tablets
                // hear `session_expired` rather than `unauthorized`.
                tx.execute(
                    "DELETE FROM sessions WHERE expires_at < ?1",
                    [ts(now - Duration::days(SESSION_DAYS))],
                )?;
                Ok(())
            })?;
            Ok(LoginResponse {
                token,
                user,
                expires_at,
            })
        })
        .await
    }

    /// The user a session token hash belongs to, if the session is still valid.
    pub async fn session_user(&self, token_hash: String, now: DateTime<Utc>) -> Result<User> {
        self.blocking(move |db| {
            db.read(|conn| {
                let found = conn
                    .query_row(
                        "SELECT u.id, u.username, u.display_name, u.role, u.agent_no, s.expires_at
                         FROM sessions s JOIN users u ON u.id = s.user_id
                         WHERE s.token_hash = ?1",
                        [&token_hash],
                        |r| Ok((user_from_row(r), r.get::<_, String>(5)?)),
                    )
                    .optional()?;
                let (user, expires_at) = found.ok_or(AppError::Unauthorized)?;
                if parse_ts(&expires_at)? <= now {
                    return Err(AppError::SessionExpired);
                }
                user
            })
        })
        .await
    }

    /// Users by role (all when `role` is `None`), by display name. Never password hashes.
    pub async fn list_users(&self, role: Option<Role>) -> Result<Vec<User>> {
        self.blocking(move |db| {
            db.read(|conn| {
                let mut stmt = conn.prepare(
                    "SELECT id, username, display_name, role, agent_no FROM users
                     WHERE ?1 IS NULL OR role = ?1 ORDER BY display_name, username",
                )?;

                stmt.query_map([role.map(Role::as_str)], |r| Ok(user_from_row(r)))?
                    .map(|row| row?)
                    .collect()
            })
        })
        .await
    }

    pub async fn logout(&self, token_hash: String) -> Result<()> {
        self.blocking(move |db| {
            db.write(|tx| {
                tx.execute("DELETE FROM sessions WHERE token_hash = ?1", [&token_hash])?;
                Ok(())
            })
        })
        .await
    }
}

/// Whether any account exists (demo seeding only ever runs on an empty database).
pub(super) fn has_users(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM users)", [], |r| r.get(0))?)
}

/// When `key` has `max` or more failures since `since`, the oldest of them (the limit lifts
/// a window after it).
fn limited(
    conn: &Connection,
    key: &str,
    max: i64,
    since: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let (count, oldest): (i64, Option<String>) = conn.query_row(
        "SELECT COUNT(*), MIN(at) FROM login_failures WHERE key = ?1 AND at >= ?2",
        params![key, ts(since)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    match oldest {
        Some(at) if count >= max => Ok(Some(parse_ts(&at)?)),
        _ => Ok(None),
    }
}

pub(super) fn insert_user(
    tx: &Transaction,
    new: &NewUser,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<User> {
    let user = User {
        id: new_id(),
        username: new.username.clone(),
        display_name: new.display_name.clone(),
        role: new.role,
        agent_no: new.agent_no.clone(),
    };
    let inserted = tx.execute(
        "INSERT INTO users (id, username, display_name, role, agent_no, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (username) DO NOTHING",
        params![
            user.id.to_string(),
            user.username,
            user.display_name,
            user.role.as_str(),
            user.agent_no,
            password_hash,
            ts(now)
        ],
    )?;
    if inserted == 0 {
        return Err(AppError::UsernameTaken(new.username.clone()));
    }
    let after = serde_json::to_value(&user).map_err(|e| AppError::Internal(e.to_string()))?;
    audit(tx, now, None, "user.add", "user", user.id, &after)?;
    Ok(user)
}

pub(super) fn user_by_id(conn: &Connection, id: uuid::Uuid) -> Result<Option<User>> {
    conn.query_row(
        "SELECT id, username, display_name, role, agent_no FROM users WHERE id = ?1",
        [id.to_string()],
        |r| Ok(user_from_row(r)),
    )
    .optional()?
    .transpose()
}

/// Reads `id, username, display_name, role, agent_no` from the first five columns.
fn user_from_row(r: &Row) -> Result<User> {
    let role: String = r.get(3)?;
    Ok(User {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        role: Role::parse(&role)
            .ok_or_else(|| AppError::Internal(format!("bad stored role {role:?}")))?,
        agent_no: r.get(4)?,
    })
}
