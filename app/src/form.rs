//! The visit form's state as the user typed it, and its conversion to a domain record.
//!
//! The draft holds raw strings (what the inputs show), so it can be autosaved and restored
//! half-filled; only saving turns it into a [`VisitRecord`], checked by the domain's own rules.

use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};
use huifang_domain::proof::{Place, Signature};
use huifang_domain::script::{Audience, Script, ScriptUse, Values};
use huifang_domain::survey::{Answers, Survey, SurveyError, SurveyProblem, SurveyResponse};
use huifang_domain::task::VisitTask;
use huifang_domain::visit::MAX_DURATION_SECS;
use huifang_domain::{
    Channel, Customer, Demand, Emotion, Outcome, User, ValidationError, ValidationKind,
    VisitRecord, VisitType,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The `<input type="datetime-local">` format.
const LOCAL_INPUT: &str = "%Y-%m-%dT%H:%M";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    /// The draft's own key (`draft/<id>`), so several visits can be half-done at once.
    pub id: Uuid,
    pub updated_at: DateTime<Utc>,
    pub customer_id: String,
    pub channel: String,
    pub visit_type: String,
    pub outcome: String,
    pub attempt: String,
    pub satisfaction: Option<u8>,
    pub emotion: String,
    pub verbatim: String,
    pub demand: String,
    pub follow_up: String,
    /// Local wall-clock time as the datetime input shows it.
    pub contacted_at: String,
    /// Set when the draft edits a rejected record: its seq, and the visit id it keeps.
    pub resend_of: Option<u64>,
    pub visit_id: Option<Uuid>,
    pub task_id: Option<Uuid>,
    /// Local wall-clock time, like `contacted_at`.
    pub call_back_at: String,
    /// `None` until the user picks one: the customer decides the default (VIP or not).
    pub audience: Option<Audience>,
    pub steps_done: Vec<String>,
    pub step: usize,
    pub answers: Answers,
    pub escalate: bool,
    pub signature: Option<Signature>,
    pub place: Option<Place>,
    /// The visit timer: started with the form, stopped by "contact finished".
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            id: Uuid::nil(),
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
            customer_id: String::new(),
            channel: String::new(),
            visit_type: String::new(),
            outcome: String::new(),
            attempt: "1".into(),
            satisfaction: None,
            emotion: String::new(),
            verbatim: String::new(),
            demand: String::new(),
            follow_up: String::new(),
            contacted_at: String::new(),
            resend_of: None,
            visit_id: None,
            task_id: None,
            call_back_at: String::new(),
            audience: None,
            steps_done: Vec::new(),
            step: 0,
            answers: Answers::new(),
            escalate: false,
            signature: None,
            place: None,
            started_at: None,
            finished_at: None,
        }
    }
}

pub fn to_local_input(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format(LOCAL_INPUT).to_string()
}

pub fn from_local_input(s: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(s, LOCAL_INPUT).ok()?;
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

fn required(field: &'static str) -> ValidationError {
    ValidationError::new(
        field,
        ValidationKind::Required,
        format!("{field} is required"),
    )
}

/// Why the form cannot be saved yet: a field of the record, or one survey question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    Field(ValidationError),
    Survey(SurveyError),
}

impl From<ValidationError> for FormError {
    fn from(e: ValidationError) -> Self {
        FormError::Field(e)
    }
}

/// The record's fields in the order the form shows them (the survey sits where `survey`
/// is), so the problems read, and the first one is focused, top to bottom.
const SCREEN_ORDER: [&str; 17] = [
    "customer_id",
    "contacted_at",
    "channel",
    "visit_type",
    "outcome",
    "attempt",
    "call_back_at",
    "place",
    "satisfaction",
    "emotion",
    "demand",
    "survey",
    "escalate",
    "verbatim",
    "follow_up",
    "signature",
    "duration_secs",
];

impl FormError {
    /// The `id` of the element where the problem is fixed.
    pub fn target(&self) -> String {
        match self {
            FormError::Field(e) => format!("f-{}", e.field),
            FormError::Survey(e) => format!("q-{}", e.question),
        }
    }

    fn screen_position(&self) -> usize {
        let field = match self {
            FormError::Field(e) => e.field,
            FormError::Survey(_) => "survey",
        };
        SCREEN_ORDER
            .iter()
            .position(|f| *f == field)
            .unwrap_or(SCREEN_ORDER.len())
    }
}

