//! 回访: which resolved cases are revisited, what a revisit found, and the coverage of the
//! revisit targets.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::Role;
use crate::customer::CustomerClass;
use crate::visit::VisitRecord;
use crate::vocabulary::{Outcome, VisitType};

use super::vocabulary::{Impact, Nature};
use crate::wire::wire_enum;

/// The kind of case a ticket of this nature is revisited as: product faults are repairs, the
/// rest complaints (the two kinds with a revisit target).
pub fn revisit_kind(nature: Nature) -> VisitType {
    match nature {
        Nature::Product => VisitType::Repair,
        Nature::Service | Nature::Experience => VisitType::Complaint,
    }
}

/// 回访目标: the share of resolved cases of each kind that get a revisit (DOMAIN.md: complaints
/// 50 %, repairs 30 %, events 10 %, key customers 100 %); admins change them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisitTargets {
    pub percent_by_type: BTreeMap<VisitType, u8>,
    /// Key customers (class A or VIP) are always revisited.
    pub key_customers_percent: u8,
    /// Who revisits a ticket of each grade (impact); a grade not listed: its handler. Rule
    /// sets stored before this existed have none, and keep that behaviour.
    #[serde(default)]
    pub revisitors: BTreeMap<Impact, Revisitor>,
}

/// Who revisits a resolved ticket of one grade (the handbooks: general complaints by an
/// assistant, important ones by the department supervisor, key ones by a manager).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case", deny_unknown_fields)]
pub enum Revisitor {
    /// Whoever handled it: the assignee, else the visitor who found the problem, else the
    /// reporter; the first of them who may do the revisit.
    #[default]
    Handler,
    /// A named person, such as the department supervisor or the manager.
    Person { user: Uuid },
}

/// What a revisit rule needs to know of a person it names or tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staff {
    pub role: Role,
    pub disabled: bool,
}

impl Staff {
    /// A revisit is a visit task: its assignee must be able to record it.
    pub fn may_revisit(self) -> bool {
        !self.disabled && self.role.can_record_visits()
    }
}

