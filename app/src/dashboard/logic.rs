//! The dashboard's plain logic: the filter query, changes against the previous period, week
//! names, the per-agent sort. Tested natively; the screens only show what these return.

use std::cmp::Ordering;

use chrono::Datelike;
use huifang_domain::dashboard::AgentFigures;
use huifang_domain::period::Period;

use crate::charts::{Unit, geometry};

/// The filter part of a dashboard URL (`&visit_type=…&channel=…&agent=…`), empty choices left
/// out. Values are wire names and uuids: nothing to escape.
pub fn filter_query(filters: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (name, value) in filters.iter().filter(|(_, v)| !v.is_empty()) {
        out.push('&');
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// How a figure moved against the previous period: the arrow and the signed difference in the
/// figure's unit (percentage points for rates). None when either side has no value.
pub fn change(current: Option<f64>, previous: Option<f64>, unit: Unit) -> Option<String> {
    let delta = current? - previous?;
    let rounded = (delta * 10.0).round() / 10.0;
    let (arrow, sign) = match rounded.partial_cmp(&0.0) {
        Some(Ordering::Greater) => ("▲ ", "+"),
        Some(Ordering::Less) => ("▼ ", ""),
        _ => ("= ", ""),
    };
    let mut s = String::from(arrow);
    s.push_str(sign);
    s.push_str(&geometry::label(rounded));
    if unit == Unit::Percent {
        s.push_str(" pp");
    }
    Some(s)
}

/// A week as its first day, `12/1`: short enough for an axis, the same in both languages.
pub fn week_label(week: Period) -> String {
    let mut s = week.first.month().to_string();
    s.push('/');
    s.push_str(&week.first.day().to_string());
    s
}

/// The columns the per-agent table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentColumn {
    Name,
    Visits,
    Reached,
    Satisfaction,
    OnTime,
    Resolved,
    Reopened,
    Returned,
}

impl AgentColumn {
    pub const ALL: [AgentColumn; 8] = [
        AgentColumn::Name,
        AgentColumn::Visits,
        AgentColumn::Reached,
        AgentColumn::Satisfaction,
        AgentColumn::OnTime,
        AgentColumn::Resolved,
        AgentColumn::Reopened,
        AgentColumn::Returned,
    ];

    fn number(self, a: &AgentFigures) -> Option<f64> {
        match self {
            AgentColumn::Name => None,
            AgentColumn::Visits => Some(a.visits as f64),
            AgentColumn::Reached => a.reached_rate,
            AgentColumn::Satisfaction => a.average_satisfaction,
            AgentColumn::OnTime => a.on_time_rate,
            AgentColumn::Resolved => Some(a.tickets_resolved as f64),
            AgentColumn::Reopened => a.reopen_rate,
            AgentColumn::Returned => Some(a.returned_by_review as f64),
        }
    }
}

/// Sorts agents by a column; agents without a value for it (no sample) go last either way,
/// ties keep the server's order (most visits first).
pub fn sort_agents(agents: &mut Vec<AgentFigures>, by: AgentColumn, descending: bool) {
    crate::sorting::sort_by(agents, |a, b| {
        if by == AgentColumn::Name {
            let o = a.display_name.cmp(&b.display_name);
            return if descending { o.reverse() } else { o };
        }
        match (by.number(a), by.number(b)) {
            (Some(x), Some(y)) => {
                let o = x.partial_cmp(&y).unwrap_or(Ordering::Equal);
                if descending { o.reverse() } else { o }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use huifang_domain::period::PeriodKind;
    use uuid::Uuid;

    #[test]
    fn filters_leave_out_empty_choices() {
        assert_eq!(filter_query(&[("visit_type", ""), ("channel", "")]), "");
        assert_eq!(
            filter_query(&[
                ("visit_type", "complaint"),
                ("channel", ""),
                ("agent", "a1")
            ]),
            "&visit_type=complaint&agent=a1"
        );
    }

    #[test]
    fn changes_carry_an_arrow_and_a_sign() {
        for (cur, prev, unit, want) in [
            (Some(4.5), Some(4.2), Unit::Count, Some("▲ +0.3")),
            (Some(80.0), Some(85.5), Unit::Percent, Some("▼ -5.5 pp")),
            (Some(3.0), Some(3.02), Unit::Count, Some("= 0")),
            (Some(3.0), None, Unit::Count, None),
            (None, Some(3.0), Unit::Count, None),
        ] {
            assert_eq!(
                change(cur, prev, unit).as_deref(),
                want,
                "{cur:?} vs {prev:?}"
            );
        }
    }

    #[test]
    fn weeks_are_named_by_their_first_day() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(
            week_label(Period::containing(PeriodKind::Week, day)),
            "11/30"
        );
    }

    fn agent(name: &str, visits: u64, satisfaction: Option<f64>) -> AgentFigures {
        AgentFigures {
            user_id: Uuid::nil(),
            username: name.into(),
            display_name: name.into(),
            visits,
            reached: 0,
            reached_rate: None,
            satisfaction_sample: 0,
            average_satisfaction: satisfaction,
            tasks_done: 0,
            on_time: 0,
            on_time_rate: None,
            tickets_resolved: 0,
            revisited: 0,
            reopened: 0,
            reopen_rate: None,
            returned_by_review: 0,
        }
    }

    fn names(list: &[AgentFigures]) -> Vec<&str> {
        list.iter().map(|a| a.display_name.as_str()).collect()
    }

    #[test]
    fn agents_sort_by_any_column_with_missing_values_last() {
        let mut list = vec![
            agent("b", 5, None),
            agent("a", 9, Some(4.0)),
            agent("c", 1, Some(4.8)),
        ];
        sort_agents(&mut list, AgentColumn::Satisfaction, true);
        assert_eq!(names(&list), ["c", "a", "b"]);
        sort_agents(&mut list, AgentColumn::Satisfaction, false);
        assert_eq!(names(&list), ["a", "c", "b"]);
        sort_agents(&mut list, AgentColumn::Visits, true);
        assert_eq!(names(&list), ["a", "b", "c"]);
        sort_agents(&mut list, AgentColumn::Name, false);
        assert_eq!(names(&list), ["a", "b", "c"]);
        sort_agents(&mut list, AgentColumn::Name, true);
        assert_eq!(names(&list), ["c", "b", "a"]);
    }
}
