//! Where each role can go, and which of those places a phone's bottom bar holds. Plain
//! functions, tested natively; the navigation itself lives in `shell::nav`.

use huifang_domain::Role;

use crate::i18n::Key;

/// A screen reachable from the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Tasks,
    Customers,
    NewVisit,
    MyVisits,
    Drafts,
    Attention,
    Tickets,
    Plan,
    Supervise,
    AllVisits,
    Rules,
}

/// A phone's bottom bar has room for this many slots (390 px: about 78 px each), the "more"
/// button included.
pub const BAR_SLOTS: usize = 5;

impl Place {
    pub fn href(self) -> &'static str {
        match self {
            Place::Tasks => "/tasks",
            Place::Customers => "/customers",
            Place::NewVisit => "/visit/new",
            Place::MyVisits => "/visits",
            Place::Drafts => "/drafts",
            Place::Attention => "/attention",
            Place::Tickets => "/tickets",
            Place::Plan => "/plan",
            Place::Supervise => "/supervise",
            Place::AllVisits => "/admin",
            Place::Rules => "/rules",
        }
    }

    pub fn testid(self) -> &'static str {
        match self {
            Place::Tasks => "nav-tasks",
            Place::Customers => "nav-customers",
            Place::NewVisit => "nav-new-visit",
            Place::MyVisits => "nav-my-visits",
            Place::Drafts => "nav-drafts",
            Place::Attention => "nav-attention",
            Place::Tickets => "nav-tickets",
            Place::Plan => "nav-plan",
            Place::Supervise => "nav-supervise",
            Place::AllVisits => "nav-admin",
            Place::Rules => "nav-rules",
        }
    }

    pub fn key(self) -> Key {
        match self {
            Place::Tasks => Key::NavTasks,
            Place::Customers => Key::NavCustomers,
            Place::NewVisit => Key::NavNewVisit,
            Place::MyVisits => Key::NavMyVisits,
            Place::Drafts => Key::NavDrafts,
            Place::Attention => Key::NavAttention,
            Place::Tickets => Key::NavTickets,
            Place::Plan => Key::NavPlan,
            Place::Supervise => Key::NavSupervise,
            Place::AllVisits => Key::NavAdmin,
            Place::Rules => Key::NavRules,
        }
    }

    /// Whether `path` is this place or a screen under it (a ticket is under 工单).
    pub fn contains(self, path: &str) -> bool {
        let href = self.href();
        path == href
            || (self == Place::Tickets
                && path.strip_prefix(href).is_some_and(|r| r.starts_with('/')))
    }
}

/// Every place `role` may go, in the order the tablet's tabs show them.
pub fn places(role: Role) -> Vec<Place> {
    let mut out = Vec::new();
    if role.can_record_visits() {
        out.extend([
            Place::Tasks,
            Place::Customers,
            Place::NewVisit,
            Place::MyVisits,
            Place::Drafts,
            Place::Attention,
        ]);
    }
    out.push(Place::Tickets);
    if role.can_plan_tasks() {
        out.extend([Place::Plan, Place::Supervise]);
    }
    if role.can_read_all_visits() {
        out.push(Place::AllVisits);
    }
    if role.can_edit_rules() {
        out.push(Place::Rules);
    }
    out
}

/// The places a role works in all day, first on a phone's bottom bar. Field staff and agents
/// go through their tasks, the visit and the customer's file, and log tickets; supervisors
/// start from their tasks and spend the day on the workbench (reviews, escalations), the
/// tickets and the plan.
fn main_places(role: Role) -> &'static [Place] {
    match role {
        Role::Agent | Role::Field => &[
            Place::Tasks,
            Place::NewVisit,
            Place::Customers,
            Place::Tickets,
        ],
        Role::Supervisor => &[Place::Tasks, Place::Supervise, Place::Tickets, Place::Plan],
        Role::Admin => &[
            Place::AllVisits,
            Place::Supervise,
            Place::Tickets,
            Place::Rules,
        ],
    }
}

