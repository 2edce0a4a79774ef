//! The rules a survey definition must meet before it is published. Every problem is listed
//! with the field it is in, named by the question's key (`questions[q3].options`), so the
//! editor can list them all and point at each question, and the server can name them in its
//! refusal.

use serde::{Deserialize, Serialize};

use super::{ConditionTest, MAX_TEXT_ANSWER, QuestionKind, Survey};

/// One problem of a survey definition, naming the field to fix: `title`, `questions`, or a
/// question's part as `questions[<key>].<part>` (`key`, `text`, `options`, `min`, `max`,
/// `max_chars`, `show_if`). A question without a key is named by its position,
/// `questions[#3]`, counted from 1 as the editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{path}: {error}")]
pub struct TemplateProblem {
    pub path: String,
    pub error: TemplateError,
}

impl TemplateProblem {
    /// The key of the question the problem is in, when it is in one that has a key.
    pub fn question(&self) -> Option<&str> {
        question_of_field(&self.path)
    }
}

/// The question key a field name such as `questions[q3].options` points into.
pub fn question_of_field(field: &str) -> Option<&str> {
    let inner = field.strip_prefix("questions[")?;
    let key = &inner[..inner.find(']')?];
    (!key.is_empty() && !key.starts_with('#')).then_some(key)
}

/// Why a survey definition cannot be published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum TemplateError {
    #[error("the survey needs a title")]
    EmptyTitle,
    #[error("a survey needs at least one question")]
    NoQuestions,
    #[error("the question needs a key")]
    EmptyKey,
    #[error("the key is used by an earlier question")]
    DuplicateKey,
    #[error("the question needs a text")]
    EmptyText,
    #[error("a choice question needs at least one option")]
    NoOptions,
    #[error("an option is empty")]
    EmptyOption,
    #[error("an option is offered twice")]
    DuplicateOption,
    #[error("the minimum is above the maximum")]
    MinAboveMax,
    #[error("the maximum must be between 1 and the number of options")]
    MaxOutOfRange,
    #[error("the length limit must be between 1 and {MAX_TEXT_ANSWER}")]
    TextLimitOutOfRange,
    #[error("the condition tests a question that does not exist")]
    ConditionUnknownQuestion,
    #[error("the condition tests a question that does not come before it")]
    ConditionNotEarlier,
    #[error("the condition's test does not fit the kind of question it tests")]
    ConditionWrongTest,
    #[error("the condition's value is outside the tested question's scale")]
    ConditionValueOutOfRange,
    #[error("the condition names an option the tested question does not offer")]
    ConditionUnknownOption,
}

impl TemplateError {
    /// Stable code for the editor to translate (the serde name).
    pub fn code(&self) -> &'static str {
        use TemplateError::*;
        match self {
            EmptyTitle => "empty_title",
            NoQuestions => "no_questions",
            EmptyKey => "empty_key",
            DuplicateKey => "duplicate_key",
            EmptyText => "empty_text",
            NoOptions => "no_options",
            EmptyOption => "empty_option",
            DuplicateOption => "duplicate_option",
            MinAboveMax => "min_above_max",
            MaxOutOfRange => "max_out_of_range",
            TextLimitOutOfRange => "text_limit_out_of_range",
            ConditionUnknownQuestion => "condition_unknown_question",
            ConditionNotEarlier => "condition_not_earlier",
            ConditionWrongTest => "condition_wrong_test",
            ConditionValueOutOfRange => "condition_value_out_of_range",
            ConditionUnknownOption => "condition_unknown_option",
        }
    }
}

impl QuestionKind {
    /// The answers a numeric kind takes (stars 1–5, NPS 0–10, mood 1–3).
    pub fn scale(&self) -> Option<(u8, u8)> {
        match self {
            QuestionKind::Stars => Some((1, 5)),
            QuestionKind::Nps => Some((0, 10)),
            QuestionKind::Mood => Some((1, 3)),
            _ => None,
        }
    }

