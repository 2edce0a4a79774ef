use chrono::{Duration, TimeZone};
use huifang_domain::script::Audience;
use huifang_domain::survey::{NpsGroup, SurveyProblem};
use huifang_domain::task::{Priority, RetryReason};
use huifang_domain::ticket::{Impact, Nature, TicketState, TimelineEvent, When};
use huifang_domain::{Channel, Demand, Emotion, Outcome, Role, ValidationKind, VisitType};

use super::*;

#[test]
fn every_key_has_text_in_both_languages() {
    for &key in Key::ALL {
        for lang in [Lang::Zh, Lang::En] {
            assert!(!t(lang, key).trim().is_empty(), "{key:?} {lang:?}");
        }
    }
    assert_eq!(t(Lang::Zh, Key::NavMyVisits), "我的回访");
    assert_eq!(t(Lang::En, Key::NavMyVisits), "My visits");
}

#[test]
fn every_enum_value_has_a_label_in_both_languages() {
    for lang in [Lang::Zh, Lang::En] {
        let labels: Vec<&str> = Channel::ALL
            .iter()
            .map(|v| channel_label(lang, *v))
            .chain(VisitType::ALL.iter().map(|v| visit_type_label(lang, *v)))
            .chain(Outcome::ALL.iter().map(|v| outcome_label(lang, *v)))
            .chain(Emotion::ALL.iter().map(|v| emotion_label(lang, *v)))
            .chain(Demand::ALL.iter().map(|v| demand_label(lang, *v)))
            .chain(Role::ALL.iter().map(|v| role_label(lang, *v)))
            .collect();
        assert!(labels.iter().all(|l| !l.is_empty()), "{lang:?}");
    }
    assert_eq!(visit_type_label(Lang::Zh, VisitType::Complaint), "投诉回访");
    assert_eq!(outcome_label(Lang::En, Outcome::NoAnswer), "No answer");
}

#[test]
fn every_ticket_value_has_a_label_in_both_languages() {
    for lang in [Lang::Zh, Lang::En] {
        for &n in Nature::ALL {
            assert!(!nature_label(lang, n).is_empty());
            for sp in n.sub_problems() {
                assert_ne!(sub_problem_label(lang, sp), *sp, "{sp} {lang:?}");
            }
        }
        for i in [Impact::General, Impact::Important, Impact::Urgent] {
            assert!(!impact_label(lang, i).is_empty());
        }
    }
    assert_eq!(sub_problem_label(Lang::Zh, "attitude"), "服务态度");
    assert_eq!(sub_problem_label(Lang::En, "new_kind"), "new_kind");
    assert_eq!(minutes_text(Lang::Zh, 200), "3 小时 20 分");
    assert_eq!(minutes_text(Lang::En, 60), "1 h");
    assert_eq!(
        timeline_text(
            Lang::Zh,
            &TimelineEvent::State {
                from: TicketState::Resolved,
                to: TicketState::InProgress
            }
        ),
        "已解决 → 处理中"
    );
}

#[test]
fn every_rule_and_department_has_a_name_in_both_languages_and_others_show_their_key() {
    use huifang_domain::ticket::{GradingRules, RoutingMap};
    let routing = RoutingMap::default();
    let routed = routing
        .by_nature
        .values()
        .chain(routing.by_sub_problem.values());
    for d in routed {
        assert!(DEPARTMENTS.contains(&d.as_str()), "{d} is not offered");
    }
    for (key, zh, en) in GradingRules::default()
        .rules
        .iter()
        .map(|r| {
            (
                r.key.as_str(),
                rule_label(Lang::Zh, &r.key),
                rule_label(Lang::En, &r.key),
            )
        })
        .chain(DEPARTMENTS.iter().map(|&d| {
            (
                d,
                department_label(Lang::Zh, d),
                department_label(Lang::En, d),
            )
        }))
    {
        assert_ne!(zh, key);
        assert_ne!(en, key);
        assert_ne!(zh, en, "{key}");
        assert!(!zh.is_ascii(), "{key}: {zh}");
    }
    assert_eq!(department_label(Lang::Zh, "operations"), "运营部");
    assert_eq!(
        rule_label(Lang::En, "injury_or_loss"),
        "Injury or property loss"
    );
    for lang in [Lang::Zh, Lang::En] {
        assert_eq!(rule_label(lang, "night_calls"), "night_calls");
        assert_eq!(department_label(lang, "legal"), "legal");
    }
}

