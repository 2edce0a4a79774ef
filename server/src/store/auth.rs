//! Users, sessions and failed logins as rows (the use cases are `service::auth`).

use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use huifang_domain::{LoginRequest, LoginResponse, Role, User};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use huifang_domain::people::Person;

use super::{Conn, Store, audit, parse_ts, parse_uuid, people, to_json, ts};
use crate::error::{AppError, Result};
use crate::service;
use crate::service::auth::{LoginAttempt, NewUser, SessionUser};
use crate::storage::{Account, SessionRow, UserQueries, UserRows};

impl Store {
    pub async fn add_user(&self, new: NewUser, now: DateTime<Utc>) -> Result<User> {
        new.check()?;
        let hash = self.passwords.hash(new.password.clone()).await?;
        self.write(move |tx| service::auth::add_user(tx, &new, &hash, now))
            .await
    }

    /// Checks the credentials and opens a session (see `service::auth::LoginAttempt`).
    pub async fn login(
        &self,
        req: LoginRequest,
        client: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<LoginResponse> {
        let attempt = Arc::new(LoginAttempt::new(&req, client, now)?);
        // Checked and counted in one transaction: attempts in parallel queue for the writer,
        // so each sees the ones before it.
        let found = {
            let (attempt, username) = (Arc::clone(&attempt), req.username.clone());
            self.write(move |tx| attempt.begin(tx, &username)).await?
        };
        let hash = found.as_ref().map(|a| a.password_hash.clone());
        // Verified outside any transaction: argon2 takes tens of milliseconds.
        let right = self.passwords.verify(req.password, hash).await?;
        match (right, found) {
            (true, Some(account)) if account.disabled => {
                self.write(move |tx| attempt.refused(tx)).await?;
                Err(AppError::AccountDisabled)
            }
            (true, Some(account)) => self.write(move |tx| attempt.succeeded(tx, account)).await,
            _ => {
                self.write(move |tx| attempt.failed(tx)).await?;
                Err(AppError::InvalidCredentials)
            }
        }
    }

    /// The user a session token hash belongs to, if the session is still valid.
    pub async fn session_user(
        &self,
        token_hash: String,
        now: DateTime<Utc>,
    ) -> Result<SessionUser> {
        self.blocking(move |db| db.read(|conn| service::auth::session_user(conn, &token_hash, now)))
            .await
    }

    /// Enabled users by role (all when `role` is `None`), by display name. Never password
    /// hashes.
    pub async fn list_users(&self, role: Option<Role>) -> Result<Vec<User>> {
        self.blocking(move |db| db.read(|conn| conn.users(role)))
            .await
    }

    pub async fn logout(&self, token_hash: String) -> Result<()> {
        self.write(move |tx| tx.delete_session(&token_hash)).await
    }
}

impl<C: Conn> UserQueries for C {
    fn user(&self, id: uuid::Uuid) -> Result<Option<User>> {
        user_by_id(self.conn(), id)
    }

    fn users(&self, role: Option<Role>) -> Result<Vec<User>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, username, display_name, role, agent_no FROM users
             WHERE (?1 IS NULL OR role = ?1) AND disabled_at IS NULL
             ORDER BY display_name, username",
        )?;

