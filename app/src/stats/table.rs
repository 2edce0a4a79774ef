//! The 反馈分类统计表 itself in the handbook's columns, sortable, every count a link to its
//! tickets, the suggested action editable in place by supervisors and admins.

use huifang_domain::WireName;
use huifang_domain::period::Period;
use huifang_domain::stats::{
    ActionKind, ActionState, FeedbackStats, SortColumn, StatsRow, SuggestedAction, sort_rows,
};
use huifang_domain::ticket::Nature;
use leptos::prelude::*;

use super::action_editor::ActionEditor;
use crate::i18n::{self, Key, Lang};
use crate::shell::use_door;
use crate::state::use_app;
use crate::widgets::period_query_string;

/// `sub_problem=…&period=…` of the drill-down into the tickets behind a count.
pub fn drill_query(sub_problem: &str, period: Period) -> String {
    let sub: String =
        percent_encoding::utf8_percent_encode(sub_problem, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    format!(
        "sub_problem={sub}&{}",
        period_query_string(&period.to_query())
    )
}

/// A click on the header of the column already sorted turns it round; another column starts
/// with the larger (or later in the alphabet for text) first only for figures.
pub fn next_sort(current: (SortColumn, bool), clicked: SortColumn) -> (SortColumn, bool) {
    if current.0 == clicked {
        (clicked, !current.1)
    } else {
        let figure = matches!(
            clicked,
            SortColumn::Count | SortColumn::Share | SortColumn::Change
        );
        (clicked, figure)
    }
}

fn nature_text(lang: Lang, nature: &str) -> String {
    Nature::from_wire_name(nature).map_or_else(
        || nature.to_owned(),
        |n| i18n::nature_label(lang, n).to_owned(),
    )
}

#[component]
pub fn StatsTable(stats: FeedbackStats, can_edit: bool) -> impl IntoView {
    let app = use_app();
    let sort = RwSignal::new((SortColumn::Count, true));
    let this = stats.period;
    let rows = {
        let all = stats.rows.clone();
        Memo::new(move |_| {
            let mut r = all.clone();
            let (column, descending) = sort.get();
            sort_rows(&mut r, column, descending);
            r
        })
    };
    let (total, previous_total) = (stats.total, stats.previous_total);
    let header = move |column: Option<SortColumn>, key: Key| match column {
        None => view! { <th scope="col">{move || app.t(key)}</th> }.into_any(),
        Some(c) => {
            let aria = move || match sort.get() {
                (s, true) if s == c => "descending",
                (s, false) if s == c => "ascending",
                _ => "none",
            };
            view! {
                <th scope="col" aria-sort=aria>
                    <button
                        type="button"
                        class="sort-btn"
                        data-testid=format!("stats-sort-{}", sort_name(c))
                        title=move || app.t(Key::StatsSortBy)
                        on:click=move |_| sort.update(|s| *s = next_sort(*s, c))
                    >
                        {move || app.t(key)}
                        <span aria-hidden="true" class="sort-mark">
                            {move || match aria() {
                                "descending" => "▼",
                                "ascending" => "▲",
                                _ => "",
                            }}
                        </span>
                    </button>
                </th>
            }
            .into_any()
        }
    };
    if stats.rows.is_empty() {
        return view! { <p class="empty" data-testid="stats-empty">{move || app.t(Key::StatsEmpty)}</p> }
            .into_any();
    }
    view! {
        <div class="stats-table-wrap">
            <table class="stats-table" data-testid="stats-table">
                <thead>
                    <tr>
                        {header(None, Key::StatsColPeriod)}
                        {header(Some(SortColumn::Nature), Key::StatsColNature)}
                        {header(Some(SortColumn::SubProblem), Key::StatsColSubProblem)}
                        {header(Some(SortColumn::Count), Key::StatsColCount)}
                        {header(Some(SortColumn::Share), Key::StatsColShare)}
                        {header(None, Key::StatsColQuote)}
                        {header(None, Key::StatsColAction)}
                        {header(Some(SortColumn::Department), Key::StatsColDepartment)}
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || rows.get()
                        key=|r| (r.sub_problem.clone(), r.count, r.action.clone().map(|a| a.version))
                        children=move |row| view! { <StatsRowView row period=this can_edit /> }
                    />
                </tbody>
                <tfoot>
                    <tr data-testid="stats-total">
                        <th scope="row" colspan="3">{move || app.t(Key::StatsTotal)}</th>
                        <td class="num">
                            <span data-testid="stats-total-count">{total}</span>
                            <Change now=total as f64 before=previous_total as f64 unit="" />
                        </td>
                        <td class="num">{move || if total > 0 { "100.0%" } else { "0.0%" }}</td>
                        <td colspan="3"></td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
    .into_any()
}

fn sort_name(c: SortColumn) -> &'static str {
    match c {
        SortColumn::Nature => "nature",
        SortColumn::SubProblem => "sub_problem",
        SortColumn::Count => "count",
        SortColumn::Share => "share",
        SortColumn::Change => "change",
        SortColumn::Department => "department",
    }
}

/// The change against the previous period: an arrow and the difference, spoken in words.
#[component]
fn Change(now: f64, before: f64, unit: &'static str) -> impl IntoView {
    let app = use_app();
    let text = move || i18n::change_text(app.lang.get(), now, before, unit);
    let class = if now > before {
        "change up"
    } else if now < before {
        "change down"
    } else {
        "change"
    };
    view! {
        <span class=class data-testid="stats-change">
            <span aria-hidden="true">{move || text().0}</span>
            <span class="sr-only">{move || text().1}</span>
        </span>
    }
}

#[component]
fn StatsRowView(row: StatsRow, period: Period, can_edit: bool) -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let href = door.path(&format!(
        "/tickets?{}",
        drill_query(&row.sub_problem, period)
    ));
    let sub = row.sub_problem.clone();
    let nature = row.nature.clone();
    let department = row.department.clone();
    let action = row.action.clone();
    let sub_for_label = sub.clone();
    view! {
        <tr data-testid="stats-row" data-sub-problem=sub.clone()>
            <td data-label=move || app.t(Key::StatsColPeriod)>
                {move || i18n::period_label(app.lang.get(), period)}
            </td>
            <td data-label=move || app.t(Key::StatsColNature)>
                {move || nature_text(app.lang.get(), &nature)}
            </td>
            <th scope="row" data-label=move || app.t(Key::StatsColSubProblem)>
                {move || i18n::sub_problem_label(app.lang.get(), &sub_for_label)}
            </th>
            <td class="num" data-label=move || app.t(Key::StatsColCount)>
                <a href=href data-testid="stats-count" title=move || app.t(Key::StatsDrillHint)>
                    {row.count}
                </a>
                <Change now=row.count as f64 before=row.previous_count as f64 unit="" />
            </td>
            <td class="num" data-label=move || app.t(Key::StatsColShare)>
                <span data-testid="stats-share">{format!("{:.1}%", row.share)}</span>
                <Change now=row.share before=row.previous_share unit="%" />
            </td>
            <td class="quote" data-label=move || app.t(Key::StatsColQuote)>
                {row.quote.map(|q| view! { <span data-testid="stats-quote">{q}</span> })}
            </td>
            <td class="action" data-label=move || app.t(Key::StatsColAction)>
                {if can_edit {
                    view! { <ActionEditor sub_problem=sub.clone() period action /> }.into_any()
                } else {
                    view! { <ActionText action /> }.into_any()
                }}
            </td>
            <td data-label=move || app.t(Key::StatsColDepartment)>
                {move || department.as_deref().map(|d| i18n::department_label(app.lang.get(), d))}
            </td>
        </tr>
    }
}

