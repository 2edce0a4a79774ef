use huifang_domain::survey::{Condition, ConditionTest, QuestionKind, Survey};
use uuid::Uuid;

use super::*;

fn q(key: &str, kind: QuestionKind, show_if: Option<(&str, ConditionTest)>) -> Question {
    Question {
        key: key.into(),
        text: format!("{key}?"),
        kind,
        required: false,
        show_if: show_if.map(|(question, test)| Condition {
            question: question.into(),
            test,
        }),
    }
}

fn single(options: &[&str]) -> QuestionKind {
    QuestionKind::Single {
        options: options.iter().map(|o| o.to_string()).collect(),
    }
}

/// A rating, a single choice, and a text asked only when the rating is low.
fn survey() -> Survey {
    Survey {
        id: Uuid::nil(),
        version: 0,
        title: "回访".into(),
        visit_type: None,
        questions: vec![
            q("rating", QuestionKind::Stars, None),
            q("channel", single(&["电话", "上门"]), None),
            q(
                "why",
                QuestionKind::Text { max_chars: None },
                Some(("rating", ConditionTest::AtMost(2))),
            ),
        ],
        retired: false,
    }
}

fn keys(s: &Survey) -> Vec<&str> {
    s.questions.iter().map(|q| q.key.as_str()).collect()
}

#[test]
fn a_condition_offers_the_tests_that_fit_the_tested_kind() {
    use TestName::*;
    let table: Vec<(QuestionKind, &[TestName], Vec<ConditionTest>)> = vec![
        (
            QuestionKind::Stars,
            &[AtMost, AtLeast],
            vec![ConditionTest::AtMost(2), ConditionTest::AtLeast(4)],
        ),
        (
            QuestionKind::Nps,
            &[AtMost, AtLeast],
            vec![ConditionTest::AtMost(3), ConditionTest::AtLeast(7)],
        ),
        (
            QuestionKind::Mood,
            &[AtMost, AtLeast],
            vec![ConditionTest::AtMost(1), ConditionTest::AtLeast(3)],
        ),
        (QuestionKind::YesNo, &[Is], vec![ConditionTest::Is(false)]),
        (
            single(&["a", "b"]),
            &[Includes],
            vec![ConditionTest::Includes("a".into())],
        ),
        (
            KindName::Multi.fresh(&single(&["x"])),
            &[Includes],
            vec![ConditionTest::Includes("x".into())],
        ),
        (QuestionKind::Text { max_chars: None }, &[], vec![]),
    ];
    for (i, (kind, tests, first_values)) in table.into_iter().enumerate() {
        assert_eq!(tests_for(&kind), tests, "case {i}");
        let made: Vec<ConditionTest> = tests.iter().filter_map(|t| test_for(&kind, *t)).collect();
        assert_eq!(made, first_values, "case {i}");
        // Every test the editor starts from is one the domain accepts.
        for test in made {
            let mut s = survey();
            s.questions[0].kind = kind.clone();
            s.questions[2].show_if = Some(Condition {
                question: "rating".into(),
                test,
            });
            assert_eq!(s.template_problems(), vec![], "case {i}");
        }
    }
    assert_eq!(test_for(&single(&[]), TestName::Includes), None);
    assert_eq!(test_for(&QuestionKind::Stars, TestName::Is), None);
}

#[test]
fn a_condition_can_pick_only_earlier_questions_it_can_test() {
    let s = survey();
    let targets = |i| -> Vec<&str> {
        condition_targets(&s, i)
            .into_iter()
            .map(|q| q.key.as_str())
            .collect()
    };
    assert_eq!(targets(0), Vec::<&str>::new());
    assert_eq!(targets(1), ["rating"]);
    assert_eq!(targets(2), ["rating", "channel"]);
    let mut with_text_first = survey();
    with_text_first.questions.swap(0, 2);
    with_text_first.questions[0].show_if = None;
    assert_eq!(
        condition_targets(&with_text_first, 2)
            .into_iter()
            .map(|q| q.key.as_str())
            .collect::<Vec<_>>(),
        ["channel"]
    );
}

