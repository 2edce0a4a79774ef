//! Huifang server: the `/api` sync and review endpoints, the built app's static files, and
//! the operator commands (`migrate`, `user add`). `main.rs` only parses the command line.

mod api;
mod clock;
mod credentials;
pub mod error;
pub mod export;
pub mod seed;
mod service;
pub mod static_files;
mod storage;
pub mod store;

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::{HeaderValue, header};
use huifang_domain::User;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::SizeAbove;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use crate::clock::Clock;
use crate::error::Result;
use crate::store::{DEMO_PASSWORD, NewUser, Store};

/// What every request handler shares. The server keeps no other state: everything lives in the
/// database, so several instances can serve one (future, shared) database.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Clock,
    /// The built app served outside `/api`.
    pub static_dir: PathBuf,
    /// Send `Strict-Transport-Security`: the server sits behind a TLS reverse proxy.
    pub hsts: bool,
    /// Customer imports under way (issue 11): uploads waiting in scratch files, and progress.
    pub imports: service::import::Imports,
}

pub struct ServeConfig {
    pub db: PathBuf,
    pub static_dir: PathBuf,
    /// Seed demo logins and customers into an empty database.
    pub demo: bool,
    pub clock: Clock,
    /// Send `Strict-Transport-Security` on every answer (only behind HTTPS).
    pub hsts: bool,
}

/// API answers smaller than this go out as they are: compressing a token or an error saves
/// nothing a tablet would notice.
const API_COMPRESS_FROM: u16 = 1024;
/// Browsers that reached the server over HTTPS keep to it for a year, subdomains included.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// `/api/*` plus the static app for every other path.
pub fn router(state: AppState) -> Router {
    let app = static_files::router(&state.static_dir);
    let hsts = state.hsts;
    let router = Router::new()
        .nest("/api", api_delivery(api::router()))
        .with_state(state)
        .fallback_service(app);
    let router = if hsts {
        router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        ))
    } else {
        router
    };
    router.layer(TraceLayer::new_for_http())
}

/// How every `/api` answer leaves, errors included: never stored by a browser or a proxy
/// (the login answer carries a token, every other one a user's data), compressed when it is
/// large and the client accepts br or gzip (a pull page shrinks several times).
fn api_delivery(api: Router<AppState>) -> Router<AppState> {
    let set =
        |name, value| SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value));
    api.layer(CompressionLayer::new().compress_when(SizeAbove::new(API_COMPRESS_FROM)))
        .layer(set(header::CACHE_CONTROL, "no-store"))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::REFERRER_POLICY, "no-referrer"))
}

/// Logs go to stderr (stdout carries the machine-readable start-up line); `RUST_LOG` filters.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

/// Migrates the database, seeds demo data if asked, then serves on `listener` until SIGTERM
/// or Ctrl-C, letting requests in flight finish.
pub async fn launch(listener: TcpListener, config: ServeConfig) -> Result<()> {
    let (state, banner) = prepare(config).await?;
    if let Some(banner) = banner {
        print!("{banner}");
    }
    serve(listener, state, shutdown_signal()).await
}

/// What `launch` does before it serves: migrates the database and, if asked, seeds demo
/// data into an empty one, returning the demo banner when it did. Public so the API tests can
/// run the server inside the test process.
pub async fn prepare(config: ServeConfig) -> Result<(AppState, Option<String>)> {
    let clock = config.clock;
    let store = Store::open(&config.db, clock.now()).await?;
    tracing::info!(db = %config.db.display(), "database ready");
    let mut banner = None;
    if config.demo {
        match store.seed_demo(clock.now()).await? {
            Some(logins) => {
                let mut text = format!(
                    "Demo data created. Demo logins (password for all: {DEMO_PASSWORD}):\n"
                );
                for l in logins {
                    text += &format!(
                        "  {:<11} role {:<11} {}\n",
                        l.username,
                        l.role.as_str(),
                        l.display_name
                    );
                }
                banner = Some(text);
            }
            None => tracing::info!("demo: the database already has users; nothing seeded"),
        }
    } else if !store.has_users().await? {
        banner = Some(first_admin_hint(&config.db));
    }
    // The day's recurring tasks exist before the first request is served.
    match store.run_recurring(clock.now()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(tasks = n, "recurring visits planned"),
        Err(e) => tracing::error!(error = %e, "recurring planning failed"),
    }
    let state = AppState {
        store,
        clock,
        static_dir: config.static_dir,
        hsts: config.hsts,
        imports: service::import::Imports::default(),
    };
    Ok((state, banner))
}