/// A suggested action as read-only text: `话术优化 · 统一致歉话术 (进行中, 始于 2026-11)`.
#[component]
pub fn ActionText(action: Option<SuggestedAction>) -> impl IntoView {
    let app = use_app();
    move || match action.clone() {
        None => {
            view! { <span class="muted">{move || app.t(Key::StatsActionNone)}</span> }.into_any()
        }
        Some(a) => {
            let lang = app.lang.get();
            let state = match a.state {
                ActionState::Open => app.t(Key::StatsActionOpen),
                ActionState::Done => app.t(Key::StatsActionDone),
            };
            view! {
                <span data-testid="stats-action-text">
                    {format!(
                        "{} · {} ({state}, {} {})",
                        i18n::action_kind_label(lang, a.kind),
                        a.text,
                        app.t(Key::StatsActionSince),
                        a.since
                    )}
                </span>
            }
            .into_any()
        }
    }
}

/// Every action kind as `(wire name, label)`.
pub fn kind_options(lang: Lang) -> Vec<(String, String)> {
    ActionKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_owned(),
                i18n::action_kind_label(lang, *k).to_owned(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use huifang_domain::period::PeriodKind;

    #[test]
    fn a_count_links_to_its_sub_problem_and_period() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let month = Period::containing(PeriodKind::Month, day);
        assert_eq!(
            drill_query("slow_response", month),
            "sub_problem=slow%5Fresponse&period=month&date=2026%2D11%2D01"
        );
        let custom = Period::custom(day, day).unwrap();
        assert_eq!(
            drill_query("attitude", custom),
            "sub_problem=attitude&period=custom&from=2026%2D11%2D23&to=2026%2D11%2D23"
        );
    }

    #[test]
    fn clicking_a_header_sorts_by_it_and_again_turns_it_round() {
        use SortColumn::*;
        let cases = [
            ((Count, true), Count, (Count, false)),
            ((Count, false), Count, (Count, true)),
            ((Count, true), SubProblem, (SubProblem, false)),
            ((SubProblem, false), Share, (Share, true)),
            ((Share, true), Department, (Department, false)),
        ];
        for (current, clicked, want) in cases {
            assert_eq!(next_sort(current, clicked), want, "{current:?} {clicked:?}");
        }
    }
}
