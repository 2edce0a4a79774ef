//! 满意度问卷: server-defined, versioned survey templates and the rules for their answers.
//!
//! The same [`Survey::check`] runs in the form (to name the question to fix) and on the server
//! (to refuse a record), so a device can never store answers the server would refuse.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::char_len;

mod template;

pub use template::{TemplateError, TemplateProblem, question_of_field};

/// Longest free-text answer, and the default for text questions without their own limit.
pub const MAX_TEXT_ANSWER: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Survey {
    /// Set by the server; an editor's draft may leave it (and `version`) out.
    #[serde(default)]
    pub id: Uuid,
    /// Grows with every edit; a record names the version its answers follow.
    #[serde(default)]
    pub version: u32,
    pub title: String,
    /// The visit type this survey belongs to; the form offers it for visits of that type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_type: Option<crate::vocabulary::VisitType>,
    pub questions: Vec<Question>,
    /// Retired by an admin: kept for the records that name it, offered for no new visit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Stable key within the survey (`"overall"`, `"what_went_wrong"`).
    pub key: String,
    /// Asked without leading the customer: "您对本次处理结果有什么建议吗", never
    /// "您对我们的服务还满意吗".
    pub text: String,
    pub kind: QuestionKind,
    #[serde(default)]
    pub required: bool,
    /// Asked only when this holds (e.g. overall ≤ 2 → "what went wrong?").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum QuestionKind {
    /// 1–5 stars.
    Stars,
    /// Net promoter score 0–10.
    Nps,
    /// Three faces: unhappy / neutral / happy (1–3).
    Mood,
    Single {
        options: Vec<String>,
    },
    Multi {
        options: Vec<String>,
        #[serde(default)]
        min: Option<usize>,
        #[serde(default)]
        max: Option<usize>,
    },
    YesNo,
    Text {
        #[serde(default)]
        max_chars: Option<usize>,
    },
}

/// A condition on an earlier question's answer. (No `deny_unknown_fields`: serde does not
/// support it together with `flatten`; the flattened enum rejects unknown tests itself.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub question: String,
    #[serde(flatten)]
    pub test: ConditionTest,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionTest {
    /// A numeric answer (stars, NPS, mood) at most this.
    AtMost(u8),
    /// A numeric answer at least this.
    AtLeast(u8),
    /// A yes/no answer equal to this.
    Is(bool),
    /// A single or multi choice that includes this option.
    Includes(String),
}

/// One answer; its shape must fit the question's kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Number(u8),
    YesNo(bool),
    Text(String),
    Choices(Vec<String>),
}

/// Answers by question key.
pub type Answers = BTreeMap<String, Answer>;

/// 问卷答卷: the answers of one visit, tied to the survey version they follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyResponse {
    pub survey_id: Uuid,
    pub version: u32,
    pub answers: Answers,
}

impl SurveyResponse {
    /// Checks the answers against the survey version they claim to follow.
    pub fn check(&self, survey: &Survey) -> Result<(), SurveyError> {
        if (survey.id, survey.version) != (self.survey_id, self.version) {
            return Err(SurveyError {
                question: String::new(),
                problem: SurveyProblem::WrongVersion,
            });
        }
        survey.check(&self.answers)
    }
}

/// NPS groups: 0–6 detractor, 7–8 passive, 9–10 promoter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NpsGroup {
    Detractor,
    Passive,
    Promoter,
}

pub fn nps_group(score: u8) -> NpsGroup {
    match score {
        0..=6 => NpsGroup::Detractor,
        7..=8 => NpsGroup::Passive,
        _ => NpsGroup::Promoter,
    }
}

