//! `huifang seed`: fills a database with a centre's volume — months of visits by hundreds of
//! agents, tickets at every point of their lifecycle, planned and retried tasks — to try
//! Huifang at scale and to benchmark it (docs/benchmarks.md). Never for production: every
//! generated login shares one printed password.
//!
//! Nothing is written behind the use cases' back: every visit, ticket, update and review is a
//! mutation pushed through `service::sync::push` from the user's own device at the simulated
//! time, tasks are planned through `service::tasks::create_task`, and breached clocks are
//! swept through `Store::check_breaches`; so every derived row, counter, index and audit entry
//! is what production would have written. Only users, customers and the catalog, which no
//! push creates, are added the way the demo adds them.

mod centre;
mod content;

use std::path::Path;
use std::time::{Duration as Elapsed, Instant};

use chrono::{DateTime, Datelike, Duration, FixedOffset, TimeZone, Utc, Weekday};
use huifang_domain::Role;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rusqlite::{Connection, TransactionBehavior};

use crate::credentials::hash_once;
use crate::error::{AppError, Result};
use crate::service::auth::NewUser;
use crate::store::Store;
use centre::{Actor, Centre};

/// The password of every generated login, printed at the end like the demo's.
pub const SEED_PASSWORD: &str = "huifang-seed";

/// Supervisors and admins of a generated centre, beside its agents.
const SUPERVISORS: usize = 8;
const ADMINS: usize = 2;
/// One generated worker in five does field visits; the rest phone.
const FIELD_EVERY: usize = 5;
/// The organisation's offset (the catalog's settings are Beijing time).
const UTC_OFFSET_SECS: i32 = 8 * 3600;

/// How big a centre to generate.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub visits: u64,
    pub tickets: u64,
    /// Staff who do visits and work tickets (one in five in the field).
    pub agents: u32,
    pub months: u32,
    pub customers: u32,
    /// The random seed: the same options give the same centre (ids made by the server aside).
    pub seed: u64,
    /// The generated history ends here (the tickets still open are open at this instant).
    pub until: DateTime<Utc>,
}

/// Where the generation is, reported after each simulated day.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub day: u32,
    pub days: u32,
    pub visits: u64,
    pub tickets: u64,
    pub mutations: u64,
    pub elapsed: Elapsed,
}

/// What was generated: the logins, the rows of each table, the file size.
#[derive(Debug, Clone)]
pub struct SeedSummary {
    /// (username, role), one of each kind first.
    pub logins: Vec<(String, Role)>,
    pub counts: Vec<(String, u64)>,
    /// Mutations the use cases refused (none is expected; kept in `rejections` like any).
    pub rejected: u64,
    pub mutations: u64,
    pub bytes: u64,
    pub elapsed: Elapsed,
}

