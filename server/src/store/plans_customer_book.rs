//! The query-plan test's part for the customer book (issue 11): its workload through the
//! `Store` (run by `plans::no_request_scans_a_big_table`), and every combination of its
//! searches and filters planned on a generated book of 100,000 customers: each page and each
//! capped count is a walk of one index in the list's order, never a scan or a sort.

use std::collections::BTreeSet;
use std::sync::Mutex;

use chrono::{NaiveDate, TimeZone, Utc};
use huifang_domain::customer_book::{ContactSearch, CustomerEdit, CustomerFields};
use huifang_domain::{CustomerClass, User};
use rusqlite::Connection;
use rusqlite::trace::{TraceEvent, TraceEventCodes};

use super::{PageAt, Store};
use crate::service::customer_book::BookQuery;
use crate::storage::{BookFilter, CustomerBookQueries};

/// One search of each kind, with a cursor after the first page, then a customer created,
/// read, edited, archived and brought back.
pub(super) async fn workload(s: &Store, by: &User) {
    let fields = CustomerFields {
        external_id: Some("CRM-PLAN".into()),
        name: "计划".into(),
        contact: "13712345678".into(),
        class: CustomerClass::A,
        vip: true,
        tags: vec!["老客户".into()],
        region: "浦东".into(),
        products: String::new(),
        purchase_date: None,
        summary: String::new(),
    };
    let made = s
        .create_customer(by.clone(), fields.clone(), now())
        .await
        .unwrap();
    let edit = CustomerEdit {
        version: made.version,
        fields: CustomerFields {
            name: "计划二".into(),
            ..fields
        },
    };
    s.edit_customer(by.clone(), made.id, edit, now())
        .await
        .unwrap();
    s.customer_profile(made.id).await.unwrap();
    s.archive_customer(by.clone(), made.id, true, now())
        .await
        .unwrap();
    s.archive_customer(by.clone(), made.id, false, now())
        .await
        .unwrap();
    for q in queries() {
        let first = s.customer_book(q.clone(), page(None)).await.unwrap();
        s.customer_book(q, page(first.next)).await.unwrap();
    }
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 10, 30).unwrap()
}

fn page(after: Option<String>) -> PageAt {
    PageAt {
        after,
        limit: 1,
        cap: 3,
    }
}

/// A query of each walk, alone and with the other filters.
fn queries() -> Vec<BookQuery> {
    let all = BookQuery {
        name: Some("计".into()),
        class: Some(CustomerClass::A),
        vip: Some(true),
        region: Some("浦东".into()),
        ..BookQuery::default()
    };
    vec![
        BookQuery::default(),
        all.clone(),
        BookQuery {
            external_id: Some("CRM-PLAN".into()),
            ..all.clone()
        },
        BookQuery {
            contact: Some("137****5678".into()),
            ..all.clone()
        },
        BookQuery {
            tag: Some("老客户".into()),
            ..all.clone()
        },
        BookQuery {
            last_visit_before: NaiveDate::from_ymd_opt(2026, 11, 1),
            archived: true,
            ..all
        },
    ]
}

/// The searches and filters of `BookFilter`, each present or not.
fn every_filter() -> Vec<BookFilter> {
    let mut out = Vec::new();
    for bits in 0u32..(1 << 9) {
        let on = |i: u32| bits & (1 << i) != 0;
        out.push(BookFilter {
            name: on(0).then(|| "客户1".to_owned()),
            contact: on(1).then(|| ContactSearch::parse("138****0123").unwrap()),
            external_id: on(2).then(|| "CRM-77".to_owned()),
            tag: on(3).then(|| "标签3".to_owned()),
            class: on(4).then_some(CustomerClass::B),
            vip: on(5).then_some(true),
            region: on(6).then(|| "区5".to_owned()),
            last_visit_before: on(7).then(|| Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()),
            archived: on(8),
        });
    }
    out
}

static TRACED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fn record(event: TraceEvent<'_>) {
    if let TraceEvent::Stmt(_, sql) = event {
        TRACED
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(sql.trim().to_owned());
    }
}