/// What is wrong with a set of answers, naming the question so the form can point at it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("question {question}: {problem}")]
pub struct SurveyError {
    pub question: String,
    pub problem: SurveyProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SurveyProblem {
    #[error("an answer is required")]
    Required,
    #[error("the answer does not fit the question type")]
    WrongShape,
    #[error("the answer must be between {min} and {max}")]
    OutOfRange { min: u8, max: u8 },
    #[error("{0:?} is not one of the options")]
    UnknownOption(String),
    #[error("choose at least {0}")]
    TooFew(usize),
    #[error("choose at most {0}")]
    TooMany(usize),
    #[error("an option is chosen twice")]
    Duplicate,
    #[error("the answer is longer than {0} characters")]
    TooLong(usize),
    #[error("answered although the question was not asked")]
    NotAsked,
    #[error("there is no such question")]
    UnknownQuestion,
    #[error("the answers follow another survey version")]
    WrongVersion,
}

impl Condition {
    fn holds(&self, answers: &Answers) -> bool {
        match (answers.get(&self.question), &self.test) {
            (Some(Answer::Number(n)), ConditionTest::AtMost(m)) => n <= m,
            (Some(Answer::Number(n)), ConditionTest::AtLeast(m)) => n >= m,
            (Some(Answer::YesNo(b)), ConditionTest::Is(want)) => b == want,
            (Some(Answer::Choices(c)), ConditionTest::Includes(o)) => c.contains(o),
            _ => false,
        }
    }
}

impl Survey {
    /// The questions to ask given the answers so far, in order. A condition looks only at
    /// questions before it, so answering never hides a question that came earlier.
    pub fn visible<'a>(&'a self, answers: &'a Answers) -> impl Iterator<Item = &'a Question> {
        self.questions
            .iter()
            .filter(move |q| q.show_if.as_ref().is_none_or(|c| c.holds(answers)))
    }

    /// Checks a complete set of answers and returns the first problem (what the server
    /// answers with), in the order of [`Survey::check_all`].
    pub fn check(&self, answers: &Answers) -> Result<(), SurveyError> {
        match self.check_all(answers).into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every problem of a set of answers, at most one per question: unknown keys first, then
    /// the questions in order (every required visible question answered, every answer fits
    /// its question, nothing answered that was not asked).
    pub fn check_all(&self, answers: &Answers) -> Vec<SurveyError> {
        let mut errors: Vec<SurveyError> = answers
            .keys()
            .filter(|key| !self.questions.iter().any(|q| &q.key == *key))
            .map(|key| SurveyError {
                question: key.clone(),
                problem: SurveyProblem::UnknownQuestion,
            })
            .collect();
        for q in &self.questions {
            let asked = q.show_if.as_ref().is_none_or(|c| c.holds(answers));
            let problem = match (asked, answers.get(&q.key)) {
                (false, Some(_)) => Some(SurveyProblem::NotAsked),
                (true, None) if q.required => Some(SurveyProblem::Required),
                (true, Some(answer)) => q.kind.check(answer).err(),
                _ => None,
            };
            if let Some(problem) = problem {
                errors.push(SurveyError {
                    question: q.key.clone(),
                    problem,
                });
            }
        }
        errors
    }

    /// The question whose stars are the visit's 满意度 (1–5), if this survey asks for one:
    /// the star question keyed [`OVERALL_KEY`], asked unconditionally. A form that shows it
    /// does not ask for the separate 1–5 scale too.
    pub fn overall_question(&self) -> Option<&Question> {
        self.questions
            .iter()
            .find(|q| q.key == OVERALL_KEY && q.kind == QuestionKind::Stars && q.show_if.is_none())
    }
}

/// The key that marks a survey's overall-score question (see [`Survey::overall_question`]).
pub const OVERALL_KEY: &str = "overall";

/// A reached visit's 满意度: the overall question's stars when the survey has one (whatever
/// the separate scale says, since the form does not show it then), else the scale.
pub fn satisfaction(survey: Option<&Survey>, answers: &Answers, scale: Option<u8>) -> Option<u8> {
    match survey.and_then(Survey::overall_question) {
        Some(q) => match answers.get(&q.key) {
            Some(Answer::Number(n)) => Some(*n),
            _ => None,
        },
        None => scale,
    }
}

impl QuestionKind {
    fn check(&self, answer: &Answer) -> Result<(), SurveyProblem> {
        use SurveyProblem::*;
        let range = |n: u8, min: u8, max: u8| {
            if (min..=max).contains(&n) {
                Ok(())
            } else {
                Err(OutOfRange { min, max })
            }
        };
        match (self, answer) {
            (QuestionKind::Stars, Answer::Number(n)) => range(*n, 1, 5),
            (QuestionKind::Nps, Answer::Number(n)) => range(*n, 0, 10),
            (QuestionKind::Mood, Answer::Number(n)) => range(*n, 1, 3),
            (QuestionKind::YesNo, Answer::YesNo(_)) => Ok(()),
            (QuestionKind::Text { max_chars }, Answer::Text(t)) => {
                let max = max_chars.unwrap_or(MAX_TEXT_ANSWER).min(MAX_TEXT_ANSWER);
                if t.trim().is_empty() {
                    Err(Required)
                } else if char_len(t) > max {
                    Err(TooLong(max))
                } else {
                    Ok(())
                }
            }
            (QuestionKind::Single { options }, Answer::Choices(c)) => match c.as_slice() {
                [one] if options.contains(one) => Ok(()),
                [one] => Err(UnknownOption(one.clone())),
                [] => Err(Required),
                _ => Err(TooMany(1)),
            },
            (QuestionKind::Multi { options, min, max }, Answer::Choices(c)) => {
                if let Some(bad) = c.iter().find(|o| !options.contains(o)) {
                    return Err(UnknownOption(bad.clone()));
                }
                let mut sorted = c.clone();
                sorted.sort();
                sorted.dedup();
                if sorted.len() != c.len() {
                    return Err(Duplicate);
                }
                let min = min.unwrap_or(1);
                if c.len() < min {
                    return Err(TooFew(min));
                }
                match max {
                    Some(max) if c.len() > *max => Err(TooMany(*max)),
                    _ => Ok(()),
                }
            }
            _ => Err(WrongShape),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub(super) fn survey() -> Survey {
        serde_json::from_value(json!({
            "id": Uuid::from_u128(1),
            "version": 3,
            "title": "维修回访满意度",
            "questions": [
                {"key": "overall", "text": "您对本次维修的整体评价?", "kind": {"type": "stars"}, "required": true},
                {"key": "what_went_wrong", "text": "哪方面没有做好?", "kind": {"type": "multi",
                    "options": ["响应慢", "态度", "没修好", "收费"], "max": 2},
                 "required": true, "show_if": {"question": "overall", "at_most": 2}},
                {"key": "nps", "text": "您向朋友推荐我们的可能性有多大?", "kind": {"type": "nps"}},
                {"key": "mood", "text": "此刻心情", "kind": {"type": "mood"}},
                {"key": "on_time", "text": "师傅是否准时上门?", "kind": {"type": "yes_no"}, "required": true},
                {"key": "late_by", "text": "大约晚了多久?", "kind": {"type": "single",
                    "options": ["半小时内", "1 小时", "更久"]},
                 "required": true, "show_if": {"question": "on_time", "is": false}},
                {"key": "advice", "text": "您对本次处理结果有什么建议吗?", "kind": {"type": "text", "max_chars": 10}}
            ]
        }))
        .unwrap()
    }

    fn answers(pairs: &[(&str, serde_json::Value)]) -> Answers {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::from_value(v.clone()).unwrap()))
            .collect()
    }