/// What a server with no account says at start: the command that adds the first admin, with
/// this database's path as the shell needs it, so it can be pasted as it is.
fn first_admin_hint(db: &Path) -> String {
    let db = std::path::absolute(db).unwrap_or_else(|_| db.to_owned());
    format!(
        "No users yet. Create the first admin (the password, at least {min} characters, is \
         read from standard input):\n  \
         huifang user add --db {db} --username admin --role admin --password-stdin\n\
         Then log in to the console (/console/) as admin. (`huifang serve --demo` on an empty \
         database makes demo logins instead.)\n",
        min = huifang_domain::people::MIN_PASSWORD,
        db = shell_word(&db.to_string_lossy()),
    )
}

/// `word` as one shell word: as it is when it holds only safe characters, else single-quoted.
fn shell_word(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "/._-+:,@%=".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Serves `state` on `listener`, with the breach sweep and the recurring run going, until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    tokio::spawn(watch_clocks(state.store.clone(), state.clock));
    tokio::spawn(plan_recurring(state.store.clone(), state.clock));
    let app = router(state);
    let addr = listener.local_addr()?;
    // Scripts and tests wait for exactly this line to know the server accepts requests.
    println!("huifang listening on http://{addr}");
    std::io::stdout().flush()?;
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    tracing::info!("stopped");
    Ok(())
}

/// How often the breach sweep runs. Ticket reads show a clock breached the moment it runs
/// out (views are computed at the time of the read); the ticket enters the supervisors' queue
/// at the next sweep, so at most this long (plus the sweep's own run) later.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Escalates breached ticket clocks: once at start-up (the interval's first tick is
/// immediate), then every [`SWEEP_EVERY`]. The only caller of the sweep: reads never run it.
async fn watch_clocks(store: Store, clock: Clock) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match store.check_breaches(clock.now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(tickets = n, "breached clocks escalated"),
            Err(e) => tracing::error!(error = %e, "breach check failed"),
        }
    }
}

/// How often the recurring run looks whether today's run is done; it runs once a local day
/// (`service::recurring`), so this only bounds how late after midnight it starts.
const RECURRING_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Creates the day's recurring tasks each [`RECURRING_EVERY`] after the run of start-up
/// (`prepare`); a run does nothing until the next local day.
async fn plan_recurring(store: Store, clock: Clock) {
    let mut tick = tokio::time::interval_at(
        tokio::time::Instant::now() + RECURRING_EVERY,
        RECURRING_EVERY,
    );
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match store.run_recurring(clock.now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(tasks = n, "recurring visits planned"),
            Err(e) => tracing::error!(error = %e, "recurring planning failed"),
        }
    }
}

/// `huifang migrate`: brings the schema up to date and returns its version.
pub async fn migrate(db: &Path) -> Result<usize> {
    Store::open(db, Clock::system().now())
        .await?
        .schema_version()
        .await
}

/// `huifang user add`.
pub async fn add_user(db: &Path, new: NewUser) -> Result<User> {
    let now = Clock::system().now();
    Store::open(db, now).await?.add_user(new, now).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_admin_hint_names_this_database_as_one_shell_word() {
        assert_eq!(
            shell_word("/srv/huifang/huifang.db"),
            "/srv/huifang/huifang.db"
        );
        assert_eq!(shell_word("/srv/my data/h.db"), "'/srv/my data/h.db'");
        assert_eq!(shell_word("/srv/o'neil.db"), r"'/srv/o'\''neil.db'");
        let hint = first_admin_hint(Path::new("/srv/huifang.db"));
        assert!(
            hint.contains(
                "huifang user add --db /srv/huifang.db --username admin --role admin \
                 --password-stdin"
            ),
            "{hint}"
        );
    }
}
