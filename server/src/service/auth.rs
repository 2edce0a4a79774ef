//! Accounts, logins (with their rate limit) and sessions.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use huifang_domain::auth::{MAX_PASSWORD, MAX_USERNAME};
use huifang_domain::people::{password_problem, profile_problem, username_problem};
use huifang_domain::{LoginRequest, LoginResponse, Role, User};
use uuid::Uuid;

use super::new_id;
use crate::credentials::new_token;
use crate::error::{AppError, Result};
use crate::storage::{Account, UserQueries, UserRows};

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
    /// The account rules of `huifang user add` and the demo: those of the People screen.
    pub fn check(&self) -> Result<()> {
        let problem = username_problem(&self.username)
            .or_else(|| profile_problem(&self.display_name, &self.agent_no));
        if let Some(p) = problem {
            return Err(AppError::bad_request(p.message(), Some(p.field())));
        }
        if let Some(p) = password_problem(&self.username, &self.password, None) {
            return Err(AppError::bad_request(p.message(), Some("password")));
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
    s.insert_user(&user, password_hash, false, None, now)?;
    Ok(user)
}

/// One login attempt. Failures are counted per username and per client address; over the
/// limit the answer is `rate_limited` even for the right password, so a guesser learns
/// nothing more. [`LoginAttempt::begin`] checks the limits and counts the attempt as a
/// failure in one transaction; the password is then verified holding no connection (argon2
/// takes tens of milliseconds), and [`LoginAttempt::failed`] or
/// [`LoginAttempt::succeeded`] settles it. So however many attempts run at once, no more
/// than the limit get their password checked.
pub struct LoginAttempt {
    /// The counters this attempt is limited by and counted in, username first.
    keys: [(String, u64); 2],
    /// Marks this attempt's rows while its password is checked.
    id: Uuid,
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
            id: new_id(),
            now,
        })
    }

    fn window_start(&self) -> DateTime<Utc> {
        self.now - Duration::minutes(FAILURE_WINDOW_MINUTES)
    }

    /// `rate_limited` when a counter is full (the limit lifts a window after its oldest
    /// failure); else counts this attempt, pending, against every key and answers the
    /// account named, with its password hash. Runs in one write transaction.
    pub fn begin<S: UserRows>(&self, s: &S, username: &str) -> Result<Option<Account>> {
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
        s.forget_failures_before(self.window_start())?;
        for (key, _) in &self.keys {
            s.add_attempt(key, self.now, self.id)?;
        }
        s.login_account(username)
    }

    /// The password was wrong: the attempt stays counted, as a failure.
    pub fn failed<S: UserRows>(&self, s: &S) -> Result<()> {
        s.settle_failure(self.id)
    }

    /// The password was right but the account is disabled: not a guess, so not counted; the
    /// answer says why the login is refused.
    pub fn refused<S: UserRows>(&self, s: &S) -> Result<()> {
        s.forget_attempt(self.id)
    }

    /// The password was right, with no session to open (a password change checks the
    /// current password this way, under the login's limits).
    pub fn confirmed<S: UserRows>(&self, s: &S) -> Result<()> {
        s.forget_attempt(self.id)?;
        s.forget_failures_of(&self.keys[0].0)
    }

    /// Opens a session for `account`, whose password was right. The username's failures that
    /// are over are forgotten; attempts still being checked stay counted, so a right
    /// password in the middle of a guessing run opens no room for more guesses at once.
    pub fn succeeded<S: UserRows>(&self, s: &S, account: Account) -> Result<LoginResponse> {
        self.confirmed(s)?;
        let (token, token_hash) = new_token();
        let expires_at = self.now + Duration::days(SESSION_DAYS);
        s.add_session(&token_hash, account.user.id, self.now, expires_at)?;
        s.record_login(account.user.id, self.now)?;
        // Long-dead sessions go; recently expired ones stay a while so their tablets hear
        // `session_expired` rather than `unauthorized`.
        s.forget_sessions_expired_before(self.now - Duration::days(SESSION_DAYS))?;
        Ok(LoginResponse {
            token,
            user: account.user,
            expires_at,
            must_change_password: account.must_change_password,
        })
    }
}

/// A valid session: its user, and whether they must change a one-time password first.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user: User,
    pub must_change_password: bool,
}

/// The user a session token hash belongs to, if the session is still valid and the account
/// enabled (a disabled account's sessions are refused, with their own code, at once).
pub fn session_user<S: UserQueries>(
    s: &S,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<SessionUser> {
    let row = s.session(token_hash)?.ok_or(AppError::Unauthorized)?;
    if row.disabled {
        return Err(AppError::AccountDisabled);
    }
    if row.expires_at <= now {
        return Err(AppError::SessionExpired);
    }
    Ok(SessionUser {
        user: row.user,
        must_change_password: row.must_change_password,
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use rusqlite::{Connection, TransactionBehavior};

    use super::*;
    use crate::store::testing;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 2, 30, 0).unwrap()
    }

    fn write<T>(conn: &mut Connection, f: impl FnOnce(&rusqlite::Transaction) -> T) -> T {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        let out = f(&tx);
        tx.commit().unwrap();
        out
    }

    fn attempt(password: &str) -> LoginAttempt {
        let req = LoginRequest {
            username: "Agent".into(),
            password: password.into(),
        };
        LoginAttempt::new(&req, IpAddr::from([10, 0, 0, 7]), now()).unwrap()
    }

    /// Starts an attempt as the store does; `Err` when it is rate-limited.
    fn begin(conn: &mut Connection, a: &LoginAttempt) -> Result<Option<Account>> {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        let out = a.begin(&tx, "agent")?;
        tx.commit().unwrap();
        Ok(out)
    }

    #[test]
    fn attempts_count_while_checked_and_a_success_frees_only_what_is_over() {
        let mut conn = testing::database(now());
        let new = NewUser {
            username: "agent".into(),
            display_name: "agent".into(),
            role: Role::Agent,
            agent_no: String::new(),
            password: "right".into(),
        };
        write(&mut conn, |tx| add_user(tx, &new, "hash", now())).unwrap();

        let over = attempt("wrong");
        assert!(begin(&mut conn, &over).unwrap().is_some(), "the account");
        write(&mut conn, |tx| over.failed(tx)).unwrap();
        let in_flight = [attempt("wrong"), attempt("wrong")];
        for a in &in_flight {
            begin(&mut conn, a).unwrap();
        }
        let right = attempt("right");
        let account = begin(&mut conn, &right).unwrap().expect("the account");
        write(&mut conn, |tx| right.succeeded(tx, account)).unwrap();
        // The settled failure and the success's own place are gone; the two guesses still
        // being checked stay counted, then fail.
        for a in &in_flight {
            write(&mut conn, |tx| a.failed(tx)).unwrap();
        }
        let more: Vec<_> = (0..3).map(|_| attempt("wrong")).collect();
        for a in &more {
            begin(&mut conn, a).expect("under the limit");
        }
        // Five attempts counted, none of them settled yet: the sixth is refused at once.
        let refused = begin(&mut conn, &attempt("right"));
        assert!(
            matches!(
                refused,
                Err(AppError::RateLimited {
                    retry_after_secs: 300
                })
            ),
            "{refused:?}"
        );
    }
}
