//! 工单: feedback and complaints, their classification (分类定级), grading rules, routing and
//! lifecycle (DOMAIN.md "Feedback and tickets").
//!
//! Grading rules are data with a small evaluator, so admins can change thresholds while the
//! device suggests a grade offline and the server decides with the same code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::visit::{Demand, Emotion, VisitType};

/// 性质: what kind of problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nature {
    /// 产品: quality defect, function, design.
    Product,
    /// 服务: slow response, shirking, attitude.
    Service,
    /// 体验: logistics delay, damaged packaging, complicated process.
    Experience,
}

impl Nature {
    /// The sub-problems of each nature (DOMAIN.md); a ticket names one of these.
    pub fn sub_problems(self) -> &'static [&'static str] {
        match self {
            Nature::Product => &["quality_defect", "function", "design"],
            Nature::Service => &["slow_response", "shirking", "attitude"],
            Nature::Experience => &[
                "logistics_delay",
                "damaged_packaging",
                "complicated_process",
            ],
        }
    }
}

/// 影响: how far it reaches. Ordered: a grade can only be raised by the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    /// 一般: one customer, no spread.
    General,
    /// 重要: several customers, or may spread.
    Important,
    /// 紧急: threatens rights, safety or reputation.
    Urgent,
}

/// 诉求
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemandKind {
    Compensation,
    Improvement,
    Emotional,
}

impl DemandKind {
    /// What the customer asked for on the visit, in the ticket's terms.
    pub fn from_visit(demand: Demand) -> Self {
        match demand {
            Demand::Exchange | Demand::Compensation => DemandKind::Compensation,
            Demand::Apology => DemandKind::Emotional,
            Demand::Explanation | Demand::None => DemandKind::Improvement,
        }
    }
}

/// Ordered low → high so "at least" is a max.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketPriority {
    /// 低: a suggestion.
    Low,
    /// 中: affects use; progress reported within 48 h.
    Medium,
    /// 高: safety risk, big loss or strong complaint; escalated within 24 h.
    High,
}

/// What a grading rule can see about a report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    pub nature: Option<Nature>,
    pub sub_problem: String,
    pub emotion: Option<Emotion>,
    pub demand: Option<DemandKind>,
    pub personal_injury: bool,
    pub property_loss: bool,
    /// Reports of the same sub-problem in the rule's window, across customers and channels,
    /// this one included. Only the server can count these; the device passes what it knows.
    pub similar_reports: BTreeMap<u32, u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum When {
    PersonalInjury,
    PropertyLoss,
    Nature(Nature),
    SubProblem(String),
    Emotion(Emotion),
    Demand(DemandKind),
    /// The same sub-problem reported at least `min` times in `days` days.
    Repeated {
        min: u32,
        days: u32,
    },
    Any(Vec<When>),
    All(Vec<When>),
}

impl When {
    fn holds(&self, f: &Facts) -> bool {
        match self {
            When::PersonalInjury => f.personal_injury,
            When::PropertyLoss => f.property_loss,
            When::Nature(n) => f.nature == Some(*n),
            When::SubProblem(s) => &f.sub_problem == s,
            When::Emotion(e) => f.emotion == Some(*e),
            When::Demand(d) => f.demand == Some(*d),
            When::Repeated { min, days } => {
                f.similar_reports.get(days).copied().unwrap_or(1) >= *min
            }
            When::Any(all) => all.iter().any(|w| w.holds(f)),
            When::All(all) => all.iter().all(|w| w.holds(f)),
        }
    }

    /// Windows (in days) of every `Repeated` test, so the server knows what to count.
    fn windows(&self, out: &mut Vec<u32>) {
        match self {
            When::Repeated { days, .. } => out.push(*days),
            When::Any(all) | When::All(all) => all.iter().for_each(|w| w.windows(out)),
            _ => {}
        }
    }
}

/// One grading rule: when it holds, impact and priority are raised to at least these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradingRule {
    pub key: String,
    pub when: When,
    #[serde(default)]
    pub impact_at_least: Option<Impact>,
    #[serde(default)]
    pub priority_at_least: Option<TicketPriority>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradingRules {
    pub rules: Vec<GradingRule>,
}

/// The grade a set of rules gives, and which rules fired (shown to the user: a grade is
/// never a mystery).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grade {
    pub impact: Impact,
    pub priority: TicketPriority,
    pub fired: Vec<String>,
}

