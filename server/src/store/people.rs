//! People as rows: the accounts admins manage and passwords set (the use cases are
//! `service::people`). Password hashes are made before the write (argon2 holds no
//! transaction) and never reach the audit trail.

use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use huifang_domain::people::{
    NewPerson, PasswordChange, PasswordReset, Person, PersonChange, PersonWithPassword,
};
use huifang_domain::{LoginRequest, User};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde_json::json;
use uuid::Uuid;

use super::auth::user_from_row;
use super::{Store, audit_change, parse_ts, to_json, ts};
use crate::credentials::one_time_password;
use crate::error::{AppError, Result};
use crate::service::auth::LoginAttempt;
use crate::service::people as service;
use crate::storage::UserQueries;

impl Store {
    /// Whether any account exists: a server without one tells how to add the first admin.
    pub async fn has_users(&self) -> Result<bool> {
        self.blocking(|db| db.read(super::auth::has_users)).await
    }

    /// Every account, disabled ones too, by display name.
    pub async fn people(&self) -> Result<Vec<Person>> {
        self.blocking(|db| db.read(|conn| conn.people())).await
    }

    /// Adds an account with the password the admin typed, or a one-time password made here
    /// and answered this once.
    pub async fn add_person(
        &self,
        by: User,
        new: NewPerson,
        now: DateTime<Utc>,
    ) -> Result<PersonWithPassword> {
        service::check_new(&new)?;
        let (password, made) = match &new.password {
            Some(typed) => (typed.clone(), None),
            None => {
                let made = one_time_password();
                (made.clone(), Some(made))
            }
        };
        let hash = self.passwords.hash(password).await?;
        let person = self
            .write(move |tx| service::add(tx, &by, &new, &hash, now))
            .await?;
        Ok(PersonWithPassword {
            person,
            one_time_password: made,
        })
    }

    pub async fn change_person(
        &self,
        by: User,
        id: Uuid,
        change: PersonChange,
        now: DateTime<Utc>,
    ) -> Result<Person> {
        self.write(move |tx| service::change(tx, &by, id, &change, now))
            .await
    }

    /// A new password the person must change at their next login; their sessions end.
    pub async fn reset_password(
        &self,
        by: User,
        id: Uuid,
        reset: PasswordReset,
        now: DateTime<Utc>,
    ) -> Result<PersonWithPassword> {
        let person = self
            .blocking(move |db| db.read(|conn| conn.person(id)))
            .await?
            .ok_or(AppError::NotFound)?;
        let (password, made) = match reset.password {
            Some(typed) => {
                service::check_password(&person.username, &typed, None, "password")?;
                (typed, None)
            }
            None => {
                let made = one_time_password();
                (made.clone(), Some(made))
            }
        };
        let hash = self.passwords.hash(password).await?;
        let person = self
            .write(move |tx| service::reset_password(tx, &by, id, &hash, now))
            .await?;
        Ok(PersonWithPassword {
            person,
            one_time_password: made,
        })
    }

    pub async fn set_disabled(
        &self,
        by: User,
        id: Uuid,
        disabled: bool,
        now: DateTime<Utc>,
    ) -> Result<Person> {
        self.write(move |tx| service::set_disabled(tx, &by, id, disabled, now))
            .await
    }

