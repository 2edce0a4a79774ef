//! The survey editor's plain logic: the seven question kinds, which tests a condition can put
//! to which kind, and the edits (add, remove, move) with the conditions they leave broken.

use std::collections::BTreeSet;

use huifang_domain::catalog;
use serde::Deserialize;
use serde::de::value::StrDeserializer;

use huifang_domain::survey::{
    Condition, ConditionTest, Question, QuestionKind, Survey, TemplateError, TemplateProblem,
    question_of_field,
};

/// The seven widget kinds, as the editor's kind select names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindName {
    Stars,
    Nps,
    Mood,
    Single,
    Multi,
    YesNo,
    Text,
}

impl KindName {
    pub const ALL: [KindName; 7] = [
        KindName::Stars,
        KindName::Nps,
        KindName::Mood,
        KindName::Single,
        KindName::Multi,
        KindName::YesNo,
        KindName::Text,
    ];

    pub fn wire(self) -> &'static str {
        match self {
            KindName::Stars => "stars",
            KindName::Nps => "nps",
            KindName::Mood => "mood",
            KindName::Single => "single",
            KindName::Multi => "multi",
            KindName::YesNo => "yes_no",
            KindName::Text => "text",
        }
    }

    pub fn parse(s: &str) -> Option<KindName> {
        Self::ALL.into_iter().find(|k| k.wire() == s)
    }

    pub fn of(kind: &QuestionKind) -> KindName {
        match kind {
            QuestionKind::Stars => KindName::Stars,
            QuestionKind::Nps => KindName::Nps,
            QuestionKind::Mood => KindName::Mood,
            QuestionKind::Single { .. } => KindName::Single,
            QuestionKind::Multi { .. } => KindName::Multi,
            QuestionKind::YesNo => KindName::YesNo,
            QuestionKind::Text { .. } => KindName::Text,
        }
    }

    /// The kind as a question of it starts; switching between single and multiple choice
    /// keeps the options typed so far.
    pub fn fresh(self, previous: &QuestionKind) -> QuestionKind {
        let options = previous
            .options()
            .map(<[String]>::to_vec)
            .unwrap_or_default();
        match self {
            KindName::Stars => QuestionKind::Stars,
            KindName::Nps => QuestionKind::Nps,
            KindName::Mood => QuestionKind::Mood,
            KindName::Single => QuestionKind::Single { options },
            KindName::Multi => QuestionKind::Multi {
                options,
                min: None,
                max: None,
            },
            KindName::YesNo => QuestionKind::YesNo,
            KindName::Text => QuestionKind::Text { max_chars: None },
        }
    }
}

/// The tests a condition can put to an earlier question's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestName {
    AtMost,
    AtLeast,
    Is,
    Includes,
}

impl TestName {
    pub fn wire(self) -> &'static str {
        match self {
            TestName::AtMost => "at_most",
            TestName::AtLeast => "at_least",
            TestName::Is => "is",
            TestName::Includes => "includes",
        }
    }

    pub fn of(test: &ConditionTest) -> TestName {
        match test {
            ConditionTest::AtMost(_) => TestName::AtMost,
            ConditionTest::AtLeast(_) => TestName::AtLeast,
            ConditionTest::Is(_) => TestName::Is,
            ConditionTest::Includes(_) => TestName::Includes,
        }
    }
}

/// What a condition may test on a question of this kind: scales by their number, yes/no by
/// its answer, choices by an option; a free text cannot be tested.
pub fn tests_for(kind: &QuestionKind) -> &'static [TestName] {
    match KindName::of(kind) {
        KindName::Stars | KindName::Nps | KindName::Mood => &[TestName::AtMost, TestName::AtLeast],
        KindName::YesNo => &[TestName::Is],
        KindName::Single | KindName::Multi => &[TestName::Includes],
        KindName::Text => &[],
    }
}

/// The test `name` on a question of `kind`, starting from a value that holds for the
/// unhappy end of a scale (the usual "what went wrong?" follow-up), `no`, or the first option.
pub fn test_for(kind: &QuestionKind, name: TestName) -> Option<ConditionTest> {
    if !tests_for(kind).contains(&name) {
        return None;
    }
    let (lo, hi) = kind.scale().unwrap_or((0, 0));
    Some(match name {
        TestName::AtMost => ConditionTest::AtMost(lo + (hi - lo) / 3),
        TestName::AtLeast => ConditionTest::AtLeast(hi - (hi - lo) / 3),
        TestName::Is => ConditionTest::Is(false),
        TestName::Includes => {
            ConditionTest::Includes(kind.options().and_then(|o| o.first()).cloned()?)
        }
    })
}

/// The questions before `index` a condition of the question at `index` can test.
pub fn condition_targets(survey: &Survey, index: usize) -> Vec<&Question> {
    survey
        .questions
        .iter()
        .take(index)
        .filter(|q| !q.key.is_empty() && !tests_for(&q.kind).is_empty())
        .collect()
}

