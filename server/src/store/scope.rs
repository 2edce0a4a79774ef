//! What a device keeps, in SQL: the scoped reads of a pull and the customer lookup. Each
//! branch of a query is served by one index of migration 0008 (a `SEARCH`, never a `SCAN`);
//! the branches are supersets of the scope and `huifang_domain::scope` decides on the rows.

use huifang_domain::scope::{CustomerLookup, MIN_CONTACT_DIGITS, TicketFacts};
use huifang_domain::task::VisitTask;
use huifang_domain::{Customer, User};
use rusqlite::{Row, params};

use super::customers::{COLUMNS as CUSTOMER_COLUMNS, customer_from_row};
use super::tasks::{COLUMNS as TASK_COLUMNS, task_from_row};
use super::{Conn, Store, from_sql_int, parse_ts, parse_uuid, to_sql_int, ts};
use crate::error::Result;
use crate::service;
use crate::storage::{ScopeQueries, ScopeQuery, TicketScopeRow};

/// The facts of a ticket as `scoped_tickets` selects them.
const FACTS: &str = "id, version, state != 'closed', assignee IS NOT NULL AND assignee = ?1, \
    created_by = ?1, escalated_at IS NOT NULL AND state != 'closed', \
    resolution IS NOT NULL AND review IS NULL AND state IN ('resolved', 'revisit', 'closed'), \
    last_activity";

/// `?1` the user, `?2` since, `?3` the recent window's start, `?4` floor, `?5` the user as
/// the JSON the history keeps. Each branch names its index: the planner, asked for the union
/// in version order, would otherwise walk the version index through the whole history.
fn ticket_branches(manager: bool) -> Vec<String> {
    let mut in_scope = vec![
        (
            "tickets_open_assignee",
            "assignee = ?1 AND state != 'closed' AND version > ?2",
        ),
        (
            "tickets_open_creator",
            "created_by = ?1 AND state != 'closed' AND version > ?2",
        ),
        (
            "tickets_assignee_activity",
            "assignee = ?1 AND last_activity >= ?3 AND version > ?2",
        ),
        (
            "tickets_creator_activity",
            "created_by = ?1 AND last_activity >= ?3 AND version > ?2",
        ),
    ];
    let mut held = vec![
        ("tickets_assignee", "assignee = ?1 AND version > ?4"),
        ("tickets_created_by", "created_by = ?1 AND version > ?4"),
    ];
    if manager {
        in_scope.extend([
            (
                "tickets_escalated_queue",
                "escalated_at IS NOT NULL AND state != 'closed' AND version > ?2",
            ),
            (
                "tickets_review_queue",
                "review_state = 'pending' AND resolution IS NOT NULL \
                 AND state IN ('resolved', 'revisit', 'closed') AND version > ?2",
            ),
        ]);
        held.push((
            "tickets_supervised",
            "(escalated_at IS NOT NULL OR resolution IS NOT NULL) AND version > ?4",
        ));
    }
    in_scope
        .into_iter()
        .chain(held)
        .map(|(index, w)| format!("SELECT {FACTS} FROM tickets INDEXED BY {index} WHERE {w}"))
        // Once assigned to the user: by the history's index, then each ticket by its key.
        .chain([format!(
            "SELECT {FACTS} FROM tickets WHERE id IN \
             (SELECT ticket_id FROM ticket_history WHERE field = 'assignee' AND old = ?5) \
             AND version > ?4"
        )])
        .collect()
}

/// `?1` the user, `?2` since, `?3` floor, `?4` the limit.
fn tasks_sql() -> String {
    format!(
        "SELECT {TASK_COLUMNS} FROM tasks INDEXED BY tasks_open_assignee
         WHERE assignee = ?1 AND status = 'open' AND version > ?2
         UNION
         SELECT {TASK_COLUMNS} FROM tasks INDEXED BY tasks_assignee
         WHERE assignee = ?1 AND version > ?3
         UNION
         SELECT {TASK_COLUMNS} FROM tasks
         WHERE id IN (SELECT task_id FROM task_moves WHERE old_assignee = ?1 AND version > ?3)
         ORDER BY 13 LIMIT ?4"
    )
}

/// `?1` the user, `?2` floor, `?3` whether they manage tickets, `?4` the limit.
fn customers_sql() -> String {
    format!(
        "SELECT {CUSTOMER_COLUMNS} FROM customers c
         WHERE version > ?2 AND (
             EXISTS (SELECT 1 FROM tasks
                     WHERE customer_id = c.id AND assignee = ?1 AND status = 'open')
             OR EXISTS (SELECT 1 FROM tickets
                        WHERE customer_id = c.id AND customer_id IS NOT NULL
                          AND (assignee = ?1 OR created_by = ?1 OR (?3 AND state != 'closed'))))
         ORDER BY version LIMIT ?4"
    )
}

/// `?1` the prefix, `?2` the prefix followed by the last code point, `?3` the limit: every
/// name starting with the prefix sorts between the two, a range on the name index.
fn name_sql() -> String {
    format!(
        "SELECT {CUSTOMER_COLUMNS} FROM customers
         WHERE name >= ?1 AND name < ?2 ORDER BY name LIMIT ?3"
    )
}

/// `?1` the last four digits, `?2` `%` and the digits typed, `?3` the limit.
fn contact_sql() -> String {
    format!(
        "SELECT {CUSTOMER_COLUMNS} FROM customers
         WHERE substr(contact, -4) = ?1 AND contact LIKE ?2 ORDER BY name LIMIT ?3"
    )
}

