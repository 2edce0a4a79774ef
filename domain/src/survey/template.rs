//! The rules a survey template must meet before it is published: every problem is listed with
//! the path of the question field it is about, so the editor can point at each one.

use super::{ConditionTest, QuestionKind, Survey};

/// Why a survey template cannot be published (checked when the server stores one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("a survey needs a title")]
    NoTitle,
    #[error("a survey needs at least one question")]
    NoQuestions,
    #[error("question {0:?} has an empty key or text")]
    Blank(String),
    #[error("question key {0:?} is used twice")]
    DuplicateKey(String),
    #[error("question {0:?} offers no options, or an option twice")]
    BadOptions(String),
    #[error("question {0:?} asks for an impossible number of choices")]
    BadLimits(String),
    #[error("question {0:?} depends on a question that does not come before it")]
    ConditionNotEarlier(String),
    #[error("question {0:?} has a condition that cannot hold for the question it tests")]
    ConditionMismatch(String),
}

impl TemplateError {
    /// Stable code for the editor to translate.
    pub fn code(&self) -> &'static str {
        match self {
            TemplateError::NoTitle => "no_title",
            TemplateError::NoQuestions => "no_questions",
            TemplateError::Blank(_) => "blank",
            TemplateError::DuplicateKey(_) => "duplicate_key",
            TemplateError::BadOptions(_) => "bad_options",
            TemplateError::BadLimits(_) => "bad_limits",
            TemplateError::ConditionNotEarlier(_) => "condition_not_earlier",
            TemplateError::ConditionMismatch(_) => "condition_mismatch",
        }
    }
}

/// One broken rule and where: `questions[3].kind.options` (index into `questions`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblem {
    pub path: String,
    pub error: TemplateError,
}

impl Survey {
    /// Checks the template itself, so every answer set it asks for can be given and checked:
    /// keys unique, choices offered, limits satisfiable, and conditions only on earlier
    /// questions (which is what keeps [`Survey::visible`] stable while answering).
    pub fn check_template(&self) -> Result<(), TemplateError> {
        match self.template_problems().into_iter().next() {
            Some(p) => Err(p.error),
            None => Ok(()),
        }
    }

