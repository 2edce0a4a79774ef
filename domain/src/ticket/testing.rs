//! Fixtures the ticket rules' tests share.

use uuid::Uuid;

use super::intake::TicketIntake;
use super::vocabulary::{DemandKind, IntakeChannel, Nature};
use crate::auth::{Role, User};
use crate::vocabulary::Emotion;

pub(crate) fn user(id: u128, role: Role) -> User {
    User {
        id: Uuid::from_u128(id),
        username: format!("u{id}"),
        display_name: format!("用户{id}"),
        role,
        agent_no: String::new(),
    }
}

/// An angry customer's product fault, found on a visit: priority high, routed to quality.
pub(crate) fn intake() -> TicketIntake {
    TicketIntake {
        customer_id: Some(Uuid::from_u128(7)),
        reporter: "王女士".into(),
        contact: Some("13812345678".into()),
        channel: IntakeChannel::Visit,
        nature: Nature::Product,
        sub_problem: "quality_defect".into(),
        description: "空调不制冷".into(),
        emotion: Some(Emotion::Angry),
        demand: DemandKind::Compensation,
        personal_injury: false,
        property_loss: false,
        visit_id: None,
        duplicate_of: None,
    }
}

/// A ticket just opened for [`intake`] under the default rules.
pub(crate) fn ticket() -> super::Ticket {
    use super::{GradingRules, OpeningRules, RoutingMap, open_ticket};
    use crate::sla::SlaPolicy;
    use chrono::TimeZone;
    let rules = (
        GradingRules::default(),
        RoutingMap::default(),
        SlaPolicy::default(),
    );
    let opening = OpeningRules {
        grading: &rules.0,
        routing: &rules.1,
        sla: &rules.2,
    };
    let at = chrono::Utc.with_ymd_and_hms(2026, 11, 1, 2, 0, 0).unwrap();
    open_ticket(
        Uuid::from_u128(9),
        &intake(),
        Default::default(),
        opening,
        &user(1, Role::Agent),
        at,
    )
    .ticket
}
