//! 工单 on the device: the rules it grades and times tickets with offline, how the queued
//! creates and changes show before the server has them, the list's filters and the intake
//! form. The ticket rules themselves (opening, changing, who may do what) are the domain's,
//! the same functions the server decides with. Plain functions, tested natively; the screens
//! live beside this file in `tickets/`.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use huifang_domain::calendar::BusinessCalendar;
use huifang_domain::sla::{ClockRecord, ClockRule, ClockState, ClockView, SlaPolicy};
pub use huifang_domain::ticket::{
    ActionInput, UserAction as UiAction, allowed_actions, awaits_review, build_update, is_escalated,
};
use huifang_domain::ticket::{
    DUPLICATE_WINDOW_DAYS, DuplicateKey, Edit, Grade, GradingRules, NewAssignee, OpeningRules,
    RoutingMap, Ticket, TicketIntake, TicketUpdate, likely_duplicate, open_ticket,
};
use huifang_domain::{Mutation, MutationKind, Role, User, WireName};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the device grades, routes and times tickets with: the organisation's rules as last
/// pulled, or the documented defaults (the server decides with the same code either way).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TicketRules {
    #[serde(default)]
    pub grading: GradingRules,
    #[serde(default)]
    pub sla: SlaPolicy,
    #[serde(default)]
    pub calendar: BusinessCalendar,
    #[serde(default)]
    pub routing: RoutingMap,
    /// When the device last read them from the server.
    #[serde(default)]
    pub fetched_at: Option<DateTime<Utc>>,
}

impl TicketRules {
    /// Picks the ticket rules out of a settings object, under the names the server may use;
    /// what is missing or unreadable stays at its default.
    pub fn from_settings(settings: &serde_json::Value) -> Self {
        fn pick<T: serde::de::DeserializeOwned + Default>(
            v: &serde_json::Value,
            names: &[&str],
        ) -> T {
            names
                .iter()
                .find_map(|n| crate::json::from_value(v.get(*n)?).ok())
                .unwrap_or_default()
        }
        TicketRules {
            grading: pick(settings, &["grading_rules", "grading"]),
            sla: pick(settings, &["sla_policy", "sla"]),
            calendar: pick(settings, &["calendar", "business_calendar"]),
            routing: pick(settings, &["routing", "routing_map"]),
            fetched_at: None,
        }
    }

    /// The grade the device suggests for an intake (the server counts repeats; the device
    /// passes what it knows, i.e. nothing).
    pub fn suggest(&self, intake: &TicketIntake) -> Grade {
        self.grading.grade(&intake.facts(BTreeMap::new()))
    }

    /// The rule a clock of this ticket runs under: the one for its grade, or (if the policy
    /// changed since the clock started) the first of its kind.
    pub fn clock_rule(&self, ticket: &Ticket, record: &ClockRecord) -> Option<&ClockRule> {
        self.sla
            .clocks_for(ticket.grade.impact, ticket.grade.priority)
            .into_iter()
            .find(|r| r.kind == record.kind)
            .or_else(|| self.sla.rules.iter().find(|r| r.kind == record.kind))
    }

    /// Every clock of the ticket as it stands at `now`.
    pub fn clocks(&self, ticket: &Ticket, now: DateTime<Utc>) -> Vec<ClockView> {
        ticket
            .clocks
            .iter()
            .filter_map(|c| Some(c.view(self.clock_rule(ticket, c)?, &self.calendar, now)))
            .collect()
    }
}

/// How pressing a clock is, most pressing first; the list shows the most pressing one.
fn urgency(v: &ClockView) -> (u8, DateTime<Utc>) {
    let rank = match v.state {
        ClockState::Breached => 0,
        ClockState::Warning => 1,
        ClockState::Running => 2,
        ClockState::Paused => 3,
        ClockState::Met => 4,
    };
    (rank, v.due_at)
}

pub fn most_urgent(views: &[ClockView]) -> Option<&ClockView> {
    views.iter().min_by_key(|v| urgency(v))
}

/// A ticket as the device shows it: the server's copy with this user's queued changes laid
/// over it, or a ticket only this device knows yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownTicket {
    pub ticket: Ticket,
    /// Created here and not yet on the server (待同步).
    pub local: bool,
    /// Changes queued on this device that the server has not confirmed.
    pub pending: usize,
}