/// The script a visit of this type follows, if the device has one.
pub fn script_for(visit_type: Option<VisitType>, scripts: &[Script]) -> Option<Script> {
    let t = visit_type?;
    scripts.iter().find(|s| s.visit_type == t).cloned()
}

/// The survey a visit of this type asks, if there is one.
pub fn survey_for(visit_type: Option<VisitType>, surveys: &[Survey]) -> Option<Survey> {
    let t = visit_type?;
    surveys.iter().find(|s| s.visit_type == Some(t)).cloned()
}

/// Answers to questions a later answer hid are dropped, in question order: a condition only
/// looks at earlier questions, so one pass settles it.
pub fn prune_answers(survey: &Survey, answers: &Answers) -> Answers {
    let mut kept = Answers::new();
    for q in &survey.questions {
        let asked = survey.visible(&kept).any(|v| v.key == q.key);
        if let Some(a) = answers.get(&q.key).filter(|_| asked) {
            kept.insert(q.key.clone(), a.clone());
        }
    }
    kept
}

/// VIP customers get the VIP wording unless the user picks another.
pub fn default_audience(customer: Option<&Customer>) -> Audience {
    if customer.is_some_and(|c| c.vip) {
        Audience::Vip
    } else {
        Audience::Standard
    }
}

/// What the script's placeholders say for this visit. `next_contact` falls back to
/// `later` (a phrase in the user's language) until a call-back time is set.
pub fn script_values(
    customer: Option<&Customer>,
    user: Option<&User>,
    company: &str,
    next_contact: Option<String>,
    later: &str,
) -> Values {
    let mut v = Values::new();
    if let Some(c) = customer {
        v.insert("customer_name", c.name.clone());
        // The summary leads with what was bought or serviced ("空调维修,2026-11 上门").
        let product = c
            .summary
            .split([',', '，', '、', ';', '；', '。'])
            .next()
            .unwrap_or_default()
            .trim();
        v.insert("product", product.to_owned());
    }
    if let Some(u) = user {
        v.insert("agent_no", u.agent_no.clone());
        v.insert("agent_name", u.display_name.clone());
    }
    if !company.is_empty() {
        v.insert("company", company.to_owned());
    }
    v.insert(
        "next_contact",
        next_contact.unwrap_or_else(|| later.to_owned()),
    );
    v
}

impl Draft {
    /// A fresh form, optionally for a customer picked from the list; its timer starts now.
    pub fn new(id: Uuid, customer_id: Option<Uuid>, now: DateTime<Utc>) -> Self {
        Self {
            id,
            updated_at: now,
            customer_id: customer_id.map(|id| id.to_string()).unwrap_or_default(),
            contacted_at: to_local_input(now),
            started_at: Some(now),
            ..Self::default()
        }
    }

    /// A visit for a planned task: who, why, how and which attempt come from the task.
    pub fn from_task(id: Uuid, task: &VisitTask, now: DateTime<Utc>) -> Self {
        Self {
            channel: task.planned_channel.as_str().into(),
            visit_type: task.visit_type.as_str().into(),
            attempt: task.attempt.to_string(),
            task_id: Some(task.id),
            ..Self::new(id, Some(task.customer_id), now)
        }
    }

    /// The form for fixing a rejected record.
    pub fn from_record(id: Uuid, record: &VisitRecord, seq: u64, visit_id: Uuid) -> Self {
        Self {
            id,
            customer_id: record.customer_id.to_string(),
            channel: record.channel.as_str().into(),
            visit_type: record.visit_type.as_str().into(),
            outcome: record.outcome.as_str().into(),
            attempt: record.attempt.to_string(),
            satisfaction: record.satisfaction,
            emotion: record
                .emotion
                .map(|e| e.as_str().into())
                .unwrap_or_default(),
            verbatim: record.verbatim.clone(),
            demand: record.demand.map(|d| d.as_str().into()).unwrap_or_default(),
            follow_up: record.follow_up.clone(),
            contacted_at: to_local_input(record.contacted_at),
            resend_of: Some(seq),
            visit_id: Some(visit_id),
            task_id: record.task_id,
            call_back_at: record.call_back_at.map(to_local_input).unwrap_or_default(),
            audience: record.script.as_ref().map(|s| s.audience),
            steps_done: record
                .script
                .as_ref()
                .map(|s| s.steps_done.clone())
                .unwrap_or_default(),
            answers: record
                .survey
                .as_ref()
                .map(|s| s.answers.clone())
                .unwrap_or_default(),
            escalate: record.escalate,
            signature: record.signature.clone(),
            place: record.place.clone(),
            ..Self::default()
        }
    }