    /// The options of a choice kind.
    pub fn options(&self) -> Option<&[String]> {
        match self {
            QuestionKind::Single { options } | QuestionKind::Multi { options, .. } => Some(options),
            _ => None,
        }
    }
}

impl Survey {
    /// Every problem of the definition itself, in the order of the form (title, then each
    /// question's key, text, options, limits and condition), so an editor can list them all
    /// and the server can name the first. A definition without problems asks only for answers
    /// that can be given and checked: keys unique, choices offered, limits satisfiable, and
    /// conditions only on earlier questions (which keeps [`Survey::visible`] stable while
    /// answering).
    pub fn template_problems(&self) -> Vec<TemplateProblem> {
        use TemplateError::*;
        let mut problems = Vec::new();
        let mut push = |path: String, error| problems.push(TemplateProblem { path, error });
        if self.title.trim().is_empty() {
            push("title".into(), EmptyTitle);
        }
        if self.questions.is_empty() {
            push("questions".into(), NoQuestions);
        }
        for (i, q) in self.questions.iter().enumerate() {
            let name = if q.key.trim().is_empty() {
                format!("questions[#{}]", i + 1)
            } else {
                format!("questions[{}]", q.key)
            };
            let field = |part: &str| format!("{name}.{part}");
            let earlier = &self.questions[..i];
            if q.key.trim().is_empty() {
                push(field("key"), EmptyKey);
            } else if earlier.iter().any(|e| e.key == q.key) {
                push(field("key"), DuplicateKey);
            }
            if q.text.trim().is_empty() {
                push(field("text"), EmptyText);
            }
            if let Some(options) = q.kind.options() {
                if options.is_empty() {
                    push(field("options"), NoOptions);
                } else if options.iter().any(|o| o.trim().is_empty()) {
                    push(field("options"), EmptyOption);
                } else if options
                    .iter()
                    .enumerate()
                    .any(|(j, o)| options[..j].contains(o))
                {
                    push(field("options"), DuplicateOption);
                }
            }
            match &q.kind {
                QuestionKind::Multi { options, min, max } => {
                    let top = max.unwrap_or(options.len());
                    if max.is_some_and(|m| m == 0 || m > options.len()) {
                        push(field("max"), MaxOutOfRange);
                    } else if min.unwrap_or(1) > top && !options.is_empty() {
                        push(field("min"), MinAboveMax);
                    }
                }
                QuestionKind::Text { max_chars: Some(n) } if *n == 0 || *n > MAX_TEXT_ANSWER => {
                    push(field("max_chars"), TextLimitOutOfRange)
                }
                _ => {}
            }
            if let Some(cond) = &q.show_if {
                let problem = match earlier.iter().find(|e| e.key == cond.question) {
                    None if self.questions.iter().any(|e| e.key == cond.question) => {
                        Some(ConditionNotEarlier)
                    }
                    None => Some(ConditionUnknownQuestion),
                    Some(target) => condition_problem(&target.kind, &cond.test),
                };
                if let Some(error) = problem {
                    push(field("show_if"), error);
                }
            }
        }
        problems
    }

    /// The first of [`Survey::template_problems`], for callers that refuse on one.
    pub fn check_template(&self) -> Result<(), TemplateProblem> {
        match self.template_problems().into_iter().next() {
            Some(p) => Err(p),
            None => Ok(()),
        }
    }
}