    #[test]
    fn complete_answers_pass() {
        let ok = [
            answers(&[("overall", json!(5)), ("on_time", json!(true))]),
            answers(&[
                ("overall", json!(2)),
                ("what_went_wrong", json!(["响应慢", "收费"])),
                ("on_time", json!(false)),
                ("late_by", json!(["1 小时"])),
                ("nps", json!(0)),
                ("mood", json!(1)),
                ("advice", json!("早点到")),
            ]),
            answers(&[
                ("overall", json!(3)),
                ("on_time", json!(true)),
                ("nps", json!(10)),
            ]),
        ];
        for (i, a) in ok.iter().enumerate() {
            assert_eq!(survey().check(a), Ok(()), "case {i}");
        }
    }

    #[test]
    fn broken_answers_name_the_question() {
        use SurveyProblem::*;
        let table: Vec<(Answers, &str, SurveyProblem)> = vec![
            (answers(&[("on_time", json!(true))]), "overall", Required),
            (
                answers(&[("overall", json!(6)), ("on_time", json!(true))]),
                "overall",
                OutOfRange { min: 1, max: 5 },
            ),
            (
                answers(&[("overall", json!(0)), ("on_time", json!(true))]),
                "overall",
                OutOfRange { min: 1, max: 5 },
            ),
            (
                answers(&[("overall", json!("好")), ("on_time", json!(true))]),
                "overall",
                WrongShape,
            ),
            (
                answers(&[("overall", json!(1)), ("on_time", json!(true))]),
                "what_went_wrong",
                Required,
            ),
            (
                answers(&[
                    ("overall", json!(4)),
                    ("what_went_wrong", json!(["态度"])),
                    ("on_time", json!(true)),
                ]),
                "what_went_wrong",
                NotAsked,
            ),
            (
                answers(&[
                    ("overall", json!(1)),
                    ("what_went_wrong", json!(["响应慢", "态度", "收费"])),
                    ("on_time", json!(true)),
                ]),
                "what_went_wrong",
                TooMany(2),
            ),
            (
                answers(&[
                    ("overall", json!(1)),
                    ("what_went_wrong", json!(["态度", "态度"])),
                    ("on_time", json!(true)),
                ]),
                "what_went_wrong",
                Duplicate,
            ),
            (
                answers(&[
                    ("overall", json!(1)),
                    ("what_went_wrong", json!(["天气"])),
                    ("on_time", json!(true)),
                ]),
                "what_went_wrong",
                UnknownOption("天气".into()),
            ),
            (
                answers(&[
                    ("overall", json!(1)),
                    ("what_went_wrong", json!([])),
                    ("on_time", json!(true)),
                ]),
                "what_went_wrong",
                TooFew(1),
            ),
            (
                answers(&[
                    ("overall", json!(5)),
                    ("on_time", json!(true)),
                    ("nps", json!(11)),
                ]),
                "nps",
                OutOfRange { min: 0, max: 10 },
            ),
            (
                answers(&[
                    ("overall", json!(5)),
                    ("on_time", json!(true)),
                    ("mood", json!(4)),
                ]),
                "mood",
                OutOfRange { min: 1, max: 3 },
            ),
            (
                answers(&[("overall", json!(5)), ("on_time", json!(false))]),
                "late_by",
                Required,
            ),
            (
                answers(&[
                    ("overall", json!(5)),
                    ("on_time", json!(false)),
                    ("late_by", json!(["半小时内", "更久"])),
                ]),
                "late_by",
                TooMany(1),
            ),
            (
                answers(&[("overall", json!(5)), ("on_time", json!(1))]),
                "on_time",
                WrongShape,
            ),
            (
                answers(&[
                    ("overall", json!(5)),
                    ("on_time", json!(true)),
                    ("advice", json!("这是一个超过十个字的很长的建议")),
                ]),
                "advice",
                TooLong(10),
            ),
            (
                answers(&[
                    ("overall", json!(5)),
                    ("on_time", json!(true)),
                    ("advice", json!("  ")),
                ]),
                "advice",
                Required,
            ),
            (
                answers(&[
                    ("overall", json!(5)),
                    ("on_time", json!(true)),
                    ("color", json!("red")),
                ]),
                "color",
                UnknownQuestion,
            ),
        ];
        for (i, (a, question, problem)) in table.into_iter().enumerate() {
            let err = survey().check(&a).expect_err(&format!("case {i}"));
            assert_eq!(
                (err.question.as_str(), err.problem.clone()),
                (question, problem),
                "case {i}"
            );
            assert_eq!(survey().check_all(&a).first(), Some(&err), "case {i}");
        }
    }