impl Default for GradingRules {
    /// The rules of DOMAIN.md "Classification".
    fn default() -> Self {
        let rule = |key: &str, when, impact, priority| GradingRule {
            key: key.into(),
            when,
            impact_at_least: impact,
            priority_at_least: priority,
        };
        GradingRules {
            rules: vec![
                rule(
                    "injury_or_loss",
                    When::Any(vec![When::PersonalInjury, When::PropertyLoss]),
                    Some(Impact::Urgent),
                    Some(TicketPriority::High),
                ),
                rule(
                    "repeated_5_in_7_days",
                    When::Repeated { min: 5, days: 7 },
                    Some(Impact::Important),
                    Some(TicketPriority::Medium),
                ),
                rule(
                    "strong_complaint",
                    When::Emotion(Emotion::Angry),
                    None,
                    Some(TicketPriority::High),
                ),
                rule(
                    "affects_use",
                    When::Nature(Nature::Product),
                    None,
                    Some(TicketPriority::Medium),
                ),
            ],
        }
    }
}

impl GradingRules {
    /// Starts at general / low and lets every rule that holds raise the grade; rules never
    /// lower it, so their order does not matter.
    pub fn grade(&self, facts: &Facts) -> Grade {
        let mut grade = Grade {
            impact: Impact::General,
            priority: TicketPriority::Low,
            fired: Vec::new(),
        };
        for rule in self.rules.iter().filter(|r| r.when.holds(facts)) {
            if let Some(i) = rule.impact_at_least {
                grade.impact = grade.impact.max(i);
            }
            if let Some(p) = rule.priority_at_least {
                grade.priority = grade.priority.max(p);
            }
            grade.fired.push(rule.key.clone());
        }
        grade
    }

    /// The repeat windows (days) the rules look at, sorted and without duplicates.
    pub fn repeat_windows(&self) -> Vec<u32> {
        let mut out = Vec::new();
        self.rules.iter().for_each(|r| r.when.windows(&mut out));
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Refuses rule sets an admin could not have meant.
    pub fn check(&self) -> Result<(), String> {
        let mut keys = std::collections::BTreeSet::new();
        for r in &self.rules {
            if !keys.insert(r.key.as_str()) {
                return Err(format!("rule {:?} appears twice", r.key));
            }
            if r.impact_at_least.is_none() && r.priority_at_least.is_none() {
                return Err(format!("rule {:?} changes nothing", r.key));
            }
            let mut windows = Vec::new();
            r.when.windows(&mut windows);
            if windows.iter().any(|d| !(1..=365).contains(d)) {
                return Err(format!("rule {:?} counts over 1–365 days only", r.key));
            }
        }
        Ok(())
    }
}

/// 部门 a ticket is routed to.
pub type Department = String;

/// Category → department (DOMAIN.md "Routing"); editable by admins. A sub-problem entry
/// wins over its nature's entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingMap {
    pub by_nature: BTreeMap<Nature, Department>,
    #[serde(default)]
    pub by_sub_problem: BTreeMap<String, Department>,
}

impl Default for RoutingMap {
    fn default() -> Self {
        RoutingMap {
            by_nature: BTreeMap::from([
                (Nature::Product, "quality".to_owned()),
                (Nature::Service, "operations".to_owned()),
                (Nature::Experience, "operations".to_owned()),
            ]),
            by_sub_problem: BTreeMap::from([
                ("logistics_delay".to_owned(), "supply_chain".to_owned()),
                ("damaged_packaging".to_owned(), "supply_chain".to_owned()),
            ]),
        }
    }
}

impl RoutingMap {
    pub fn route(&self, nature: Nature, sub_problem: &str) -> Option<&str> {
        self.by_sub_problem
            .get(sub_problem)
            .or_else(|| self.by_nature.get(&nature))
            .map(String::as_str)
    }
}

/// 工单状态
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketState {
    New,
    Assigned,
    InProgress,
    Resolved,
    /// Waiting for the revisit that asks the customer whether the fix worked.
    Revisit,
    Closed,
}

/// What can happen to a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketAction {
    Assign,
    Start,
    Resolve,
    /// The resolution is to be confirmed with the customer.
    ScheduleRevisit,
    /// The revisit found the customer satisfied, or no revisit is due.
    Close,
    /// Unsatisfied on revisit, or the problem came back.
    Reopen,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {from:?} ticket cannot {action:?}")]
pub struct TransitionError {
    pub from: TicketState,
    pub action: TicketAction,
}