/// Why a test cannot be put to a question of this kind, if it cannot.
fn condition_problem(kind: &QuestionKind, test: &ConditionTest) -> Option<TemplateError> {
    use TemplateError::*;
    match (kind, test) {
        (_, ConditionTest::AtMost(n) | ConditionTest::AtLeast(n)) => match kind.scale() {
            Some((lo, hi)) if (lo..=hi).contains(n) => None,
            Some(_) => Some(ConditionValueOutOfRange),
            None => Some(ConditionWrongTest),
        },
        (QuestionKind::YesNo, ConditionTest::Is(_)) => None,
        (_, ConditionTest::Includes(o)) => match kind.options() {
            Some(options) if options.contains(o) => None,
            Some(_) => Some(ConditionUnknownOption),
            None => Some(ConditionWrongTest),
        },
        _ => Some(ConditionWrongTest),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::survey;
    use super::*;
    use crate::survey::Condition;

    fn multi(options: &[&str], min: Option<usize>, max: Option<usize>) -> QuestionKind {
        QuestionKind::Multi {
            options: options.iter().map(|o| o.to_string()).collect(),
            min,
            max,
        }
    }

    fn condition(question: &str, test: ConditionTest) -> Option<Condition> {
        Some(Condition {
            question: question.into(),
            test,
        })
    }

    #[test]
    fn a_definition_problem_names_the_question_and_the_field() {
        use ConditionTest::*;
        use TemplateError::*;
        assert_eq!(survey().template_problems(), vec![]);
        assert_eq!(survey().check_template(), Ok(()));
        let edited = |edit: &dyn Fn(&mut Survey)| {
            let mut s = survey();
            edit(&mut s);
            s.template_problems()
        };
        let table: Vec<(Vec<TemplateProblem>, &str, TemplateError)> = vec![
            (edited(&|s| s.title = " ".into()), "title", EmptyTitle),
            (edited(&|s| s.questions.clear()), "questions", NoQuestions),
            (
                edited(&|s| s.questions[2].key = "".into()),
                "questions[#3].key",
                EmptyKey,
            ),
            (
                edited(&|s| s.questions[2].key = "overall".into()),
                "questions[overall].key",
                DuplicateKey,
            ),
            (
                edited(&|s| s.questions[3].text = " ".into()),
                "questions[mood].text",
                EmptyText,
            ),
            (
                edited(&|s| s.questions[5].kind = QuestionKind::Single { options: vec![] }),
                "questions[late_by].options",
                NoOptions,
            ),
            (
                edited(&|s| {
                    s.questions[5].kind = QuestionKind::Single {
                        options: vec!["1 小时".into(), "1 小时".into()],
                    }
                }),
                "questions[late_by].options",
                DuplicateOption,
            ),
            (
                edited(&|s| s.questions[1].kind = multi(&["响应慢", " "], None, None)),
                "questions[what_went_wrong].options",
                EmptyOption,
            ),
            (
                edited(&|s| s.questions[1].kind = multi(&["响应慢"], None, Some(2))),
                "questions[what_went_wrong].max",
                MaxOutOfRange,
            ),
            (
                edited(&|s| s.questions[1].kind = multi(&["响应慢", "态度"], None, Some(0))),
                "questions[what_went_wrong].max",
                MaxOutOfRange,
            ),
            (
                edited(&|s| s.questions[1].kind = multi(&["响应慢", "态度"], Some(2), Some(1))),
                "questions[what_went_wrong].min",
                MinAboveMax,
            ),
            (
                edited(&|s| s.questions[1].kind = multi(&["响应慢", "态度"], Some(3), None)),
                "questions[what_went_wrong].min",
                MinAboveMax,
            ),
            (
                edited(&|s| s.questions[6].kind = QuestionKind::Text { max_chars: Some(0) }),
                "questions[advice].max_chars",
                TextLimitOutOfRange,
            ),
            (
                edited(&|s| {
                    s.questions[6].kind = QuestionKind::Text {
                        max_chars: Some(MAX_TEXT_ANSWER + 1),
                    }
                }),
                "questions[advice].max_chars",
                TextLimitOutOfRange,
            ),
            (
                edited(&|s| s.questions.swap(0, 1)),
                "questions[what_went_wrong].show_if",
                ConditionNotEarlier,
            ),
            (
                edited(&|s| s.questions[1].show_if = condition("what_went_wrong", AtMost(2))),
                "questions[what_went_wrong].show_if",
                ConditionNotEarlier,
            ),
            (
                edited(&|s| s.questions[1].show_if = condition("rating", AtMost(2))),
                "questions[what_went_wrong].show_if",
                ConditionUnknownQuestion,
            ),
            (
                edited(&|s| s.questions[1].show_if = condition("overall", Is(false))),
                "questions[what_went_wrong].show_if",
                ConditionWrongTest,
            ),
            (
                edited(&|s| s.questions[5].show_if = condition("on_time", AtMost(1))),
                "questions[late_by].show_if",
                ConditionWrongTest,
            ),
            (
                edited(&|s| s.questions[6].show_if = condition("advice", Includes("x".into()))),
                "questions[advice].show_if",
                ConditionNotEarlier,
            ),
            (
                edited(&|s| s.questions[3].show_if = condition("overall", AtLeast(6))),
                "questions[mood].show_if",
                ConditionValueOutOfRange,
            ),
            (
                edited(&|s| s.questions[3].show_if = condition("nps", AtMost(11))),
                "questions[mood].show_if",
                ConditionValueOutOfRange,
            ),
            (
                edited(&|s| s.questions[4].show_if = condition("mood", AtLeast(0))),
                "questions[on_time].show_if",
                ConditionValueOutOfRange,
            ),
            (
                edited(&|s| {
                    s.questions[6].show_if = condition("what_went_wrong", Includes("天气".into()))
                }),
                "questions[advice].show_if",
                ConditionUnknownOption,
            ),
            (
                edited(&|s| s.questions[6].show_if = condition("nps", Includes("9".into()))),
                "questions[advice].show_if",
                ConditionWrongTest,
            ),
        ];
        for (i, (got, field, reason)) in table.into_iter().enumerate() {
            let want = TemplateProblem {
                path: field.into(),
                error: reason,
            };
            assert_eq!(got, vec![want], "case {i}");
        }
    }

    #[test]
    fn every_problem_of_a_definition_is_listed_in_form_order() {
        use TemplateError::*;
        let mut s = survey();
        s.title = String::new();
        s.questions[1].kind = multi(&[], None, None);
        s.questions[3].text = String::new();
        s.questions[3].show_if = condition("advice", ConditionTest::AtMost(2));
        s.questions[6].key = "overall".into();
        let got: Vec<(String, TemplateError)> = s
            .template_problems()
            .into_iter()
            .map(|p| (p.path, p.error))
            .collect();
        let want = [
            ("title", EmptyTitle),
            ("questions[what_went_wrong].options", NoOptions),
            ("questions[mood].text", EmptyText),
            ("questions[mood].show_if", ConditionUnknownQuestion),
            ("questions[overall].key", DuplicateKey),
        ];
        let want: Vec<(String, TemplateError)> =
            want.into_iter().map(|(f, r)| (f.to_owned(), r)).collect();
        assert_eq!(got, want);
        assert_eq!(
            s.check_template().unwrap_err().to_string(),
            "title: the survey needs a title"
        );
    }

    #[test]
    fn a_field_name_points_into_its_question() {
        let table = [
            ("questions[q3].options", Some("q3")),
            ("questions[late_by].show_if", Some("late_by")),
            ("questions[#2].key", None),
            ("questions", None),
            ("title", None),
            ("questions[].text", None),
        ];
        for (field, want) in table {
            assert_eq!(question_of_field(field), want, "{field}");
        }
    }

    #[test]
    fn every_code_is_the_serde_name() {
        use TemplateError::*;
        for e in [
            EmptyTitle,
            NoQuestions,
            EmptyKey,
            DuplicateKey,
            EmptyText,
            NoOptions,
            EmptyOption,
            DuplicateOption,
            MinAboveMax,
            MaxOutOfRange,
            TextLimitOutOfRange,
            ConditionUnknownQuestion,
            ConditionNotEarlier,
            ConditionWrongTest,
            ConditionValueOutOfRange,
            ConditionUnknownOption,
        ] {
            assert_eq!(serde_json::to_value(&e).unwrap(), e.code(), "{e:?}");
        }
    }
}
