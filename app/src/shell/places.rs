//! Where each role can go, in which of the two front doors, and which of those places a
//! phone's bottom bar holds; where each role lands and when a page sends its user to the other
//! door. Plain functions, tested natively; the navigation itself lives in `shell::nav`.

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
    /// 客户档案 in the console: every customer, editing, archiving and the import.
    CustomerBook,
    /// 人员: users, roles, passwords.
    People,
    /// 话术与问卷: the call script and survey editors.
    Catalog,
    /// 机构设置: the organisation's settings.
    Settings,
    /// 反馈分类统计表: the feedback statistics of a period, with risk warnings.
    Statistics,
    /// 看板: satisfaction, visits, revisits, SLA and per-agent dashboards.
    Dashboard,
    /// 设备状态: who synced when, and who still holds unsynced work.
    Devices,
    /// 操作日志: the audit trail.
    AuditTrail,
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
            Place::CustomerBook => "/customers",
            Place::People => "/people",
            Place::Catalog => "/catalog",
            Place::Settings => "/settings",
            Place::Statistics => "/stats",
            Place::Dashboard => "/dashboard",
            Place::Devices => "/devices",
            Place::AuditTrail => "/audit",
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
            Place::CustomerBook => "nav-customer-book",
            Place::People => "nav-people",
            Place::Catalog => "nav-catalog",
            Place::Settings => "nav-settings",
            Place::Statistics => "nav-stats",
            Place::Dashboard => "nav-dashboard",
            Place::Devices => "nav-devices",
            Place::AuditTrail => "nav-audit",
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
            Place::CustomerBook => Key::NavCustomerBook,
            Place::People => Key::NavPeople,
            Place::Catalog => Key::NavCatalog,
            Place::Settings => Key::NavSettings,
            Place::Statistics => Key::NavStatistics,
            Place::Dashboard => Key::NavDashboard,
            Place::Devices => Key::NavDevices,
            Place::AuditTrail => Key::NavAuditTrail,
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
    if role.can_read_reports() {
        out.extend([Place::Statistics, Place::Dashboard, Place::Devices]);
    }
    if role.can_manage_customers() {
        out.push(Place::CustomerBook);
    }
    if role.can_edit_catalog() {
        out.push(Place::Catalog);
    }
    if role.can_manage_people() {
        out.push(Place::People);
    }
    if role.can_edit_settings() {
        out.push(Place::Settings);
    }
    if role.can_edit_rules() {
        out.push(Place::Rules);
    }
    if role.can_read_audit_log() {
        out.push(Place::AuditTrail);
    }
    out
}

/// The places a role works in all day in a door, first on a phone's bottom bar. In the field
/// app everyone goes through their tasks, the visit and the customer's file, and logs tickets;
/// in the console supervisors start from the workbench (reviews, escalations), then the
/// tickets, the plan and every visit; admins start from every visit and keep the rules.
fn main_places(role: Role, door: Door) -> &'static [Place] {
    match (door, role) {
        (Door::Field, _) => &[
            Place::Tasks,
            Place::NewVisit,
            Place::Customers,
            Place::Tickets,
        ],
        (Door::Console, Role::Admin) => &[
            Place::AllVisits,
            Place::Supervise,
            Place::Tickets,
            Place::Plan,
        ],
        (Door::Console, _) => &[
            Place::Supervise,
            Place::Tickets,
            Place::Plan,
            Place::AllVisits,
        ],
    }
}

/// A phone's navigation in a door: the bottom bar's places and those behind "more". A "more"
/// menu of a single place would waste a tap, so when everything fits the bar holds it all.
pub fn phone_bar(role: Role, door: Door) -> (Vec<Place>, Vec<Place>) {
    let all = door.places(role);
    let mut bar: Vec<Place> = main_places(role, door)
        .iter()
        .copied()
        .filter(|p| all.contains(p))
        .collect();
    let rest: Vec<Place> = all.into_iter().filter(|p| !bar.contains(p)).collect();
    if bar.len() + rest.len() <= BAR_SLOTS {
        bar.extend(rest);
        return (bar, Vec::new());
    }
    (bar, rest)
}

/// The app's two front doors, built from one library and sharing one origin and one store:
/// the field app at `/` (what tablets in the field download) and the console under
/// `/console` (supervision, plans, every visit, the rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    Field,
    Console,
}