/// Who does a revisit: the grade's [`Revisitor`] tried against what `staff` knows of each
/// candidate (`None`: no such user). `handlers` (the assignee, the visitor who found the
/// problem, the reporter, in that order) is only asked for when the rule is
/// [`Revisitor::Handler`]. `None` when nobody may do it: the supervisor then decides
/// ([`AfterResolve::Escalate`]), as for a named person who has since left or changed role.
pub fn pick_revisitor<E>(
    rule: Revisitor,
    handlers: impl FnOnce() -> Result<Vec<Uuid>, E>,
    mut staff: impl FnMut(Uuid) -> Result<Option<Staff>, E>,
) -> Result<Option<Uuid>, E> {
    let candidates = match rule {
        Revisitor::Handler => handlers()?,
        Revisitor::Person { user } => vec![user],
    };
    for id in candidates {
        if staff(id)?.is_some_and(Staff::may_revisit) {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

impl Default for RevisitTargets {
    fn default() -> Self {
        RevisitTargets {
            percent_by_type: BTreeMap::from([
                (VisitType::Complaint, 50),
                (VisitType::Repair, 30),
                (VisitType::Event, 10),
            ]),
            key_customers_percent: 100,
            revisitors: BTreeMap::new(),
        }
    }
}

impl RevisitTargets {
    /// Every target is a share of cases: 0–100 %.
    pub fn check(&self) -> Result<(), String> {
        let over = self
            .percent_by_type
            .values()
            .chain([&self.key_customers_percent])
            .any(|p| *p > 100);
        if over {
            return Err("a target is 0–100 %".into());
        }
        Ok(())
    }

    /// The rule for tickets of this grade.
    pub fn revisitor(&self, impact: Impact) -> Revisitor {
        self.revisitors.get(&impact).copied().unwrap_or_default()
    }

    /// Every person the rules name must exist, be active and do visits; the refusal names
    /// the grade (`revisitors.important`).
    pub fn check_people(
        &self,
        staff: impl Fn(Uuid) -> Option<Staff>,
    ) -> Result<(), (Impact, String)> {
        for (&impact, rule) in &self.revisitors {
            let Revisitor::Person { user } = *rule else {
                continue;
            };
            let why = match staff(user) {
                None => "names a user who does not exist",
                Some(s) if s.disabled => "names a disabled user",
                Some(s) if !s.may_revisit() => "names a user who does not do visits",
                Some(_) => continue,
            };
            return Err((impact, format!("{}: the revisitor {why}", impact.as_str())));
        }
        Ok(())
    }

    /// The target for a case of this kind.
    pub fn target(&self, kind: VisitType, key_customer: bool) -> u8 {
        let by_type = self.percent_by_type.get(&kind).copied().unwrap_or(0);
        if key_customer {
            by_type.max(self.key_customers_percent)
        } else {
            by_type
        }
    }

    /// Whether a resolved case gets a revisit. Deterministic in the ticket id (the same
    /// answer on every device and server), and spread evenly so the share of revisited cases
    /// meets the target. Anonymous complaints cannot be revisited: they keep a written reply.
    pub fn wants_revisit(
        &self,
        id: Uuid,
        kind: VisitType,
        key_customer: bool,
        anonymous: bool,
    ) -> bool {
        if anonymous {
            return false;
        }
        // The low 64 bits of a random v4 id are uniform enough for a percentage.
        let bucket = (id.as_u128() as u64 % 100) as u8;
        bucket < self.target(kind, key_customer)
    }
}

/// Revisit coverage of one kind over a period, for the supervisor's view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub resolved: u32,
    pub revisited: u32,
    pub target_percent: u8,
}

/// Where one kind of case stands against its revisit target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverageStanding {
    /// Nothing was resolved in the period: there is no rate, and no target is met or missed.
    NoCases,
    Met,
    Below,
}

impl Coverage {
    /// `None` when nothing was resolved: 0 of 0 is no rate at all.
    pub fn percent(&self) -> Option<u8> {
        (self.resolved > 0)
            .then(|| ((self.revisited as u64 * 100) / self.resolved as u64).min(100) as u8)
    }

    pub fn standing(&self) -> CoverageStanding {
        match self.percent() {
            None => CoverageStanding::NoCases,
            Some(p) if p >= self.target_percent => CoverageStanding::Met,
            Some(_) => CoverageStanding::Below,
        }
    }

    pub fn meets_target(&self) -> bool {
        self.standing() == CoverageStanding::Met
    }
}

wire_enum!(
    /// What a revisit found.
    RevisitVerdict {
        /// Satisfied: the ticket closes.
        Satisfied => "satisfied",
        /// Unsatisfied: the ticket reopens and another revisit follows its next resolution.
        Unsatisfied => "unsatisfied",
        /// The customer was not reached: the visit task's retry takes over.
        NotReached => "not_reached",
    }
);

/// Satisfaction at or above this on a revisit closes the ticket.
pub const SATISFIED_AT: u8 = 4;
/// After this many unsatisfied revisits the ticket stays open for the supervisor instead of
/// chaining more revisits.
pub const MAX_REVISITS: u8 = 3;

/// Reads a revisit's answer.
pub fn revisit_verdict(record: &VisitRecord) -> RevisitVerdict {
    match (record.outcome, record.satisfaction) {
        (Outcome::Reached, Some(s)) if s >= SATISFIED_AT => RevisitVerdict::Satisfied,
        (Outcome::Reached, _) => RevisitVerdict::Unsatisfied,
        _ => RevisitVerdict::NotReached,
    }
}

/// 重点客户: class A or VIP, always revisited (`RevisitTargets::key_customers_percent`).
pub fn is_key_customer(class: CustomerClass, vip: bool) -> bool {
    vip || class == CustomerClass::A
}

/// What a resolution leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterResolve {
    /// A revisit: a visit task for the customer, assigned to `assignee`.
    Revisit { customer: Uuid, assignee: Uuid },
    /// The supervisor decides: the revisits are used up, or a revisit is wanted and nobody
    /// who does visits can take it. The ticket stays resolved.
    Escalate,
    /// Closed at once; an anonymous case keeps the resolution as its written reply.
    Close,
}

