//! The revisit rule set's "who revisits" rows: per ticket grade, the handler or a named person
//! who does visits (the handbook's department supervisor, the manager).

use huifang_domain::User;
use huifang_domain::ticket::{Impact, RevisitTargets, Revisitor};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api;
use crate::i18n::{self, Key};
use crate::state::use_app;
use crate::widgets::Options;

const GRADES: [Impact; 3] = [Impact::General, Impact::Important, Impact::Urgent];

/// The choices of one grade: the handler, then everyone who may do a revisit, supervisors
/// first; a person the stored rule names who is not among them shows as no longer available.
fn choices(lang: i18n::Lang, users: &[User], named: Option<Uuid>) -> Vec<(String, String)> {
    let mut people: Vec<&User> = users
        .iter()
        .filter(|u| u.role.can_record_visits())
        .collect();
    people.sort_by_key(|u| u.role != huifang_domain::Role::Supervisor);
    let mut out = vec![(
        String::new(),
        i18n::t(lang, Key::RulesRevisitorHandler).to_owned(),
    )];
    out.extend(people.iter().map(|u| {
        (
            u.id.to_string(),
            format!("{} · {}", u.display_name, i18n::role_label(lang, u.role)),
        )
    }));
    if let Some(id) = named.filter(|id| !people.iter().any(|u| u.id == *id)) {
        out.push((
            id.to_string(),
            i18n::t(lang, Key::RulesRevisitorUnknown).to_owned(),
        ));
    }
    out
}

pub(super) fn revisitor_rows(d: RwSignal<RevisitTargets>) -> impl IntoView {
    let app = use_app();
    let users = RwSignal::new(Vec::<User>::new());
    if let Some(session) = app.session.get_untracked() {
        leptos::task::spawn_local(async move {
            if let Ok(list) = api::users(&session.token).await {
                users.set(list);
            }
        });
    }
    let rows = GRADES
        .iter()
        .map(|&grade| {
            let named = move || match d.with(|r| r.revisitor(grade)) {
                Revisitor::Person { user } => Some(user),
                Revisitor::Handler => None,
            };
            let options =
                Signal::derive(move || users.with(|u| choices(app.lang.get(), u, named())));
            let value = Signal::derive(move || named().map(|u| u.to_string()).unwrap_or_default());
            view! {
                <label class="field">
                    <span class="label">{move || i18n::impact_label(app.lang.get(), grade)}</span>
                    <select
                        data-testid="revisit-revisitor"
                        data-grade=grade.as_str()
                        on:change=move |ev| {
                            let rule = Uuid::parse_str(&event_target_value(&ev))
                                .map_or(Revisitor::Handler, |user| Revisitor::Person { user });
                            d.update(|r| {
                                r.revisitors.insert(grade, rule);
                            });
                        }
                    >
                        <Options options value />
                    </select>
                </label>
            }
        })
        .collect_view();
    view! {
        <h3 class="rset-sub">{move || app.t(Key::RulesRevisitors)}</h3>
        <p class="hint">{move || app.t(Key::RulesRevisitorsHint)}</p>
        <div class="rset-fields">{rows}</div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use huifang_domain::Role;

    fn user(n: u128, role: Role) -> User {
        User {
            id: Uuid::from_u128(n),
            username: format!("u{n}"),
            display_name: format!("U{n}"),
            role,
            agent_no: String::new(),
        }
    }

    #[test]
    fn the_handler_then_supervisors_then_staff_and_never_admins() {
        let users = [
            user(1, Role::Field),
            user(2, Role::Admin),
            user(3, Role::Supervisor),
        ];
        let ids = |named| -> Vec<String> {
            choices(i18n::Lang::En, &users, named)
                .into_iter()
                .map(|(v, _)| v)
                .collect()
        };
        let id = |n: u128| Uuid::from_u128(n).to_string();
        assert_eq!(ids(None), [String::new(), id(3), id(1)]);
        assert_eq!(ids(Some(Uuid::from_u128(3))), [String::new(), id(3), id(1)]);
        // A named admin (set through the API before a role change) stays visible.
        assert_eq!(
            ids(Some(Uuid::from_u128(2))),
            [String::new(), id(3), id(1), id(2)]
        );
    }
}
