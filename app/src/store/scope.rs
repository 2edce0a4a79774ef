//! What the device keeps (issue 10): the server's pulls bring what its user acts on and say
//! what left their scope (`dropped`); a settled ticket also leaves by time alone
//! (`huifang_domain::scope::ages_out`). Neither ever removes a record with a change still
//! queued for the server: that change would lose the copy the screens lay it over.

use chrono::{DateTime, Utc};
use huifang_domain::scope::ages_out;
use huifang_domain::ticket::Ticket;
use huifang_domain::{Dropped, Mutation};
use uuid::Uuid;

use super::{Backend, LocalStore, keys};

/// Whether a queued mutation changes the record `id`: a ticket's own updates, or a visit
/// made for a task.
fn touches(m: &Mutation, id: Uuid) -> bool {
    let task = m
        .data
        .get("task_id")
        .and_then(|v| v.as_str())
        .and_then(|s| Uuid::parse_str(s).ok());
    m.id == id || task == Some(id)
}

impl<B: Backend> LocalStore<B> {
    fn queued_for(&self, owner: Uuid) -> Vec<Mutation> {
        self.outbox(owner).into_iter().map(|e| e.mutation).collect()
    }

    /// Removes the tickets and tasks a pull dropped, except those `owner` still has changes
    /// of queued.
    pub fn apply_dropped(&self, owner: Uuid, dropped: &Dropped) {
        if dropped.tickets.is_empty() && dropped.tasks.is_empty() {
            return;
        }
        let queued = self.queued_for(owner);
        let free = |id: Uuid| !queued.iter().any(|m| touches(m, id));
        for &id in dropped.tickets.iter().filter(|&&id| free(id)) {
            self.remove(&keys::ticket(id));
        }
        for &id in dropped.tasks.iter().filter(|&&id| free(id)) {
            self.remove(&keys::task(id));
        }
    }

    /// Removes the settled tickets that have been quiet for a week (no pull would drop them:
    /// nothing changes); returns how many.
    pub fn forget_settled_tickets(&self, owner: Uuid, now: DateTime<Utc>) -> usize {
        let aged: Vec<Ticket> = self
            .tickets()
            .into_iter()
            .filter(|t| ages_out(t, now))
            .collect();
        if aged.is_empty() {
            return 0;
        }
        let queued = self.queued_for(owner);
        let mut n = 0;
        for t in aged
            .iter()
            .filter(|t| !queued.iter().any(|m| touches(m, t.id)))
        {
            self.remove(&keys::ticket(t.id));
            n += 1;
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};
    use huifang_domain::sla::SlaPolicy;
    use huifang_domain::task::{Priority, TaskSource, TaskStatus, VisitTask};
    use huifang_domain::ticket::{
        DemandKind, GradingRules, IntakeChannel, Nature, OpeningRules, RoutingMap, TicketIntake,
        TicketState, open_ticket,
    };
    use huifang_domain::{Channel, MutationKind, Role, User, VisitType};
    use serde_json::json;

    use super::super::memory::MemoryBackend;
    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
    }

    fn new_id() -> Uuid {
        Uuid::from_u128(0xD0)
    }

    fn me() -> User {
        User {
            id: Uuid::from_u128(1),
            username: "field".into(),
            display_name: "李明".into(),
            role: Role::Field,
            agent_no: "F001".into(),
        }
    }

    fn ticket(id: u128, state: TicketState, days_ago: i64) -> Ticket {
        let intake = TicketIntake {
            customer_id: Some(Uuid::from_u128(7)),
            reporter: "王女士".into(),
            contact: None,
            channel: IntakeChannel::Hotline,
            nature: Nature::Service,
            sub_problem: "attitude".into(),
            description: "态度不好".into(),
            emotion: None,
            demand: DemandKind::Improvement,
            personal_injury: false,
            property_loss: false,
            visit_id: None,
            duplicate_of: None,
        };
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
        let at = now() - Duration::days(days_ago);
        let mut t = open_ticket(
            Uuid::from_u128(id),
            &intake,
            Default::default(),
            opening,
            &me(),
            at,
        )
        .ticket;
        t.state = state;
        t
    }

    fn task(id: u128) -> VisitTask {
        VisitTask {
            id: Uuid::from_u128(id),
            customer_id: Uuid::from_u128(7),
            assignee: me().id,
            visit_type: VisitType::Repair,
            planned_channel: Channel::Phone,
            priority: Priority::Normal,
            due_from: now(),
            due_until: now(),
            attempt: 1,
            source: TaskSource::Plan,
            status: TaskStatus::Open,
            note: String::new(),
            retry_reason: None,
            version: 1,
        }
    }

    fn store() -> LocalStore<MemoryBackend> {
        LocalStore::new(MemoryBackend::default(), new_id, now)
    }

    #[test]
    fn dropped_records_leave_unless_a_change_of_them_is_queued() {
        let s = store();
        let tickets = [
            ticket(10, TicketState::InProgress, 1),
            ticket(11, TicketState::InProgress, 1),
        ];
        s.put_tickets(&tickets).unwrap();
        s.put_tasks(&[task(20), task(21)]).unwrap();
        s.queue(
            &me(),
            Uuid::from_u128(11),
            MutationKind::TicketUpdate,
            json!({"note": "已联系"}),
            now(),
        )
        .unwrap();
        s.queue(
            &me(),
            Uuid::from_u128(30),
            MutationKind::VisitRecord,
            json!({"task_id": Uuid::from_u128(21)}),
            now(),
        )
        .unwrap();
        let dropped = Dropped {
            tickets: vec![Uuid::from_u128(10), Uuid::from_u128(11)],
            tasks: vec![Uuid::from_u128(20), Uuid::from_u128(21)],
        };
        s.apply_dropped(me().id, &dropped);
        let held: Vec<Uuid> = s.tickets().iter().map(|t| t.id).collect();
        assert_eq!(held, [Uuid::from_u128(11)]);
        let tasks: Vec<Uuid> = s.tasks().iter().map(|t| t.id).collect();
        assert_eq!(tasks, [Uuid::from_u128(21)]);
    }

    #[test]
    fn a_settled_ticket_leaves_after_a_quiet_week() {
        let s = store();
        s.put_tickets(&[
            ticket(10, TicketState::Closed, 30),
            ticket(11, TicketState::Closed, 2),
            ticket(12, TicketState::InProgress, 30),
            ticket(13, TicketState::Closed, 30),
        ])
        .unwrap();
        s.queue(
            &me(),
            Uuid::from_u128(13),
            MutationKind::TicketUpdate,
            json!({"note": "补充"}),
            now(),
        )
        .unwrap();
        assert_eq!(s.forget_settled_tickets(me().id, now()), 1);
        let mut held: Vec<Uuid> = s.tickets().iter().map(|t| t.id).collect();
        held.sort();
        let want: Vec<Uuid> = [11, 12, 13].map(Uuid::from_u128).to_vec();
        assert_eq!(held, want);
    }
}