/// 100,000 customers: 5,000 names, four classes, one in ten VIP, 16 regions, a third never
/// visited, one in fifty archived, 20 tags.
fn big_book() -> Connection {
    let conn = super::testing::database(now());
    conn.execute_batch(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
         INSERT INTO customers (id, name, class, vip, contact, summary, version, external_id,
                                region, last_visit_at, archived_at)
         SELECT printf('%08x-0000-4000-8000-%012x', i, i), '客户' || (i % 5000),
                char(65 + i % 4), i % 10 = 0, printf('138%08d', i), '', i, 'CRM-' || i,
                '区' || (i % 16),
                CASE WHEN i % 3 THEN printf('2026-%02d-01T00:00:00.000000Z', 1 + i % 11) END,
                CASE WHEN i % 50 = 0 THEN '2026-01-01T00:00:00.000000Z' END
         FROM n;
         INSERT INTO customer_tags (customer_id, tag)
         SELECT id, '标签' || (version % 20) FROM customers;
         UPDATE server_version SET value = 100000;",
    )
    .unwrap();
    conn
}

/// The plan lines of `sql` that read more than a page: a scan of a customer table or a sort.
fn unbounded(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let nulls = vec![rusqlite::types::Null; stmt.parameter_count()];
    stmt.query_map(rusqlite::params_from_iter(nulls), |r| r.get::<_, String>(3))
        .unwrap()
        .map(Result::unwrap)
        .filter(|d| {
            let scan = d
                .strip_prefix("SCAN ")
                .and_then(|rest| rest.split(' ').next())
                .is_some_and(|t| ["c", "g", "customers", "customer_tags"].contains(&t));
            scan || d.contains("TEMP B-TREE")
        })
        .collect()
}

#[test]
fn every_book_search_walks_an_index_in_the_lists_order_on_100k_customers() {
    let conn = big_book();
    conn.trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, Some(record));
    let mut pages = 0;
    for filter in every_filter() {
        let at = PageAt {
            after: None,
            limit: 20,
            cap: 1000,
        };
        let first = conn.customer_book_page(&filter, &at).unwrap();
        if let Some(next) = first.next {
            let at = PageAt {
                after: Some(next.encode()),
                ..at
            };
            conn.customer_book_page(&filter, &at).unwrap();
            pages += 1;
        }
    }
    let everyone = conn
        .customer_book_page(
            &BookFilter::default(),
            &PageAt {
                after: None,
                limit: 20,
                cap: 1000,
            },
        )
        .unwrap();
    assert!(everyone.total.more, "the book is big");
    assert!(pages > 20, "many combinations have a second page ({pages})");
    conn.trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, None);
    let traced = TRACED.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let failures: Vec<String> = traced
        .iter()
        .filter(|sql| sql.starts_with("SELECT"))
        .filter_map(|sql| {
            let bad = unbounded(&conn, sql);
            (!bad.is_empty()).then(|| format!("{sql}\n    {}", bad.join("\n    ")))
        })
        .collect();
    assert!(traced.len() > 500, "{} statements", traced.len());
    assert!(
        failures.is_empty(),
        "{} of {} statements read more than a page:\n\n{}",
        failures.len(),
        traced.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_check_catches_a_scan_or_a_sort_and_lets_an_index_walk_through() {
    let conn = super::testing::database(now());
    for (sql, bad) in [
        (
            "SELECT c.id FROM customers c WHERE c.summary = '' LIMIT 5",
            true,
        ),
        (
            "SELECT c.id FROM customers c WHERE c.class = 'A' ORDER BY c.version LIMIT 5",
            true,
        ),
        (
            "SELECT c.id FROM customers c WHERE c.archived = 0 AND c.class = 'A'
             ORDER BY c.name, c.id LIMIT 5",
            false,
        ),
    ] {
        assert_eq!(!unbounded(&conn, sql).is_empty(), bad, "{sql}");
    }
}
