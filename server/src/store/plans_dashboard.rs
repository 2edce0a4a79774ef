//! The dashboards' part of the query-plan test's workload (`super::plans`): every endpoint's
//! reads for a month and for a year, unfiltered and with each filter, so the plan of each
//! statement is checked (rollups by primary-key range, the open tickets by index search).

use chrono::{DateTime, NaiveDate, Utc};
use huifang_domain::dashboard::{CSAT_DROP_POINTS, DashboardFilter};
use huifang_domain::period::{Period, PeriodKind};
use huifang_domain::{Channel, VisitType};
use uuid::Uuid;

use super::Store;

pub(super) async fn workload(store: &Store, agent: Uuid, now: DateTime<Utc>) {
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let filters = [
        DashboardFilter::default(),
        DashboardFilter {
            visit_type: Some(VisitType::Complaint),
            channel: Some(Channel::Phone),
            agent: None,
        },
        DashboardFilter {
            visit_type: Some(VisitType::Repair),
            channel: None,
            agent: Some(agent),
        },
        DashboardFilter {
            agent: Some(agent),
            ..DashboardFilter::default()
        },
    ];
    for kind in [PeriodKind::Month, PeriodKind::Year] {
        let period = Period::containing(kind, day);
        for filter in filters {
            store
                .dashboard_satisfaction(period, filter, now, CSAT_DROP_POINTS)
                .await
                .unwrap();
            store.dashboard_visits(period, filter).await.unwrap();
        }
        store.dashboard_revisits(period).await.unwrap();
        store.dashboard_backlog(period, now).await.unwrap();
        store.dashboard_agents(period).await.unwrap();
    }
    assert!(store.user_exists(agent).await.unwrap());
    store
        .csat_drop_warning(now, CSAT_DROP_POINTS)
        .await
        .unwrap();
}
