//! The sync protocol: push mutations, pull changes (DESIGN.md "Sync protocol").
//!
//! The envelope is fixed; each `kind` has its own typed `data`. Checking a mutation is a pure
//! function of the mutation, the pusher's role and `now`; the server decides with it before
//! writing. The device does not run it: it queues only what its forms' own checks (the same
//! domain validators) passed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::Role;
use crate::customer::Customer;
use crate::script::Script;
use crate::survey::Survey;
use crate::task::{QuietHours, VisitTask};
use crate::ticket::{ReviewRequest, Ticket, TicketIntake, TicketUpdate};
use crate::visit::VisitRecord;

/// Most mutations one push may carry; the client splits a longer outbox into batches.
pub const MAX_BATCH: usize = 500;
/// Most records one pull page returns; `more` says whether to ask again.
pub const MAX_PULL: usize = 500;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub device_id: Uuid,
    pub mutations: Vec<Mutation>,
}

/// One local change, queued in the device's outbox under a per-device sequence number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mutation {
    pub seq: u64,
    /// The entity the mutation is about (client-made UUID).
    pub id: Uuid,
    pub kind: String,
    /// Device time of the change.
    pub at: DateTime<Utc>,
    pub data: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    /// Highest `seq` the server has processed (applied or rejected) for this device.
    pub acked_seq: u64,
    pub rejected: Vec<Rejected>,
}

/// A mutation the server processed but did not apply: nothing of it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    pub seq: u64,
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectCode {
    /// The `kind` is not one this server knows.
    UnknownKind,
    /// The `data` does not parse or breaks a rule.
    Invalid,
    /// The pusher's role may not make this change.
    Forbidden,
    /// The change collides with stored data (e.g. the id exists with other content, or an
    /// unknown customer).
    Conflict,
}

impl RejectCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::UnknownKind => "unknown_kind",
            RejectCode::Invalid => "invalid",
            RejectCode::Forbidden => "forbidden",
            RejectCode::Conflict => "conflict",
        }
    }
}

impl Rejected {
    pub fn new(seq: u64, code: RejectCode, message: impl Into<String>) -> Self {
        Self {
            seq,
            code: code.as_str().to_owned(),
            message: message.into(),
            field: None,
        }
    }
}

/// The mutation kinds this version understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MutationKind {
    /// `visit.record`: a new 回访记录.
    VisitRecord,
    /// `ticket.create`: a new 工单, or another report of an open one (`duplicate_of`).
    TicketCreate,
    /// `ticket.update`: one user's change to a ticket (fields, note, action, waiting).
    TicketUpdate,
    /// `review.decide`: a supervisor signs off or returns a visit or a ticket resolution.
    ReviewDecide,
}

