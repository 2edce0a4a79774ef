//! The SQL of the breach sweep and the repeat count: served by their indexes, and the
//! migration that introduced them filling both from an older database.

use chrono::{DateTime, TimeZone, Utc};
use huifang_domain::ticket::report_day;
use rusqlite::{Connection, params};

use super::{DUE_CLOCKS, REPORTS_ON_DAYS};
use crate::store::testing::database;
use crate::store::{schema, ts};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 10, 30).unwrap()
}

/// What `EXPLAIN QUERY PLAN` says of each step of `sql` (the plan does not depend on the
/// values bound).
fn plan(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let nulls = vec![rusqlite::types::Null; stmt.parameter_count()];
    stmt.query_map(rusqlite::params_from_iter(nulls), |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn the_sweep_and_the_repeat_count_search_their_indexes() {
    let conn = database(now());
    let table = [
        (DUE_CLOCKS, "USING INDEX ticket_clocks_check"),
        (REPORTS_ON_DAYS, "USING PRIMARY KEY"),
    ];
    for (sql, index) in table {
        let steps = plan(&conn, sql);
        assert!(
            steps.iter().all(|s| s.starts_with("SEARCH"))
                && steps.iter().any(|s| s.contains(index)),
            "{sql}\n{steps:?}"
        );
    }
}

/// A ticket as a version 5 server stored it, with one clock.
fn old_ticket(conn: &Connection, n: u32, state: &str, met: bool, breached: bool) {
    let id = format!("00000000-0000-0000-0000-{n:012}");
    conn.execute(
        "INSERT INTO tickets (id, state, intake, nature, sub_problem, grade, impact, priority,
                              created_by, waiting, reports, revisits, created_at, version)
         VALUES (?1, ?2, '{}', 'service', 'slow_response', '{}', 'general', 'low', 'u', 0, 1, 0,
                 ?3, ?4)",
        params![id, state, ts(now()), 1000 + n],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO ticket_clocks (ticket_id, kind, rule, started_at, met_at, pauses,
                                    breached_at)
         VALUES (?1, 'resolve', '{}', ?2, ?3, '[]', ?4)",
        params![
            id,
            ts(now()),
            met.then(|| ts(now())),
            breached.then(|| ts(now()))
        ],
    )
    .unwrap();
}

#[test]
fn the_migration_fills_the_checks_and_the_day_totals() {
    let mut conn = Connection::open_in_memory().unwrap();
    // The rows below stand alone, without the users and tickets they would name.
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    schema::migrate_to(&mut conn, 5).unwrap();
    // The settings row as migration 5 left it (today's code writes columns added since).
    conn.execute(
        "INSERT INTO settings (id, company, utc_offset_minutes, quiet_hours, target_min_minutes,
                               target_max_minutes, record_within_minutes, version)
         VALUES (1, '', 480, '{\"windows\":[]}', 5, 10, 10, 1)",
        [],
    )
    .unwrap();
    // (state, met, breached) → first check at the start
    let clocks = [
        ("in_progress", false, false, true),
        ("new", true, false, false),
        ("assigned", false, true, false),
        ("closed", false, false, false),
    ];
    for (n, (state, met, breached, _)) in (1..).zip(clocks) {
        old_ticket(&conn, n, state, met, breached);
    }
    // Reports around Beijing's midnights (the default settings are UTC+8), down to the last
    // microsecond of a day.
    let reports = [
        ("slow_response", "2026-11-22T15:59:59.999999Z"),
        ("slow_response", "2026-11-22T16:00:00.000000Z"),
        ("slow_response", "2026-11-23T02:10:30.000000Z"),
        ("slow_response", "2026-11-21T23:00:00.000000Z"),
        ("attitude", "2026-11-22T16:30:00.000000Z"),
    ];
    for (n, (sub_problem, at)) in (1..).zip(reports) {
        conn.execute(
            "INSERT INTO ticket_reports (id, ticket_id, sub_problem, channel, by_user,
                                         reported_at)
             VALUES (?1, '00000000-0000-0000-0000-000000000001', ?2, 'hotline', 'u', ?3)",
            params![format!("r{n}"), sub_problem, at],
        )
        .unwrap();
    }

    schema::migrate(&mut conn).unwrap();

    let checks: Vec<Option<String>> = conn
        .prepare("SELECT check_at FROM ticket_clocks ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let want: Vec<_> = clocks
        .iter()
        .map(|&(.., first)| first.then(|| ts(now())))
        .collect();
    assert_eq!(checks, want);

    let days: Vec<(String, String, u32)> = conn
        .prepare("SELECT sub_problem, day, reports FROM report_days ORDER BY sub_problem, day")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut want: Vec<(String, String, u32)> = Vec::new();
    for (sub_problem, at) in reports {
        let at = DateTime::parse_from_rfc3339(at).unwrap().to_utc();
        let day = report_day(at, 8 * 60).to_string();
        match want.iter_mut().find(|w| w.0 == sub_problem && w.1 == day) {
            Some(w) => w.2 += 1,
            None => want.push((sub_problem.to_owned(), day, 1)),
        }
    }
    want.sort();
    assert_eq!(days, want, "the same days as `report_day`");
    assert!(days.contains(&("slow_response".into(), "2026-11-22".into(), 2)));
}