/// The ticket a queued `ticket.create` stands for until the server answers: graded, routed
/// and timed by the device's rules, state new.
pub fn local_ticket(rules: &TicketRules, m: &Mutation, me: &User) -> Option<Ticket> {
    if m.kind != MutationKind::TicketCreate.as_str() {
        return None;
    }
    let intake: TicketIntake = crate::json::from_value(&m.data).ok()?;
    let opening = OpeningRules {
        grading: &rules.grading,
        routing: &rules.routing,
        sla: &rules.sla,
    };
    let mut ticket = open_ticket(m.id, &intake, BTreeMap::new(), opening, me, m.at).ticket;
    ticket.intake.contact = intake.contact.as_deref().map(huifang_domain::mask_contact);
    // A link to a ticket this device does not have stays marked, so it is not offered as a
    // duplicate target itself.
    ticket.intake.duplicate_of = intake.duplicate_of;
    Some(ticket)
}

/// Lays one queued `ticket.update` over the ticket as the server will most likely apply it
/// (the same domain function, with the device's rules and the time the change was made). A
/// change the server would refuse leaves the ticket as it is.
pub fn apply_update(
    ticket: &mut Ticket,
    update: &TicketUpdate,
    rules: &TicketRules,
    me: &User,
    at: DateTime<Utc>,
) {
    let edit = Edit {
        by: me,
        edited_at: at,
        now: at,
        new_assignee: NewAssignee::Unchecked,
        sla: &rules.sla,
    };
    if let Ok(updated) = huifang_domain::ticket::apply_update(ticket, update, &edit) {
        *ticket = updated.ticket;
    }
}

/// The tickets this device shows: every cached server ticket with `me`'s queued changes laid
/// over it, then `me`'s tickets that are not on the server yet, newest first.
pub fn shown_tickets(
    rules: &TicketRules,
    cached: Vec<Ticket>,
    queue: &[Mutation],
    me: &User,
) -> Vec<ShownTicket> {
    let mut out: Vec<ShownTicket> = cached
        .into_iter()
        .map(|ticket| ShownTicket {
            ticket,
            local: false,
            pending: 0,
        })
        .collect();
    for m in queue {
        if m.kind == MutationKind::TicketCreate.as_str() {
            if out.iter().any(|t| t.ticket.id == m.id) {
                continue;
            }
            // Another report of a ticket the device has: counted there, not shown twice.
            let linked = crate::json::from_value::<TicketIntake>(&m.data)
                .ok()
                .and_then(|i| Some((i.duplicate_of?, i.channel)));
            if let Some((target, channel)) = linked
                && let Some(t) = out.iter_mut().find(|t| t.ticket.id == target)
                && t.ticket.add_report(channel, me, m.at)
            {
                t.pending += 1;
                continue;
            }
            if let Some(ticket) = local_ticket(rules, m, me) {
                out.push(ShownTicket {
                    ticket,
                    local: true,
                    pending: 1,
                });
            }
        } else if m.kind == MutationKind::TicketUpdate.as_str()
            && let Ok(update) = crate::json::from_value::<TicketUpdate>(&m.data)
            && let Some(t) = out.iter_mut().find(|t| t.ticket.id == m.id)
        {
            apply_update(&mut t.ticket, &update, rules, me, m.at);
            t.pending += 1;
        }
    }
    crate::sorting::sort_by_key(&mut out, |t| std::cmp::Reverse(last_change(&t.ticket)));
    out
}

fn last_change(t: &Ticket) -> DateTime<Utc> {
    t.timeline
        .iter()
        .map(|e| e.at)
        .max()
        .unwrap_or(t.created_at)
}

/// The list's filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// Assigned to me or reported by me.
    Mine,
    /// Every ticket this device knows (supervisors get every ticket in pull).
    All,
    /// A clock ran out: the supervisors' queue.
    Escalated,
    /// Resolved and not yet signed off.
    AwaitingReview,
}

