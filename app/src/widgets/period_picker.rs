//! 统计周期 picker: the period every reading screen (statistics, dashboards, exports) shows,
//! as the query the server reads (`period=month&date=…`). Stepping and labels come from
//! `huifang_domain::period`, so the screen and the server agree on where a period starts.

use chrono::NaiveDate;
use huifang_domain::period::{Period, PeriodKind, PeriodQuery, local_day};
use leptos::prelude::*;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::i18n::{self, Key};
use crate::state::{settings, use_app};

/// `period=…&date=…` or `period=custom&from=…&to=…` for an API URL; empty parts are left out
/// so the server's defaults (this month, today) apply.
pub fn period_query_string(q: &PeriodQuery) -> String {
    [
        ("period", &q.period),
        ("date", &q.date),
        ("from", &q.from),
        ("to", &q.to),
    ]
    .into_iter()
    .filter_map(|(name, value)| {
        let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        Some(format!(
            "{name}={}",
            utf8_percent_encode(value, NON_ALPHANUMERIC)
        ))
    })
    .collect::<Vec<_>>()
    .join("&")
}

/// The period the query names, `None` while a custom range is half typed or backwards.
pub fn resolve(q: &PeriodQuery, today: NaiveDate) -> Option<Period> {
    Period::from_query(q, today).ok()
}

/// The query for the period before (`forward == false`) or after the one `q` names.
pub fn step(q: &PeriodQuery, today: NaiveDate, forward: bool) -> Option<PeriodQuery> {
    let p = resolve(q, today)?;
    Some(if forward { p.next() } else { p.previous() }.to_query())
}

/// The query after the user picks another kind: a calendar kind keeps the day in view, a
/// custom range starts as the period that was showing.
pub fn with_kind(q: &PeriodQuery, kind: PeriodKind, today: NaiveDate) -> PeriodQuery {
    let shown = resolve(q, today).unwrap_or_else(|| Period::containing(PeriodKind::Month, today));
    match kind {
        PeriodKind::Custom => PeriodQuery {
            period: Some("custom".into()),
            date: None,
            from: Some(shown.first.to_string()),
            to: Some(shown.last.to_string()),
        },
        kind => PeriodQuery {
            period: Some(kind.as_str().into()),
            date: Some(anchor(q, shown).to_string()),
            from: None,
            to: None,
        },
    }
}

/// The day a calendar period is picked around: the query's own date, else the range's start.
fn anchor(q: &PeriodQuery, shown: Period) -> NaiveDate {
    q.date
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or(shown.first)
}

fn set_field(q: &mut PeriodQuery, field: &str, value: String) {
    let value = (!value.is_empty()).then_some(value);
    match field {
        "date" => q.date = value,
        "from" => q.from = value,
        _ => q.to = value,
    }
}