impl MutationKind {
    pub const ALL: [MutationKind; 4] = [
        MutationKind::VisitRecord,
        MutationKind::TicketCreate,
        MutationKind::TicketUpdate,
        MutationKind::ReviewDecide,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MutationKind::VisitRecord => "visit.record",
            MutationKind::TicketCreate => "ticket.create",
            MutationKind::TicketUpdate => "ticket.update",
            MutationKind::ReviewDecide => "review.decide",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A mutation whose `data` has been parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    VisitRecord(VisitRecord),
    TicketCreate(TicketIntake),
    TicketUpdate(TicketUpdate),
    ReviewDecide(ReviewRequest),
}

/// Role gates of the ticket mutations that need no stored data. Who may update which ticket
/// depends on its assignee, so `ticket.update` is open to every role here and decided on the
/// server.
fn may(kind: MutationKind, role: Role) -> bool {
    match kind {
        MutationKind::VisitRecord | MutationKind::TicketCreate => role.can_record_visits(),
        MutationKind::TicketUpdate => true,
        MutationKind::ReviewDecide => role.can_decide_reviews(),
    }
}

impl Mutation {
    /// Parses `data` for its `kind` and applies every rule that needs no stored data.
    /// The server still checks what only it can see (e.g. that the customer exists).
    pub fn check(&self, role: Role, now: DateTime<Utc>) -> Result<Change, Rejected> {
        let kind = MutationKind::parse(&self.kind).ok_or_else(|| {
            Rejected::new(
                self.seq,
                RejectCode::UnknownKind,
                format!("unknown mutation kind {:?}", self.kind),
            )
        })?;
        if !may(kind, role) {
            return Err(Rejected::new(
                self.seq,
                RejectCode::Forbidden,
                format!("role {} may not {}", role.as_str(), kind.as_str()),
            ));
        }
        let bad = |e: serde_json::Error| {
            Rejected::new(self.seq, RejectCode::Invalid, format!("bad data: {e}"))
        };
        let broken = |e: crate::error::ValidationError| Rejected {
            field: Some(e.field.to_owned()),
            ..Rejected::new(self.seq, RejectCode::Invalid, e.message)
        };
        // Read in place from the parsed request: the data is parsed once, never copied.
        let data = &self.data;
        match kind {
            MutationKind::VisitRecord => {
                let record = VisitRecord::deserialize(data).map_err(bad)?;
                record.validate(now).map_err(broken)?;
                Ok(Change::VisitRecord(record))
            }
            MutationKind::TicketCreate => {
                let intake = TicketIntake::deserialize(data).map_err(bad)?;
                intake.validate().map_err(broken)?;
                Ok(Change::TicketCreate(intake))
            }
            MutationKind::TicketUpdate => {
                let update = TicketUpdate::deserialize(data).map_err(bad)?;
                update.validate().map_err(broken)?;
                Ok(Change::TicketUpdate(update))
            }
            MutationKind::ReviewDecide => {
                let request = ReviewRequest::deserialize(data).map_err(bad)?;
                request.validate().map_err(broken)?;
                Ok(Change::ReviewDecide(request))
            }
        }
    }
}

impl VisitRecord {
    /// Checks what the record names against the script and survey versions the checker has
    /// (`None`: it has no such version). The server runs this after [`Mutation::check`].
    pub fn check_refs(
        &self,
        seq: u64,
        script: Option<&Script>,
        survey: Option<&Survey>,
    ) -> Result<(), Rejected> {
        let reject = |code, field: &str, message: String| Rejected {
            field: Some(field.to_owned()),
            ..Rejected::new(seq, code, message)
        };
        if let Some(used) = &self.script {
            let script = script.ok_or_else(|| {
                reject(
                    RejectCode::Conflict,
                    "script",
                    format!("unknown script {} version {}", used.script_id, used.version),
                )
            })?;
            used.check(script)
                .map_err(|m| reject(RejectCode::Invalid, "script", m))?;
        }
        if let Some(response) = &self.survey {
            let survey = survey.ok_or_else(|| {
                reject(
                    RejectCode::Conflict,
                    "survey",
                    format!(
                        "unknown survey {} version {}",
                        response.survey_id, response.version
                    ),
                )
            })?;
            response.check(survey).map_err(|e| {
                let text = survey
                    .questions
                    .iter()
                    .find(|q| q.key == e.question)
                    .map(|q| format!(" ({})", q.text))
                    .unwrap_or_default();
                reject(
                    RejectCode::Invalid,
                    &format!("survey.{}", e.question),
                    format!("question {}{text}: {}", e.question, e.problem),
                )
            })?;
        }
        Ok(())
    }
}

/// Why a push envelope as a whole is unacceptable (answered with 400, nothing applied).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    #[error("a batch holds at most {MAX_BATCH} mutations, got {0}")]
    TooLarge(usize),
    #[error("seq must start at 1 and increase strictly within a batch (at seq {0})")]
    BadOrder(u64),
}

impl PushRequest {
    pub fn check_envelope(&self) -> Result<(), BatchError> {
        if self.mutations.len() > MAX_BATCH {
            return Err(BatchError::TooLarge(self.mutations.len()));
        }
        let mut last = 0;
        for m in &self.mutations {
            if m.seq <= last {
                return Err(BatchError::BadOrder(m.seq));
            }
            last = m.seq;
        }
        Ok(())
    }
}