impl TicketState {
    /// The lifecycle new → assigned → in progress → resolved → revisit → closed, with
    /// reassignment while open and reopen after resolution.
    pub fn apply(self, action: TicketAction) -> Result<TicketState, TransitionError> {
        use TicketAction as A;
        use TicketState as S;
        let next = match (self, action) {
            (S::New | S::Assigned | S::InProgress, A::Assign) => S::Assigned,
            (S::Assigned, A::Start) => S::InProgress,
            (S::InProgress, A::Resolve) => S::Resolved,
            (S::Resolved, A::ScheduleRevisit) => S::Revisit,
            (S::Resolved | S::Revisit, A::Close) => S::Closed,
            (S::Resolved | S::Revisit | S::Closed, A::Reopen) => S::InProgress,
            (from, action) => return Err(TransitionError { from, action }),
        };
        Ok(next)
    }

    pub fn is_open(self) -> bool {
        !matches!(self, TicketState::Closed)
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
        }
    }
}

impl RevisitTargets {
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

/// What identifies "the same problem from the same customer" at intake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey<'a> {
    pub customer_id: Option<Uuid>,
    /// Masked or full contact, compared as given.
    pub contact: Option<&'a str>,
    pub sub_problem: &'a str,
    pub reported_at: DateTime<Utc>,
}

/// Likely the same report (any channel): same customer (or, for unregistered reporters, the
/// same contact) and the same sub-problem within `window`. The user confirms the link; this
/// only offers it.
pub fn likely_duplicate(a: &DuplicateKey, b: &DuplicateKey, window: Duration) -> bool {
    let same_person = match (a.customer_id, b.customer_id) {
        (Some(x), Some(y)) => x == y,
        _ => a.contact.is_some() && a.contact == b.contact,
    };
    same_person && a.sub_problem == b.sub_problem && (a.reported_at - b.reported_at).abs() <= window
}

/// One field's change, kept in the ticket's history so no overwrite is ever silent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldChange {
    pub field: String,
    pub old: serde_json::Value,
    pub new: serde_json::Value,
    pub by: Uuid,
    /// Device time of the edit.
    pub at: DateTime<Utc>,
    /// The edit was made against an older value than the one it replaced (an offline edit
    /// that crossed another): the overwritten value is kept here and flagged.
    pub concurrent: bool,
}

/// Merges an edit of one field in arrival order: the edit wins, and the value it replaces
/// goes to history. `base` is the value the editor saw; if the stored value differs, another
/// edit came in between and the change is flagged as concurrent.
pub fn merge_field(
    field: &str,
    stored: &serde_json::Value,
    base: Option<&serde_json::Value>,
    incoming: serde_json::Value,
    by: Uuid,
    at: DateTime<Utc>,
) -> Option<FieldChange> {
    if stored == &incoming {
        return None;
    }
    Some(FieldChange {
        field: field.to_owned(),
        old: stored.clone(),
        new: incoming,
        by,
        at,
        concurrent: base.is_some_and(|b| b != stored),
    })
}

/// Where a report came in (DOMAIN.md: proactive, passive, social media).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntakeChannel {
    /// Found on a follow-up visit.
    Visit,
    Survey,
    Hotline,
    App,
    Shop,
    SocialMedia,
}

pub const MAX_DESCRIPTION: usize = 2000;
pub const MAX_NOTE: usize = 2000;
pub const MAX_REPORTER: usize = 64;
pub const MAX_CONTACT: usize = 32;

/// The `data` of `ticket.create` (意见登记): the intake fields of DOMAIN.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketIntake {
    /// Registered customer, or `None` for an anonymous or unregistered reporter.
    #[serde(default)]
    pub customer_id: Option<Uuid>,
    /// How the reporter called themselves (may be partial: "王女士"); empty if anonymous.
    #[serde(default)]
    pub reporter: String,
    /// A reachable contact; kept full on the server only, masked everywhere else.
    #[serde(default)]
    pub contact: Option<String>,
    pub channel: IntakeChannel,
    pub nature: Nature,
    pub sub_problem: String,
    /// The concrete description, in the customer's words where possible.
    pub description: String,
    #[serde(default)]
    pub emotion: Option<Emotion>,
    pub demand: DemandKind,
    #[serde(default)]
    pub personal_injury: bool,
    #[serde(default)]
    pub property_loss: bool,
    /// The visit that found the problem.
    #[serde(default)]
    pub visit_id: Option<Uuid>,
    /// An existing ticket this report duplicates (the user accepted the offered link): the
    /// report is recorded on that ticket and counted, not opened again.
    #[serde(default)]
    pub duplicate_of: Option<Uuid>,
}

