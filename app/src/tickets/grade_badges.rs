//! A ticket's grade (影响 and priority) as two badges.

use huifang_domain::ticket::{Impact, TicketPriority};
use leptos::prelude::*;

use crate::i18n;
use crate::state::use_app;
use crate::tickets::logic::wire;

#[component]
pub fn GradeBadges(impact: Impact, priority: TicketPriority) -> impl IntoView {
    let app = use_app();
    let impact_class = format!("badge grade-impact-{}", wire(impact));
    let priority_class = format!("badge grade-priority-{}", wire(priority));
    view! {
        <span class=impact_class data-testid="ticket-impact" data-value=wire(impact)>
            {move || i18n::impact_label(app.lang.get(), impact)}
        </span>
        <span class=priority_class data-testid="ticket-priority" data-value=wire(priority)>
            {move || i18n::ticket_priority_label(app.lang.get(), priority)}
        </span>
    }
}