#[test]
fn moving_a_question_names_the_conditions_it_breaks() {
    use Direction::*;
    let table: Vec<(usize, Direction, Vec<&str>, Vec<&str>)> = vec![
        (0, Up, vec!["rating", "channel", "why"], vec![]),
        (2, Down, vec!["rating", "channel", "why"], vec![]),
        (0, Down, vec!["channel", "rating", "why"], vec![]),
        (2, Up, vec!["rating", "why", "channel"], vec![]),
        (1, Down, vec!["rating", "why", "channel"], vec![]),
    ];
    for (i, (index, dir, order, broken)) in table.into_iter().enumerate() {
        let mut s = survey();
        assert_eq!(move_question(&mut s, index, dir), broken, "case {i}");
        assert_eq!(keys(&s), order, "case {i}");
    }
    // Moving the tested question below the one that depends on it breaks the condition,
    // and moving it back mends it.
    let mut s = survey();
    move_question(&mut s, 1, Down);
    assert_eq!(move_question(&mut s, 0, Down), ["why"]);
    assert_eq!(keys(&s), ["why", "rating", "channel"]);
    assert_eq!(broken_conditions(&s), ["why"]);
    assert_eq!(
        problem_keys(&problems(&s)).into_iter().collect::<Vec<_>>(),
        ["why"]
    );
    assert_eq!(move_question(&mut s, 1, Up), Vec::<String>::new());
    assert_eq!(broken_conditions(&s), Vec::<String>::new());
}

#[test]
fn removing_a_tested_question_names_the_conditions_left_without_it() {
    let mut s = survey();
    assert_eq!(remove_question(&mut s, 1), Vec::<String>::new());
    assert_eq!(remove_question(&mut s, 0), ["why"]);
    assert_eq!(keys(&s), ["why"]);
    assert_eq!(remove_question(&mut s, 5), Vec::<String>::new());
}

#[test]
fn new_questions_get_the_first_free_key() {
    let mut s = survey();
    assert_eq!(add_question(&mut s, KindName::Stars), "q1");
    assert_eq!(add_question(&mut s, KindName::Multi), "q2");
    s.questions.remove(3);
    assert_eq!(new_key(&s), "q1");
    assert_eq!(
        s.questions.last().map(|q| q.kind.clone()),
        Some(QuestionKind::Multi {
            options: vec![],
            min: None,
            max: None
        })
    );
}

#[test]
fn every_kind_has_a_wire_name_and_choices_keep_their_options() {
    for kind in KindName::ALL {
        assert_eq!(KindName::parse(kind.wire()), Some(kind));
        assert_eq!(KindName::of(&kind.fresh(&QuestionKind::Stars)), kind);
    }
    let multi = KindName::Multi.fresh(&single(&["a", "b"]));
    assert_eq!(
        multi.options(),
        Some(&["a".to_string(), "b".to_string()][..])
    );
    assert_eq!(KindName::Single.fresh(&multi), single(&["a", "b"]));
    assert_eq!(KindName::Stars.fresh(&multi), QuestionKind::Stars);
}

#[test]
fn options_move_within_their_list() {
    let mut kind = single(&["a", "b", "c"]);
    move_option(&mut kind, 0, true);
    move_option(&mut kind, 2, false);
    assert_eq!(kind, single(&["a", "b", "c"]));
    move_option(&mut kind, 2, true);
    assert_eq!(kind, single(&["a", "c", "b"]));
    move_option(&mut kind, 0, false);
    assert_eq!(kind, single(&["c", "a", "b"]));
}

#[test]
fn a_limit_is_empty_or_a_whole_number() {
    assert_eq!(parse_limit(""), Ok(None));
    assert_eq!(parse_limit(" 3 "), Ok(Some(3)));
    assert_eq!(parse_limit("x"), Err(()));
    assert_eq!(parse_limit("-1"), Err(()));
}

#[test]
fn a_problem_the_server_names_keeps_its_reason_else_its_words() {
    let named = |code: &str| {
        Problem::from(catalog::Problem {
            path: "questions[q3].options".into(),
            code: code.into(),
            message: "the server's words".into(),
        })
    };
    assert_eq!(
        named("no_options"),
        Problem {
            field: "questions[q3].options".into(),
            said: Said::Reason(TemplateError::NoOptions)
        }
    );
    assert_eq!(
        named("condition_not_earlier").said,
        Said::Reason(TemplateError::ConditionNotEarlier)
    );
    assert_eq!(
        named("something_new").said,
        Said::Message("the server's words".into())
    );
}