impl TicketIntake {
    /// No name and no contact: it cannot be revisited, only answered in writing.
    pub fn is_anonymous(&self) -> bool {
        self.customer_id.is_none() && self.contact.as_deref().is_none_or(|c| c.trim().is_empty())
    }

    pub fn validate(&self) -> Result<(), crate::error::ValidationError> {
        use crate::error::{ValidationError, ValidationKind::*};
        if !self
            .nature
            .sub_problems()
            .contains(&self.sub_problem.as_str())
        {
            return Err(ValidationError::new(
                "sub_problem",
                NotAllowed,
                format!(
                    "{:?} is not a sub-problem of {:?}",
                    self.sub_problem, self.nature
                ),
            ));
        }
        if self.description.trim().is_empty() {
            return Err(ValidationError::new(
                "description",
                Required,
                "describe the problem",
            ));
        }
        let too_long = [
            (
                "description",
                crate::char_len(&self.description),
                MAX_DESCRIPTION,
            ),
            ("reporter", crate::char_len(&self.reporter), MAX_REPORTER),
            (
                "contact",
                self.contact.as_deref().map_or(0, crate::char_len),
                MAX_CONTACT,
            ),
        ];
        if let Some((field, _, max)) = too_long.iter().find(|(_, len, max)| len > max) {
            return Err(ValidationError::new(
                field,
                TooLong,
                format!("{field} is limited to {max} characters"),
            ));
        }
        Ok(())
    }

    /// What the grading rules see; `similar_reports` comes from the server's count.
    pub fn facts(&self, similar_reports: BTreeMap<u32, u32>) -> Facts {
        Facts {
            nature: Some(self.nature),
            sub_problem: self.sub_problem.clone(),
            emotion: self.emotion,
            demand: Some(self.demand),
            personal_injury: self.personal_injury,
            property_loss: self.property_loss,
            similar_reports,
        }
    }
}

/// The `data` of `ticket.update`: one user's change to a ticket, made online or offline.
/// Fields in `set` are merged one by one in arrival order ([`merge_field`]); `base` holds
/// the values the user saw, so a crossing edit is detected and kept in history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketUpdate {
    #[serde(default)]
    pub action: Option<TicketAction>,
    #[serde(default)]
    pub set: TicketFields,
    #[serde(default)]
    pub base: TicketFields,
    /// Appended to the timeline; notes are never overwritten.
    #[serde(default)]
    pub note: Option<String>,
    /// Waiting on the customer (pauses the clocks) or not.
    #[serde(default)]
    pub waiting_on_customer: Option<bool>,
}

/// The editable fields of a ticket; `None` leaves a field alone.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<Department>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Impact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<TicketPriority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nature: Option<Nature>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_problem: Option<String>,
    /// 处理结果 / written reply (anonymous complaints keep this as their answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
}

impl TicketUpdate {
    pub fn validate(&self) -> Result<(), crate::error::ValidationError> {
        use crate::error::{ValidationError, ValidationKind::*};
        let empty = self.action.is_none()
            && self.set == TicketFields::default()
            && self.note.is_none()
            && self.waiting_on_customer.is_none();
        if empty {
            return Err(ValidationError::new(
                "set",
                Required,
                "the update changes nothing",
            ));
        }
        if let Some(note) = &self.note {
            if note.trim().is_empty() {
                return Err(ValidationError::new("note", Required, "the note is empty"));
            }
            if crate::char_len(note) > MAX_NOTE {
                return Err(ValidationError::new(
                    "note",
                    TooLong,
                    format!("a note is limited to {MAX_NOTE} characters"),
                ));
            }
        }
        if let (Some(n), Some(sub)) = (self.set.nature, &self.set.sub_problem)
            && !n.sub_problems().contains(&sub.as_str())
        {
            return Err(ValidationError::new(
                "sub_problem",
                NotAllowed,
                format!("{sub:?} is not a sub-problem of {n:?}"),
            ));
        }
        if self.action == Some(TicketAction::Resolve)
            && self
                .set
                .resolution
                .as_deref()
                .is_none_or(|r| r.trim().is_empty())
        {
            return Err(ValidationError::new(
                "resolution",
                Required,
                "resolving a ticket needs its resolution written down",
            ));
        }
        Ok(())
    }
}