/// A phone's navigation: the bottom bar's places and those behind "more". A "more" menu of a
/// single place would waste a tap, so when everything fits the bar holds it all.
pub fn phone_bar(role: Role) -> (Vec<Place>, Vec<Place>) {
    let main = main_places(role);
    let rest: Vec<Place> = places(role)
        .into_iter()
        .filter(|p| !main.contains(p))
        .collect();
    let mut bar = main.to_vec();
    if bar.len() + rest.len() <= BAR_SLOTS {
        bar.extend(rest);
        return (bar, Vec::new());
    }
    (bar, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home(role: Role) -> Place {
        if role == Role::Admin {
            Place::AllVisits
        } else {
            Place::Tasks
        }
    }

    #[test]
    fn each_role_gets_the_places_its_permissions_allow() {
        use Place::*;
        let cases: [(Role, &[Place]); 4] = [
            (
                Role::Agent,
                &[
                    Tasks, Customers, NewVisit, MyVisits, Drafts, Attention, Tickets,
                ],
            ),
            (
                Role::Field,
                &[
                    Tasks, Customers, NewVisit, MyVisits, Drafts, Attention, Tickets,
                ],
            ),
            (
                Role::Supervisor,
                &[
                    Tasks, Customers, NewVisit, MyVisits, Drafts, Attention, Tickets, Plan,
                    Supervise, AllVisits,
                ],
            ),
            (Role::Admin, &[Tickets, Plan, Supervise, AllVisits, Rules]),
        ];
        for (role, want) in cases {
            assert_eq!(places(role), want, "{role:?}");
        }
    }

    #[test]
    fn the_phone_bar_and_more_menu_hold_every_place_once() {
        for role in Role::ALL {
            let (bar, more) = phone_bar(role);
            let mut seen: Vec<Place> = bar.iter().chain(&more).copied().collect();
            assert_eq!(seen.len(), places(role).len(), "{role:?}: a place twice");
            seen.sort_by_key(|p| p.href());
            let mut all = places(role);
            all.sort_by_key(|p| p.href());
            assert_eq!(seen, all, "{role:?}");
        }
    }

    #[test]
    fn the_phone_bar_fits_its_slots_and_starts_at_home() {
        for role in Role::ALL {
            let (bar, more) = phone_bar(role);
            let slots = bar.len() + usize::from(!more.is_empty());
            assert!((4..=BAR_SLOTS).contains(&slots), "{role:?}: {slots} slots");
            assert_ne!(more.len(), 1, "{role:?}: a menu of one");
            assert!(bar.contains(&home(role)), "{role:?}: home not on the bar");
        }
    }

    #[test]
    fn the_main_places_of_each_role() {
        use Place::*;
        assert_eq!(
            phone_bar(Role::Field),
            (
                vec![Tasks, NewVisit, Customers, Tickets],
                vec![MyVisits, Drafts, Attention]
            )
        );
        assert_eq!(
            phone_bar(Role::Supervisor),
            (
                vec![Tasks, Supervise, Tickets, Plan],
                vec![Customers, NewVisit, MyVisits, Drafts, Attention, AllVisits]
            )
        );
        assert_eq!(
            phone_bar(Role::Admin),
            (vec![AllVisits, Supervise, Tickets, Rules, Plan], vec![])
        );
    }

    #[test]
    fn a_ticket_belongs_to_the_ticket_list_and_nothing_else_nests() {
        assert!(Place::Tickets.contains("/tickets"));
        assert!(Place::Tickets.contains("/tickets/6f0c"));
        assert!(!Place::Tickets.contains("/ticketsx"));
        assert!(Place::Tasks.contains("/tasks"));
        assert!(!Place::Customers.contains("/customers/1"));
        assert!(!Place::NewVisit.contains("/visits"));
    }
}
