//! One entry of the trail as a row: when, who, which action on which record, and what
//! changed.

use chrono::{Datelike, FixedOffset, Timelike};
use huifang_domain::audit::AuditEntry;
use leptos::prelude::*;

use super::diff::{self, MAX_FIELDS};
use crate::i18n::{self, Key};
use crate::state::use_app;

/// The rows of the list, for the entries read so far.
#[component]
pub fn AuditRow(entry: AuditEntry, offset: Memo<FixedOffset>) -> impl IntoView {
    let app = use_app();
    let at = entry.at;
    let when = move || {
        let t = at.with_timezone(&offset.get());
        format!(
            "{}-{:02}-{:02} {:02}:{:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    };
    let who = entry.user_name.clone();
    let action = entry.action.clone();
    let entity = entry.entity.clone();
    // The rule sets and the settings are one row each, named by the nil id: nothing to show.
    let record = (entry.entity_id != uuid::Uuid::nil().to_string())
        .then(|| entry.entity_id.chars().take(8).collect::<String>());
    let changes = diff::changes(entry.before.as_ref(), entry.after.as_ref());
    let hidden = changes.len().saturating_sub(MAX_FIELDS);
    let lines = changes
        .into_iter()
        .take(MAX_FIELDS)
        .map(|c| {
            view! {
                <li>
                    {(!c.field.is_empty()).then(|| view! { <span class="audit-field">{c.field}</span> })}
                    {c.before.map(|b| view! { <span class="audit-before">{b}</span> " → " })}
                    <span class="audit-after">{c.after.unwrap_or_else(|| "—".to_owned())}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <li class="row audit-entry" data-testid="audit-entry" data-action=entry.action.clone() data-id=entry.id.to_string()>
            <span class="row-main">
                <span class="row-title">
                    {move || i18n::audit_action_label(app.lang.get(), &action)}
                </span>
                <span class="row-sub" data-testid="audit-entry-who">
                    {move || who.clone().unwrap_or_else(|| app.t(Key::AuditSystem).to_owned())}
                    " · "
                    {move || i18n::audit_entity_label(app.lang.get(), &entity)}
                    {record.map(|r| view! { " " <code>{r}</code> })}
                </span>
                <ul class="audit-changes" data-testid="audit-entry-changes">
                    {lines}
                    {(hidden > 0).then(|| view! { <li class="muted">{format!("+{hidden}")}</li> })}
                </ul>
            </span>
            <span class="row-time">
                <time datetime=at.to_rfc3339()>{when}</time>
                <span class="muted small">"#"{entry.id}</span>
            </span>
        </li>
    }
}