/// `GET /api/sync/pull?since=<cursor>`: what changed for this user since the cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    /// Pass back as `since` next time; it only ever grows.
    pub cursor: u64,
    /// Customers in scope changed after the cursor, and the customer of every task and
    /// ticket on the page (whatever its version: the device may not have it yet).
    pub customers: Vec<Customer>,
    /// Open tasks assigned to this user (a task closed since the cursor comes in `dropped`).
    #[serde(default)]
    pub tasks: Vec<VisitTask>,
    /// Current versions of the call scripts.
    #[serde(default)]
    pub scripts: Vec<Script>,
    /// Current versions of the survey templates.
    #[serde(default)]
    pub surveys: Vec<Survey>,
    /// Present when the settings changed since the cursor (always on a first pull).
    #[serde(default)]
    pub settings: Option<Settings>,
    /// Tickets the device keeps (`scope::keeps_ticket`), with their timeline and clocks.
    #[serde(default)]
    pub tickets: Vec<Ticket>,
    /// What changed after the cursor and left this user's scope: the device removes its
    /// copies (unless it has queued changes of them).
    #[serde(default)]
    pub dropped: Dropped,
    /// On the pages of a first pull: the change version it started at; pass it back as
    /// `snapshot` with the next page (nothing older can be on the device).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<u64>,
    /// True when this page was cut at [`MAX_PULL`] records or `scope::MAX_PULL_BYTES`: pull
    /// again at once with the new cursor.
    pub more: bool,
}

/// Ids of records that left the user's scope, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dropped {
    #[serde(default)]
    pub tickets: Vec<Uuid>,
    #[serde(default)]
    pub tasks: Vec<Uuid>,
}