impl Door {
    /// What every path of this door starts with: the console's router base.
    pub fn base(self) -> &'static str {
        match self {
            Door::Field => "",
            Door::Console => "/console",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Door::Field => "field",
            Door::Console => "console",
        }
    }

    pub fn other(self) -> Door {
        match self {
            Door::Field => Door::Console,
            Door::Console => Door::Field,
        }
    }

    /// Whether this door shows `place`. 工单 is in both: field staff take and follow their
    /// tickets in the field app, supervisors and admins work the whole list in the console.
    pub fn holds(self, place: Place) -> bool {
        match place {
            Place::Tickets => true,
            Place::Plan
            | Place::Supervise
            | Place::AllVisits
            | Place::Rules
            | Place::CustomerBook
            | Place::People
            | Place::Catalog
            | Place::Settings
            | Place::Statistics
            | Place::Dashboard
            | Place::Devices
            | Place::AuditTrail => self == Door::Console,
            Place::Tasks
            | Place::Customers
            | Place::NewVisit
            | Place::MyVisits
            | Place::Drafts
            | Place::Attention => self == Door::Field,
        }
    }

    /// Every place `role` may go in this door, in the order the tablet's tabs show them.
    pub fn places(self, role: Role) -> Vec<Place> {
        places(role)
            .into_iter()
            .filter(|p| self.holds(*p))
            .collect()
    }

    /// Whether this door is for `role`: it holds a place of the role's besides the ticket
    /// list, which both doors hold.
    pub fn admits(self, role: Role) -> bool {
        self.places(role).iter().any(|p| *p != Place::Tickets)
    }

    /// The full path of `place` in this door (`/console/supervise`).
    pub fn href(self, place: Place) -> String {
        self.path(place.href())
    }

    /// `path` (`/tickets/6f0c`) as a path of this door.
    pub fn path(self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    /// `path` as this door's router sees it: without the door's base.
    pub fn route(self, path: &str) -> &str {
        path.strip_prefix(self.base()).unwrap_or(path)
    }

    /// The screen `role` starts on in this door: the first of its bottom bar.
    pub fn home(self, role: Role) -> Place {
        phone_bar(role, self)
            .0
            .first()
            .copied()
            .unwrap_or(Place::Tickets)
    }
}

/// The door `role` lands in after logging in: supervisors and admins in the console, the
/// people who record visits in the field app.
pub fn door_for(role: Role) -> Door {
    if Door::Console.admits(role) {
        Door::Console
    } else {
        Door::Field
    }
}

/// Where a page of `door` sends a user of `role` instead of showing itself (a full page
/// load): to the role's landing when this door is not for the role, or when the role has
/// just logged in here and lands in the other door. A re-login keeps the user where they are.
pub fn leave_for(door: Door, role: Role, just_logged_in: bool) -> Option<String> {
    let landing = door_for(role);
    (!door.admits(role) || (just_logged_in && landing != door))
        .then(|| landing.href(landing.home(role)))
}