impl Filter {
    pub fn as_str(self) -> &'static str {
        match self {
            Filter::Mine => "mine",
            Filter::All => "all",
            Filter::Escalated => "escalated",
            Filter::AwaitingReview => "review",
        }
    }

    /// The list a role opens on: the queue it acts on. Front-line staff work their own
    /// tickets; supervisors own escalations (DOMAIN.md: urgent tickets and breached clocks
    /// go to them); admins analyse and stand in, so they start from everything.
    pub fn default_for(role: Role) -> Filter {
        match role {
            Role::Agent | Role::Field => Filter::Mine,
            Role::Supervisor => Filter::Escalated,
            Role::Admin => Filter::All,
        }
    }
}

pub fn matches(filter: Filter, t: &ShownTicket, views: &[ClockView], me: Uuid) -> bool {
    match filter {
        Filter::Mine => {
            t.local || t.ticket.assignee == Some(me) || t.ticket.reported_by() == Some(me)
        }
        Filter::All => true,
        Filter::Escalated => is_escalated(&t.ticket, views),
        Filter::AwaitingReview => awaits_review(&t.ticket),
    }
}

/// Cached tickets that are likely the same report as the intake being written (offline
/// duplicate check), open ones only.
pub fn offline_duplicates<'a>(
    intake: &TicketIntake,
    tickets: &'a [ShownTicket],
    now: DateTime<Utc>,
) -> Vec<&'a Ticket> {
    let key = DuplicateKey {
        customer_id: intake.customer_id,
        contact: intake.contact.as_deref().filter(|c| !c.trim().is_empty()),
        sub_problem: &intake.sub_problem,
        reported_at: now,
    };
    let window = Duration::days(DUPLICATE_WINDOW_DAYS);
    tickets
        .iter()
        .map(|t| &t.ticket)
        .filter(|t| t.state.is_open() && t.intake.duplicate_of.is_none())
        .filter(|t| {
            let other = DuplicateKey {
                customer_id: t.intake.customer_id,
                contact: t.intake.contact.as_deref(),
                sub_problem: &t.intake.sub_problem,
                reported_at: t.created_at,
            };
            likely_duplicate(&key, &other, window)
        })
        .collect()
}

/// The intake form as typed: strings and flags, turned into a [`TicketIntake`] on save.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IntakeDraft {
    pub customer_id: String,
    pub anonymous: bool,
    pub reporter: String,
    pub contact: String,
    pub channel: String,
    pub nature: String,
    pub sub_problem: String,
    pub description: String,
    pub emotion: String,
    pub demand: String,
    pub personal_injury: bool,
    pub property_loss: bool,
    pub visit_id: Option<Uuid>,
    pub duplicate_of: Option<Uuid>,
}

/// The wire name of a closed-set value (`"hotline"`), as the form's `<select>` holds it.
pub fn wire<T: WireName>(v: T) -> String {
    v.wire_name().to_owned()
}

/// A form's `<select>` value read back; `None` for nothing chosen.
pub fn from_wire<T: WireName>(s: &str) -> Option<T> {
    T::from_wire_name(s)
}

impl IntakeDraft {
    /// The draft of a ticket found on a visit: the customer, their words, emotion and demand.
    pub fn from_visit(id: Uuid, record: &huifang_domain::VisitRecord, name: &str) -> Self {
        IntakeDraft {
            customer_id: record.customer_id.to_string(),
            reporter: name.to_owned(),
            channel: wire(huifang_domain::ticket::IntakeChannel::Visit),
            description: record.verbatim.clone(),
            emotion: record.emotion.map(wire).unwrap_or_default(),
            demand: record
                .demand
                .map(|d| wire(huifang_domain::ticket::DemandKind::from_visit(d)))
                .unwrap_or_default(),
            visit_id: Some(id),
            ..IntakeDraft::default()
        }
    }