    /// Every problem of the template, in question order.
    pub fn template_problems(&self) -> Vec<TemplateProblem> {
        use TemplateError::*;
        let mut out = Vec::new();
        let mut push = |path: String, error| out.push(TemplateProblem { path, error });
        if self.title.trim().is_empty() {
            push("title".into(), NoTitle);
        }
        if self.questions.is_empty() {
            push("questions".into(), NoQuestions);
        }
        for (i, q) in self.questions.iter().enumerate() {
            let at = |field: &str| format!("questions[{i}].{field}");
            let earlier = &self.questions[..i];
            if q.key.trim().is_empty() {
                push(at("key"), Blank(q.key.clone()));
            } else if earlier.iter().any(|e| e.key == q.key) {
                push(at("key"), DuplicateKey(q.key.clone()));
            }
            if q.text.trim().is_empty() {
                push(at("text"), Blank(q.key.clone()));
            }
            if let QuestionKind::Single { options } | QuestionKind::Multi { options, .. } = &q.kind
            {
                let mut unique = options.clone();
                unique.sort();
                unique.dedup();
                if options.is_empty()
                    || unique.len() != options.len()
                    || options.iter().any(|o| o.trim().is_empty())
                {
                    push(at("kind.options"), BadOptions(q.key.clone()));
                }
            }
            if let QuestionKind::Multi { options, min, max } = &q.kind {
                let min = min.unwrap_or(1);
                let max = max.unwrap_or(options.len());
                if min > max || max > options.len() || max == 0 {
                    push(at("kind.max"), BadLimits(q.key.clone()));
                }
            }
            if let Some(cond) = &q.show_if {
                match earlier.iter().find(|e| e.key == cond.question) {
                    None => push(at("show_if.question"), ConditionNotEarlier(q.key.clone())),
                    Some(target) => {
                        let fits = match (&target.kind, &cond.test) {
                            (
                                QuestionKind::Stars | QuestionKind::Nps | QuestionKind::Mood,
                                ConditionTest::AtMost(_) | ConditionTest::AtLeast(_),
                            ) => true,
                            (QuestionKind::YesNo, ConditionTest::Is(_)) => true,
                            (
                                QuestionKind::Single { options }
                                | QuestionKind::Multi { options, .. },
                                ConditionTest::Includes(o),
                            ) => options.contains(o),
                            _ => false,
                        };
                        if !fits {
                            push(at("show_if"), ConditionMismatch(q.key.clone()));
                        }
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::survey;
    use super::*;
    use crate::survey::Condition;

    #[test]
    fn templates_must_have_unique_keys_real_options_and_earlier_conditions() {
        use TemplateError::*;
        assert_eq!(survey().check_template(), Ok(()));
        let edited = |edit: fn(&mut Survey)| {
            let mut s = survey();
            edit(&mut s);
            s.check_template()
        };
        let table: Vec<(Result<(), TemplateError>, TemplateError)> = vec![
            (edited(|s| s.questions.clear()), NoQuestions),
            (edited(|s| s.title = " ".into()), NoTitle),
            (
                edited(|s| s.questions[2].key = "overall".into()),
                DuplicateKey("overall".into()),
            ),
            (
                edited(|s| s.questions[3].text = " ".into()),
                Blank("mood".into()),
            ),
            (
                edited(|s| s.questions[5].kind = QuestionKind::Single { options: vec![] }),
                BadOptions("late_by".into()),
            ),
            (
                edited(|s| {
                    s.questions[5].kind = QuestionKind::Single {
                        options: vec!["1 小时".into(), "1 小时".into()],
                    }
                }),
                BadOptions("late_by".into()),
            ),
            (
                edited(|s| {
                    s.questions[1].kind = QuestionKind::Multi {
                        options: vec!["响应慢".into()],
                        min: None,
                        max: Some(2),
                    }
                }),
                BadLimits("what_went_wrong".into()),
            ),
            (
                edited(|s| s.questions.swap(0, 1)),
                ConditionNotEarlier("what_went_wrong".into()),
            ),
            (
                edited(|s| {
                    s.questions[1].show_if = Some(Condition {
                        question: "overall".into(),
                        test: ConditionTest::Is(false),
                    })
                }),
                ConditionMismatch("what_went_wrong".into()),
            ),
            (
                edited(|s| {
                    s.questions[6].show_if = Some(Condition {
                        question: "what_went_wrong".into(),
                        test: ConditionTest::Includes("天气".into()),
                    })
                }),
                ConditionMismatch("advice".into()),
            ),
        ];
        for (i, (got, want)) in table.into_iter().enumerate() {
            assert_eq!(got, Err(want), "case {i}");
        }
    }

    type Edit = fn(&mut Survey);

    #[test]
    fn every_problem_is_listed_with_the_path_of_its_field() {
        let table: Vec<(Edit, Vec<&str>)> = vec![
            (|_| {}, vec![]),
            (|s| s.questions.clear(), vec!["questions"]),
            (
                |s| {
                    s.title.clear();
                    s.questions[2].key = "overall".into();
                    s.questions[3].text.clear();
                },
                vec!["title", "questions[2].key", "questions[3].text"],
            ),
            (
                |s| {
                    s.questions[0].key.clear();
                    s.questions[5].kind = QuestionKind::Single { options: vec![] };
                },
                // `what_went_wrong` tested `overall`, now keyless: its condition has no target.
                vec![
                    "questions[0].key",
                    "questions[1].show_if.question",
                    "questions[5].kind.options",
                ],
            ),
            (
                |s| {
                    s.questions[1].kind = QuestionKind::Multi {
                        options: vec!["a".into(), "a".into()],
                        min: Some(3),
                        max: Some(1),
                    };
                    s.questions[5].show_if = Some(Condition {
                        question: "nps".into(),
                        test: ConditionTest::Is(true),
                    });
                },
                vec![
                    "questions[1].kind.options",
                    "questions[1].kind.max",
                    "questions[5].show_if",
                ],
            ),
        ];
        for (i, (edit, want)) in table.into_iter().enumerate() {
            let mut s = survey();
            edit(&mut s);
            let got: Vec<_> = s.template_problems().into_iter().map(|p| p.path).collect();
            assert_eq!(got, want, "case {i}");
        }
    }
}
