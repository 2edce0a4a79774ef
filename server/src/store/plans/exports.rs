//! The exports' keyset walks (`store::export`) for the query-plan test: each page is a range
//! of `visits_contacted` or `tickets_created` (migration 0020), never a scan of the period.

use chrono::Duration;
use huifang_domain::{Channel, VisitType};

use super::{Ctx, now};
use crate::store::VisitExportQuery;

pub(super) async fn exports(c: &mut Ctx) {
    let (start, end) = (now() - Duration::days(30), now() + Duration::days(1));
    let filtered = VisitExportQuery {
        start,
        end,
        agent: Some(c.field.id),
        visit_type: Some(VisitType::AfterSales),
        channel: Some(Channel::Phone),
    };
    let all = VisitExportQuery {
        agent: None,
        visit_type: None,
        channel: None,
        ..filtered.clone()
    };
    let (visits, tickets) = c
        .store
        .export_read(move |r| {
            let mut visits = r.visits(&all, |_| Ok(()))?;
            visits += r.visits(&filtered, |_| Ok(()))?;
            let tickets = r.tickets(start, end, now(), |_| Ok(()))?;
            Ok((visits, tickets))
        })
        .await
        .unwrap();
    assert!(visits > 0 && tickets > 0, "the workload exported rows");
}