    /// The intake, or the first field that is missing or wrong (in form order).
    pub fn to_intake(&self) -> Result<TicketIntake, huifang_domain::ValidationError> {
        use huifang_domain::{ValidationError, ValidationKind::Required};
        let required = |field: &'static str, msg: &str| ValidationError::new(field, Required, msg);
        let channel = from_wire(&self.channel).ok_or_else(|| required("channel", "channel"))?;
        let nature = from_wire(&self.nature).ok_or_else(|| required("nature", "nature"))?;
        if self.sub_problem.is_empty() {
            return Err(required("sub_problem", "sub-problem"));
        }
        let demand = from_wire(&self.demand).ok_or_else(|| required("demand", "demand"))?;
        let trimmed = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let intake = TicketIntake {
            customer_id: if self.anonymous {
                None
            } else {
                Uuid::parse_str(&self.customer_id).ok()
            },
            reporter: if self.anonymous {
                String::new()
            } else {
                self.reporter.trim().to_owned()
            },
            contact: if self.anonymous {
                None
            } else {
                trimmed(&self.contact)
            },
            channel,
            nature,
            sub_problem: self.sub_problem.clone(),
            description: self.description.trim().to_owned(),
            emotion: from_wire(&self.emotion),
            demand,
            personal_injury: self.personal_injury,
            property_loss: self.property_loss,
            visit_id: self.visit_id,
            duplicate_of: self.duplicate_of,
        };
        intake.validate()?;
        Ok(intake)
    }