#[test]
fn grading_conditions_read_as_words_in_both_languages() {
    let w = When::Any(vec![
        When::Repeated { min: 2, days: 7 },
        When::All(vec![When::PersonalInjury, When::Nature(Nature::Product)]),
    ]);
    assert_eq!(
        when_text(Lang::Zh, &w),
        "7 天内同一具体问题被反映至少 2 次 或 (有人身伤害 且 问题性质为产品)"
    );
    assert_eq!(
        when_text(Lang::En, &w),
        "the same sub-problem reported at least 2 times in 7 days or (personal injury and nature is product)"
    );
    assert_eq!(weekday_label(Lang::Zh, 6), "周日");
    assert_eq!(weekday_label(Lang::En, 0), "Mon");
}

#[test]
fn the_error_summary_counts_its_problems() {
    assert_eq!(
        error_summary_title(Lang::Zh, 6),
        "还有 6 项需要填写或修改,才能保存:"
    );
    assert_eq!(
        error_summary_title(Lang::En, 1),
        "1 thing to fix before saving:"
    );
    assert_eq!(
        error_summary_title(Lang::En, 2),
        "2 things to fix before saving:"
    );
}

#[test]
fn validation_messages_name_the_field_in_the_chosen_language() {
    use ValidationKind::*;
    assert_eq!(
        validation_message(Lang::Zh, "verbatim", Required),
        "已接通时请记录客户原话"
    );
    assert_eq!(
        validation_message(Lang::Zh, "channel", Required),
        "回访方式:必填"
    );
    assert_eq!(
        validation_message(Lang::En, "customer_id", Required),
        "Customer: required"
    );
    assert_eq!(
        validation_message(Lang::Zh, "verbatim", TooLong),
        "客户原话最多 2000 字"
    );
    assert_eq!(
        validation_message(Lang::En, "attempt", OutOfRange),
        "The attempt must be between 1 and 9"
    );
    assert_eq!(
        validation_message(Lang::En, "mood", OutOfRange),
        "mood: out of range"
    );
    let fields = [
        "customer_id",
        "channel",
        "visit_type",
        "outcome",
        "attempt",
        "satisfaction",
        "emotion",
        "verbatim",
        "demand",
        "follow_up",
        "contacted_at",
    ];
    for field in fields {
        for kind in [Required, TooLong, OutOfRange, NotAllowed, InFuture] {
            let zh = validation_message(Lang::Zh, field, kind);
            let en = validation_message(Lang::En, field, kind);
            assert!(!zh.is_empty() && !en.is_empty());
            assert_ne!(zh, en, "{field} {kind:?}");
        }
    }
}

#[test]
fn relative_times_are_coarse_and_never_negative() {
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    let table = [
        (Duration::seconds(-30), "刚刚", "just now"),
        (Duration::seconds(0), "刚刚", "just now"),
        (Duration::seconds(59), "刚刚", "just now"),
        (Duration::seconds(60), "1 分钟前", "1 min ago"),
        (Duration::minutes(3), "3 分钟前", "3 min ago"),
        (Duration::minutes(59), "59 分钟前", "59 min ago"),
        (Duration::hours(2), "2 小时前", "2 h ago"),
        (Duration::days(3), "3 天前", "3 d ago"),
    ];
    for (ago, zh, en) in table {
        assert_eq!(relative_time(Lang::Zh, now - ago, now), zh, "{ago:?}");
        assert_eq!(relative_time(Lang::En, now - ago, now), en, "{ago:?}");
    }
}

#[test]
fn the_unsynced_notice_gives_the_age_when_there_is_one() {
    assert_eq!(
        unsynced_notice(Lang::Zh, 3, Some("5 分钟前")),
        "未同步:3 条,最早一条保存于 5 分钟前"
    );
    assert_eq!(unsynced_notice(Lang::En, 1, None), "Unsynced: 1");
}