/// A resolved ticket, and what the caller looked up about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolution {
    pub ticket: Uuid,
    pub nature: Nature,
    /// Only a registered customer can be given a visit task.
    pub customer: Option<Uuid>,
    pub anonymous: bool,
    /// Revisits done so far (each unsatisfied one reopened the ticket).
    pub revisits: u8,
    pub key_customer: bool,
    /// Who would do the revisit, by the grade's rule ([`pick_revisitor`]).
    pub revisitor: Option<Uuid>,
}

/// A resolved ticket is revisited (per the targets, and always again after an unsatisfied
/// revisit) or closed at once. After [`MAX_REVISITS`] unsatisfied revisits it stays resolved
/// in the supervisors' queue.
pub fn after_resolve(r: &Resolution, targets: &RevisitTargets) -> AfterResolve {
    if r.revisits >= MAX_REVISITS {
        return AfterResolve::Escalate;
    }
    let Some(customer) = r.customer else {
        return AfterResolve::Close;
    };
    let wants = r.revisits > 0
        || targets.wants_revisit(
            r.ticket,
            revisit_kind(r.nature),
            r.key_customer,
            r.anonymous,
        );
    match (wants, r.revisitor) {
        (true, Some(assignee)) => AfterResolve::Revisit { customer, assignee },
        (true, None) => AfterResolve::Escalate,
        (false, _) => AfterResolve::Close,
    }
}

/// One line of `GET /api/coverage`: revisits of one kind of case against its target.
/// With no resolved cases `percent` is 0 and `meets_target` false; [`CoverageRow::standing`]
/// tells that apart from a missed target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageRow {
    pub visit_type: VisitType,
    pub resolved: u32,
    pub revisited: u32,
    pub target_percent: u8,
    pub percent: u8,
    pub meets_target: bool,
}

impl CoverageRow {
    pub fn new(visit_type: VisitType, c: Coverage) -> Self {
        CoverageRow {
            visit_type,
            resolved: c.resolved,
            revisited: c.revisited,
            target_percent: c.target_percent,
            percent: c.percent().unwrap_or(0),
            meets_target: c.meets_target(),
        }
    }