    /// Satisfaction, emotion and demand only make sense once the customer was reached; the
    /// form hides them otherwise.
    pub fn reached(&self) -> bool {
        self.outcome == Outcome::Reached.as_str()
    }

    pub fn on_site(&self) -> bool {
        self.channel == Channel::OnSite.as_str()
    }

    pub fn visit_type(&self) -> Option<VisitType> {
        VisitType::parse(&self.visit_type)
    }

    /// True when nothing worth keeping was entered (so no draft is stored for it): what a
    /// task or the customer list prefilled does not count.
    pub fn is_blank(&self) -> bool {
        self.outcome.is_empty()
            && self.satisfaction.is_none()
            && self.emotion.is_empty()
            && self.verbatim.trim().is_empty()
            && self.demand.is_empty()
            && self.follow_up.trim().is_empty()
            && self.call_back_at.is_empty()
            && self.steps_done.is_empty()
            && self.answers.is_empty()
            && self.signature.is_none()
            && !self.escalate
            && self.resend_of.is_none()
    }

    /// Seconds on the visit timer, if it ran for a plausible time.
    pub fn duration_secs(&self, now: DateTime<Utc>) -> Option<u32> {
        let start = self.started_at?;
        let secs = (self.finished_at.unwrap_or(now) - start).num_seconds();
        // A draft resumed days later has no meaningful duration.
        u32::try_from(secs).ok().filter(|s| *s <= MAX_DURATION_SECS)
    }

