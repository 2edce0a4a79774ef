//! The statistics' statements (`store::stats`, the tickets' drill-down) for the query-plan
//! test: the table for a month and a year, the risk spikes, an action saved, the drill-down.

use chrono::Duration;
use huifang_domain::period::{Period, PeriodKind};

use super::{Ctx, TicketFilter, now, page};
use crate::service::stats::ActionEdit;

pub(super) async fn stats(c: &mut Ctx) {
    let s = &c.store;
    let today = now().date_naive();
    let month = Period::containing(PeriodKind::Month, today);
    for kind in [PeriodKind::Month, PeriodKind::Year] {
        let p = Period::containing(kind, today);
        s.feedback_stats(p, (p.start_utc(480), p.end_utc(480)))
            .await
            .unwrap();
    }
    s.risk_spikes(now(), 480).await.unwrap();
    let edit = ActionEdit::parse(
        month,
        "slow_response".into(),
        "script",
        "统一首问话术".into(),
        "open",
        0,
    )
    .unwrap();
    s.save_stats_action(c.supervisor.clone(), edit, now())
        .await
        .unwrap();
    let next = month.next();
    s.feedback_stats(next, (next.start_utc(480), next.end_utc(480)))
        .await
        .unwrap();
    let drill = TicketFilter {
        sub_problem: Some("slow_response"),
        created: Some((now() - Duration::days(30), now() + Duration::days(1))),
        ..TicketFilter::default()
    };
    for user in [&c.field, &c.supervisor] {
        let first = s
            .list_tickets(user.clone(), drill, page(1, None), now())
            .await
            .unwrap();
        s.list_tickets(user.clone(), drill, page(1, first.next), now())
            .await
            .unwrap();
    }
}