/// One line of a ticket's append-only timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub by: Uuid,
    pub by_name: String,
    pub event: TimelineEvent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TimelineEvent {
    Note {
        text: String,
    },
    State {
        from: TicketState,
        to: TicketState,
    },
    /// Another report of the same problem was linked to this ticket.
    Report {
        channel: IntakeChannel,
    },
    Revisit {
        visit_id: Uuid,
        verdict: RevisitVerdict,
    },
    /// A clock ran out and the ticket went to the supervisors' queue.
    Breached {
        clock: crate::sla::ClockKind,
    },
    Review {
        decision: ReviewDecision,
        comment: String,
    },
}

/// 工单 as the server keeps it and the device shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: Uuid,
    pub state: TicketState,
    /// Contact masked.
    pub intake: TicketIntake,
    pub grade: Grade,
    pub department: Option<Department>,
    pub assignee: Option<Uuid>,
    pub resolution: Option<String>,
    pub waiting_on_customer: bool,
    pub clocks: Vec<crate::sla::ClockRecord>,
    pub timeline: Vec<TimelineEntry>,
    /// Every overwritten field value, oldest first.
    pub history: Vec<FieldChange>,
    /// Reports merged into this ticket, this one included.
    pub reports: u32,
    /// How many revisits have asked the customer so far.
    pub revisits: u8,
    pub review: Option<Review>,
    pub created_at: DateTime<Utc>,
    pub version: u64,
}

/// 主管审核 of a visit record or a ticket resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// 签署意见: signed off.
    SignOff,
    /// Returned for correction.
    Return,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub decision: ReviewDecision,
    pub by: Uuid,
    pub comment: String,
    pub at: DateTime<Utc>,
}

/// The `data` of `review.decide`: a supervisor's decision on a visit or a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub target: ReviewTarget,
    pub decision: ReviewDecision,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum ReviewTarget {
    Visit(Uuid),
    Ticket(Uuid),
}

impl ReviewRequest {
    pub fn validate(&self) -> Result<(), crate::error::ValidationError> {
        use crate::error::{ValidationError, ValidationKind::*};
        if self.decision == ReviewDecision::Return && self.comment.trim().is_empty() {
            return Err(ValidationError::new(
                "comment",
                Required,
                "say what to correct when returning a record",
            ));
        }
        if crate::char_len(&self.comment) > MAX_NOTE {
            return Err(ValidationError::new(
                "comment",
                TooLong,
                format!("a comment is limited to {MAX_NOTE} characters"),
            ));
        }
        Ok(())
    }
}

/// What a revisit found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisitVerdict {
    /// Satisfied: the ticket closes.
    Satisfied,
    /// Unsatisfied: the ticket reopens and another revisit follows its next resolution.
    Unsatisfied,
    /// The customer was not reached: the visit task's retry takes over.
    NotReached,
}

/// Satisfaction at or above this on a revisit closes the ticket.
pub const SATISFIED_AT: u8 = 4;
/// After this many unsatisfied revisits the ticket stays open for the supervisor instead of
/// chaining more revisits.
pub const MAX_REVISITS: u8 = 3;

/// Reads a revisit's answer.
pub fn revisit_verdict(record: &crate::visit::VisitRecord) -> RevisitVerdict {
    match (record.outcome, record.satisfaction) {
        (crate::visit::Outcome::Reached, Some(s)) if s >= SATISFIED_AT => RevisitVerdict::Satisfied,
        (crate::visit::Outcome::Reached, _) => RevisitVerdict::Unsatisfied,
        _ => RevisitVerdict::NotReached,
    }
}

/// `GET /api/tickets/{id}`: the ticket with every clock evaluated at the server's time,
/// in the order of `ticket.clocks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketView {
    pub ticket: Ticket,
    pub clocks: Vec<crate::sla::ClockView>,
}

/// `GET /api/tickets`: one page, newest change first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketList {
    pub tickets: Vec<TicketView>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// `POST /api/tickets/duplicates`: who reports what, before the intake form is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuplicateQuery {
    #[serde(default)]
    pub customer_id: Option<Uuid>,
    #[serde(default)]
    pub contact: Option<String>,
    pub sub_problem: String,
}

/// How many days back a likely duplicate is looked for (DOMAIN.md: the same problem raised
/// through several channels is recorded once).
pub const DUPLICATE_WINDOW_DAYS: i64 = 7;

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