    /// Builds the record and checks it with the domain's rules, returning every problem in
    /// screen order. Hidden fields are dropped, so values typed before switching the outcome
    /// to "not reached" cannot break a rule the user can no longer see. `script` and
    /// `survey` are the versions the form showed.
    pub fn to_record(
        &self,
        now: DateTime<Utc>,
        script: Option<&Script>,
        survey: Option<&Survey>,
        audience: Audience,
    ) -> Result<VisitRecord, Vec<FormError>> {
        let customer_id = Uuid::parse_str(&self.customer_id).ok();
        let channel = Channel::parse(&self.channel);
        let visit_type = VisitType::parse(&self.visit_type);
        let outcome = Outcome::parse(&self.outcome);
        let attempt = self.attempt.trim().parse::<u8>().ok();
        let contacted_at = from_local_input(&self.contacted_at);
        let call_back_at = from_local_input(&self.call_back_at);
        let mut errors: Vec<FormError> = Vec::new();
        for (missing, field) in [
            (customer_id.is_none(), "customer_id"),
            (channel.is_none(), "channel"),
            (visit_type.is_none(), "visit_type"),
            (outcome.is_none(), "outcome"),
            (contacted_at.is_none(), "contacted_at"),
            (
                outcome == Some(Outcome::CallBack) && call_back_at.is_none(),
                "call_back_at",
            ),
        ] {
            if missing {
                errors.push(required(field).into());
            }
        }
        if attempt.is_none() {
            errors.push(
                ValidationError::new(
                    "attempt",
                    ValidationKind::OutOfRange,
                    "attempt is not a number",
                )
                .into(),
            );
        }
        // A choice not made yet stands in as one that asks nothing of the other fields (a
        // phone call that reached no one), as the form hides those fields until it is made;
        // the rest is still checked, so one save names every problem.
        let outcome_or = outcome.unwrap_or(Outcome::NoAnswer);
        let channel_or = channel.unwrap_or(Channel::Phone);
        let reached = outcome_or == Outcome::Reached;
        let on_site = channel_or == Channel::OnSite;
        let script_use = script.map(|s| ScriptUse {
            script_id: s.id,
            version: s.version,
            audience,
            // Ticks of steps a newer script version dropped cannot be kept.
            steps_done: s
                .steps
                .iter()
                .filter(|st| self.steps_done.contains(&st.key))
                .map(|st| st.key.clone())
                .collect(),
        });
        let survey = survey.filter(|_| reached);
        let survey_response = survey.map(|s| SurveyResponse {
            survey_id: s.id,
            version: s.version,
            answers: prune_answers(s, &self.answers),
        });
        let answers = survey_response
            .as_ref()
            .map(|r| r.answers.clone())
            .unwrap_or_default();
        let record = VisitRecord {
            attempt: attempt.unwrap_or(1),
            satisfaction: huifang_domain::survey::satisfaction(survey, &answers, self.satisfaction)
                .filter(|_| reached),
            emotion: Emotion::parse(&self.emotion).filter(|_| reached),
            verbatim: self.verbatim.trim().to_owned(),
            demand: Demand::parse(&self.demand).filter(|_| reached),
            follow_up: self.follow_up.trim().to_owned(),
            task_id: self.task_id,
            call_back_at: call_back_at.filter(|_| outcome_or == Outcome::CallBack),
            script: script_use,
            survey: survey_response,
            escalate: self.escalate && reached,
            duration_secs: self.duration_secs(now),
            signature: self.signature.clone().filter(|_| on_site),
            place: self.place.clone().filter(|_| on_site),
            ..VisitRecord::new(
                customer_id.unwrap_or_default(),
                channel_or,
                visit_type.unwrap_or(VisitType::Complaint),
                outcome_or,
                contacted_at.unwrap_or(now),
            )
        };
        let mut survey_errors = survey.map(|s| s.check_all(&answers)).unwrap_or_default();
        let overall = survey.and_then(Survey::overall_question);
        for e in record.validate_all(now) {
            match overall {
                // The score is the overall question's answer: its problem is named there,
                // once.
                Some(q) if e.field == "satisfaction" => {
                    if !survey_errors.iter().any(|s| s.question == q.key) {
                        survey_errors.push(SurveyError {
                            question: q.key.clone(),
                            problem: match e.kind {
                                ValidationKind::OutOfRange => {
                                    SurveyProblem::OutOfRange { min: 1, max: 5 }
                                }
                                _ => SurveyProblem::Required,
                            },
                        });
                    }
                }
                _ => errors.push(e.into()),
            }
        }
        if let Some(s) = survey {
            survey_errors.sort_by_key(|e| s.questions.iter().position(|q| q.key == e.question));
        }
        errors.extend(survey_errors.into_iter().map(FormError::Survey));
        if errors.is_empty() {
            Ok(record)
        } else {
            errors.sort_by_key(FormError::screen_position);
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        Utc::now()
    }

    fn filled() -> Draft {
        Draft {
            channel: "phone".into(),
            visit_type: "complaint".into(),
            outcome: "reached".into(),
            satisfaction: Some(4),
            emotion: "calm".into(),
            verbatim: " 师傅很准时 ".into(),
            demand: "none".into(),
            ..Draft::new(
                Uuid::from_u128(50),
                Some(Uuid::from_u128(1)),
                now() - Duration::minutes(5),
            )
        }
    }

    #[test]
    fn a_filled_form_becomes_a_valid_record() {
        let r = filled()
            .to_record(now(), None, None, Audience::Standard)
            .unwrap();
        assert_eq!(r.verbatim, "师傅很准时");
        assert_eq!(r.satisfaction, Some(4));
        assert_eq!(r.emotion, Some(Emotion::Calm));
        assert_eq!(r.attempt, 1);
    }

    #[test]
    fn missing_choices_point_at_their_field_in_form_order() {
        let cases = [
            (
                Draft {
                    customer_id: String::new(),
                    ..filled()
                },
                "customer_id",
            ),
            (
                Draft {
                    channel: String::new(),
                    ..filled()
                },
                "channel",
            ),
            (
                Draft {
                    visit_type: "x".into(),
                    ..filled()
                },
                "visit_type",
            ),
            (
                Draft {
                    outcome: String::new(),
                    ..filled()
                },
                "outcome",
            ),
            (
                Draft {
                    attempt: "two".into(),
                    ..filled()
                },
                "attempt",
            ),
            (
                Draft {
                    attempt: "0".into(),
                    ..filled()
                },
                "attempt",
            ),
            (
                Draft {
                    satisfaction: None,
                    ..filled()
                },
                "satisfaction",
            ),
            (
                Draft {
                    emotion: String::new(),
                    ..filled()
                },
                "emotion",
            ),
            (
                Draft {
                    verbatim: "  ".into(),
                    ..filled()
                },
                "verbatim",
            ),
            (
                Draft {
                    contacted_at: "soon".into(),
                    ..filled()
                },
                "contacted_at",
            ),
        ];
        for (draft, field) in cases {
            let errors = draft
                .to_record(now(), None, None, Audience::Standard)
                .unwrap_err();
            assert_eq!(targets(&errors), [format!("f-{field}")]);
        }
    }

    #[test]
    fn hidden_fields_are_dropped_when_the_customer_was_not_reached() {
        let d = Draft {
            outcome: "no_answer".into(),
            attempt: "2".into(),
            ..filled()
        };
        assert!(!d.reached());
        let r = d.to_record(now(), None, None, Audience::Standard).unwrap();
        assert_eq!((r.satisfaction, r.emotion, r.demand), (None, None, None));
        assert_eq!(r.attempt, 2);
    }

    #[test]
    fn a_rejected_record_round_trips_through_the_form() {
        let r = filled()
            .to_record(now(), None, None, Audience::Standard)
            .unwrap();
        let d = Draft::from_record(Uuid::from_u128(51), &r, 7, Uuid::from_u128(9));
        assert_eq!(d.resend_of, Some(7));
        let back = d.to_record(now(), None, None, Audience::Standard).unwrap();
        // The datetime input has minute precision.
        assert_eq!(
            back.contacted_at.timestamp() / 60,
            r.contacted_at.timestamp() / 60
        );
        assert_eq!(
            VisitRecord {
                contacted_at: r.contacted_at,
                duration_secs: r.duration_secs,
                ..back
            },
            r
        );
    }

    #[test]
    fn an_untouched_form_is_blank() {
        let d = Draft::new(Uuid::from_u128(2), Some(Uuid::from_u128(1)), now());
        assert!(d.is_blank());
        assert!(!filled().is_blank());
    }

    fn targets(errors: &[FormError]) -> Vec<String> {
        errors.iter().map(FormError::target).collect()
    }

    /// An on-site repair visit planned for the field user, at the given attempt.
    fn repair_task(attempt: u8) -> VisitTask {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::from_u128(5), "customer_id": Uuid::from_u128(6), "assignee": Uuid::from_u128(1),
            "visit_type": "repair", "planned_channel": "on_site", "priority": "high",
            "due_from": now(), "due_until": now(), "attempt": attempt, "source": {"type": "plan"},
            "status": "open", "version": 1
        }))
        .unwrap()
    }

    /// 维修回访问卷 as the demo has it: the overall stars come last.
    fn repair_survey() -> Survey {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::from_u128(17), "version": 1, "title": "维修回访问卷", "visit_type": "repair",
            "questions": [
                {"key": "fixed", "text": "问题还有没有再出现?", "kind": {"type": "yes_no"}, "required": true},
                {"key": "on_time", "text": "是否按约定时间上门?", "kind": {"type": "yes_no"}, "required": true},
                {"key": "overall", "text": "您给这次维修服务打几颗星?", "kind": {"type": "stars"}, "required": true},
                {"key": "advice", "text": "建议", "kind": {"type": "text"}}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn one_save_names_every_problem_in_screen_order() {
        let task = repair_task(1);
        let survey = repair_survey();
        let untouched = Draft::from_task(Uuid::from_u128(9), &task, now());
        let reached = Draft {
            outcome: "reached".into(),
            ..untouched.clone()
        };
        let table: Vec<(Draft, Vec<&str>)> = vec![
            (
                Draft::new(Uuid::from_u128(3), None, now()),
                vec!["f-customer_id", "f-channel", "f-visit_type", "f-outcome"],
            ),
            (
                Draft {
                    attempt: "x".into(),
                    contacted_at: String::new(),
                    ..Draft::new(Uuid::from_u128(3), None, now())
                },
                vec![
                    "f-customer_id",
                    "f-contacted_at",
                    "f-channel",
                    "f-visit_type",
                    "f-outcome",
                    "f-attempt",
                ],
            ),
            // Until the outcome is chosen, what it would require stays unasked, like the
            // fields the form hides.
            (untouched.clone(), vec!["f-outcome", "f-place"]),
            (
                reached.clone(),
                vec![
                    "f-place",
                    "f-emotion",
                    "q-fixed",
                    "q-on_time",
                    "q-overall",
                    "f-verbatim",
                    "f-signature",
                ],
            ),
            (
                Draft {
                    emotion: "calm".into(),
                    verbatim: "修好了".into(),
                    place: Some(Place::Denied),
                    answers: Answers::from([(
                        "on_time".to_owned(),
                        huifang_domain::survey::Answer::YesNo(true),
                    )]),
                    ..reached.clone()
                },
                vec!["q-fixed", "q-overall", "f-signature"],
            ),
            (
                Draft {
                    outcome: "call_back".into(),
                    verbatim: "好".repeat(huifang_domain::visit::MAX_VERBATIM + 1),
                    place: Some(Place::Denied),
                    ..untouched
                },
                vec!["f-call_back_at", "f-verbatim"],
            ),
        ];
        for (i, (draft, want)) in table.into_iter().enumerate() {
            let errors = draft
                .to_record(now(), None, Some(&survey), Audience::Standard)
                .unwrap_err();
            assert_eq!(targets(&errors), want, "case {i}: {errors:?}");
        }
    }

    #[test]
    fn the_overall_stars_give_the_score_and_name_its_problem_at_the_question() {
        use huifang_domain::survey::{Answer, SurveyProblem};
        let phone_repair = Draft {
            visit_type: "repair".into(),
            satisfaction: Some(1),
            answers: Answers::from([
                ("fixed".to_owned(), Answer::YesNo(true)),
                ("on_time".to_owned(), Answer::YesNo(true)),
                ("overall".to_owned(), Answer::Number(5)),
            ]),
            ..filled()
        };
        let survey = repair_survey();
        let r = phone_repair
            .to_record(now(), None, Some(&survey), Audience::Standard)
            .unwrap();
        assert_eq!(r.satisfaction, Some(5), "the hidden scale does not count");

        // An optional overall question left empty: one problem, at the question.
        let mut optional = survey.clone();
        optional.questions[2].required = false;
        let mut unanswered = phone_repair.clone();
        unanswered.answers.remove("overall");
        let errors = unanswered
            .to_record(now(), None, Some(&optional), Audience::Standard)
            .unwrap_err();
        assert!(
            matches!(errors.as_slice(), [FormError::Survey(e)] if e.question == "overall" && e.problem == SurveyProblem::Required),
            "{errors:?}"
        );

        // Without an overall question the scale is the score.
        let mut no_overall = survey;
        no_overall.questions.remove(2);
        let r = phone_repair
            .to_record(now(), None, Some(&no_overall), Audience::Standard)
            .unwrap();
        assert_eq!(r.satisfaction, Some(1));
    }

    fn survey() -> Survey {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::from_u128(7), "version": 2, "title": "满意度问卷", "visit_type": "satisfaction",
            "questions": [
                {"key": "overall", "text": "总体评价", "kind": {"type": "stars"}, "required": true},
                {"key": "why", "text": "哪方面让您不满意?", "kind": {"type": "text"}, "required": true,
                 "show_if": {"question": "overall", "at_most": 2}},
                {"key": "nps", "text": "推荐", "kind": {"type": "nps"}}
            ]
        }))
        .unwrap()
    }

    fn script() -> Script {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::from_u128(8), "version": 3, "visit_type": "satisfaction", "title": "满意度",
            "steps": [
                {"key": "open", "kind": "opening", "goal": "g", "variants": {"standard": "您好{customer_name}"}},
                {"key": "close", "kind": "closing", "goal": "g", "variants": {"standard": "再见"}}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn the_survey_belongs_to_satisfaction_visits_and_the_script_to_its_type() {
        let surveys = [survey()];
        assert!(survey_for(Some(VisitType::Satisfaction), &surveys).is_some());
        assert!(survey_for(Some(VisitType::Repair), &surveys).is_none());
        assert!(survey_for(None, &surveys).is_none());
        let scripts = [script()];
        assert_eq!(
            script_for(Some(VisitType::Satisfaction), &scripts)
                .unwrap()
                .version,
            3
        );
        assert!(script_for(Some(VisitType::Complaint), &scripts).is_none());
    }

    #[test]
    fn answers_to_hidden_questions_are_dropped() {
        use huifang_domain::survey::Answer;
        let s = survey();
        let mut answers = Answers::from([
            ("overall".to_owned(), Answer::Number(1)),
            ("why".to_owned(), Answer::Text("太慢".into())),
        ]);
        assert_eq!(prune_answers(&s, &answers).len(), 2);
        answers.insert("overall".into(), Answer::Number(5));
        let kept = prune_answers(&s, &answers);
        assert_eq!(kept.keys().collect::<Vec<_>>(), vec!["overall"]);
    }

    #[test]
    fn an_on_site_satisfaction_visit_carries_script_survey_and_proof() {
        use huifang_domain::survey::{Answer, SurveyProblem};
        let sig = Signature {
            width: 1000,
            height: 400,
            strokes: vec![(0..12).map(|i| [i * 10, 20]).collect()],
        };
        let mut d = Draft {
            channel: "on_site".into(),
            visit_type: "satisfaction".into(),
            steps_done: vec!["close".into(), "gone".into()],
            answers: Answers::from([("overall".to_owned(), Answer::Number(2))]),
            escalate: true,
            signature: Some(sig.clone()),
            place: Some(Place::Denied),
            ..filled()
        };
        let (sc, sv) = (script(), survey());
        let err = d
            .to_record(now(), Some(&sc), Some(&sv), Audience::Vip)
            .unwrap_err();
        assert!(
            matches!(err.as_slice(), [FormError::Survey(e)] if e.question == "why" && e.problem == SurveyProblem::Required),
            "{err:?}"
        );
        d.answers
            .insert("why".into(), Answer::Text("等太久".into()));
        let r = d
            .to_record(now(), Some(&sc), Some(&sv), Audience::Vip)
            .unwrap();
        let used = r.script.clone().unwrap();
        assert_eq!((used.version, used.audience), (3, Audience::Vip));
        assert_eq!(used.steps_done, vec!["close".to_owned()]);
        assert_eq!(r.survey.as_ref().unwrap().answers.len(), 2);
        assert_eq!(r.signature, Some(sig));
        assert_eq!(r.place, Some(Place::Denied));
        assert!(r.escalate);
        assert!(r.duration_secs.is_some_and(|s| s >= 300));
        assert!(r.check_refs(1, Some(&sc), Some(&sv)).is_ok());

        // The same visit done by phone carries no proof; not reached, no survey either.
        let phone = Draft {
            channel: "phone".into(),
            outcome: "no_answer".into(),
            ..d
        };
        let r = phone
            .to_record(now(), Some(&sc), Some(&sv), Audience::Vip)
            .unwrap();
        assert_eq!(
            (r.signature, r.place, r.survey, r.escalate),
            (None, None, None, false)
        );
    }

    #[test]
    fn a_call_back_needs_its_time_and_a_task_prefills_the_form() {
        let d = Draft {
            outcome: "call_back".into(),
            ..filled()
        };
        let err = d
            .to_record(now(), None, None, Audience::Standard)
            .unwrap_err();
        assert_eq!(targets(&err), ["f-call_back_at"]);
        let later = Draft {
            call_back_at: to_local_input(now() + Duration::hours(3)),
            ..d
        };
        let r = later
            .to_record(now(), None, None, Audience::Standard)
            .unwrap();
        assert!(r.call_back_at.is_some());

        let task = repair_task(2);
        let d = Draft::from_task(Uuid::from_u128(9), &task, now());
        assert_eq!(
            (
                d.channel.as_str(),
                d.visit_type.as_str(),
                d.attempt.as_str(),
                d.task_id
            ),
            ("on_site", "repair", "2", Some(task.id))
        );
        assert_eq!(d.customer_id, Uuid::from_u128(6).to_string());
        assert!(d.is_blank());
    }

    #[test]
    fn script_values_fill_every_placeholder() {
        let c = Customer {
            id: Uuid::from_u128(1),
            name: "王女士".into(),
            class: huifang_domain::CustomerClass::A,
            vip: true,
            contact_masked: "138****5678".into(),
            summary: "格力空调,2026-11 维修".into(),
            version: 1,
        };
        let v = script_values(Some(&c), None, "惠方电器", None, "稍后");
        assert_eq!(v["product"], "格力空调");
        assert_eq!(v["next_contact"], "稍后");
        assert_eq!(
            huifang_domain::script::fill("{customer_name}您好,{company}回访{product}", &v),
            "王女士您好,惠方电器回访格力空调"
        );
        assert_eq!(default_audience(Some(&c)), Audience::Vip);
        assert_eq!(default_audience(None), Audience::Standard);
    }
}
