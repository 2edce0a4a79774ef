//! The satisfaction, visits and revisits sections: figures against the previous period, and
//! their charts.

use huifang_domain::dashboard::{RevisitsDashboard, SatisfactionDashboard, VisitsDashboard};
use leptos::prelude::*;

use super::logic::{change, week_label};
use super::parts::Figure;
use crate::charts::{BarChart, Donut, LineChart, Series, Unit};
use crate::i18n::{self, Key};
use crate::state::use_app;

pub fn pct(v: Option<f64>) -> String {
    Unit::Percent.show(v)
}

pub fn num(v: Option<f64>) -> String {
    Unit::Count.show(v)
}

pub fn count(v: u64) -> String {
    v.to_string()
}

pub fn satisfaction(d: SatisfactionDashboard) -> impl IntoView {
    let app = use_app();
    let (c, p) = (d.current, d.previous);
    let weeks = d
        .weeks
        .iter()
        .map(|w| week_label(w.week))
        .collect::<Vec<_>>();
    let weekly = |f: fn(&huifang_domain::dashboard::SatisfactionFigures) -> Option<f64>| {
        d.weeks.iter().map(|w| f(&w.figures)).collect::<Vec<_>>()
    };
    let csat = Series::new(app.t(Key::DashCsat), weekly(|f| f.csat), Unit::Percent);
    let extra = vec![
        Series::new(app.t(Key::DashAverage), weekly(|f| f.average), Unit::Count),
        Series::new(app.t(Key::DashNps), weekly(|f| f.nps), Unit::Count),
        Series::new(
            app.t(Key::DashSample),
            weekly(|f| Some(f.sample as f64)),
            Unit::Count,
        ),
    ];
    let scores = (1..=5).map(|s| s.to_string()).collect::<Vec<_>>();
    let distribution = Series::new(
        app.t(Key::ChartCount),
        c.distribution.iter().map(|n| Some(*n as f64)).collect(),
        Unit::Count,
    );
    view! {
        <div class="dash-figures">
            <Figure testid="fig-average" label=Key::DashAverage value=num(c.average) sample=c.sample
                previous=num(p.average) change=change(c.average, p.average, Unit::Count) />
            <Figure testid="fig-csat" label=Key::DashCsat value=pct(c.csat) sample=c.sample
                previous=pct(p.csat) change=change(c.csat, p.csat, Unit::Percent) />
            <Figure testid="fig-nps" label=Key::DashNps value=num(c.nps) sample=c.nps_sample
                previous=num(p.nps) change=change(c.nps, p.nps, Unit::Count) />
        </div>
        <div class="dash-charts">
            <LineChart title=app.t(Key::DashCsatByWeek).into() head=app.t(Key::DashWeek).into()
                x_labels=weeks series=vec![csat] top=100.0 table_only=extra />
            <BarChart title=app.t(Key::DashDistribution).into() head=app.t(Key::DashScore).into()
                categories=scores series=vec![distribution] />
        </div>
    }
}