/// A condition on `target`, with the first test its kind offers.
pub fn condition_on(target: &Question) -> Option<Condition> {
    let test = test_for(&target.kind, *tests_for(&target.kind).first()?)?;
    Some(Condition {
        question: target.key.clone(),
        test,
    })
}

/// `q1`, `q2`, …: the first such key no question has, so keys stay stable while questions
/// move and the answers of published versions keep their meaning.
pub fn new_key(survey: &Survey) -> String {
    (1..)
        .map(|n| format!("q{n}"))
        .find(|k| !survey.questions.iter().any(|q| &q.key == k))
        .unwrap_or_default()
}

/// Appends a question of `kind`; returns its key.
pub fn add_question(survey: &mut Survey, kind: KindName) -> String {
    let key = new_key(survey);
    survey.questions.push(Question {
        key: key.clone(),
        text: String::new(),
        kind: kind.fresh(&QuestionKind::YesNo),
        required: false,
        show_if: None,
    });
    key
}

/// Removes the question at `index`; returns the keys of the questions whose condition
/// tested it and now tests nothing.
pub fn remove_question(survey: &mut Survey, index: usize) -> Vec<String> {
    if index >= survey.questions.len() {
        return Vec::new();
    }
    let before = broken_conditions(survey);
    survey.questions.remove(index);
    newly_broken(survey, &before)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// Moves the question at `index` one place; returns the keys of the questions whose
/// condition the move broke (a condition must test an earlier question), so the editor can
/// point at them. A move past either end does nothing.
pub fn move_question(survey: &mut Survey, index: usize, direction: Direction) -> Vec<String> {
    let other = match direction {
        Direction::Up => index.checked_sub(1),
        Direction::Down => Some(index + 1),
    };
    let Some(other) =
        other.filter(|&o| o < survey.questions.len() && index < survey.questions.len())
    else {
        return Vec::new();
    };
    let before = broken_conditions(survey);
    survey.questions.swap(index, other);
    newly_broken(survey, &before)
}

fn newly_broken(survey: &Survey, before: &[String]) -> Vec<String> {
    broken_conditions(survey)
        .into_iter()
        .filter(|k| !before.contains(k))
        .collect()
}

/// The keys of the questions whose condition does not test an earlier question.
pub fn broken_conditions(survey: &Survey) -> Vec<String> {
    survey
        .questions
        .iter()
        .enumerate()
        .filter(|(i, q)| {
            q.show_if
                .as_ref()
                .is_some_and(|c| !survey.questions[..*i].iter().any(|e| e.key == c.question))
        })
        .map(|(_, q)| q.key.clone())
        .collect()
}

/// A problem in the editor's list: the domain's own reason, or the server's words for one
/// this app version does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub said: Said,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    Reason(TemplateError),
    Message(String),
}

impl From<TemplateProblem> for Problem {
    fn from(p: TemplateProblem) -> Self {
        Problem {
            field: p.path,
            said: Said::Reason(p.error),
        }
    }
}

/// A problem the server named: the domain's reason when this app knows its code, else the
/// server's own words.
impl From<catalog::Problem> for Problem {
    fn from(p: catalog::Problem) -> Self {
        let said =
            TemplateError::deserialize(StrDeserializer::<serde::de::value::Error>::new(&p.code))
                .map_or(Said::Message(p.message), Said::Reason);
        Problem {
            field: p.path,
            said,
        }
    }
}

/// The problems of the survey as the editor holds it, by the rules the server publishes by.
pub fn problems(survey: &Survey) -> Vec<Problem> {
    survey
        .template_problems()
        .into_iter()
        .map(Problem::from)
        .collect()
}

/// The keys of the questions a list of problems points into, to highlight them.
pub fn problem_keys(problems: &[Problem]) -> BTreeSet<String> {
    problems
        .iter()
        .filter_map(|p| question_of_field(&p.field).map(str::to_owned))
        .collect()
}

/// Moves an option of a choice question one place (up when `up`); nothing past either end.
pub fn move_option(kind: &mut QuestionKind, index: usize, up: bool) {
    if let QuestionKind::Single { options } | QuestionKind::Multi { options, .. } = kind {
        let other = if up {
            index.checked_sub(1)
        } else {
            Some(index + 1)
        };
        if let Some(other) = other.filter(|&o| o < options.len() && index < options.len()) {
            options.swap(index, other);
        }
    }
}

/// The options of a choice question, to edit in place.
pub fn options_mut(kind: &mut QuestionKind) -> Option<&mut Vec<String>> {
    match kind {
        QuestionKind::Single { options } | QuestionKind::Multi { options, .. } => Some(options),
        _ => None,
    }
}

/// Reads a limit field: empty means "no limit", anything else must be a whole number.
pub fn parse_limit(text: &str) -> Result<Option<usize>, ()> {
    let text = text.trim();
    if text.is_empty() {
        Ok(None)
    } else {
        text.parse().map(Some).map_err(drop)
    }
}

#[cfg(test)]
mod tests;