    /// What the grade suggestion sees while the form is still incomplete: the flags and
    /// choices made so far.
    pub fn partial(&self) -> Option<TicketIntake> {
        Some(TicketIntake {
            customer_id: None,
            reporter: String::new(),
            contact: None,
            channel: from_wire(&self.channel)
                .unwrap_or(huifang_domain::ticket::IntakeChannel::Hotline),
            nature: from_wire(&self.nature)?,
            sub_problem: self.sub_problem.clone(),
            description: String::new(),
            emotion: from_wire(&self.emotion),
            demand: from_wire(&self.demand)
                .unwrap_or(huifang_domain::ticket::DemandKind::Improvement),
            personal_injury: self.personal_injury,
            property_loss: self.property_loss,
            visit_id: None,
            duplicate_of: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use huifang_domain::Emotion;
    use huifang_domain::sla::ClockKind;
    use huifang_domain::ticket::{
        DemandKind, Impact, IntakeChannel, Nature, TicketPriority, TicketState, TimelineEvent,
    };

    fn now() -> DateTime<Utc> {
        // A Monday, 10:00 in UTC+8.
        Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
    }

    fn me() -> User {
        User {
            id: Uuid::from_u128(1),
            username: "li".into(),
            display_name: "李娜".into(),
            role: Role::Agent,
            agent_no: "A01".into(),
        }
    }

    fn intake() -> TicketIntake {
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

    fn mutation(seq: u64, id: u128, kind: MutationKind, data: serde_json::Value) -> Mutation {
        Mutation {
            seq,
            id: Uuid::from_u128(id),
            kind: kind.as_str().into(),
            at: now() + Duration::minutes(seq as i64),
            data,
        }
    }

    fn create(id: u128) -> Mutation {
        mutation(
            1,
            id,
            MutationKind::TicketCreate,
            serde_json::to_value(intake()).unwrap(),
        )
    }

    #[test]
    fn a_visit_prefills_the_intake_and_the_draft_becomes_a_valid_intake() {
        let mut record = huifang_domain::VisitRecord::new(
            Uuid::from_u128(7),
            huifang_domain::Channel::Phone,
            huifang_domain::VisitType::Repair,
            huifang_domain::Outcome::Reached,
            now(),
        );
        record.verbatim = "师傅没修好就走了".into();
        record.emotion = Some(Emotion::Angry);
        record.demand = Some(huifang_domain::Demand::Exchange);
        let mut d = IntakeDraft::from_visit(Uuid::from_u128(3), &record, "王女士");
        assert_eq!(d.channel, "visit");
        assert_eq!(d.demand, "compensation");
        assert_eq!(d.emotion, "angry");
        assert_eq!(d.to_intake().unwrap_err().field, "nature");
        d.nature = "service".into();
        assert_eq!(d.to_intake().unwrap_err().field, "sub_problem");
        d.sub_problem = "design".into();
        assert_eq!(d.to_intake().unwrap_err().field, "sub_problem");
        d.sub_problem = "shirking".into();
        let intake = d.to_intake().unwrap();
        assert_eq!(intake.customer_id, Some(Uuid::from_u128(7)));
        assert_eq!(intake.visit_id, Some(Uuid::from_u128(3)));
        assert!(!intake.is_anonymous());
        d.anonymous = true;
        d.contact = "13800000000".into();
        let anon = d.to_intake().unwrap();
        assert!(anon.is_anonymous());
        assert_eq!(anon.reporter, "");
        d.description = "  ".into();
        assert_eq!(d.to_intake().unwrap_err().field, "description");
    }

    #[test]
    fn the_suggestion_follows_the_flags_before_the_form_is_complete() {
        let rules = TicketRules::default();
        let mut d = IntakeDraft::default();
        assert!(d.partial().is_none());
        d.nature = "experience".into();
        d.property_loss = true;
        let g = rules.suggest(&d.partial().unwrap());
        assert_eq!(
            (g.impact, g.priority),
            (Impact::Urgent, TicketPriority::High)
        );
        assert_eq!(g.fired, vec!["injury_or_loss"]);
        assert_eq!(wire(TicketState::InProgress), "in_progress");
        assert_eq!(from_wire::<Nature>("product"), Some(Nature::Product));
    }

    #[test]
    fn a_queued_intake_shows_as_a_graded_routed_timed_local_ticket() {
        let rules = TicketRules::default();
        let t = local_ticket(&rules, &create(9), &me()).unwrap();
        assert_eq!(t.state, TicketState::New);
        assert_eq!(t.grade.priority, TicketPriority::High);
        assert_eq!(t.grade.fired, vec!["strong_complaint", "affects_use"]);
        assert_eq!(t.department.as_deref(), Some("quality"));
        assert_eq!(t.intake.contact.as_deref(), Some("138****5678"));
        let kinds: Vec<ClockKind> = t.clocks.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, vec![ClockKind::Resolve, ClockKind::Escalate]);
        let views = rules.clocks(&t, now() + Duration::hours(1));
        assert_eq!(views.len(), 2);
        assert!(views.iter().all(|v| v.state == ClockState::Running));
    }

    #[test]
    fn rules_come_from_settings_or_fall_back_to_the_defaults() {
        let mut custom = TicketRules::default();
        custom
            .routing
            .by_nature
            .insert(Nature::Product, "r_and_d".into());
        let settings = serde_json::json!({
            "company": "x",
            "routing": serde_json::to_value(&custom.routing).unwrap(),
            "sla_policy": {"rules": "broken"},
        });
        let got = TicketRules::from_settings(&settings);
        assert_eq!(got.routing, custom.routing);
        assert_eq!(got.sla, SlaPolicy::default());
        assert_eq!(got.grading, GradingRules::default());
    }

    #[test]
    fn queued_updates_lay_over_the_cached_ticket_in_order() {
        let rules = TicketRules::default();
        let server = local_ticket(&rules, &create(9), &me()).unwrap();
        let boss = Uuid::from_u128(5);
        let assign = build_update(
            &server,
            UiAction::Assign,
            &ActionInput {
                assignee: Some(boss),
                ..ActionInput::default()
            },
        );
        let note = build_update(
            &server,
            UiAction::Note,
            &ActionInput {
                note: " 已联系客户 ".into(),
                ..ActionInput::default()
            },
        );
        let queue = vec![
            mutation(
                2,
                9,
                MutationKind::TicketUpdate,
                serde_json::to_value(&assign).unwrap(),
            ),
            mutation(
                3,
                9,
                MutationKind::TicketUpdate,
                serde_json::to_value(&note).unwrap(),
            ),
            // An update of a ticket the device does not have is not shown anywhere.
            mutation(
                4,
                10,
                MutationKind::TicketUpdate,
                serde_json::to_value(&note).unwrap(),
            ),
        ];
        let shown = shown_tickets(&rules, vec![server.clone()], &queue, &me());
        assert_eq!(shown.len(), 1);
        let t = &shown[0];
        assert!(!t.local);
        assert_eq!(t.pending, 2);
        assert_eq!(t.ticket.state, TicketState::Assigned);
        assert_eq!(t.ticket.assignee, Some(boss));
        let events: Vec<&TimelineEvent> = t.ticket.timeline.iter().map(|e| &e.event).collect();
        assert!(matches!(
            events[1],
            TimelineEvent::State {
                to: TicketState::Assigned,
                ..
            }
        ));
        assert_eq!(
            events[2],
            &TimelineEvent::Note {
                text: "已联系客户".into()
            }
        );
    }

    #[test]
    fn a_create_the_server_already_has_is_not_shown_twice() {
        let rules = TicketRules::default();
        let server = local_ticket(&rules, &create(9), &me()).unwrap();
        let shown = shown_tickets(&rules, vec![server], &[create(9), create(11)], &me());
        assert_eq!(shown.len(), 2);
        assert_eq!(shown.iter().filter(|t| t.local).count(), 1);
    }

    #[test]
    fn a_report_linked_to_a_known_ticket_is_counted_there() {
        let rules = TicketRules::default();
        let server = local_ticket(&rules, &create(9), &me()).unwrap();
        let mut again = intake();
        again.channel = IntakeChannel::Hotline;
        again.duplicate_of = Some(Uuid::from_u128(9));
        let m = mutation(
            2,
            12,
            MutationKind::TicketCreate,
            serde_json::to_value(&again).unwrap(),
        );
        let shown = shown_tickets(&rules, vec![server], &[m], &me());
        assert_eq!(shown.len(), 1);
        assert_eq!((shown[0].ticket.reports, shown[0].pending), (2, 1));
        assert_eq!(
            shown[0].ticket.timeline.last().unwrap().event,
            TimelineEvent::Report {
                channel: IntakeChannel::Hotline
            }
        );
    }

    #[test]
    fn the_most_urgent_clock_is_the_one_that_ran_out() {
        let rules = TicketRules::default();
        let mut t = local_ticket(&rules, &create(9), &me()).unwrap();
        // Escalate (24 h around the clock) runs out after a day; Resolve (24 working hours)
        // does not.
        let later = now() + Duration::hours(25);
        let views = rules.clocks(&t, later);
        let top = most_urgent(&views).unwrap();
        assert_eq!(
            (top.kind, top.state),
            (ClockKind::Escalate, ClockState::Breached)
        );
        assert!(is_escalated(&t, &views));
        t.clocks.iter_mut().for_each(|c| c.met_at = Some(now()));
        let views = rules.clocks(&t, later);
        assert!(views.iter().all(|v| v.state == ClockState::Met));
        assert!(!is_escalated(&t, &views));
    }

    #[test]
    fn each_role_opens_the_ticket_list_on_the_queue_it_acts_on() {
        for (role, want) in [
            (Role::Agent, Filter::Mine),
            (Role::Field, Filter::Mine),
            (Role::Supervisor, Filter::Escalated),
            (Role::Admin, Filter::All),
        ] {
            assert_eq!(Filter::default_for(role), want, "{role:?}");
        }
    }

    #[test]
    fn filters_pick_mine_escalated_and_awaiting_review() {
        let rules = TicketRules::default();
        let t = local_ticket(&rules, &create(9), &me()).unwrap();
        let other = Uuid::from_u128(3);
        let mut shown = ShownTicket {
            ticket: t,
            local: false,
            pending: 0,
        };
        assert!(matches(Filter::Mine, &shown, &[], me().id));
        assert!(!matches(Filter::Mine, &shown, &[], other));
        assert!(matches(Filter::All, &shown, &[], other));
        assert!(!matches(Filter::AwaitingReview, &shown, &[], other));
        shown.ticket.state = TicketState::Resolved;
        shown.ticket.resolution = Some("已处理".into());
        assert!(matches(Filter::AwaitingReview, &shown, &[], other));
    }

    #[test]
    fn offline_duplicates_are_the_same_customer_and_problem_within_a_week() {
        let rules = TicketRules::default();
        let t = local_ticket(&rules, &create(9), &me()).unwrap();
        let shown = vec![ShownTicket {
            ticket: t,
            local: false,
            pending: 0,
        }];
        let mut again = intake();
        again.channel = IntakeChannel::Hotline;
        assert_eq!(
            offline_duplicates(&again, &shown, now() + Duration::days(2)).len(),
            1
        );
        assert!(offline_duplicates(&again, &shown, now() + Duration::days(8)).is_empty());
        again.sub_problem = "design".into();
        assert!(offline_duplicates(&again, &shown, now()).is_empty());
        let mut stranger = intake();
        stranger.customer_id = Some(Uuid::from_u128(8));
        assert!(offline_duplicates(&stranger, &shown, now()).is_empty());
        let _ = Impact::General;
    }
}