        stmt.query_map([role.map(Role::as_str)], |r| Ok(user_from_row(r)))?
            .map(|row| row?)
            .collect()
    }

    fn login_account(&self, username: &str) -> Result<Option<Account>> {
        self.conn()
            .query_row(
                "SELECT id, username, display_name, role, agent_no, password_hash,
                        disabled_at IS NOT NULL, must_change_password
                 FROM users WHERE username = ?1",
                [username],
                |r| {
                    Ok((
                        user_from_row(r),
                        r.get::<_, String>(5)?,
                        r.get::<_, bool>(6)?,
                        r.get::<_, bool>(7)?,
                    ))
                },
            )
            .optional()?
            .map(|(user, password_hash, disabled, must_change_password)| {
                Ok(Account {
                    user: user?,
                    password_hash,
                    disabled,
                    must_change_password,
                })
            })
            .transpose()
    }

    fn failures(&self, key: &str, since: DateTime<Utc>) -> Result<(u64, Option<DateTime<Utc>>)> {
        let (count, oldest): (i64, Option<String>) = self.conn().query_row(
            "SELECT COUNT(*), MIN(at) FROM login_failures WHERE key = ?1 AND at >= ?2",
            params![key, ts(since)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((
            count.unsigned_abs(),
            oldest.as_deref().map(parse_ts).transpose()?,
        ))
    }

    fn session(&self, token_hash: &str) -> Result<Option<SessionRow>> {
        self.conn()
            .prepare_cached(
                "SELECT u.id, u.username, u.display_name, u.role, u.agent_no, s.expires_at,
                        u.disabled_at IS NOT NULL, u.must_change_password
                 FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = ?1",
            )?
            .query_row([token_hash], |r| {
                Ok((
                    user_from_row(r),
                    r.get::<_, String>(5)?,
                    r.get::<_, bool>(6)?,
                    r.get::<_, bool>(7)?,
                ))
            })
            .optional()?
            .map(|(user, expires_at, disabled, must_change_password)| {
                Ok(SessionRow {
                    user: user?,
                    expires_at: parse_ts(&expires_at)?,
                    disabled,
                    must_change_password,
                })
            })
            .transpose()
    }

    fn people(&self) -> Result<Vec<Person>> {
        people::all(self.conn())
    }

    fn person(&self, id: uuid::Uuid) -> Result<Option<Person>> {
        people::one(self.conn(), id)
    }

    fn other_enabled_admins(&self, id: uuid::Uuid) -> Result<u64> {
        people::other_enabled_admins(self.conn(), id)
    }
}

impl UserRows for Transaction<'_> {
    fn insert_user(
        &self,
        user: &User,
        password_hash: &str,
        must_change_password: bool,
        by: Option<uuid::Uuid>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let inserted = self.execute(
            "INSERT INTO users (id, username, display_name, role, agent_no, password_hash,
                                created_at, must_change_password)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (username) DO NOTHING",
            params![
                user.id.to_string(),
                user.username,
                user.display_name,
                user.role.as_str(),
                user.agent_no,
                password_hash,
                ts(now),
                must_change_password
            ],
        )?;
        if inserted == 0 {
            return Err(AppError::UsernameTaken(user.username.clone()));
        }
        let mut after = to_json(user)?;
        after["must_change_password"] = must_change_password.into();
        audit(self, now, by, "user.add", "user", user.id, &after)
    }

    fn update_person(
        &self,
        before: &Person,
        after: &Person,
        by: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        people::update(self, before, after, by, now)
    }

    fn set_password(
        &self,
        id: uuid::Uuid,
        password_hash: &str,
        must_change_password: bool,
        by: (uuid::Uuid, &str),
        now: DateTime<Utc>,
    ) -> Result<()> {
        people::set_password(self, id, password_hash, must_change_password, by, now)
    }

    fn set_disabled(
        &self,
        before: &Person,
        disabled_at: Option<DateTime<Utc>>,
        by: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        people::set_disabled(self, before, disabled_at, by, now)
    }

    fn end_sessions(&self, user: uuid::Uuid, keep: Option<&str>) -> Result<()> {
        self.execute(
            "DELETE FROM sessions WHERE user_id = ?1 AND token_hash IS NOT ?2",
            params![user.to_string(), keep],
        )?;
        Ok(())
    }

    fn record_login(&self, user: uuid::Uuid, at: DateTime<Utc>) -> Result<()> {
        self.execute(
            "UPDATE users SET last_login_at = ?2 WHERE id = ?1",
            params![user.to_string(), ts(at)],
        )?;
        Ok(())
    }

    fn add_attempt(&self, key: &str, at: DateTime<Utc>, attempt: uuid::Uuid) -> Result<()> {
        self.execute(
            "INSERT INTO login_failures (key, at, attempt) VALUES (?1, ?2, ?3)",
            params![key, ts(at), attempt.to_string()],
        )?;
        Ok(())
    }

    fn settle_failure(&self, attempt: uuid::Uuid) -> Result<()> {
        self.execute(
            "UPDATE login_failures SET attempt = NULL WHERE attempt = ?1",
            [attempt.to_string()],
        )?;
        Ok(())
    }

    fn forget_attempt(&self, attempt: uuid::Uuid) -> Result<()> {
        self.execute(
            "DELETE FROM login_failures WHERE attempt = ?1",
            [attempt.to_string()],
        )?;
        Ok(())
    }

    fn forget_failures_before(&self, at: DateTime<Utc>) -> Result<()> {
        self.execute("DELETE FROM login_failures WHERE at < ?1", [ts(at)])?;
        Ok(())
    }

    fn forget_failures_of(&self, key: &str) -> Result<()> {
        self.execute(
            "DELETE FROM login_failures WHERE key = ?1 AND attempt IS NULL",
            [key],
        )?;
        Ok(())
    }

    fn add_session(
        &self,
        token_hash: &str,
        user: uuid::Uuid,
        created_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![token_hash, user.to_string(), ts(created_at), ts(expires_at)],
        )?;
        Ok(())
    }

    fn forget_sessions_expired_before(&self, at: DateTime<Utc>) -> Result<()> {
        self.execute("DELETE FROM sessions WHERE expires_at < ?1", [ts(at)])?;
        Ok(())
    }

    fn delete_session(&self, token_hash: &str) -> Result<()> {
        self.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
        Ok(())
    }
}

/// Whether any account exists (demo seeding only ever runs on an empty database).
pub(super) fn has_users(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM users)", [], |r| r.get(0))?)
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
pub(super) fn user_from_row(r: &Row) -> Result<User> {
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