    #[test]
    fn check_all_names_every_question_to_fix_once_in_order() {
        use SurveyProblem::*;
        let table: Vec<(Answers, Vec<(&str, SurveyProblem)>)> = vec![
            (
                answers(&[("overall", json!(5)), ("on_time", json!(true))]),
                vec![],
            ),
            (
                answers(&[]),
                vec![("overall", Required), ("on_time", Required)],
            ),
            (
                answers(&[("overall", json!(1)), ("on_time", json!(false))]),
                vec![("what_went_wrong", Required), ("late_by", Required)],
            ),
            (
                answers(&[
                    ("color", json!("red")),
                    ("overall", json!(4)),
                    ("what_went_wrong", json!(["态度"])),
                    ("nps", json!(11)),
                    ("mood", json!("好")),
                    ("advice", json!("这是一个超过十个字的很长的建议")),
                ]),
                vec![
                    ("color", UnknownQuestion),
                    ("what_went_wrong", NotAsked),
                    ("nps", OutOfRange { min: 0, max: 10 }),
                    ("mood", WrongShape),
                    ("on_time", Required),
                    ("advice", TooLong(10)),
                ],
            ),
        ];
        for (i, (a, want)) in table.into_iter().enumerate() {
            let all = survey().check_all(&a);
            let got: Vec<_> = all
                .iter()
                .map(|e| (e.question.as_str(), e.problem.clone()))
                .collect();
            assert_eq!(got, want, "case {i}");
            assert_eq!(survey().check(&a).err(), all.first().cloned(), "case {i}");
        }
    }

