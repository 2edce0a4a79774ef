//! 反馈分类统计表: the feedback statistics of a period as the server sends them, the shape
//! the console's table, its Excel export and its chart all read. The figures are computed by
//! the server; the rules behind them (share, change against the previous period) live here.

use serde::{Deserialize, Serialize};

use crate::period::Period;

/// 建议措施: what a supervisor proposes for a row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// 话术优化
    Script,
    /// 流程改进
    Process,
    /// 产品迭代
    Product,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionState {
    Open,
    Done,
}

/// A suggested action, kept per period and row; an open one is carried into the next period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestedAction {
    pub kind: ActionKind,
    pub text: String,
    pub state: ActionState,
    /// The key (`Period::key`) of the period it was written in; differs from the table's
    /// period when it was carried over.
    pub since: String,
    pub version: u64,
}

/// One row of the table: a sub-problem of a feedback type (nature).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsRow {
    pub nature: String,
    pub sub_problem: String,
    pub count: u64,
    /// Percent of the period's total, 0–100.
    pub share: f64,
    pub previous_count: u64,
    pub previous_share: f64,
    /// 典型原话: a customer's own words from this period, contacts masked.
    pub quote: Option<String>,
    /// 责任部门 by the routing rules.
    pub department: Option<String>,
    pub action: Option<SuggestedAction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackStats {
    pub period: Period,
    pub previous: Period,
    pub total: u64,
    pub previous_total: u64,
    pub rows: Vec<StatsRow>,
}

/// `count` as a percentage of `total` (0 when there is nothing to share).
pub fn share(count: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        count as f64 * 100.0 / total as f64
    }
}

/// Masks what looks like a phone number in free text (a customer's own words): every run of
/// 7 or more digits, spaces or hyphens between them allowed, keeps only its ends as
/// [`mask_contact`](crate::customer::mask_contact) does (`138****5678`). Shorter numbers
/// (prices, order counts, dates) stay readable.
pub fn mask_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit()
            || (chars[i] == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit));
        if !starts {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The run: digits, each separator only between two digits.
        let mut end = i + 1;
        while end < chars.len() {
            let c = chars[end];
            let joins = (c == ' ' || c == '-')
                && chars[end - 1].is_ascii_digit()
                && chars.get(end + 1).is_some_and(char::is_ascii_digit);
            if c.is_ascii_digit() || joins {
                end += 1;
            } else {
                break;
            }
        }
        let end = phone_end(&chars, i, end);
        let run: String = chars[i..end].iter().collect();
        let digits: String = run
            .chars()
            .filter(|c| *c == '+' || c.is_ascii_digit())
            .collect();
        if digits.chars().filter(char::is_ascii_digit).count() >= 7 {
            out.push_str(&crate::customer::mask_contact(&digits));
        } else {
            out.push_str(&run);
        }
        i = end;
    }
    out
}

/// Where a run `chars[start..end]` stops being one number: a group of fewer than 3 digits
/// after a separator is a date's or a list's part (`2026-12-02`, `3 5 7`), not a phone's.
fn phone_end(chars: &[char], start: usize, end: usize) -> usize {
    let mut kept = start;
    let mut group = 0;
    for (i, c) in chars.iter().enumerate().take(end).skip(start) {
        if *c == ' ' || *c == '-' {
            if kept != start && group < 3 {
                return kept;
            }
            kept = i;
            group = 0;
        } else {
            group += 1;
        }
    }
    if kept != start && group < 3 {
        kept
    } else {
        end
    }
}

/// How many periods back an open action is looked for to carry it forward.
pub const CARRY_LOOKBACK: usize = 12;

/// The action a row shows, from the actions stored for this period (`chain[0]`) and the
/// periods before it (`chain[1]` the previous one, …): its own if written, else the nearest
/// earlier one if it is still open (carried, with its `since`, and version 0 since nothing is
/// stored for this period yet). A done action ends the carrying.
pub fn carried_action(chain: &[Option<SuggestedAction>]) -> Option<SuggestedAction> {
    let (at, nearest) = chain
        .iter()
        .enumerate()
        .find_map(|(i, a)| Some((i, a.as_ref()?)))?;
    match (at, nearest.state) {
        (0, _) => Some(nearest.clone()),
        (_, ActionState::Open) => Some(SuggestedAction {
            version: 0,
            ..nearest.clone()
        }),
        (_, ActionState::Done) => None,
    }
}