    pub fn standing(&self) -> CoverageStanding {
        Coverage {
            resolved: self.resolved,
            revisited: self.revisited,
            target_percent: self.target_percent,
        }
        .standing()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    #[test]
    fn revisit_targets_pick_about_their_share_and_never_anonymous_cases() {
        let t = RevisitTargets::default();
        let ids = (0..1000u128).map(|i| Uuid::from_u128(i * 7919 + 13));
        let share = |kind, key| {
            ids.clone()
                .filter(|id| t.wants_revisit(*id, kind, key, false))
                .count()
        };
        assert_eq!(share(VisitType::Complaint, false), 500);
        assert_eq!(share(VisitType::Repair, false), 300);
        assert_eq!(share(VisitType::Event, false), 100);
        assert_eq!(share(VisitType::Care, false), 0);
        assert_eq!(share(VisitType::Event, true), 1000);
        assert!(!t.wants_revisit(Uuid::from_u128(1), VisitType::Complaint, true, true));
        let id = Uuid::from_u128(42);
        assert_eq!(
            t.wants_revisit(id, VisitType::Complaint, false, false),
            t.wants_revisit(id, VisitType::Complaint, false, false)
        );
    }

    #[test]
    fn coverage_is_measured_against_the_target() {
        let c = |resolved, revisited, target| Coverage {
            resolved,
            revisited,
            target_percent: target,
        };
        use CoverageStanding::*;
        // (resolved, revisited, target) → rate, standing
        let table = [
            ((10, 5, 50), Some(50), Met),
            ((10, 2, 30), Some(20), Below),
            ((3, 1, 30), Some(33), Met),
            ((3, 3, 100), Some(100), Met),
            ((4, 0, 0), Some(0), Met),
            // No cases: no rate, and not "met" even with a target of 0.
            ((0, 0, 50), None, NoCases),
            ((0, 0, 0), None, NoCases),
        ];
        for ((resolved, revisited, target), percent, standing) in table {
            let cov = c(resolved, revisited, target);
            assert_eq!(cov.percent(), percent, "{cov:?}");
            assert_eq!(cov.standing(), standing, "{cov:?}");
            assert_eq!(cov.meets_target(), standing == Met, "{cov:?}");
            let row = CoverageRow::new(VisitType::Complaint, cov);
            assert_eq!(row.standing(), standing, "{row:?}");
            assert_eq!(row.meets_target, standing == Met, "{row:?}");
            assert_eq!(row.percent, percent.unwrap_or(0), "{row:?}");
        }
    }

    #[test]
    fn a_revisit_closes_on_satisfaction_and_reopens_otherwise() {
        use crate::vocabulary::Channel;
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let record = |outcome, satisfaction| VisitRecord {
            satisfaction,
            ..VisitRecord::new(
                Uuid::nil(),
                Channel::Phone,
                VisitType::Complaint,
                outcome,
                at,
            )
        };
        let table = [
            (Outcome::Reached, Some(5), RevisitVerdict::Satisfied),
            (
                Outcome::Reached,
                Some(SATISFIED_AT),
                RevisitVerdict::Satisfied,
            ),
            (Outcome::Reached, Some(3), RevisitVerdict::Unsatisfied),
            (Outcome::Reached, Some(1), RevisitVerdict::Unsatisfied),
            (Outcome::NoAnswer, None, RevisitVerdict::NotReached),
            (Outcome::Refused, None, RevisitVerdict::NotReached),
        ];
        for (outcome, sat, want) in table {
            assert_eq!(
                revisit_verdict(&record(outcome, sat)),
                want,
                "{outcome:?} {sat:?}"
            );
        }
    }

    #[test]
    fn key_customers_are_class_a_or_vip() {
        let table = [
            (CustomerClass::A, false, true),
            (CustomerClass::B, true, true),
            (CustomerClass::B, false, false),
            (CustomerClass::C, false, false),
        ];
        for (class, vip, key) in table {
            assert_eq!(is_key_customer(class, vip), key, "{class:?} {vip}");
        }
    }

    #[test]
    fn a_resolution_is_revisited_escalated_or_closed() {
        let targets = RevisitTargets::default();
        let customer = Uuid::from_u128(7);
        let agent = Uuid::from_u128(3);
        // Complaint target 50 %: bucket 10 is revisited, bucket 90 is not (unless key).
        let (picked, skipped) = (Uuid::from_u128(10), Uuid::from_u128(90));
        let base = Resolution {
            ticket: picked,
            nature: Nature::Service,
            customer: Some(customer),
            anonymous: false,
            revisits: 0,
            key_customer: false,
            revisitor: Some(agent),
        };
        let revisit = AfterResolve::Revisit {
            customer,
            assignee: agent,
        };
        use AfterResolve::*;
        let table = [
            ("picked by the target", base, revisit),
            (
                "not picked",
                Resolution {
                    ticket: skipped,
                    ..base
                },
                Close,
            ),
            (
                "key customer always",
                Resolution {
                    ticket: skipped,
                    key_customer: true,
                    ..base
                },
                revisit,
            ),
            (
                "again after an unsatisfied revisit",
                Resolution {
                    ticket: skipped,
                    revisits: 1,
                    ..base
                },
                revisit,
            ),
            (
                "revisits used up",
                Resolution {
                    revisits: MAX_REVISITS,
                    ..base
                },
                Escalate,
            ),
            (
                "anonymous: written reply",
                Resolution {
                    anonymous: true,
                    ..base
                },
                Close,
            ),
            (
                "no registered customer",
                Resolution {
                    customer: None,
                    ..base
                },
                Close,
            ),
            (
                "nobody who does visits",
                Resolution {
                    revisitor: None,
                    ..base
                },
                Escalate,
            ),
            (
                "nobody needed when not picked",
                Resolution {
                    ticket: skipped,
                    revisitor: None,
                    ..base
                },
                Close,
            ),
        ];
        for (case, r, want) in table {
            assert_eq!(after_resolve(&r, &targets), want, "{case}");
        }
    }

    #[test]
    fn each_grade_is_revisited_by_whom_its_rule_names() {
        use std::convert::Infallible;
        let (assignee, visitor, reporter) =
            (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let (head, gone, admin, stranger) = (
            Uuid::from_u128(10),
            Uuid::from_u128(11),
            Uuid::from_u128(12),
            Uuid::from_u128(13),
        );
        let staff = |id: Uuid| -> Result<Option<Staff>, Infallible> {
            let of = |role, disabled| Some(Staff { role, disabled });
            Ok(match id.as_u128() {
                1 => of(Role::Admin, false),
                2 | 3 => of(Role::Field, false),
                10 => of(Role::Supervisor, false),
                11 => of(Role::Supervisor, true),
                12 => of(Role::Admin, false),
                _ => None,
            })
        };
        let targets = RevisitTargets {
            revisitors: BTreeMap::from([
                (Impact::Important, Revisitor::Person { user: head }),
                (Impact::Urgent, Revisitor::Person { user: gone }),
            ]),
            ..RevisitTargets::default()
        };
        let handlers = || Ok(vec![assignee, visitor, reporter]);
        let pick = |rule| pick_revisitor(rule, handlers, staff).unwrap();
        // (grade, who revisits)
        let table = [
            // Not listed: the handler; the assignee (an admin) does not do visits.
            (Impact::General, Some(visitor)),
            (Impact::Important, Some(head)),
            // The named person was disabled since: nobody, the supervisor decides.
            (Impact::Urgent, None),
        ];
        for (impact, want) in table {
            assert_eq!(pick(targets.revisitor(impact)), want, "{impact:?}");
        }
        let nobody_asked = pick_revisitor(
            Revisitor::Person { user: head },
            || -> Result<Vec<Uuid>, Infallible> { panic!("handlers looked up for a named rule") },
            staff,
        );
        assert_eq!(nobody_asked, Ok(Some(head)));
        assert_eq!(pick(Revisitor::Person { user: admin }), None);
        assert_eq!(pick(Revisitor::Person { user: stranger }), None);
        assert_eq!(
            pick_revisitor(Revisitor::Handler, || Ok(vec![]), staff),
            Ok(None)
        );

        // The same facts refuse a rule set naming them, by grade.
        let lookup = |id| staff(id).unwrap();
        let named = |impact, user| RevisitTargets {
            revisitors: BTreeMap::from([(impact, Revisitor::Person { user })]),
            ..RevisitTargets::default()
        };
        let checks = [
            (named(Impact::Important, head), Ok(())),
            (RevisitTargets::default(), Ok(())),
            (named(Impact::Urgent, gone), Err(Impact::Urgent)),
            (named(Impact::Important, admin), Err(Impact::Important)),
            (named(Impact::General, stranger), Err(Impact::General)),
        ];
        for (set, want) in checks {
            let got = set.check_people(lookup).map_err(|(impact, _)| impact);
            assert_eq!(got, want, "{:?}", set.revisitors);
        }
    }

    #[test]
    fn rule_sets_stored_before_revisitors_keep_the_handler() {
        let old: RevisitTargets = serde_json::from_value(serde_json::json!({
            "percent_by_type": {"complaint": 50}, "key_customers_percent": 100
        }))
        .unwrap();
        for impact in [Impact::General, Impact::Important, Impact::Urgent] {
            assert_eq!(old.revisitor(impact), Revisitor::Handler);
        }
        let named: RevisitTargets = serde_json::from_value(serde_json::json!({
            "percent_by_type": {}, "key_customers_percent": 100,
            "revisitors": {"urgent": {"by": "person", "user": Uuid::from_u128(5)},
                           "general": {"by": "handler"}}
        }))
        .unwrap();
        assert_eq!(
            named.revisitor(Impact::Urgent),
            Revisitor::Person {
                user: Uuid::from_u128(5)
            }
        );
    }

    #[test]
    fn product_faults_are_revisited_as_repairs_the_rest_as_complaints() {
        let table = [
            (Nature::Product, VisitType::Repair),
            (Nature::Service, VisitType::Complaint),
            (Nature::Experience, VisitType::Complaint),
        ];
        for (nature, kind) in table {
            assert_eq!(revisit_kind(nature), kind, "{nature:?}");
        }
    }
}