    /// The person's own new password. The current one is checked like a login, under the
    /// same limits, so a stolen session cannot be used to guess it; the session that asked
    /// (`token_hash`) stays, the others end.
    pub async fn change_own_password(
        &self,
        user: User,
        token_hash: String,
        change: PasswordChange,
        client: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<()> {
        service::check_password(&user.username, &change.new, Some(&change.current), "new")?;
        let req = LoginRequest {
            username: user.username.clone(),
            password: change.current,
        };
        let attempt = Arc::new(LoginAttempt::new(&req, client, now)?);
        let found = {
            let (attempt, username) = (Arc::clone(&attempt), user.username.clone());
            self.write(move |tx| attempt.begin(tx, &username)).await?
        };
        let hash = found.map(|a| a.password_hash);
        if !self.passwords.verify(req.password, hash).await? {
            self.write(move |tx| attempt.failed(tx)).await?;
            return Err(AppError::bad_request(
                "the current password is wrong",
                Some("current"),
            ));
        }
        let new_hash = self.passwords.hash(change.new).await?;
        self.write(move |tx| {
            attempt.confirmed(tx)?;
            service::change_own_password(tx, &user, &token_hash, &new_hash, now)
        })
        .await
    }
}

const PERSON_COLUMNS: &str = "id, username, display_name, role, agent_no, disabled_at,
     must_change_password, last_login_at, created_at";

fn person_from_row(r: &Row) -> Result<Person> {
    let user = user_from_row(r)?;
    let when = |i: usize| -> Result<Option<DateTime<Utc>>> {
        r.get::<_, Option<String>>(i)?
            .as_deref()
            .map(parse_ts)
            .transpose()
    };
    Ok(Person {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        agent_no: user.agent_no,
        disabled_at: when(5)?,
        must_change_password: r.get(6)?,
        last_login_at: when(7)?,
        created_at: parse_ts(&r.get::<_, String>(8)?)?,
    })
}

/// The People list: a centre has hundreds of accounts, not millions, so it is read whole in
/// the order of its index.
pub(super) fn all(conn: &Connection) -> Result<Vec<Person>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PERSON_COLUMNS} FROM users ORDER BY display_name, username"
    ))?;
    stmt.query_map([], |r| Ok(person_from_row(r)))?
        .map(|row| row?)
        .collect()
}

pub(super) fn one(conn: &Connection, id: Uuid) -> Result<Option<Person>> {
    conn.query_row(
        &format!("SELECT {PERSON_COLUMNS} FROM users WHERE id = ?1"),
        [id.to_string()],
        |r| Ok(person_from_row(r)),
    )
    .optional()?
    .transpose()
}

pub(super) fn other_enabled_admins(conn: &Connection, id: Uuid) -> Result<u64> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM users
         WHERE role = 'admin' AND disabled_at IS NULL AND id != ?1",
        [id.to_string()],
        |r| r.get(0),
    )?;
    Ok(n.unsigned_abs())
}

pub(super) fn update(
    tx: &Transaction,
    before: &Person,
    after: &Person,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE users SET role = ?2, display_name = ?3, agent_no = ?4 WHERE id = ?1",
        params![
            after.id.to_string(),
            after.role.as_str(),
            after.display_name,
            after.agent_no
        ],
    )?;
    audit_change(
        tx,
        now,
        Some(by),
        "user.update",
        ("user", after.id),
        Some(&to_json(before)?),
        &to_json(after)?,
    )
}

pub(super) fn set_password(
    tx: &Transaction,
    id: Uuid,
    password_hash: &str,
    must_change_password: bool,
    (by, action): (Uuid, &str),
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE users SET password_hash = ?2, must_change_password = ?3,
                          password_changed_at = ?4
         WHERE id = ?1",
        params![id.to_string(), password_hash, must_change_password, ts(now)],
    )?;
    // That the password changed and whether it must be changed again; never the hash.
    audit_change(
        tx,
        now,
        Some(by),
        action,
        ("user", id),
        None,
        &json!({"must_change_password": must_change_password}),
    )
}

pub(super) fn set_disabled(
    tx: &Transaction,
    before: &Person,
    disabled_at: Option<DateTime<Utc>>,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE users SET disabled_at = ?2 WHERE id = ?1",
        params![before.id.to_string(), disabled_at.map(ts)],
    )?;
    let action = match disabled_at {
        Some(_) => "user.disable",
        None => "user.enable",
    };
    audit_change(
        tx,
        now,
        Some(by),
        action,
        ("user", before.id),
        Some(&json!({"disabled_at": before.disabled_at})),
        &json!({"disabled_at": disabled_at}),
    )
}
