use super::*;

#[test]
fn wire_names_round_trip() {
    assert_eq!(wire(Impact::Important), "important");
    assert_eq!(
        from_wire::<TicketPriority>("high"),
        Some(TicketPriority::High)
    );
    assert_eq!(from_wire::<Impact>(""), None);
    assert_eq!(wire(Timing::Continuous), "continuous");
}

#[test]
fn every_choice_has_a_name_in_both_languages() {
    for lang in [Lang::Zh, Lang::En] {
        let choices = [
            options(&IMPACTS, lang, i18n::impact_label),
            options(&PRIORITIES, lang, i18n::ticket_priority_label),
            options(&TIMINGS, lang, timing_label),
            department_options(lang, []),
        ];
        for list in choices {
            for (code, label) in &list {
                assert!(!code.is_empty());
                assert!(!label.trim().is_empty(), "{code} {lang:?}");
                assert_ne!(label, code, "{code} {lang:?}");
            }
            let mut labels: Vec<_> = list.iter().map(|(_, l)| l).collect();
            labels.sort();
            labels.dedup();
            assert_eq!(labels.len(), list.len(), "two choices look alike: {list:?}");
        }
    }
    assert_eq!(
        options(&IMPACTS, Lang::Zh, i18n::impact_label)[1],
        ("important".to_owned(), "重要".to_owned())
    );
    assert_eq!(
        options(&TIMINGS, Lang::En, timing_label)[1],
        ("continuous".to_owned(), "Around the clock".to_owned())
    );
}

#[test]
fn routing_offers_the_known_departments_then_the_others_in_use_under_their_key() {
    let codes = |list: Vec<(String, String)>| list.into_iter().map(|(c, _)| c).collect::<Vec<_>>();
    let map = RoutingMap::default();
    let in_use = map.by_nature.values().chain(map.by_sub_problem.values());
    assert_eq!(
        codes(department_options(Lang::Zh, in_use)),
        ["quality", "operations", "supply_chain"]
    );
    let stored = ["legal", "operations", "after_sales", "legal"].map(str::to_owned);
    let list = department_options(Lang::Zh, &stored);
    assert_eq!(
        list,
        [
            ("quality", "质量/产品部"),
            ("operations", "运营部"),
            ("supply_chain", "供应链"),
            ("after_sales", "after_sales"),
            ("legal", "legal"),
        ]
        .map(|(c, l)| (c.to_owned(), l.to_owned()))
    );
    assert_eq!(department_options(Lang::En, [])[1].1, "Operations");
}

#[test]
fn times_parse_with_or_without_seconds() {
    assert_eq!(parse_time("09:30"), NaiveTime::from_hms_opt(9, 30, 0));
    assert_eq!(parse_time("18:00:00"), NaiveTime::from_hms_opt(18, 0, 0));
    assert_eq!(parse_time("nope"), None);
    assert_eq!(parse_num::<u32>(" 7 "), Some(7));
}