fn scope_row(r: &Row) -> Result<TicketScopeRow> {
    Ok(TicketScopeRow {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        version: from_sql_int(r.get(1)?)?,
        facts: TicketFacts {
            open: r.get(2)?,
            assigned: r.get(3)?,
            reported: r.get(4)?,
            escalated: r.get(5)?,
            awaits_review: r.get(6)?,
            last_activity: parse_ts(&r.get::<_, String>(7)?)?,
        },
    })
}

impl<C: Conn> ScopeQueries for C {
    fn change_version(&self) -> Result<u64> {
        from_sql_int(self.conn().query_row(
            "SELECT value FROM server_version WHERE id = 1",
            [],
            |r| r.get(0),
        )?)
    }

    fn scoped_tickets(&self, q: ScopeQuery) -> Result<Vec<TicketScopeRow>> {
        // UNION (not ALL): a ticket found by several branches comes once, the rows being
        // equal.
        let sql = format!(
            "{} ORDER BY 2 LIMIT ?6",
            ticket_branches(q.manager).join(" UNION ")
        );
        let me = q.user.to_string();
        let me_json = serde_json::Value::String(me.clone()).to_string();
        self.conn()
            .prepare(&sql)?
            .query_map(
                params![
                    me,
                    to_sql_int(q.since),
                    ts(q.recent),
                    to_sql_int(q.floor),
                    me_json,
                    q.limit as i64
                ],
                |r| Ok(scope_row(r)),
            )?
            .map(|row| row?)
            .collect()
    }

    fn scoped_tasks(&self, q: ScopeQuery) -> Result<Vec<VisitTask>> {
        let sql = tasks_sql();
        self.conn()
            .prepare(&sql)?
            .query_map(
                params![
                    q.user.to_string(),
                    to_sql_int(q.since),
                    to_sql_int(q.floor),
                    q.limit as i64
                ],
                |r| Ok(task_from_row(r)),
            )?
            .map(|row| row?)
            .collect()
    }

    fn scoped_customers(&self, q: ScopeQuery) -> Result<Vec<Customer>> {
        let sql = customers_sql();
        self.conn()
            .prepare(&sql)?
            .query_map(
                params![
                    q.user.to_string(),
                    to_sql_int(q.floor),
                    q.manager,
                    q.limit as i64
                ],
                |r| Ok(customer_from_row(r)),
            )?
            .map(|row| row?)
            .collect()
    }

    fn find_customers(&self, lookup: &CustomerLookup, limit: u32) -> Result<Vec<Customer>> {
        let conn = self.conn();
        let rows = match lookup {
            CustomerLookup::NamePrefix(p) => conn
                .prepare(&name_sql())?
                .query_map(params![p, format!("{p}\u{10FFFF}"), limit], |r| {
                    Ok(customer_from_row(r))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?,
            CustomerLookup::ContactEnd(d) => conn
                .prepare(&contact_sql())?
                .query_map(
                    params![&d[d.len() - MIN_CONTACT_DIGITS..], format!("%{d}"), limit],
                    |r| Ok(customer_from_row(r)),
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?,
        };
        rows.into_iter().collect()
    }
}

impl Store {
    /// Customers found by a lookup (see `service::customers::find`).
    pub async fn find_customers(&self, user: User, q: String, limit: u32) -> Result<Vec<Customer>> {
        self.blocking(move |db| db.read(|conn| service::customers::find(conn, &user, &q, limit)))
            .await
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use huifang_domain::scope::CustomerLookup;
    use rusqlite::Connection;
    use uuid::Uuid;

    use super::ticket_branches;
    use crate::storage::{ScopeQueries, ScopeQuery};
    use crate::store::testing;

    /// The query plan of `sql`, its parameters all NULL.
    fn plans(conn: &Connection, sql: &str) -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let nulls = vec![rusqlite::types::Value::Null; stmt.parameter_count()];
        stmt.query_map(rusqlite::params_from_iter(nulls), |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn assert_no_scan(plan: &str) {
        for line in plan.lines() {
            let line = line.trim();
            assert!(
                !(line.starts_with("SCAN")
                    && ["tickets", "tasks", "customers", "c", "ticket_history"]
                        .iter()
                        .any(|t| line.split_whitespace().nth(1) == Some(t))),
                "a scan: {line}\nin\n{plan}"
            );
        }
    }

    #[test]
    fn every_scoped_query_searches_an_index() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        let conn = testing::database(now);
        for manager in [false, true] {
            for branch in ticket_branches(manager) {
                assert_no_scan(&plans(&conn, &branch));
            }
            let sql = format!(
                "{} ORDER BY 2 LIMIT ?6",
                ticket_branches(manager).join(" UNION ")
            );
            assert_no_scan(&plans(&conn, &sql));
        }
        // The others run, and are planned below.
        let q = ScopeQuery {
            user: Uuid::from_u128(1),
            manager: true,
            since: 0,
            floor: 0,
            recent: now,
            limit: 10,
        };
        conn.scoped_tasks(q).unwrap();
        conn.scoped_customers(q).unwrap();
        for q in ["王", "5678"] {
            conn.find_customers(&CustomerLookup::parse(q).unwrap(), 5)
                .unwrap();
        }
        for sql in [
            super::tasks_sql(),
            super::customers_sql(),
            super::name_sql(),
            super::contact_sql(),
        ] {
            assert_no_scan(&plans(&conn, &sql));
        }
    }
}
