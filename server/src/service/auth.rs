//! Accounts, logins (with their rate limit) and sessions.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use huifang_domain::auth::{MAX_PASSWORD, MAX_USERNAME};
use huifang_domain::{LoginRequest, LoginResponse, Role, User};

use super::new_id;
use crate::credentials::new_token;
use crate::error::{AppError, Result};
use crate::storage::{UserQueries, UserRows};

/// How long a session token is accepted. Long, because a tablet that logged in once must keep
/// working offline for days (DESIGN.md "Auth").
const SESSION_DAYS: i64 = 30;
/// Failed logins are counted over this sliding window…
const FAILURE_WINDOW_MINUTES: i64 = 5;
/// …per username: enough for typos, far too few for guessing;
const MAX_FAILURES_PER_USER: u64 = 5;
/// …and per client address, higher because a whole office of tablets may share one NAT address.
const MAX_FAILURES_PER_IP: u64 = 30;

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
    pub fn check(&self) -> Result<()> {
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

/// Stores a new account under a fresh id (`password_hash`: the argon2 hash of its password).
pub fn add_user<S: UserRows>(
    s: &S,
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
    s.insert_user(&user, password_hash, now)?;
    Ok(user)
}

/// One login attempt. Failures are counted per username and per client address; over the
/// limit the answer is `rate_limited` even for the right password, so a guesser learns
/// nothing more. The password is verified between [`LoginAttempt::account`] and the write
/// that follows, holding no connection: argon2 takes tens of milliseconds.
pub struct LoginAttempt {
    /// The counters this attempt is limited by and adds a failure to, username first.
    keys: [(String, u64); 2],
    now: DateTime<Utc>,
}

impl LoginAttempt {
    pub fn new(req: &LoginRequest, client: IpAddr, now: DateTime<Utc>) -> Result<LoginAttempt> {
        if req.username.chars().count() > MAX_USERNAME {
            return Err(AppError::bad_request("username too long", Some("username")));
        }
        if req.password.chars().count() > MAX_PASSWORD {
            return Err(AppError::bad_request("password too long", Some("password")));
        }
        Ok(LoginAttempt {
            keys: [
                (
                    format!("user:{}", req.username.to_lowercase()),
                    MAX_FAILURES_PER_USER,
                ),
                (format!("ip:{client}"), MAX_FAILURES_PER_IP),
            ],
            now,
        })
    }

    fn window_start(&self) -> DateTime<Utc> {
        self.now - Duration::minutes(FAILURE_WINDOW_MINUTES)
    }

    /// `rate_limited` when a counter is full (the limit lifts a window after its oldest
    /// failure), else the account named and its password hash.
    pub fn account<S: UserQueries>(&self, s: &S, username: &str) -> Result<Option<(User, String)>> {
        for (key, max) in &self.keys {
            if let (count, Some(oldest)) = s.failures(key, self.window_start())?
                && count >= *max
            {
                let retry = oldest + Duration::minutes(FAILURE_WINDOW_MINUTES) - self.now;
                return Err(AppError::RateLimited {
                    retry_after_secs: retry.num_seconds().max(1).unsigned_abs(),
                });
            }
        }
        s.login_account(username)
    }

    /// Counts a failure against every key (and forgets failures that left the window).
    pub fn failed<S: UserRows>(&self, s: &S) -> Result<()> {
        s.forget_failures_before(self.window_start())?;
        for (key, _) in &self.keys {
            s.add_failure(key, self.now)?;
        }
        Ok(())
    }

    /// Opens a session for `user`, whose password was right.
    pub fn succeeded<S: UserRows>(&self, s: &S, user: User) -> Result<LoginResponse> {
        let (token, token_hash) = new_token();
        let expires_at = self.now + Duration::days(SESSION_DAYS);
        s.add_session(&token_hash, user.id, self.now, expires_at)?;
        s.forget_failures_of(&self.keys[0].0)?;
        // Long-dead sessions go; recently expired ones stay a while so their tablets hear
        // `session_expired` rather than `unauthorized`.
        s.forget_sessions_expired_before(self.now - Duration::days(SESSION_DAYS))?;
        Ok(LoginResponse {
            token,
            user,
            expires_at,
        })
    }
}

/// The user a session token hash belongs to, if the session is still valid.
pub fn session_user<S: UserQueries>(s: &S, token_hash: &str, now: DateTime<Utc>) -> Result<User> {
    let (user, expires_at) = s.session(token_hash)?.ok_or(AppError::Unauthorized)?;
    if expires_at <= now {
        return Err(AppError::SessionExpired);
    }
    Ok(user)
}
