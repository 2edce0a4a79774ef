//! Test support: a server on a free port with its own database and demo data (inside the test
//! process, or the real `huifang` binary), sessions that speak the HTTP contract with the
//! domain's wire types, and the fixtures the API tests share.

mod fixtures;
pub mod load;
mod server;
mod session;

use chrono::{DateTime, Utc};

pub use fixtures::{
    beijing, error_of, expect_bad_request, expect_error, intake, script_titled, survey_titled,
};
pub use server::{TestServer, cli_user_add, huifang_bin};
pub use session::Session;

/// The password of every demo login (`huifang serve --demo`).
pub const DEMO_PASSWORD: &str = "huifang-demo";

/// Past visits the demo seed stores so customer files have a history.
pub const DEMO_VISITS: u64 = 6;

/// The instant test servers start at unless a test picks another: Monday 2026-11-23, a
/// working-day morning in Beijing outside quiet hours, with seconds so that a rule rounding
/// to whole minutes shows.
pub const DEFAULT_CLOCK_START: &str = "2026-11-23T10:10:30+08:00";

/// Where servers' clocks start: `$HUIFANG_TEST_CLOCK_START` (RFC 3339), so the whole suite can
/// be run at another time of day or week, else [`DEFAULT_CLOCK_START`].
pub fn clock_start() -> DateTime<Utc> {
    let at = std::env::var("HUIFANG_TEST_CLOCK_START")
        .unwrap_or_else(|_| DEFAULT_CLOCK_START.to_owned());
    DateTime::parse_from_rfc3339(&at)
        .unwrap_or_else(|e| panic!("HUIFANG_TEST_CLOCK_START={at:?} is not RFC 3339: {e}"))
        .to_utc()
}

pub fn new_id() -> uuid::Uuid {
    uuid::Builder::from_random_bytes(rand::random()).into_uuid()
}