pub fn visits(d: VisitsDashboard) -> impl IntoView {
    let app = use_app();
    let (c, p) = (d.current, d.previous);
    let weeks = d
        .weeks
        .iter()
        .map(|w| week_label(w.week))
        .collect::<Vec<_>>();
    let weekly = |f: fn(&huifang_domain::dashboard::VisitFigures) -> Option<f64>| {
        d.weeks.iter().map(|w| f(&w.figures)).collect::<Vec<_>>()
    };
    let work = vec![
        Series::new(
            app.t(Key::DashPlanned),
            weekly(|f| Some(f.planned as f64)),
            Unit::Count,
        ),
        Series::new(
            app.t(Key::DashDone),
            weekly(|f| Some(f.done as f64)),
            Unit::Count,
        ),
    ];
    let rates = vec![
        Series::new(
            app.t(Key::DashReached),
            weekly(|f| f.reached_rate),
            Unit::Percent,
        ),
        Series::new(
            app.t(Key::DashOnTime),
            weekly(|f| f.on_time_rate),
            Unit::Percent,
        ),
        Series::new(
            app.t(Key::DashInTime),
            weekly(|f| f.recorded_in_time_rate),
            Unit::Percent,
        ),
    ];
    let within = i18n::dash_record_within(app.lang.get_untracked(), d.record_within_minutes);
    view! {
        <div class="dash-figures">
            <Figure testid="fig-planned" label=Key::DashPlanned value=count(c.planned)
                previous=count(p.planned) change=change(Some(c.planned as f64), Some(p.planned as f64), Unit::Count) />
            <Figure testid="fig-done" label=Key::DashDoneRate value=pct(c.done_rate) sample=c.planned
                previous=pct(p.done_rate) change=change(c.done_rate, p.done_rate, Unit::Percent) />
            <Figure testid="fig-reached" label=Key::DashReached value=pct(c.reached_rate) sample=c.visits
                previous=pct(p.reached_rate) change=change(c.reached_rate, p.reached_rate, Unit::Percent) />
            <Figure testid="fig-on-time" label=Key::DashOnTime value=pct(c.on_time_rate) sample=c.done
                previous=pct(p.on_time_rate) change=change(c.on_time_rate, p.on_time_rate, Unit::Percent) />
            <Figure testid="fig-in-time" label=Key::DashInTime value=pct(c.recorded_in_time_rate) sample=c.visits
                previous=pct(p.recorded_in_time_rate)
                change=change(c.recorded_in_time_rate, p.recorded_in_time_rate, Unit::Percent) />
            <Figure testid="fig-attempts" label=Key::DashAttempts value=num(c.attempts_per_reached) sample=c.reached
                previous=num(p.attempts_per_reached)
                change=change(c.attempts_per_reached, p.attempts_per_reached, Unit::Count) />
        </div>
        <p class="muted dash-note">{within}</p>
        <div class="dash-charts">
            <BarChart title=app.t(Key::DashWorkByWeek).into() head=app.t(Key::DashWeek).into()
                categories=weeks.clone() series=work />
            <LineChart title=app.t(Key::DashRatesByWeek).into() head=app.t(Key::DashWeek).into()
                x_labels=weeks series=rates top=100.0 />
        </div>
    }
}

pub fn revisits(d: RevisitsDashboard) -> impl IntoView {
    let app = use_app();
    let lang = app.lang.get_untracked();
    let kinds = d
        .coverage
        .iter()
        .map(|r| i18n::visit_type_label(lang, r.visit_type).to_owned())
        .collect::<Vec<_>>();
    let coverage = vec![Series::new(
        app.t(Key::DashCoverage),
        d.coverage
            .iter()
            .map(|r| Some(f64::from(r.percent)))
            .collect(),
        Unit::Percent,
    )];
    let targets = d
        .coverage
        .iter()
        .map(|r| Some(f64::from(r.target_percent)))
        .collect::<Vec<_>>();
    let outcome_labels = vec![
        app.t(Key::DashClosedFirst).to_owned(),
        app.t(Key::DashReopened).to_owned(),
    ];
    let outcomes = vec![d.closed_on_first_revisit as f64, d.reopened as f64];
    view! {
        <div class="dash-figures">
            <Figure testid="fig-revisits" label=Key::DashRevisits value=count(d.revisits) />
            <Figure testid="fig-first-close" label=Key::DashFirstCloseRate value=pct(d.first_revisit_close_rate)
                sample=d.first_revisits />
            <Figure testid="fig-reopen" label=Key::DashReopenRate value=pct(d.reopen_rate) sample=d.revisits />
        </div>
        <div class="dash-charts">
            <BarChart title=app.t(Key::DashCoverageVsTarget).into() head=app.t(Key::FieldVisitType).into()
                categories=kinds series=coverage targets top=100.0 horizontal=true />
            <Donut title=app.t(Key::DashRevisitOutcome).into() labels=outcome_labels values=outcomes />
        </div>
    }
}
