//! People (issue 11): the accounts admins manage, and everyone's own password. The password
//! hashes are made by the caller (argon2 runs outside any transaction); what is decided here
//! runs in one write transaction.

use chrono::{DateTime, Utc};
use huifang_domain::people::{
    NewPerson, Person, PersonChange, keeps_an_admin, password_problem, profile_problem,
    username_problem,
};
use huifang_domain::{Role, User};
use uuid::Uuid;

use super::new_id;
use crate::error::{AppError, Result};
use crate::storage::{UserQueries, UserRows};

/// The fields of a new account, and the password the admin typed if any; the problem names
/// its field.
pub fn check_new(new: &NewPerson) -> Result<()> {
    let problem = username_problem(&new.username)
        .or_else(|| profile_problem(&new.display_name, &new.agent_no));
    if let Some(p) = problem {
        return Err(AppError::bad_request(p.message(), Some(p.field())));
    }
    if let Some(password) = &new.password {
        check_password(&new.username, password, None, "password")?;
    }
    Ok(())
}

/// The password rule, the problem naming `field`.
pub fn check_password(
    username: &str,
    password: &str,
    current: Option<&str>,
    field: &str,
) -> Result<()> {
    match password_problem(username, password, current) {
        Some(p) => Err(AppError::bad_request(p.message(), Some(field))),
        None => Ok(()),
    }
}

/// Adds an account whose password (`password_hash`) must be changed at its first login.
pub fn add<S: UserRows>(
    s: &S,
    by: &User,
    new: &NewPerson,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Person> {
    let display_name = match new.display_name.trim() {
        "" => new.username.clone(),
        name => name.to_owned(),
    };
    let user = User {
        id: new_id(),
        username: new.username.clone(),
        display_name,
        role: new.role,
        agent_no: new.agent_no.trim().to_owned(),
    };
    s.insert_user(&user, password_hash, true, Some(by.id), now)?;
    found(s, user.id)
}

fn found<S: UserQueries>(s: &S, id: Uuid) -> Result<Person> {
    s.person(id)?.ok_or(AppError::NotFound)
}

fn enabled_admin(p: &Person) -> bool {
    p.role == Role::Admin && p.disabled_at.is_none()
}

/// Refuses a change of `before` into `after` that would leave no enabled admin.
fn keep_an_admin<S: UserQueries>(s: &S, before: &Person, after: &Person) -> Result<()> {
    let (was, is) = (enabled_admin(before), enabled_admin(after));
    // Counted only when it matters: most changes touch no admin.
    if was && !is && !keeps_an_admin(was, is, s.other_enabled_admins(before.id)?) {
        return Err(AppError::LastAdmin(format!(
            "{} is the last enabled admin; make another admin first",
            before.username
        )));
    }
    Ok(())
}

/// Changes what is present in `change`.
pub fn change<S: UserRows>(
    s: &S,
    by: &User,
    id: Uuid,
    change: &PersonChange,
    now: DateTime<Utc>,
) -> Result<Person> {
    let before = found(s, id)?;
    let mut after = before.clone();
    if let Some(role) = change.role {
        after.role = role;
    }
    if let Some(name) = &change.display_name {
        after.display_name = name.trim().to_owned();
        if after.display_name.is_empty() {
            return Err(AppError::bad_request(
                "a display name is required",
                Some("display_name"),
            ));
        }
    }
    if let Some(no) = &change.agent_no {
        after.agent_no = no.trim().to_owned();
    }
    if let Some(p) = profile_problem(&after.display_name, &after.agent_no) {
        return Err(AppError::bad_request(p.message(), Some(p.field())));
    }
    if after == before {
        return Ok(before);
    }
    keep_an_admin(s, &before, &after)?;
    s.update_person(&before, &after, by.id, now)?;
    Ok(after)
}

/// A new password set by an admin: the person must change it at their next login, and every
/// session of theirs ends now.
pub fn reset_password<S: UserRows>(
    s: &S,
    by: &User,
    id: Uuid,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Person> {
    found(s, id)?;
    s.set_password(id, password_hash, true, (by.id, "user.password_reset"), now)?;
    s.end_sessions(id, None)?;
    found(s, id)
}

/// Disables or enables an account. A disabled account's sessions stay, refused with
/// `account_disabled`, so a device still holding one tells its user to hand it over; enabling
/// ends them, so a lost tablet's session never comes back: the person logs in again.
pub fn set_disabled<S: UserRows>(
    s: &S,
    by: &User,
    id: Uuid,
    disabled: bool,
    now: DateTime<Utc>,
) -> Result<Person> {
    let before = found(s, id)?;
    if before.disabled_at.is_some() == disabled {
        return Ok(before);
    }
    let at = disabled.then_some(now);
    let after = Person {
        disabled_at: at,
        ..before.clone()
    };
    keep_an_admin(s, &before, &after)?;
    s.set_disabled(&before, at, by.id, now)?;
    if !disabled {
        s.end_sessions(id, None)?;
    }
    Ok(after)
}

/// The person's own new password (the current one already checked): their other sessions
/// end, the one that asked (`keep`) stays.
pub fn change_own_password<S: UserRows>(
    s: &S,
    user: &User,
    keep: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    s.set_password(
        user.id,
        password_hash,
        false,
        (user.id, "user.password_change"),
        now,
    )?;
    s.end_sessions(user.id, Some(keep))
}