    #[test]
    fn the_overall_stars_are_the_satisfaction_score_when_the_survey_asks_for_them() {
        let with_overall = survey();
        let edited = |edit: fn(&mut Survey)| {
            let mut s = survey();
            edit(&mut s);
            s
        };
        // Not the overall score: another key, another kind, or only asked sometimes.
        let renamed = edited(|s| s.questions[0].key = "service".into());
        let not_stars = edited(|s| s.questions[0].kind = QuestionKind::Nps);
        let conditional = edited(|s| {
            s.questions[0].show_if = Some(Condition {
                question: "on_time".into(),
                test: ConditionTest::Is(true),
            })
        });
        let five = answers(&[("overall", json!(5))]);
        let none = answers(&[]);
        let text = answers(&[("overall", json!("好"))]);
        /// (survey, answers, scale, scale shown, satisfaction)
        type Case<'a> = (
            Option<&'a Survey>,
            &'a Answers,
            Option<u8>,
            bool,
            Option<u8>,
        );
        let table: Vec<Case> = vec![
            (None, &five, Some(2), true, Some(2)),
            (None, &none, None, true, None),
            (Some(&with_overall), &five, None, false, Some(5)),
            (Some(&with_overall), &five, Some(2), false, Some(5)),
            (Some(&with_overall), &none, Some(2), false, None),
            (Some(&with_overall), &text, Some(2), false, None),
            (Some(&renamed), &five, Some(2), true, Some(2)),
            (Some(&not_stars), &five, Some(2), true, Some(2)),
            (Some(&conditional), &five, Some(3), true, Some(3)),
        ];
        for (i, (s, a, scale, shown, want)) in table.into_iter().enumerate() {
            assert_eq!(
                s.and_then(Survey::overall_question).is_none(),
                shown,
                "case {i}"
            );
            assert_eq!(satisfaction(s, a, scale), want, "case {i}");
        }
        assert_eq!(
            with_overall.overall_question().map(|q| q.key.as_str()),
            Some(OVERALL_KEY)
        );
    }

    #[test]
    fn conditional_questions_appear_only_when_their_condition_holds() {
        let s = survey();
        let keys = |a: &Answers| s.visible(a).map(|q| q.key.clone()).collect::<Vec<_>>();
        let base = ["overall", "nps", "mood", "on_time", "advice"];
        assert_eq!(keys(&answers(&[])), base);
        assert_eq!(keys(&answers(&[("overall", json!(3))])), base);
        assert_eq!(
            keys(&answers(&[
                ("overall", json!(2)),
                ("on_time", json!(false))
            ])),
            [
                "overall",
                "what_went_wrong",
                "nps",
                "mood",
                "on_time",
                "late_by",
                "advice"
            ]
        );
    }

    #[test]
    fn a_response_must_follow_the_survey_version_it_names() {
        let ok = answers(&[("overall", json!(5)), ("on_time", json!(true))]);
        let response = |version| SurveyResponse {
            survey_id: Uuid::from_u128(1),
            version,
            answers: ok.clone(),
        };
        assert_eq!(response(3).check(&survey()), Ok(()));
        assert_eq!(
            response(2).check(&survey()).unwrap_err().problem,
            SurveyProblem::WrongVersion
        );
    }

    #[test]
    fn nps_scores_fall_into_their_groups() {
        let table = [
            (0, NpsGroup::Detractor),
            (6, NpsGroup::Detractor),
            (7, NpsGroup::Passive),
            (8, NpsGroup::Passive),
            (9, NpsGroup::Promoter),
            (10, NpsGroup::Promoter),
        ];
        for (score, group) in table {
            assert_eq!(nps_group(score), group, "score {score}");
        }
    }
}