#[test]
fn the_other_users_notice_names_each_owner_and_count() {
    assert_eq!(
        other_users_notice(Lang::Zh, &[("李明", 2)]),
        "此设备上还有 李明 的 2 条未同步记录,需本人登录后同步"
    );
    assert_eq!(
        other_users_notice(Lang::En, &[("李明", 2)]),
        "This device holds 2 unsynced records of 李明; they sync when that user logs in"
    );
    assert_eq!(
        other_users_notice(Lang::En, &[("李明", 1)]),
        "This device holds 1 unsynced record of 李明; it syncs when that user logs in"
    );
    assert_eq!(
        other_users_notice(Lang::Zh, &[("李明", 2), ("张伟", 1)]),
        "此设备上还有 李明 的 2 条、张伟 的 1 条未同步记录,需本人登录后同步"
    );
    assert_eq!(
        other_users_notice(Lang::En, &[("李明", 2), ("张伟", 1), ("Ann", 3)]),
        "This device holds 2 unsynced records of 李明, 1 of 张伟 and 3 of Ann; \
         they sync when each user logs in"
    );
}

#[test]
fn languages_round_trip_through_their_codes() {
    for lang in [Lang::Zh, Lang::En] {
        assert_eq!(Lang::parse(lang.code()), Some(lang));
        assert_eq!(lang.other().other(), lang);
    }
    assert_eq!(Lang::parse("fr"), None);
    assert_eq!(
        reject_code_label(Lang::En, "conflict"),
        "Conflicts with server data"
    );
    assert_eq!(
        reject_code_label(Lang::En, "teapot"),
        "Rejected by the server"
    );
}

#[test]
fn field_visit_texts_exist_in_both_languages() {
    let cst = FixedOffset::east_opt(8 * 3600).unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
    assert_eq!(clock(at, cst), "11-23 09:00");
    assert_eq!(
        window(at, at + Duration::hours(3), cst),
        "11-23 09:00–12:00"
    );
    assert_eq!(
        window(at, at + Duration::days(1), cst),
        "11-23 09:00 – 11-24 09:00"
    );
    assert_eq!(
        survey_problem(Lang::Zh, "哪方面让您不满意?", &SurveyProblem::Required),
        "“哪方面让您不满意?”:请回答此题"
    );
    assert_eq!(
        survey_problem(Lang::En, "Why?", &SurveyProblem::TooMany(2)),
        "\"Why?\": choose up to 2"
    );
    assert_eq!(nps_label(Lang::Zh, NpsGroup::Promoter), "推荐者");
    assert_eq!(audience_label(Lang::En, Audience::Angry), "Upset");
    assert_eq!(
        next_attempt_text(Lang::Zh, 2, "11-23 11:00", Channel::Phone),
        "将安排第 2 次回访(电话),时间 11-23 11:00 起"
    );
    assert_eq!(
        retry_note(Lang::Zh, 2, RetryReason::NoAnswer),
        "第 2 次回访:上次无人接听"
    );
    assert_eq!(
        retry_note(Lang::Zh, 3, RetryReason::CallBack),
        "第 3 次回访:客户约定回拨"
    );
    for lang in [Lang::Zh, Lang::En] {
        for p in [Priority::High, Priority::Normal, Priority::Low] {
            assert!(!priority_label(lang, p).is_empty());
        }
        for n in 1..=3 {
            assert!(!mood_label(lang, n).is_empty());
        }
        assert_ne!(
            validation_message(lang, "signature", ValidationKind::Required),
            validation_message(lang, "place", ValidationKind::Required)
        );
    }
}

#[test]
fn a_list_total_groups_thousands_and_says_when_there_are_more() {
    use huifang_domain::ListTotal;
    for (count, more, shown) in [
        (0, false, "0"),
        (37, false, "37"),
        (999, false, "999"),
        (1000, true, "1,000+"),
        (1000, false, "1,000"),
        (1234567, false, "1,234,567"),
    ] {
        assert_eq!(list_total(ListTotal { count, more }), shown);
    }
    assert_eq!(page_n(Lang::Zh, 2), "第 2 页");
    assert_eq!(page_n(Lang::En, 2), "Page 2");
}