/// `GET /api/reviews`: what awaits (or got) a supervisor's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewQueue {
    pub visits: Vec<crate::visit::VisitSummary>,
    pub tickets: Vec<Ticket>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            nature: Some(Nature::Service),
            sub_problem: "attitude".into(),
            emotion: Some(Emotion::Calm),
            demand: Some(DemandKind::Emotional),
            ..Facts::default()
        }
    }

    #[test]
    fn the_default_rules_grade_as_the_handbook_says() {
        let rules = GradingRules::default();
        let repeated = |n| Facts {
            similar_reports: BTreeMap::from([(7, n)]),
            ..facts()
        };
        let table: Vec<(Facts, Impact, TicketPriority, Vec<&str>)> = vec![
            (facts(), Impact::General, TicketPriority::Low, vec![]),
            (
                Facts {
                    personal_injury: true,
                    ..facts()
                },
                Impact::Urgent,
                TicketPriority::High,
                vec!["injury_or_loss"],
            ),
            (
                Facts {
                    property_loss: true,
                    ..facts()
                },
                Impact::Urgent,
                TicketPriority::High,
                vec!["injury_or_loss"],
            ),
            (repeated(4), Impact::General, TicketPriority::Low, vec![]),
            (
                repeated(5),
                Impact::Important,
                TicketPriority::Medium,
                vec!["repeated_5_in_7_days"],
            ),
            (
                Facts {
                    emotion: Some(Emotion::Angry),
                    ..facts()
                },
                Impact::General,
                TicketPriority::High,
                vec!["strong_complaint"],
            ),
            (
                Facts {
                    nature: Some(Nature::Product),
                    sub_problem: "quality_defect".into(),
                    ..facts()
                },
                Impact::General,
                TicketPriority::Medium,
                vec!["affects_use"],
            ),
            (
                Facts {
                    personal_injury: true,
                    nature: Some(Nature::Product),
                    similar_reports: BTreeMap::from([(7, 9)]),
                    ..facts()
                },
                Impact::Urgent,
                TicketPriority::High,
                vec!["injury_or_loss", "repeated_5_in_7_days", "affects_use"],
            ),
        ];
        for (i, (f, impact, priority, fired)) in table.into_iter().enumerate() {
            let g = rules.grade(&f);
            assert_eq!((g.impact, g.priority), (impact, priority), "case {i}");
            assert_eq!(g.fired, fired, "case {i}");
        }
    }

    #[test]
    fn admins_can_change_thresholds_and_rules_as_data() {
        let rules: GradingRules = serde_json::from_value(serde_json::json!({"rules": [
            {"key": "three_in_two_days", "when": {"repeated": {"min": 3, "days": 2}},
             "impact_at_least": "important"},
            {"key": "angry_compensation", "when": {"all": [{"emotion": "angry"}, {"demand": "compensation"}]},
             "priority_at_least": "high"}
        ]}))
        .unwrap();
        assert_eq!(rules.check(), Ok(()));
        assert_eq!(rules.repeat_windows(), [2]);
        let g = rules.grade(&Facts {
            similar_reports: BTreeMap::from([(2, 3)]),
            emotion: Some(Emotion::Angry),
            demand: Some(DemandKind::Compensation),
            ..facts()
        });
        assert_eq!(
            (g.impact, g.priority),
            (Impact::Important, TicketPriority::High)
        );
        let g = rules.grade(&Facts {
            emotion: Some(Emotion::Angry),
            ..facts()
        });
        assert_eq!(
            (g.impact, g.priority),
            (Impact::General, TicketPriority::Low)
        );
    }

    #[test]
    fn rule_sets_an_admin_cannot_mean_are_refused() {
        let rule = |key: &str, days| GradingRule {
            key: key.into(),
            when: When::Repeated { min: 2, days },
            impact_at_least: Some(Impact::Important),
            priority_at_least: None,
        };
        let set = |rules| GradingRules { rules };
        assert!(set(vec![rule("a", 7)]).check().is_ok());
        assert!(set(vec![rule("a", 7), rule("a", 3)]).check().is_err());
        assert!(set(vec![rule("a", 0)]).check().is_err());
        assert!(
            set(vec![GradingRule {
                impact_at_least: None,
                ..rule("a", 7)
            }])
            .check()
            .is_err()
        );
        assert!(GradingRules::default().check().is_ok());
    }

    #[test]
    fn tickets_are_routed_by_sub_problem_then_nature() {
        let map = RoutingMap::default();
        let table = [
            (Nature::Product, "quality_defect", "quality"),
            (Nature::Service, "attitude", "operations"),
            (Nature::Experience, "logistics_delay", "supply_chain"),
            (Nature::Experience, "complicated_process", "operations"),
        ];
        for (nature, sub, dept) in table {
            assert_eq!(map.route(nature, sub), Some(dept), "{sub}");
        }
        let empty = RoutingMap {
            by_nature: BTreeMap::new(),
            by_sub_problem: BTreeMap::new(),
        };
        assert_eq!(empty.route(Nature::Product, "design"), None);
    }

    #[test]
    fn the_lifecycle_allows_only_its_transitions() {
        use TicketAction as A;
        use TicketState as S;
        let ok = [
            (S::New, A::Assign, S::Assigned),
            (S::Assigned, A::Assign, S::Assigned),
            (S::InProgress, A::Assign, S::Assigned),
            (S::Assigned, A::Start, S::InProgress),
            (S::InProgress, A::Resolve, S::Resolved),
            (S::Resolved, A::ScheduleRevisit, S::Revisit),
            (S::Revisit, A::Close, S::Closed),
            (S::Resolved, A::Close, S::Closed),
            (S::Revisit, A::Reopen, S::InProgress),
            (S::Closed, A::Reopen, S::InProgress),
        ];
        for (from, action, to) in ok {
            assert_eq!(from.apply(action), Ok(to), "{from:?} {action:?}");
        }
        let bad = [
            (S::New, A::Start),
            (S::New, A::Resolve),
            (S::Assigned, A::Resolve),
            (S::InProgress, A::Close),
            (S::Closed, A::Assign),
            (S::Closed, A::Close),
            (S::New, A::Reopen),
            (S::Revisit, A::ScheduleRevisit),
        ];
        for (from, action) in bad {
            assert_eq!(from.apply(action), Err(TransitionError { from, action }));
        }
    }

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
    fn duplicates_are_the_same_person_and_sub_problem_within_the_window() {
        use chrono::TimeZone;
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
        let key = |customer: Option<u128>,
                   contact: Option<&'static str>,
                   sub: &'static str,
                   hours: i64| DuplicateKey {
            customer_id: customer.map(Uuid::from_u128),
            contact,
            sub_problem: sub,
            reported_at: t0 + Duration::hours(hours),
        };
        let week = Duration::days(7);
        let a = key(Some(1), None, "attitude", 0);
        let table = [
            (key(Some(1), None, "attitude", 30), true),
            (key(Some(1), None, "attitude", -30), true),
            (key(Some(1), None, "attitude", 24 * 8), false),
            (key(Some(2), None, "attitude", 1), false),
            (key(Some(1), None, "slow_response", 1), false),
            (key(None, Some("138****5678"), "attitude", 1), false),
        ];
        for (i, (b, want)) in table.into_iter().enumerate() {
            assert_eq!(likely_duplicate(&a, &b, week), want, "case {i}");
        }
        let anon = key(None, Some("138****5678"), "attitude", 0);
        assert!(likely_duplicate(
            &anon,
            &key(None, Some("138****5678"), "attitude", 2),
            week
        ));
        assert!(!likely_duplicate(
            &key(None, None, "attitude", 0),
            &key(None, None, "attitude", 0),
            week
        ));
    }

    #[test]
    fn concurrent_edits_keep_the_overwritten_value_in_history() {
        use serde_json::json;
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let by = Uuid::from_u128(5);
        assert_eq!(
            merge_field(
                "assignee",
                &json!("a"),
                Some(&json!("a")),
                json!("a"),
                by,
                at
            ),
            None
        );
        let plain = merge_field(
            "assignee",
            &json!("a"),
            Some(&json!("a")),
            json!("b"),
            by,
            at,
        )
        .unwrap();
        assert_eq!(
            (plain.old, plain.new, plain.concurrent),
            (json!("a"), json!("b"), false)
        );
        // Device 2 edited from "a" while device 1's "b" arrived first: "c" wins (arrival
        // order) and "b" is kept, flagged.
        let crossed = merge_field(
            "assignee",
            &json!("b"),
            Some(&json!("a")),
            json!("c"),
            by,
            at,
        )
        .unwrap();
        assert_eq!(
            (crossed.old, crossed.new, crossed.concurrent),
            (json!("b"), json!("c"), true)
        );
    }

    fn intake() -> TicketIntake {
        TicketIntake {
            customer_id: Some(Uuid::from_u128(1)),
            reporter: "王女士".into(),
            contact: None,
            channel: IntakeChannel::Hotline,
            nature: Nature::Service,
            sub_problem: "attitude".into(),
            description: "客服未等我说完就挂断电话".into(),
            emotion: Some(Emotion::Angry),
            demand: DemandKind::Emotional,
            personal_injury: false,
            property_loss: false,
            visit_id: None,
            duplicate_of: None,
        }
    }

    #[test]
    fn intake_needs_a_known_sub_problem_and_a_description() {
        assert_eq!(intake().validate(), Ok(()));
        let field = |i: TicketIntake| i.validate().unwrap_err().field;
        assert_eq!(
            field(TicketIntake {
                sub_problem: "quality_defect".into(),
                ..intake()
            }),
            "sub_problem"
        );
        assert_eq!(
            field(TicketIntake {
                description: " ".into(),
                ..intake()
            }),
            "description"
        );
        assert_eq!(
            field(TicketIntake {
                description: "长".repeat(MAX_DESCRIPTION + 1),
                ..intake()
            }),
            "description"
        );
        assert_eq!(
            field(TicketIntake {
                contact: Some("1".repeat(MAX_CONTACT + 1)),
                ..intake()
            }),
            "contact"
        );
    }

    #[test]
    fn a_report_without_name_or_contact_is_anonymous() {
        assert!(!intake().is_anonymous());
        let anon = TicketIntake {
            customer_id: None,
            reporter: String::new(),
            ..intake()
        };
        assert!(anon.is_anonymous());
        assert!(
            !TicketIntake {
                contact: Some("13812345678".into()),
                ..anon.clone()
            }
            .is_anonymous()
        );
        assert!(
            TicketIntake {
                contact: Some("  ".into()),
                ..anon
            }
            .is_anonymous()
        );
    }

    #[test]
    fn the_intake_grades_through_the_rules() {
        let g = GradingRules::default().grade(
            &TicketIntake {
                property_loss: true,
                ..intake()
            }
            .facts(BTreeMap::new()),
        );
        assert_eq!(
            (g.impact, g.priority),
            (Impact::Urgent, TicketPriority::High)
        );
    }

    #[test]
    fn updates_must_change_something_and_resolutions_are_written_down() {
        let none = TicketUpdate {
            action: None,
            set: TicketFields::default(),
            base: TicketFields::default(),
            note: None,
            waiting_on_customer: None,
        };
        let field = |u: TicketUpdate| u.validate().err().map(|e| e.field);
        assert_eq!(field(none.clone()), Some("set"));
        assert_eq!(
            field(TicketUpdate {
                note: Some("已联系客户".into()),
                ..none.clone()
            }),
            None
        );
        assert_eq!(
            field(TicketUpdate {
                note: Some("".into()),
                ..none.clone()
            }),
            Some("note")
        );
        assert_eq!(
            field(TicketUpdate {
                action: Some(TicketAction::Resolve),
                ..none.clone()
            }),
            Some("resolution")
        );
        assert_eq!(
            field(TicketUpdate {
                action: Some(TicketAction::Resolve),
                set: TicketFields {
                    resolution: Some("已更换压缩机".into()),
                    ..TicketFields::default()
                },
                ..none.clone()
            }),
            None
        );
        assert_eq!(
            field(TicketUpdate {
                set: TicketFields {
                    nature: Some(Nature::Product),
                    sub_problem: Some("attitude".into()),
                    ..TicketFields::default()
                },
                ..none
            }),
            Some("sub_problem")
        );
    }

    #[test]
    fn a_revisit_closes_on_satisfaction_and_reopens_otherwise() {
        use crate::visit::{Channel, Outcome, VisitRecord};
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
    fn returning_a_record_needs_a_comment() {
        let req = |decision, comment: &str| ReviewRequest {
            target: ReviewTarget::Visit(Uuid::from_u128(1)),
            decision,
            comment: comment.into(),
        };
        assert!(req(ReviewDecision::SignOff, "").validate().is_ok());
        assert!(
            req(ReviewDecision::Return, "原话请补充完整")
                .validate()
                .is_ok()
        );
        assert_eq!(
            req(ReviewDecision::Return, " ")
                .validate()
                .unwrap_err()
                .field,
            "comment"
        );
        let json = serde_json::to_value(req(ReviewDecision::SignOff, "")).unwrap();
        assert_eq!(
            json["target"],
            serde_json::json!({"type": "visit", "id": Uuid::from_u128(1)})
        );
    }

    #[test]
    fn every_nature_has_its_sub_problems_and_visit_demands_map_over() {
        for n in [Nature::Product, Nature::Service, Nature::Experience] {
            assert_eq!(n.sub_problems().len(), 3);
        }
        assert_eq!(
            DemandKind::from_visit(Demand::Exchange),
            DemandKind::Compensation
        );
        assert_eq!(
            DemandKind::from_visit(Demand::Apology),
            DemandKind::Emotional
        );
        assert_eq!(
            DemandKind::from_visit(Demand::Explanation),
            DemandKind::Improvement
        );
    }
}
