//! The visit form's state as the user typed it, and its conversion to a domain record.
//!
//! The draft holds raw strings (what the inputs show), so it can be autosaved and restored
//! half-filled; only saving turns it into a [`VisitRecord`], checked by the domain's own rules.

use chrono::{DateTime, Datelike, Local, NaiveDate, TimeZone, Timelike, Utc};
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

// `<input type="datetime-local">`'s value, `2026-11-24T09:30`. Written out rather than
// with chrono's format strings, whose machinery is several KB of wasm.
pub fn to_local_input(t: DateTime<Utc>) -> String {
    let t = t.with_timezone(&Local);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

pub fn from_local_input(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() != 16 || [b[4], b[7], b[10], b[13]] != *b"--T:" {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = s.get(range)?;
        if digits.bytes().all(|c| c.is_ascii_digit()) {
            digits.parse().ok()
        } else {
            None
        }
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    let day = NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?)?;
    let naive = day.and_hms_opt(num(11..13)?, num(14..16)?, 0)?;
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

/// The script a visit of this type follows, if the device has one; a retired script is
/// offered for no new visit.
pub fn script_for(visit_type: Option<VisitType>, scripts: &[Script]) -> Option<Script> {
    let t = visit_type?;
    scripts
        .iter()
        .find(|s| s.visit_type == t && !s.retired)
        .cloned()
}

/// The survey a visit of this type asks, if there is one that is not retired.
pub fn survey_for(visit_type: Option<VisitType>, surveys: &[Survey]) -> Option<Survey> {
    let t = visit_type?;
    surveys
        .iter()
        .find(|s| s.visit_type == Some(t) && !s.retired)
        .cloned()
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
            crate::sorting::sort_by_key(&mut survey_errors, |e| {
                s.questions.iter().position(|q| q.key == e.question)
            });
        }
        errors.extend(survey_errors.into_iter().map(FormError::Survey));
        if errors.is_empty() {
            Ok(record)
        } else {
            crate::sorting::sort_by_key(&mut errors, FormError::screen_position);
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests;
