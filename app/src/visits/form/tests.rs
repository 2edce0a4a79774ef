use super::*;
use chrono::{Duration, TimeZone};

/// Monday 2026-11-23, 10:10:30 in Beijing: the tests' instant, whatever the hour they run at.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 10, 30).unwrap()
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

#[test]
fn the_local_time_input_round_trips_and_refuses_other_shapes() {
    let at = Local
        .with_ymd_and_hms(2026, 11, 24, 9, 30, 0)
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(to_local_input(at), "2026-11-24T09:30");
    assert_eq!(from_local_input("2026-11-24T09:30"), Some(at));
    for bad in [
        "",
        "2026-11-24",
        "2026-11-24 09:30",
        "2026-11-24T09:30:15",
        "2026-13-24T09:30",
        "2026-11-24T24:00",
        "2026-+1-24T09:30",
        "２０２６-11-24T09:30",
    ] {
        assert_eq!(from_local_input(bad), None, "{bad}");
    }
}
