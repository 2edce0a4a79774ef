//! The supervisor's workbench: revisit coverage, the review queue and the escalated queue.

use huifang_domain::MutationKind;
use huifang_domain::ticket::{ReviewDecision, ReviewQueue, ReviewRequest, ReviewTarget};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api;
use crate::browser;
use crate::i18n::{self, Key};
use crate::shell::use_door;
use crate::state::use_app;
use crate::store::LocalStore;
use crate::tickets::list::TicketRow;
use crate::tickets::logic::{self, wire};
use crate::tickets::shared::{cached_users, queue, rules, shown};

/// 主管工作台: revisit coverage against the targets, the review queue, the escalated queue.
#[component]
pub fn Supervise() -> impl IntoView {
    let app = use_app();
    let door = use_door();
    let coverage = RwSignal::new(None::<Vec<huifang_domain::ticket::CoverageRow>>);
    let reviews = RwSignal::new(None::<ReviewQueue>);
    let failed = RwSignal::new(false);
    let load = move || {
        let Some(token) = app
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            match api::coverage(&token).await {
                Ok(c) => coverage.set(Some(c)),
                Err(_) => failed.set(true),
            }
            match api::reviews(&token).await {
                Ok(r) => reviews.set(Some(r)),
                Err(_) => failed.set(true),
            }
        });
    };
    load();
    let list = shown(app);
    let escalated = move || {
        let now = app.now.get();
        let r = rules(app);
        list.get()
            .into_iter()
            .filter_map(|t| {
                let v = r.clocks(&t.ticket, now);
                logic::is_escalated(&t.ticket, &v).then_some((t, v))
            })
            .collect::<Vec<_>>()
    };
    // Decisions made here leave the queue at once (queued, or already sent).
    let done = RwSignal::new(Vec::<Uuid>::new());
    let decided = Memo::new(move |_| {
        app.data_rev.track();
        let done = done.get();
        let Some(me) = app.user_id() else {
            return done;
        };
        LocalStore::browser()
            .outbox(me)
            .into_iter()
            .filter(|e| e.mutation.kind == MutationKind::ReviewDecide.as_str())
            .filter_map(|e| crate::json::from_value::<ReviewRequest>(&e.mutation.data).ok())
            .map(|r| match r.target {
                ReviewTarget::Visit(id) | ReviewTarget::Ticket(id) => id,
            })
            .chain(done)
            .collect::<Vec<Uuid>>()
    });
    let review_tickets = move || {
        let decided = decided.get();
        match reviews.get() {
            Some(q) => q
                .tickets
                .into_iter()
                .filter(|t| !decided.contains(&t.id))
                .collect::<Vec<_>>(),
            None => list
                .get()
                .into_iter()
                .map(|s| s.ticket)
                .filter(|t| logic::awaits_review(t) && !decided.contains(&t.id))
                .collect(),
        }
    };
    let review_visits = move || {
        let decided = decided.get();
        reviews
            .get()
            .map(|q| {
                q.visits
                    .into_iter()
                    .filter(|v| !decided.contains(&v.id))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    view! {
        <section class="page page-supervise">
            <h1 class="page-title">{move || app.t(Key::SuperviseTitle)}</h1>
            <Show when=move || failed.get()>
                <p class="banner banner-info" data-testid="supervise-offline">{move || app.t(Key::SuperviseOffline)}</p>
            </Show>
            <section class="card" data-testid="coverage">
                <h2 class="section-title">{move || app.t(Key::CoverageTitle)}</h2>
                {move || match coverage.get() {
                    None => view! { <p class="muted">{move || app.t(Key::Loading)}</p> }.into_any(),
                    Some(rows) if rows.is_empty() => view! { <p class="muted">{move || app.t(Key::CoverageEmpty)}</p> }.into_any(),
                    Some(rows) => view! {
                        <table class="coverage-table">
                            <thead>
                                <tr>
                                    <th scope="col">{move || app.t(Key::FieldVisitType)}</th>
                                    <th scope="col">{move || app.t(Key::CoverageResolved)}</th>
                                    <th scope="col">{move || app.t(Key::CoverageRevisited)}</th>
                                    <th scope="col">"%"</th>
                                    <th scope="col">{move || app.t(Key::CoverageTarget)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|r| {
                                    use huifang_domain::ticket::CoverageStanding;
                                    let vt = r.visit_type;
                                    let (standing, class, verdict, rate) = match r.standing() {
                                        CoverageStanding::NoCases => ("no_cases", "badge", Key::CoverageNoCases, None),
                                        CoverageStanding::Met => ("met", "badge badge-synced", Key::CoverageMet, Some(r.percent)),
                                        CoverageStanding::Below => ("below", "badge badge-rejected", Key::CoverageBelow, Some(r.percent)),
                                    };
                                    let rate = rate.map(|p| format!("{p}% "));
                                    view! {
                                        <tr
                                            data-testid="coverage-row"
                                            data-type=wire(vt)
                                            data-standing=standing
                                            data-meets=r.meets_target.to_string()
                                        >
                                            <th scope="row">{move || i18n::visit_type_label(app.lang.get(), vt)}</th>
                                            <td>{r.resolved}</td>
                                            <td>{r.revisited}</td>
                                            <td>
                                                <span class=class data-testid="coverage-rate">
                                                    {rate} {move || app.t(verdict)}
                                                </span>
                                            </td>
                                            <td>{r.target_percent} "%"</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }}
            </section>
            <section class="card" data-testid="review-queue">
                <h2 class="section-title">{move || app.t(Key::ReviewTitle)}</h2>
                <Show when=move || review_tickets().is_empty() && review_visits().is_empty()>
                    <p class="muted">{move || app.t(Key::ReviewEmpty)}</p>
                </Show>
                <ul class="list">
                    {move || review_tickets().into_iter().map(|t| {
                        let text = t.resolution.clone().unwrap_or_default();
                        let who = if t.intake.reporter.is_empty() { None } else { Some(t.intake.reporter.clone()) };
                        let href = door.path(&format!("/tickets/{}", t.id));
                        view! {
                            <ReviewRow target=ReviewTarget::Ticket(t.id) done>
                                <a class="row-title review-open" href=href data-testid="review-open">
                                    {move || app.t(Key::ReviewTickets)} " · "
                                    {move || who.clone().unwrap_or_else(|| app.t(Key::Anonymous).to_owned())}
                                </a>
                                <span class="row-text">{text.clone()}</span>
                            </ReviewRow>
                        }
                    }).collect_view()}
                    {move || review_visits().into_iter().map(|v| {
                        let vt = v.record.visit_type;
                        let verbatim = v.record.verbatim.clone();
                        view! {
                            <ReviewRow target=ReviewTarget::Visit(v.id) done>
                                <span class="row-title">
                                    {move || app.t(Key::ReviewVisits)} " · " {v.customer_name.clone()} " · "
                                    {move || i18n::visit_type_label(app.lang.get(), vt)}
                                </span>
                                {(!verbatim.is_empty()).then(|| view! { <span class="row-text quote">{verbatim.clone()}</span> })}
                            </ReviewRow>
                        }
                    }).collect_view()}
                </ul>
            </section>
            <section class="card" data-testid="escalated-queue">
                <h2 class="section-title">{move || app.t(Key::EscalatedQueue)}</h2>
                <Show when=move || escalated().is_empty()>
                    <p class="muted">{move || app.t(Key::TicketsEmpty)}</p>
                </Show>
                <ul class="list">
                    {move || escalated().into_iter().map(|(t, views)| view! { <TicketRow shown=t views users=cached_users() /> }).collect_view()}
                </ul>
            </section>
        </section>
    }
}

#[component]
fn ReviewRow(target: ReviewTarget, done: RwSignal<Vec<Uuid>>, children: Children) -> impl IntoView {
    let app = use_app();
    let comment = RwSignal::new(String::new());
    let problem = RwSignal::new(false);
    let (kind, id) = match target {
        ReviewTarget::Visit(id) => ("visit", id),
        ReviewTarget::Ticket(id) => ("ticket", id),
    };
    let decide = move |decision: ReviewDecision| {
        let req = ReviewRequest {
            target,
            decision,
            comment: comment.get_untracked().trim().to_owned(),
        };
        if req.validate().is_err() {
            problem.set(true);
            return;
        }
        if let Ok(data) = serde_json::to_value(&req)
            && queue(app, browser::new_uuid(), MutationKind::ReviewDecide, data)
        {
            done.update(|d| d.push(id));
            app.show_toast(app.t(Key::ReviewQueued).to_owned());
        }
    };
    view! {
        <li class="row review-row" data-testid="review-row" data-kind=kind data-id=id.to_string()>
            <span class="row-main">
                {children()}
                <label class="field">
                    <span class="label">{move || app.t(Key::ReviewComment)}</span>
                    <input
                        data-testid="review-comment"
                        prop:value=move || comment.get()
                        on:input=move |ev| { comment.set(event_target_value(&ev)); problem.set(false); }
                    />
                </label>
                <Show when=move || problem.get()>
                    <span class="field-error" role="alert">{move || app.t(Key::ReviewCommentRequired)}</span>
                </Show>
            </span>
            <span class="row-actions">
                <button class="btn btn-primary" data-testid="review-sign-off" on:click=move |_| decide(ReviewDecision::SignOff)>
                    {move || app.t(Key::ReviewSignOff)}
                </button>
                <button class="btn" data-testid="review-return" on:click=move |_| decide(ReviewDecision::Return)>
                    {move || app.t(Key::ReviewReturn)}
                </button>
            </span>
        </li>
    }
}