/// Organisation-wide settings the device needs offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// `{company}` in the call scripts.
    pub company: String,
    /// The organisation's local time (quiet hours and "today" are local), e.g. 480 for UTC+8.
    pub utc_offset_minutes: i32,
    pub quiet_hours: QuietHours,
    /// 回访时长目标: a contact should take between these many minutes.
    pub target_minutes: [u32; 2],
    /// "一事一记": record a finished contact within this many minutes.
    pub record_within_minutes: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
    }

    fn mutation(seq: u64, kind: &str, data: serde_json::Value) -> Mutation {
        Mutation {
            seq,
            id: Uuid::from_u128(seq as u128),
            kind: kind.into(),
            at: now(),
            data,
        }
    }

    fn visit_data() -> serde_json::Value {
        json!({
            "customer_id": Uuid::from_u128(7),
            "channel": "phone",
            "visit_type": "repair",
            "outcome": "reached",
            "satisfaction": 5,
            "emotion": "satisfied",
            "verbatim": "修得很好",
            "demand": "none",
            "contacted_at": "2026-11-23T09:30:00Z"
        })
    }

    fn intake_data() -> serde_json::Value {
        json!({
            "customer_id": Uuid::from_u128(7),
            "reporter": "王女士",
            "channel": "hotline",
            "nature": "service",
            "sub_problem": "attitude",
            "description": "客服未等我说完就挂断电话",
            "emotion": "angry",
            "demand": "emotional"
        })
    }

    fn review_data(decision: &str, comment: &str) -> serde_json::Value {
        json!({"target": {"type": "ticket", "id": Uuid::from_u128(3)},
               "decision": decision, "comment": comment})
    }

    #[test]
    fn every_kind_round_trips_its_wire_name() {
        for kind in MutationKind::ALL {
            assert_eq!(MutationKind::parse(kind.as_str()), Some(kind));
        }
    }

    /// `Err((code, field))` when the mutation must be rejected.
    type Expected = Result<(), (&'static str, Option<&'static str>)>;

    #[test]
    fn mutations_are_checked_by_kind_role_and_rules() {
        let cases: Vec<(Mutation, Role, Expected)> = vec![
            (
                mutation(1, "visit.record", visit_data()),
                Role::Field,
                Ok(()),
            ),
            (
                mutation(1, "visit.record", visit_data()),
                Role::Agent,
                Ok(()),
            ),
            (
                mutation(1, "visit.record", visit_data()),
                Role::Admin,
                Err(("forbidden", None)),
            ),
            (
                mutation(1, "visit.delete", visit_data()),
                Role::Field,
                Err(("unknown_kind", None)),
            ),
            (
                mutation(1, "visit.record", json!({"customer_id": 1})),
                Role::Field,
                Err(("invalid", None)),
            ),
            (
                mutation(1, "visit.record", {
                    let mut d = visit_data();
                    d["satisfaction"] = json!(9);
                    d
                }),
                Role::Field,
                Err(("invalid", Some("satisfaction"))),
            ),
            (
                mutation(1, "ticket.create", intake_data()),
                Role::Field,
                Ok(()),
            ),
            (
                mutation(1, "ticket.create", intake_data()),
                Role::Supervisor,
                Ok(()),
            ),
            (
                mutation(1, "ticket.create", intake_data()),
                Role::Admin,
                Err(("forbidden", None)),
            ),
            (
                mutation(1, "ticket.create", {
                    let mut d = intake_data();
                    d["sub_problem"] = json!("quality_defect");
                    d
                }),
                Role::Agent,
                Err(("invalid", Some("sub_problem"))),
            ),
            (
                mutation(1, "ticket.create", {
                    let mut d = intake_data();
                    d["priority"] = json!("high");
                    d
                }),
                Role::Agent,
                Err(("invalid", None)),
            ),
            (
                mutation(1, "ticket.update", json!({"note": "已联系客户,约周三上门"})),
                Role::Field,
                Ok(()),
            ),
            (
                mutation(
                    1,
                    "ticket.update",
                    json!({"action": "assign",
                    "set": {"assignee": Uuid::from_u128(9)}, "base": {}}),
                ),
                Role::Admin,
                Ok(()),
            ),
            (
                mutation(1, "ticket.update", json!({})),
                Role::Supervisor,
                Err(("invalid", Some("set"))),
            ),
            (
                mutation(1, "ticket.update", json!({"action": "resolve"})),
                Role::Agent,
                Err(("invalid", Some("resolution"))),
            ),
            (
                mutation(1, "ticket.update", json!({"action": "archive"})),
                Role::Agent,
                Err(("invalid", None)),
            ),
            (
                mutation(1, "review.decide", review_data("sign_off", "")),
                Role::Supervisor,
                Ok(()),
            ),
            (
                mutation(1, "review.decide", review_data("sign_off", "")),
                Role::Admin,
                Ok(()),
            ),
            (
                mutation(1, "review.decide", review_data("sign_off", "")),
                Role::Agent,
                Err(("forbidden", None)),
            ),
            (
                mutation(1, "review.decide", review_data("return", " ")),
                Role::Supervisor,
                Err(("invalid", Some("comment"))),
            ),
        ];
        for (i, (m, role, want)) in cases.into_iter().enumerate() {
            let got = m.check(role, now());
            match want {
                Ok(()) => assert!(got.is_ok(), "case {i}: {got:?}"),
                Err((code, field)) => {
                    let r = got.expect_err(&format!("case {i}"));
                    assert_eq!(r.code, code, "case {i}: {r:?}");
                    assert_eq!(r.field.as_deref(), field, "case {i}");
                    assert_eq!(r.seq, 1);
                    assert!(!r.message.is_empty());
                }
            }
        }
    }

    #[test]
    fn a_visit_is_checked_against_the_script_and_survey_versions_it_names() {
        use crate::script::{Audience, ScriptStep, ScriptUse, StepKind};
        use crate::survey::{Question, QuestionKind, SurveyResponse};
        use crate::visit::{Channel, Outcome, VisitType};
        let script = Script {
            id: Uuid::from_u128(10),
            version: 1,
            visit_type: VisitType::Repair,
            title: "维修回访".into(),
            steps: vec![ScriptStep {
                key: "opening".into(),
                kind: StepKind::Opening,
                goal: String::new(),
                variants: [(Audience::Standard, "您好".to_owned())].into(),
            }],
            retired: false,
        };
        let survey = Survey {
            id: Uuid::from_u128(20),
            version: 4,
            title: "满意度".into(),
            visit_type: Some(VisitType::Satisfaction),
            questions: vec![Question {
                key: "overall".into(),
                text: "整体评价".into(),
                kind: QuestionKind::Stars,
                required: true,
                show_if: None,
            }],
            retired: false,
        };
        let mut record = VisitRecord::new(
            Uuid::from_u128(7),
            Channel::Phone,
            VisitType::Repair,
            Outcome::Reached,
            now(),
        );
        record.script = Some(ScriptUse {
            script_id: script.id,
            version: 1,
            audience: Audience::Standard,
            steps_done: vec!["opening".into()],
        });
        record.survey = Some(SurveyResponse {
            survey_id: survey.id,
            version: 4,
            answers: [("overall".to_owned(), crate::survey::Answer::Number(5))].into(),
        });
        assert_eq!(record.check_refs(3, Some(&script), Some(&survey)), Ok(()));

        let missing = record.check_refs(3, None, Some(&survey)).unwrap_err();
        assert_eq!(
            (missing.code.as_str(), missing.field.as_deref()),
            ("conflict", Some("script"))
        );

        let mut bad = record.clone();
        bad.survey.as_mut().unwrap().answers =
            [("overall".to_owned(), crate::survey::Answer::Number(9))].into();
        let err = bad.check_refs(3, Some(&script), Some(&survey)).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("survey.overall"));
        assert!(err.message.contains("整体评价"), "{}", err.message);
        assert_eq!(err.seq, 3);
    }

    #[test]
    fn an_older_app_reads_a_newer_servers_pull() {
        let newer =
            json!({"cursor": 3, "customers": [], "more": false, "tickets": [], "badges": 1});
        let pull: PullResponse = serde_json::from_value(newer).unwrap();
        assert_eq!(pull.cursor, 3);
    }

    #[test]
    fn envelopes_must_be_ordered_and_bounded() {
        let seqs = |s: &[u64]| PushRequest {
            device_id: Uuid::from_u128(1),
            mutations: s
                .iter()
                .map(|&q| mutation(q, "visit.record", json!({})))
                .collect(),
        };
        assert_eq!(seqs(&[]).check_envelope(), Ok(()));
        assert_eq!(seqs(&[1, 2, 3]).check_envelope(), Ok(()));
        assert_eq!(seqs(&[4, 9]).check_envelope(), Ok(()));
        assert_eq!(seqs(&[0]).check_envelope(), Err(BatchError::BadOrder(0)));
        assert_eq!(seqs(&[2, 2]).check_envelope(), Err(BatchError::BadOrder(2)));
        assert_eq!(seqs(&[3, 1]).check_envelope(), Err(BatchError::BadOrder(1)));
        let big: Vec<u64> = (1..=MAX_BATCH as u64 + 1).collect();
        assert_eq!(
            seqs(&big).check_envelope(),
            Err(BatchError::TooLarge(MAX_BATCH + 1))
        );
    }

    #[test]
    fn the_push_envelope_matches_the_design_contract() {
        let wire = json!({
            "device_id": Uuid::from_u128(3),
            "mutations": [{"seq": 1, "id": Uuid::from_u128(4), "kind": "visit.record",
                           "at": "2026-11-23T09:31:00+08:00", "data": visit_data()}]
        });
        let req: PushRequest = serde_json::from_value(wire).unwrap();
        assert_eq!(req.mutations[0].seq, 1);
        let mut unknown = serde_json::to_value(&req).unwrap();
        unknown["extra"] = json!(true);
        assert!(serde_json::from_value::<PushRequest>(unknown).is_err());
    }
}