/// The link to the other door, when it is for `role`: the door and where it opens.
pub fn switch(door: Door, role: Role) -> Option<(Door, String)> {
    let other = door.other();
    other
        .admits(role)
        .then(|| (other, other.href(other.home(role))))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOORS: [Door; 2] = [Door::Field, Door::Console];

    /// Every door `role` may use.
    fn doors(role: Role) -> impl Iterator<Item = Door> {
        DOORS.into_iter().filter(move |d| d.admits(role))
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
                    Statistics,
                    Dashboard,
                    Devices,
                    CustomerBook,
                ],
            ),
            (
                Role::Admin,
                &[
                    Tickets,
                    Plan,
                    Supervise,
                    AllVisits,
                    Statistics,
                    Dashboard,
                    Devices,
                    CustomerBook,
                    Catalog,
                    People,
                    Settings,
                    Rules,
                    AuditTrail,
                ],
            ),
        ];
        for (role, want) in cases {
            assert_eq!(places(role), want, "{role:?}");
        }
    }

    #[test]
    fn the_phone_bar_and_more_menu_hold_every_place_of_the_door_once() {
        for role in Role::ALL {
            for door in doors(role) {
                let (bar, more) = phone_bar(role, door);
                let mut seen: Vec<Place> = bar.iter().chain(&more).copied().collect();
                let mut all = door.places(role);
                assert_eq!(seen.len(), all.len(), "{role:?} {door:?}: a place twice");
                seen.sort_by_key(|p| p.href());
                all.sort_by_key(|p| p.href());
                assert_eq!(seen, all, "{role:?} {door:?}");
            }
        }
    }

    #[test]
    fn the_phone_bar_fits_its_slots_and_starts_at_home() {
        for role in Role::ALL {
            for door in doors(role) {
                let (bar, more) = phone_bar(role, door);
                let slots = bar.len() + usize::from(!more.is_empty());
                assert!(
                    (4..=BAR_SLOTS).contains(&slots),
                    "{role:?} {door:?}: {slots} slots"
                );
                assert_ne!(more.len(), 1, "{role:?} {door:?}: a menu of one");
                assert_eq!(bar[0], door.home(role), "{role:?} {door:?}");
            }
        }
    }

    #[test]
    fn the_main_places_of_each_role_in_each_door() {
        use Place::*;
        let field = (
            vec![Tasks, NewVisit, Customers, Tickets],
            vec![MyVisits, Drafts, Attention],
        );
        for role in [Role::Agent, Role::Field, Role::Supervisor] {
            assert_eq!(phone_bar(role, Door::Field), field, "{role:?}");
        }
        assert_eq!(
            phone_bar(Role::Supervisor, Door::Console),
            (
                vec![Supervise, Tickets, Plan, AllVisits],
                vec![Statistics, Dashboard, Devices, CustomerBook]
            )
        );
        assert_eq!(
            phone_bar(Role::Admin, Door::Console),
            (
                vec![AllVisits, Supervise, Tickets, Plan],
                vec![
                    Statistics,
                    Dashboard,
                    Devices,
                    CustomerBook,
                    Catalog,
                    People,
                    Settings,
                    Rules,
                    AuditTrail
                ]
            )
        );
    }

    #[test]
    fn each_door_admits_the_roles_it_has_screens_for() {
        let cases = [
            (Role::Agent, true, false),
            (Role::Field, true, false),
            (Role::Supervisor, true, true),
            (Role::Admin, false, true),
        ];
        for (role, field, console) in cases {
            assert_eq!(Door::Field.admits(role), field, "{role:?} field app");
            assert_eq!(Door::Console.admits(role), console, "{role:?} console");
        }
    }

    #[test]
    fn every_place_of_a_role_is_in_a_door_it_may_use() {
        for role in Role::ALL {
            for place in places(role) {
                let doors: Vec<Door> = [Door::Field, Door::Console]
                    .into_iter()
                    .filter(|d| d.admits(role) && d.holds(place))
                    .collect();
                assert!(!doors.is_empty(), "{role:?}: {place:?} in no door");
            }
        }
    }

    #[test]
    fn each_role_lands_in_its_door_on_its_home() {
        let cases = [
            (Role::Agent, "/tasks"),
            (Role::Field, "/tasks"),
            (Role::Supervisor, "/console/supervise"),
            (Role::Admin, "/console/admin"),
        ];
        for (role, landing) in cases {
            let door = door_for(role);
            assert_eq!(door.href(door.home(role)), landing, "{role:?}");
        }
    }

    #[test]
    fn a_page_sends_its_user_away_only_when_the_door_is_not_theirs_or_after_a_login() {
        use Door::*;
        let cases = [
            // door, role, just logged in, where to
            (Field, Role::Field, true, None),
            (Field, Role::Agent, false, None),
            (Console, Role::Field, false, Some("/tasks")),
            (Console, Role::Agent, true, Some("/tasks")),
            (Field, Role::Supervisor, true, Some("/console/supervise")),
            (Field, Role::Supervisor, false, None),
            (Console, Role::Supervisor, true, None),
            (Console, Role::Supervisor, false, None),
            (Field, Role::Admin, false, Some("/console/admin")),
            (Field, Role::Admin, true, Some("/console/admin")),
            (Console, Role::Admin, true, None),
        ];
        for (door, role, fresh, want) in cases {
            assert_eq!(
                leave_for(door, role, fresh).as_deref(),
                want,
                "{door:?} {role:?} fresh {fresh}"
            );
        }
    }

    #[test]
    fn only_a_supervisor_may_switch_doors() {
        use Door::*;
        assert_eq!(
            switch(Console, Role::Supervisor),
            Some((Field, "/tasks".to_owned()))
        );
        assert_eq!(
            switch(Field, Role::Supervisor),
            Some((Console, "/console/supervise".to_owned()))
        );
        for role in [Role::Agent, Role::Field] {
            assert_eq!(switch(Field, role), None, "{role:?}");
        }
        assert_eq!(switch(Console, Role::Admin), None);
    }

    #[test]
    fn a_door_path_carries_the_door_base_and_the_router_sees_it_without() {
        assert_eq!(Door::Field.href(Place::Tickets), "/tickets");
        assert_eq!(Door::Console.href(Place::Tickets), "/console/tickets");
        assert_eq!(Door::Console.path("/tickets/6f0c"), "/console/tickets/6f0c");
        assert_eq!(
            Door::Console.route("/console/tickets/6f0c"),
            "/tickets/6f0c"
        );
        assert_eq!(Door::Field.route("/tickets/6f0c"), "/tickets/6f0c");
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