/// Generates a centre into `path` (new, or a demo database), reporting each simulated day to
/// `progress`. Refuses a database seeded before.
pub async fn seed(
    path: &Path,
    opts: SeedOptions,
    progress: impl FnMut(&Progress) + Send + 'static,
) -> Result<SeedSummary> {
    if opts.agents == 0 || opts.customers == 0 || opts.months == 0 {
        return Err(AppError::bad_request(
            "agents, customers and months must be at least 1",
            None,
        ));
    }
    let started = Instant::now();
    let calendar = Calendar::new(&opts);
    let store = Store::open(path, calendar.start).await?;
    let handle = tokio::runtime::Handle::current();
    let path = path.to_owned();
    let mut summary = tokio::task::spawn_blocking(move || {
        generate(&path, &opts, &calendar, &store, &handle, progress)
    })
    .await
    .map_err(|e| AppError::Internal(format!("seed task failed: {e}")))??;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// The simulated days: whole local days ending at the midnight before `until`, then `until`.
struct Calendar {
    start: DateTime<Utc>,
    days: u32,
    until: DateTime<Utc>,
}

impl Calendar {
    fn new(opts: &SeedOptions) -> Calendar {
        let offset = FixedOffset::east_opt(UTC_OFFSET_SECS).expect("Beijing offset");
        let local = opts.until.with_timezone(&offset).date_naive();
        let last_midnight = offset
            .from_local_datetime(&local.and_hms_opt(0, 0, 0).expect("midnight"))
            .single()
            .expect("a fixed offset has one midnight")
            .to_utc();
        let days = opts.months * 365 / 12;
        Calendar {
            start: last_midnight - Duration::days(i64::from(days)),
            days: days.max(1),
            until: opts.until,
        }
    }

    fn day(&self, d: u32) -> DateTime<Utc> {
        self.start + Duration::days(i64::from(d))
    }

    /// Weekends see fewer visits and reports than working days.
    fn weight(&self, d: u32) -> f64 {
        let offset = FixedOffset::east_opt(UTC_OFFSET_SECS).expect("Beijing offset");
        match self.day(d).with_timezone(&offset).weekday() {
            Weekday::Sat | Weekday::Sun => 0.4,
            _ => 1.0,
        }
    }

    /// `total` spread over the days by weight, exactly: day `d` gets its share.
    fn shares(&self, total: u64) -> Vec<u64> {
        let weights: Vec<f64> = (0..self.days).map(|d| self.weight(d)).collect();
        let sum: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let mut given = 0;
        weights
            .iter()
            .map(|w| {
                acc += w;
                let upto = (total as f64 * acc / sum).round() as u64;
                let share = upto - given;
                given = upto;
                share
            })
            .collect()
    }
}

fn generate(
    path: &Path,
    opts: &SeedOptions,
    calendar: &Calendar,
    store: &Store,
    handle: &tokio::runtime::Handle,
    mut progress: impl FnMut(&Progress),
) -> Result<SeedSummary> {
    let started = Instant::now();
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // A generator that dies is run again on a fresh file: durability per commit buys nothing.
    conn.pragma_update(None, "synchronous", "OFF")?;
    conn.pragma_update(None, "cache_size", -64_000)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    let mut rng = StdRng::seed_from_u64(opts.seed);

    let setup_at = calendar.start - Duration::days(1);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let seeded: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM users WHERE username = ?1)",
        [staff_name(Role::Supervisor, 1)],
        |r| r.get(0),
    )?;
    if seeded {
        return Err(AppError::Conflict(format!(
            "{} already holds a generated centre",
            path.display()
        )));
    }
    let has_catalog: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM scripts)", [], |r| r.get(0))?;
    // A demo database keeps its own catalog; generated visits then name no script or survey.
    let catalog = if has_catalog {
        None
    } else {
        Some(crate::store::seed_catalog(&tx, setup_at)?)
    };
    // One argon2 hash for every generated login: they share the printed password anyway.
    let hash = hash_once(SEED_PASSWORD)?;
    let mut staff = |role: Role, n: usize| -> Result<Actor> {
        let new = NewUser {
            username: staff_name(role, n),
            display_name: format!("{}{n:03}", content::staff_title(role)),
            role,
            agent_no: format!("{}{n:03}", &role.as_str()[..1].to_uppercase()),
            password: SEED_PASSWORD.to_owned(),
        };
        let user = crate::service::auth::add_user(&tx, &new, &hash, setup_at)?;
        Ok(Actor::new(user, &mut rng))
    };
    let mut workers = Vec::new();
    for i in 0..opts.agents as usize {
        let role = if i % FIELD_EVERY == FIELD_EVERY - 1 {
            Role::Field
        } else {
            Role::Agent
        };
        let n = workers
            .iter()
            .filter(|a: &&Actor| a.user.role == role)
            .count()
            + 1;
        workers.push(staff(role, n)?);
    }
    let supervisors = (1..=SUPERVISORS)
        .map(|n| staff(Role::Supervisor, n))
        .collect::<Result<Vec<_>>>()?;
    let admins = (1..=ADMINS)
        .map(|n| staff(Role::Admin, n))
        .collect::<Result<Vec<_>>>()?;
    let mut customers = Vec::with_capacity(opts.customers as usize);
    for _ in 0..opts.customers {
        let (name, class, vip, contact, summary) = content::customer(&mut rng);
        customers.push(crate::store::insert_customer(
            &tx,
            (&name, class, vip, &contact, &summary),
            setup_at,
        )?);
    }
    tx.commit()?;

    let mut logins: Vec<(String, Role)> = Vec::new();
    for actors in [&workers, &supervisors, &admins] {
        logins.extend(
            actors
                .iter()
                .map(|a| (a.user.username.clone(), a.user.role)),
        );
    }
    let mut centre = Centre::new(rng, workers, supervisors, customers, catalog);
    let visits = calendar.shares(opts.visits);
    let tickets = calendar.shares(opts.tickets);
    for d in 0..calendar.days {
        let day = calendar.day(d);
        let tomorrow = visits.get(d as usize + 1).copied().unwrap_or(0);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        centre.run_day(&tx, day, visits[d as usize], tickets[d as usize], tomorrow)?;
        tx.commit()?;
        // The server sweeps every minute; a weekly sweep is enough to record breaches while
        // the history is made, and keeps each sweep's open tickets few.
        if d % 7 == 6 {
            handle.block_on(store.check_breaches(calendar.day(d + 1)))?;
        }
        progress(&Progress {
            day: d + 1,
            days: calendar.days,
            visits: centre.counts.visits,
            tickets: centre.counts.tickets,
            mutations: centre.counts.mutations,
            elapsed: started.elapsed(),
        });
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    centre.steps_until(&tx, calendar.until)?;
    tx.commit()?;
    handle.block_on(store.check_breaches(calendar.until))?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;

    let counts = table_counts(&conn)?;
    drop(conn);
    let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    Ok(SeedSummary {
        logins,
        counts,
        rejected: centre.counts.rejected,
        mutations: centre.counts.mutations,
        bytes,
        elapsed: started.elapsed(),
    })
}