/// The period picker: kind, a day inside (or a custom range), previous / next, and the
/// period's name as people say it.
#[component]
pub fn PeriodPicker(value: RwSignal<PeriodQuery>) -> impl IntoView {
    let app = use_app();
    let today =
        Memo::new(move |_| local_day(crate::browser::now(), settings(app).utc_offset_minutes));
    let kind = Memo::new(move |_| {
        value.with(|q| {
            q.period
                .as_deref()
                .and_then(PeriodKind::parse)
                .unwrap_or(PeriodKind::Month)
        })
    });
    let shown = Memo::new(move |_| value.with(|q| resolve(q, today.get())));
    let kinds = Signal::derive(move || {
        let lang = app.lang.get();
        PeriodKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str().to_owned(),
                    i18n::period_kind_label(lang, *k).to_owned(),
                )
            })
            .collect::<Vec<_>>()
    });
    let pick_kind = move |s: String| {
        if let Some(k) = PeriodKind::parse(&s) {
            value.update(|q| *q = with_kind(q, k, today.get_untracked()));
        }
    };
    let go = move |forward: bool| {
        if let Some(q) = value.with_untracked(|q| step(q, today.get_untracked(), forward)) {
            value.set(q);
        }
    };
    let date_input = move |field: &'static str, testid: &'static str, label: Key| {
        let current = move || {
            value.with(|q| match field {
                "date" => q.date.clone().unwrap_or_else(|| today.get().to_string()),
                "from" => q.from.clone().unwrap_or_default(),
                _ => q.to.clone().unwrap_or_default(),
            })
        };
        view! {
            <label class="field period-field">
                <span class="label">{move || app.t(label)}</span>
                <input
                    type="date"
                    data-testid=testid
                    prop:value=current
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        value.update(|q| set_field(q, field, v));
                    }
                />
            </label>
        }
    };
    view! {
        <div class="period-picker" role="group" aria-label=move || app.t(Key::PeriodKindLabel)>
            <label class="field period-field">
                <span class="label">{move || app.t(Key::PeriodKindLabel)}</span>
                <select
                    data-testid="period-kind"
                    prop:value=move || kind.get().as_str()
                    on:change=move |ev| pick_kind(event_target_value(&ev))
                >
                    <crate::widgets::Options
                        options=kinds
                        value=Signal::derive(move || kind.get().as_str().to_owned())
                    />
                </select>
            </label>
            <Show
                when=move || kind.get() == PeriodKind::Custom
                fallback=move || date_input("date", "period-date", Key::PeriodDateLabel)
            >
                {date_input("from", "period-from", Key::PeriodFromLabel)}
                {date_input("to", "period-to", Key::PeriodToLabel)}
            </Show>
            <div class="period-steps">
                <button
                    type="button"
                    class="secondary"
                    data-testid="period-prev"
                    aria-label=move || app.t(Key::PeriodPrev)
                    on:click=move |_| go(false)
                >
                    "‹"
                </button>
                <span class="period-label" data-testid="period-label" aria-live="polite">
                    {move || shown.get().map(|p| i18n::period_label(app.lang.get(), p))}
                </span>
                <button
                    type="button"
                    class="secondary"
                    data-testid="period-next"
                    aria-label=move || app.t(Key::PeriodNext)
                    on:click=move |_| go(true)
                >
                    "›"
                </button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn q(period: &str, date: &str, from: &str, to: &str) -> PeriodQuery {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        PeriodQuery {
            period: opt(period),
            date: opt(date),
            from: opt(from),
            to: opt(to),
        }
    }

    #[test]
    fn the_query_string_leaves_empty_parts_out_and_encodes_values() {
        let cases = [
            (q("", "", "", ""), ""),
            (q("month", "", "", ""), "period=month"),
            (
                q("week", "2026-12-02", "", ""),
                "period=week&date=2026%2D12%2D02",
            ),
            (
                q("custom", "", "2026-12-01", "2026-12-15"),
                "period=custom&from=2026%2D12%2D01&to=2026%2D12%2D15",
            ),
            (q("day", " ", "", ""), "period=day"),
            (q("a&b=c", "", "", ""), "period=a%26b%3Dc"),
        ];
        for (query, want) in cases {
            assert_eq!(period_query_string(&query), want, "{query:?}");
        }
    }

    #[test]
    fn stepping_walks_calendar_units_and_custom_ranges() {
        let today = d("2026-12-02");
        let cases = [
            (q("", "", "", ""), false, q("month", "2026-11-01", "", "")),
            (
                q("month", "2026-12-20", "", ""),
                true,
                q("month", "2027-01-01", "", ""),
            ),
            (
                q("week", "2026-12-02", "", ""),
                false,
                q("week", "2026-11-23", "", ""),
            ),
            (
                q("quarter", "", "", ""),
                true,
                q("quarter", "2027-01-01", "", ""),
            ),
            (
                q("custom", "", "2026-12-01", "2026-12-10"),
                false,
                q("custom", "", "2026-11-21", "2026-11-30"),
            ),
        ];
        for (query, forward, want) in cases {
            assert_eq!(
                step(&query, today, forward),
                Some(want),
                "{query:?} {forward}"
            );
        }
        assert_eq!(
            step(&q("custom", "", "2026-12-10", "2026-12-01"), today, true),
            None
        );
    }

    #[test]
    fn changing_the_kind_keeps_the_day_or_the_range_in_view() {
        let today = d("2026-12-02");
        assert_eq!(
            with_kind(&q("month", "2026-10-15", "", ""), PeriodKind::Week, today),
            q("week", "2026-10-15", "", "")
        );
        assert_eq!(
            with_kind(&q("", "", "", ""), PeriodKind::Custom, today),
            q("custom", "", "2026-12-01", "2026-12-31")
        );
        assert_eq!(
            with_kind(
                &q("custom", "", "2026-03-05", "2026-03-09"),
                PeriodKind::Year,
                today
            ),
            q("year", "2026-03-05", "", "")
        );
    }
}