impl ActionKind {
    pub const ALL: [ActionKind; 3] = [ActionKind::Script, ActionKind::Process, ActionKind::Product];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Script => "script",
            ActionKind::Process => "process",
            ActionKind::Product => "product",
        }
    }

    pub fn parse(s: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl ActionState {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionState::Open => "open",
            ActionState::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<ActionState> {
        [ActionState::Open, ActionState::Done]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// The longest suggested action, in characters.
pub const MAX_ACTION_CHARS: usize = 500;

/// The columns the statistics table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortColumn {
    Nature,
    SubProblem,
    Count,
    Share,
    Change,
    Department,
}

/// Sorts the rows by `column` (`descending` for the larger first); ties keep the table's
/// stable order by nature then sub-problem so a re-sort never shuffles equal rows.
pub fn sort_rows(rows: &mut [StatsRow], column: SortColumn, descending: bool) {
    use std::cmp::Ordering;
    let change = |r: &StatsRow| r.count as i64 - r.previous_count as i64;
    rows.sort_by(|a, b| {
        let by = match column {
            SortColumn::Nature => a.nature.cmp(&b.nature),
            SortColumn::SubProblem => a.sub_problem.cmp(&b.sub_problem),
            SortColumn::Count => a.count.cmp(&b.count),
            SortColumn::Share => a.share.partial_cmp(&b.share).unwrap_or(Ordering::Equal),
            SortColumn::Change => change(a).cmp(&change(b)),
            SortColumn::Department => a.department.cmp(&b.department),
        };
        let by = if descending { by.reverse() } else { by };
        by.then_with(|| (&a.nature, &a.sub_problem).cmp(&(&b.nature, &b.sub_problem)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_is_a_percentage_of_the_total() {
        let cases = [
            (0, 0, 0.0),
            (5, 0, 0.0),
            (1, 4, 25.0),
            (3, 3, 100.0),
            (1, 3, 100.0 / 3.0),
        ];
        for (count, total, want) in cases {
            assert!((share(count, total) - want).abs() < 1e-9, "{count}/{total}");
        }
    }

    #[test]
    fn phone_numbers_in_free_text_are_masked() {
        let cases = [
            ("请打13812345678联系我", "请打138****5678联系我"),
            ("电话 138 1234 5678。", "电话 138****5678。"),
            ("call 138-1234-5678 now", "call 138****5678 now"),
            ("+8613812345678", "+86*******5678"),
            ("固话02188886666", "固话021****6666"),
            ("等了3天,花了299元", "等了3天,花了299元"),
            ("订单 123456 没到", "订单 123456 没到"),
            ("1234567", "*******"),
            ("12月3日 5 6 7", "12月3日 5 6 7"),
            ("2026-12-02 送到", "2026-12-02 送到"),
            (
                "两个号码 13812345678 和 13987654321",
                "两个号码 138****5678 和 139****4321",
            ),
            ("", ""),
        ];
        for (text, want) in cases {
            assert_eq!(mask_text(text), want, "{text}");
        }
    }

    fn action(state: ActionState, since: &str, version: u64) -> SuggestedAction {
        SuggestedAction {
            kind: ActionKind::Script,
            text: "统一话术".into(),
            state,
            since: since.into(),
            version,
        }
    }

    #[test]
    fn open_actions_are_carried_forward_and_done_ones_are_not() {
        let open = action(ActionState::Open, "2026-11", 3);
        let done = action(ActionState::Done, "2026-11", 4);
        let own = action(ActionState::Done, "2026-12", 1);
        let carried = SuggestedAction {
            version: 0,
            ..open.clone()
        };
        let cases: Vec<(Vec<Option<SuggestedAction>>, Option<SuggestedAction>)> = vec![
            (vec![], None),
            (vec![None, None], None),
            (
                vec![Some(own.clone()), Some(open.clone())],
                Some(own.clone()),
            ),
            (vec![None, Some(open.clone())], Some(carried.clone())),
            (vec![None, None, Some(open.clone())], Some(carried)),
            (vec![None, Some(done.clone())], None),
            (vec![None, Some(done), Some(open)], None),
        ];
        for (chain, want) in cases {
            assert_eq!(carried_action(&chain), want, "{chain:?}");
        }
    }

    fn row(nature: &str, sub: &str, count: u64, previous: u64, dept: Option<&str>) -> StatsRow {
        StatsRow {
            nature: nature.into(),
            sub_problem: sub.into(),
            count,
            share: share(count, 10),
            previous_count: previous,
            previous_share: share(previous, 10),
            quote: None,
            department: dept.map(Into::into),
            action: None,
        }
    }

    #[test]
    fn rows_sort_by_any_column_with_a_stable_tie_break() {
        let rows = vec![
            row("service", "attitude", 2, 5, Some("operations")),
            row("product", "function", 5, 1, Some("quality")),
            row("product", "design", 2, 0, None),
        ];
        let order = |column, descending| {
            let mut r = rows.clone();
            sort_rows(&mut r, column, descending);
            r.into_iter().map(|r| r.sub_problem).collect::<Vec<_>>()
        };
        let cases = [
            (SortColumn::Count, true, ["function", "design", "attitude"]),
            (SortColumn::Count, false, ["design", "attitude", "function"]),
            (SortColumn::Share, true, ["function", "design", "attitude"]),
            (SortColumn::Change, true, ["function", "design", "attitude"]),
            (
                SortColumn::Change,
                false,
                ["attitude", "design", "function"],
            ),
            (
                SortColumn::SubProblem,
                false,
                ["attitude", "design", "function"],
            ),
            (
                SortColumn::Nature,
                false,
                ["design", "function", "attitude"],
            ),
            (
                SortColumn::Department,
                false,
                ["design", "attitude", "function"],
            ),
        ];
        for (column, descending, want) in cases {
            assert_eq!(order(column, descending), want, "{column:?} {descending}");
        }
    }
}