/// `agent001`, `field001`, `super01`, `admin01`: predictable, so a benchmark can log in.
pub fn staff_name(role: Role, n: usize) -> String {
    match role {
        Role::Agent => format!("agent{n:03}"),
        Role::Field => format!("field{n:03}"),
        Role::Supervisor => format!("super{n:02}"),
        Role::Admin => format!("admin{n:02}"),
    }
}

/// Rows per table, and tickets and tasks by state, for the summary.
fn table_counts(conn: &Connection) -> Result<Vec<(String, u64)>> {
    let mut counts = Vec::new();
    for table in [
        "users",
        "customers",
        "visits",
        "tasks",
        "tickets",
        "ticket_reports",
        "ticket_timeline",
        "ticket_clocks",
        "audit_log",
        "rejections",
    ] {
        let n: i64 = conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
        counts.push((table.to_owned(), n.unsigned_abs()));
    }
    let grouped = [
        ("tickets", "state"),
        ("tasks", "status"),
        ("tickets", "impact"),
    ];
    for (table, column) in grouped {
        let mut stmt = conn.prepare(&format!(
            "SELECT {column}, COUNT(*) FROM {table} GROUP BY {column} ORDER BY 2 DESC"
        ))?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (value, n) = row?;
            counts.push((format!("{table}.{column}={value}"), n.unsigned_abs()));
        }
    }
    let special = [
        (
            "tickets escalated",
            "SELECT COUNT(*) FROM tickets WHERE escalated_at IS NOT NULL",
        ),
        (
            "tickets waiting",
            "SELECT COUNT(*) FROM tickets WHERE waiting = 1",
        ),
        (
            "tickets awaiting review",
            "SELECT COUNT(*) FROM tickets WHERE resolution IS NOT NULL AND review IS NULL",
        ),
        (
            "tickets angry",
            "SELECT COUNT(*) FROM tickets WHERE intake ->> '$.emotion' = 'angry'",
        ),
        (
            "clocks breached",
            "SELECT COUNT(*) FROM ticket_clocks WHERE breached_at IS NOT NULL",
        ),
        (
            "clocks running",
            "SELECT COUNT(*) FROM ticket_clocks WHERE met_at IS NULL AND breached_at IS NULL",
        ),
    ];
    for (name, sql) in special {
        let n: i64 = conn.query_row(sql, [], |r| r.get(0))?;
        counts.push((name.to_owned(), n.unsigned_abs()));
    }
    Ok(counts)
}
