//! `huifang`: the command line. Everything it does lives in the library.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand};
use huifang_domain::Role;
use huifang_server::seed::{Progress, SEED_PASSWORD, SeedOptions};
use huifang_server::store::NewUser;
use huifang_server::{Clock, ServeConfig, add_user, init_logging, launch, migrate};

#[derive(Parser)]
#[command(
    name = "huifang",
    version,
    about = "Huifang (回访): customer follow-up visits"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app and the API (runs migrations first).
    Serve(ServeArgs),
    /// Bring the database schema up to date.
    Migrate(DbArg),
    /// Fill a database with a generated centre (months of visits, tickets, tasks) to try
    /// Huifang at volume or benchmark it. Never on a production database: every generated
    /// login shares one printed password.
    Seed(SeedArgs),
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Check the audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the audit trail's hash chain and report the first broken link; exits
    /// non-zero when one is. Reads the database only (no migration).
    Verify(DbArg),
}

#[derive(Args)]
struct DbArg {
    /// SQLite database file (created if missing).
    #[arg(long, env = "HUIFANG_DB", default_value = "huifang.db")]
    db: PathBuf,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (printed at start-up).
    #[arg(long, env = "HUIFANG_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[command(flatten)]
    db: DbArg,
    /// The built app (trunk's output).
    #[arg(long, env = "HUIFANG_STATIC_DIR", default_value = "app/dist")]
    static_dir: PathBuf,
    /// On an empty database, create demo logins and customers (never in production).
    /// `HUIFANG_DEMO` takes 1/0, true/false, yes/no, on/off.
    #[arg(long, env = "HUIFANG_DEMO", value_parser = BoolishValueParser::new())]
    demo: bool,
    /// For tests and demos only: the server's clock reads this RFC 3339 instant at start-up
    /// and runs on from there, so quiet hours, SLA clocks and "today" are what they would be
    /// then. Without it the server uses the system time.
    #[arg(long, env = "HUIFANG_CLOCK_START", value_parser = parse_instant)]
    clock_start: Option<DateTime<Utc>>,
    /// Send `Strict-Transport-Security` (one year, subdomains included): only when the
    /// server is reached over HTTPS, through a TLS reverse proxy. `HUIFANG_HSTS` takes the
    /// same values as `HUIFANG_DEMO`.
    #[arg(long, env = "HUIFANG_HSTS", value_parser = BoolishValueParser::new())]
    hsts: bool,
}

#[derive(Args)]
struct SeedArgs {
    #[command(flatten)]
    db: DbArg,
    #[arg(long, default_value_t = 1_000_000)]
    visits: u64,
    #[arg(long, default_value_t = 200_000)]
    tickets: u64,
    /// Staff who do visits and work tickets (one in five in the field); 8 supervisors and 2
    /// admins come with them.
    #[arg(long, default_value_t = 200)]
    agents: u32,
    #[arg(long, default_value_t = 12)]
    months: u32,
    #[arg(long, default_value_t = 60_000)]
    customers: u32,
    /// Random seed: the same arguments give the same centre.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The generated history ends at this RFC 3339 instant (default: now).
    #[arg(long, value_parser = parse_instant)]
    until: Option<DateTime<Utc>>,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add(UserAddArgs),
}

#[derive(Args)]
struct UserAddArgs {
    #[arg(long)]
    username: String,
    /// One of: agent, field, supervisor, admin.
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// Read the password from standard input (so it stays out of the shell history).
    #[arg(long, required = true)]
    password_stdin: bool,
    /// Name shown in the app; defaults to the username.
    #[arg(long)]
    display_name: Option<String>,
    /// 工号 spoken in call scripts.
    #[arg(long, default_value = "")]
    agent_no: String,
    #[command(flatten)]
    db: DbArg,
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        let all: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("unknown role {s:?}; expected one of: {}", all.join(", "))
    })
}

fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|at| at.to_utc())
        .map_err(|e| {
            format!("{s:?} is not an RFC 3339 instant such as 2026-11-23T10:10:30+08:00: {e}")
        })
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let outcome = match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(DbArg { db }) => migrate(&db)
            .await
            .map(|v| println!("database {} is at schema version {v}", db.display()))
            .map_err(|e| e.to_string()),
        Command::Seed(args) => seed(args).await,
        Command::User {
            command: UserCommand::Add(args),
        } => user_add(args).await,
        Command::Audit {
            command: AuditCommand::Verify(DbArg { db }),
        } => audit_verify(&db),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    // Started first, so a test that spawned the process at a chosen instant can follow the
    // server's time from the moment it spawned it.
    let clock = args
        .clock_start
        .map_or_else(Clock::system, Clock::starting_at);
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let config = ServeConfig {
        db: args.db.db,
        static_dir: args.static_dir,
        demo: args.demo,
        clock,
        hsts: args.hsts,
    };
    launch(listener, config).await.map_err(|e| e.to_string())
}

fn audit_verify(db: &std::path::Path) -> Result<(), String> {
    let v = huifang_server::store::audit_chain::verify_file(db).map_err(|e| e.to_string())?;
    let head = v.head.as_deref().unwrap_or("(empty log)");
    match &v.first_broken {
        None => {
            println!(
                "audit trail of {} intact: {} rows checked, head {head}",
                db.display(),
                v.checked
            );
            Ok(())
        }
        Some(b) => {
            let after = match b.previous_id {
                None => "it is the first row".to_owned(),
                Some(p) if p + 1 == b.id => format!("the row before it is {p}"),
                Some(p) => format!("rows {}..={} are missing before it", p + 1, b.id - 1),
            };
            Err(format!(
                "audit trail of {} BROKEN at row {} ({after}): expected chain {}, stored {}; \
                 {} of {} rows do not link (see docs/operations.md, \"Audit trail\")",
                db.display(),
                b.id,
                b.expected,
                b.stored.as_deref().unwrap_or("none"),
                v.broken,
                v.checked
            ))
        }
    }
}

async fn user_add(args: UserAddArgs) -> Result<(), String> {
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
    // `echo secret | huifang user add …` adds a newline that is not part of the password.
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err("the password read from stdin is empty".into());
    }
    let new = NewUser {
        display_name: args.display_name.unwrap_or_else(|| args.username.clone()),
        username: args.username,
        role: args.role,
        agent_no: args.agent_no,
        password,
    };
    let user = add_user(&args.db.db, new)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "added user {} ({}, {})",
        user.username,
        user.display_name,
        user.role.as_str()
    );
    Ok(())
}

async fn seed(args: SeedArgs) -> Result<(), String> {
    let opts = SeedOptions {
        visits: args.visits,
        tickets: args.tickets,
        agents: args.agents,
        months: args.months,
        customers: args.customers,
        seed: args.seed,
        until: args.until.unwrap_or_else(|| Clock::system().now()),
    };
    let db = args.db.db;
    println!(
        "seeding {}: {} visits, {} tickets, {} agents, {} customers over {} months",
        db.display(),
        opts.visits,
        opts.tickets,
        opts.agents,
        opts.customers,
        opts.months
    );
    let mut last_report = std::time::Duration::ZERO;
    let report = move |p: &Progress| {
        // A line every ten seconds or so, and the last day's.
        if p.elapsed < last_report + std::time::Duration::from_secs(10) && p.day < p.days {
            return;
        }
        last_report = p.elapsed;
        let secs = p.elapsed.as_secs_f64().max(0.001);
        println!(
            "  day {:>3}/{}: {} visits, {} tickets, {} mutations in {:.0} s ({:.0} mutations/s)",
            p.day,
            p.days,
            p.visits,
            p.tickets,
            p.mutations,
            secs,
            p.mutations as f64 / secs
        );
    };
    let summary = huifang_server::seed::seed(&db, opts, report)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "done in {:.0} s: {} mutations ({} rejected), {:.1} MB",
        summary.elapsed.as_secs_f64(),
        summary.mutations,
        summary.rejected,
        summary.bytes as f64 / 1e6
    );
    for (what, n) in &summary.counts {
        println!("  {what:<34} {n:>10}");
    }
    println!("Generated logins (password for all: {SEED_PASSWORD}), among them:");
    let mut shown = Vec::new();
    for (username, role) in &summary.logins {
        if !shown.contains(role) {
            shown.push(*role);
            println!("  {username:<11} role {}", role.as_str());
        }
    }
    let n = summary.logins.len();
    println!("  ({n} logins in all: agent001…, field001…, super01…, admin01…)");
    Ok(())
}
