//! 回访计划: a supervisor's changes to planned tasks (reassign, move the window, cancel) and
//! bulk planning, which spreads many customers over days and staff under a daily cap per
//! person (the handbooks: 5–10 visits a day), inside working hours and outside quiet hours.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::customer::CustomerClass;
use crate::error::{ValidationError, ValidationKind};
use crate::task::{Priority, QuietHours, VisitTask};
use crate::visit::{Channel, VisitType};

/// Visits one person is given a day unless the planner says otherwise.
pub const DEFAULT_DAILY_CAP: u32 = 8;
/// The handbooks' upper bound for one person's visits in a day.
pub const MAX_DAILY_CAP: u32 = 10;
/// Days one plan may span.
pub const MAX_PLAN_DAYS: u32 = 31;
/// Tasks one plan may create: above it the selection must be narrowed (422).
pub const MAX_PLAN_TASKS: usize = 5_000;
/// Staff one plan may name.
pub const MAX_PLAN_STAFF: usize = 100;
/// Rows of the plan a preview shows.
pub const PREVIEW_ROWS: usize = 20;
pub const MAX_CANCEL_REASON: usize = 200;
pub const MAX_TAG: usize = 50;

/// Working hours, local time: a planned task's window lies in them.
pub fn work_start() -> NaiveTime {
    NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN)
}

pub fn work_end() -> NaiveTime {
    NaiveTime::from_hms_opt(18, 0, 0).unwrap_or(NaiveTime::MIN)
}

/// `PATCH /api/tasks/{id}`: reassign an open task and/or move its window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskChange {
    /// The task's version as the planner saw it; another change meanwhile is a conflict.
    pub version: u64,
    #[serde(default)]
    pub assignee: Option<Uuid>,
    #[serde(default)]
    pub due_from: Option<DateTime<Utc>>,
    #[serde(default)]
    pub due_until: Option<DateTime<Utc>>,
}

/// `POST /api/tasks/{id}/cancel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskCancel {
    pub version: u64,
    pub reason: String,
}

impl TaskChange {
    /// The window after the change (`task`: as stored), checked: it must end after it starts
    /// and must not start before today (local) — a task moved into the past is already late.
    pub fn window(
        &self,
        task: &VisitTask,
        now: DateTime<Utc>,
        offset: FixedOffset,
    ) -> Result<(DateTime<Utc>, DateTime<Utc>), ValidationError> {
        if self.assignee.is_none() && self.due_from.is_none() && self.due_until.is_none() {
            return Err(ValidationError::new(
                "assignee",
                ValidationKind::Required,
                "nothing to change: give assignee, due_from or due_until",
            ));
        }
        let from = self.due_from.unwrap_or(task.due_from);
        let until = self.due_until.unwrap_or(task.due_until);
        if until <= from {
            return Err(ValidationError::new(
                "due_until",
                ValidationKind::OutOfRange,
                "the due window must end after it starts",
            ));
        }
        let today = now.with_timezone(&offset).date_naive();
        if self.due_from.is_some() && from.with_timezone(&offset).date_naive() < today {
            return Err(ValidationError::new(
                "due_from",
                ValidationKind::OutOfRange,
                "the due window may not start before today",
            ));
        }
        Ok((from, until))
    }
}

impl TaskCancel {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let reason = self.reason.trim();
        if reason.is_empty() {
            return Err(ValidationError::new(
                "reason",
                ValidationKind::Required,
                "say why the task is cancelled",
            ));
        }
        if crate::char_len(reason) > MAX_CANCEL_REASON {
            return Err(ValidationError::new(
                "reason",
                ValidationKind::TooLong,
                format!("the reason is limited to {MAX_CANCEL_REASON} characters"),
            ));
        }
        Ok(())
    }
}

/// Which customers a bulk plan is for; archived customers are never chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// Empty: every class.
    #[serde(default)]
    pub classes: Vec<CustomerClass>,
    #[serde(default)]
    pub tag: Option<String>,
    /// Customers not visited since before this day (never-visited ones included).
    #[serde(default)]
    pub last_visit_before: Option<NaiveDate>,
    /// Purchase date on or after.
    #[serde(default)]
    pub purchased_from: Option<NaiveDate>,
    /// Purchase date on or before.
    #[serde(default)]
    pub purchased_to: Option<NaiveDate>,
}

/// `POST /api/plans/preview` and `POST /api/plans`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// Client-made: the same plan sent twice is created once.
    pub id: Uuid,
    pub selection: Selection,
    pub visit_type: VisitType,
    pub planned_channel: Channel,
    pub priority: Priority,
    pub staff: Vec<Uuid>,
    pub first_day: NaiveDate,
    pub days: u32,
    #[serde(default = "default_cap")]
    pub daily_cap: u32,
    #[serde(default)]
    pub note: String,
}

fn default_cap() -> u32 {
    DEFAULT_DAILY_CAP
}

impl PlanRequest {
    pub fn validate(&self, today: NaiveDate) -> Result<(), ValidationError> {
        let bad = |field, kind, msg: String| Err(ValidationError::new(field, kind, msg));
        if self.staff.is_empty() {
            return bad("staff", ValidationKind::Required, "choose the staff".into());
        }
        if self.staff.len() > MAX_PLAN_STAFF {
            return bad(
                "staff",
                ValidationKind::TooLong,
                format!("at most {MAX_PLAN_STAFF} staff in one plan"),
            );
        }
        if !(1..=MAX_DAILY_CAP).contains(&self.daily_cap) {
            return bad(
                "daily_cap",
                ValidationKind::OutOfRange,
                format!("the daily cap is between 1 and {MAX_DAILY_CAP} visits"),
            );
        }
        if !(1..=MAX_PLAN_DAYS).contains(&self.days) {
            return bad(
                "days",
                ValidationKind::OutOfRange,
                format!("a plan spans 1 to {MAX_PLAN_DAYS} days"),
            );
        }
        if self.first_day < today {
            return bad(
                "first_day",
                ValidationKind::OutOfRange,
                "the first day may not be in the past".into(),
            );
        }
        let s = &self.selection;
        if let (Some(from), Some(to)) = (s.purchased_from, s.purchased_to)
            && to < from
        {
            return bad(
                "selection.purchased_to",
                ValidationKind::OutOfRange,
                "the purchase range ends before it starts".into(),
            );
        }
        if let Some(tag) = &s.tag
            && (tag.trim().is_empty() || crate::char_len(tag) > MAX_TAG)
        {
            return bad(
                "selection.tag",
                ValidationKind::OutOfRange,
                format!("a tag has 1 to {MAX_TAG} characters"),
            );
        }
        if crate::char_len(&self.note) > crate::task::MAX_TASK_NOTE {
            return bad(
                "note",
                ValidationKind::TooLong,
                format!(
                    "the note is limited to {} characters",
                    crate::task::MAX_TASK_NOTE
                ),
            );
        }
        Ok(())
    }
}

/// A customer to place, with the person who should preferably visit them (the one who
/// visited last, for the recurring plan).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub customer: Uuid,
    pub preferred: Option<Uuid>,
}

/// One task of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub customer: Uuid,
    pub assignee: Uuid,
    pub day: NaiveDate,
    pub due_from: DateTime<Utc>,
    pub due_until: DateTime<Utc>,
}

/// What [`spread`] made of the candidates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Spread {
    pub assignments: Vec<Assignment>,
    /// Customers left over once every day of every person was full.
    pub unplaced: Vec<Uuid>,
}

/// The due window of a task on `day`: from the first moment in working hours outside quiet
/// hours (and not before `now`) to the end of working hours; `None` when no such moment is
/// left that day.
pub fn day_window(
    day: NaiveDate,
    now: DateTime<Utc>,
    quiet: &QuietHours,
    offset: FixedOffset,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let local = |t: NaiveTime| day.and_time(t).and_local_timezone(offset).single();
    let (start, end) = (local(work_start())?, local(work_end())?);
    let (start, end) = (start.with_timezone(&Utc), end.with_timezone(&Utc));
    let mut from = start.max(now);
    // Quiet windows inside the day chain (12–14 then none): the first allowed moment may
    // still land in the evening's quiet hours, which the end of the working day catches.
    from = quiet.next_allowed(from, offset);
    if quiet.is_quiet(from, offset) || from >= end {
        return None;
    }
    Some((from, end))
}

/// Spreads `customers` (in order) over `days` days from `first_day` and over `staff`: each
/// day is filled before the next, each customer goes to their preferred person when that
/// person is on the staff and has room that day, otherwise to the person with the fewest
/// tasks that day (existing `load` included; ties to the earlier in `staff`), and nobody
/// gets more than `cap` a day. Days without a window ([`day_window`]) get nothing.
#[allow(clippy::too_many_arguments)]
pub fn spread(
    customers: &[Candidate],
    staff: &[Uuid],
    load: &BTreeMap<(NaiveDate, Uuid), u32>,
    cap: u32,
    first_day: NaiveDate,
    days: u32,
    now: DateTime<Utc>,
    quiet: &QuietHours,
    offset: FixedOffset,
) -> Spread {
    let mut out = Spread::default();
    let mut next = 0;
    for d in 0..days {
        if next == customers.len() {
            break;
        }
        let day = first_day + Duration::days(i64::from(d));
        let Some((due_from, due_until)) = day_window(day, now, quiet, offset) else {
            continue;
        };
        let mut count: Vec<u32> = staff
            .iter()
            .map(|s| load.get(&(day, *s)).copied().unwrap_or(0))
            .collect();
        while next < customers.len() {
            let c = customers[next];
            let preferred = c
                .preferred
                .and_then(|p| staff.iter().position(|s| *s == p))
                .filter(|i| count[*i] < cap);
            let least = (0..staff.len())
                .filter(|i| count[*i] < cap)
                .min_by_key(|i| count[*i]);
            let Some(i) = preferred.or(least) else {
                break;
            };
            count[i] += 1;
            out.assignments.push(Assignment {
                customer: c.customer,
                assignee: staff[i],
                day,
                due_from,
                due_until,
            });
            next += 1;
        }
    }
    out.unplaced = customers[next..].iter().map(|c| c.customer).collect();
    out
}

/// Why a selected customer gets no task from a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// An open task of the plan's visit type is already there.
    OpenTask,
    /// Every day of every person was full.
    CapsFull,
}

/// A customer of the plan, named for the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanCustomer {
    pub customer_id: Uuid,
    pub name: String,
    pub class: CustomerClass,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub customer: PlanCustomer,
    pub reason: SkipReason,
}

/// Tasks of one person on one day: what they had and what the plan adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayLoad {
    pub day: NaiveDate,
    pub assignee: Uuid,
    pub existing: u32,
    pub planned: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedRow {
    pub customer: PlanCustomer,
    pub assignee: Uuid,
    pub due_from: DateTime<Utc>,
    pub due_until: DateTime<Utc>,
}

/// What a plan does (the preview) or did (its creation: the same answer, with `created`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOutcome {
    pub plan_id: Uuid,
    /// Customers the selection found.
    pub selected: u32,
    /// Tasks the plan makes.
    pub planned: u32,
    pub days: Vec<DayLoad>,
    /// The first [`PREVIEW_ROWS`] tasks.
    pub first: Vec<PlannedRow>,
    /// Customers without a task and why; the caps-full ones last.
    pub skipped: Vec<Skipped>,
    /// Whether the tasks are stored (`POST /api/plans`) or only previewed.
    pub created: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{beijing, bj_nov};

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn candidates(n: u128) -> Vec<Candidate> {
        (1..=n)
            .map(|i| Candidate {
                customer: id(100 + i),
                preferred: None,
            })
            .collect()
    }

    /// (day, assignee) → tasks planned.
    fn tally(s: &Spread) -> BTreeMap<(NaiveDate, Uuid), u32> {
        let mut t = BTreeMap::new();
        for a in &s.assignments {
            *t.entry((a.day, a.assignee)).or_default() += 1;
        }
        t
    }

    #[test]
    fn the_spread_fills_days_in_order_evenly_under_the_cap() {
        let q = QuietHours::default();
        let (a, b) = (id(1), id(2));
        let early = bj_nov(23, 7, 0);
        // (customers, existing load, cap, days) → per (day, person) tasks, unplaced.
        type Case = (
            u128,
            Vec<((u32, u128), u32)>,
            u32,
            u32,
            Vec<((u32, u128), u32)>,
            usize,
        );
        let table: Vec<Case> = vec![
            // Ties spread evenly: 5 customers over two people, one day.
            (5, vec![], 8, 1, vec![((24, 1), 3), ((24, 2), 2)], 0),
            // The cap moves the rest to the next day.
            (
                5,
                vec![],
                2,
                3,
                vec![((24, 1), 2), ((24, 2), 2), ((25, 1), 1)],
                0,
            ),
            // Existing tasks count: A is full on the 24th, B has room for one.
            (
                3,
                vec![((24, 1), 2), ((24, 2), 1)],
                2,
                2,
                vec![((24, 2), 1), ((25, 1), 1), ((25, 2), 1)],
                0,
            ),
            // Nothing on days full; the rest is unplaced.
            (4, vec![((24, 1), 2), ((24, 2), 2)], 2, 1, vec![], 4),
            (
                5,
                vec![],
                1,
                2,
                vec![((24, 1), 1), ((24, 2), 1), ((25, 1), 1), ((25, 2), 1)],
                1,
            ),
        ];
        for (i, (n, load, cap, days, want, unplaced)) in table.into_iter().enumerate() {
            let load = load
                .into_iter()
                .map(|((d, p), c)| ((day(d), id(p)), c))
                .collect();
            let s = spread(
                &candidates(n),
                &[a, b],
                &load,
                cap,
                day(24),
                days,
                early,
                &q,
                beijing(),
            );
            let want: BTreeMap<_, _> = want
                .into_iter()
                .map(|((d, p), c)| ((day(d), id(p)), c))
                .collect();
            assert_eq!(tally(&s), want, "case {i}");
            assert_eq!(s.unplaced.len(), unplaced, "case {i}");
            // Customers keep their order: the placed ones first.
            let placed: Vec<Uuid> = s.assignments.iter().map(|a| a.customer).collect();
            let all: Vec<Uuid> = candidates(n).iter().map(|c| c.customer).collect();
            assert_eq!(placed, all[..placed.len()], "case {i}");
        }
    }

    #[test]
    fn a_preferred_person_gets_their_customer_while_they_have_room() {
        let q = QuietHours::default();
        let (a, b) = (id(1), id(2));
        let c = |n, p| Candidate {
            customer: id(n),
            preferred: p,
        };
        let customers = [
            c(11, Some(b)),
            c(12, Some(b)),
            c(13, Some(id(9))),
            c(14, None),
        ];
        let s = spread(
            &customers,
            &[a, b],
            &BTreeMap::new(),
            1,
            day(24),
            2,
            bj_nov(23, 7, 0),
            &q,
            beijing(),
        );
        let got: Vec<(Uuid, Uuid, NaiveDate)> = s
            .assignments
            .iter()
            .map(|x| (x.customer, x.assignee, x.day))
            .collect();
        assert_eq!(
            got,
            vec![
                (id(11), b, day(24)),
                // B is full: the least loaded (A) takes it.
                (id(12), a, day(24)),
                // Someone off the staff is no preference.
                (id(13), a, day(25)),
                (id(14), b, day(25)),
            ]
        );
    }

    #[test]
    fn windows_lie_in_working_hours_outside_quiet_hours() {
        let q = QuietHours::default();
        let table = [
            // Before the day starts: 9:00–18:00 Beijing.
            (
                bj_nov(23, 7, 0),
                24,
                Some((bj_nov(24, 9, 0), bj_nov(24, 18, 0))),
            ),
            // Planned today at noon: quiet until 14:00.
            (
                bj_nov(24, 12, 30),
                24,
                Some((bj_nov(24, 14, 0), bj_nov(24, 18, 0))),
            ),
            // Today after work: nothing left.
            (bj_nov(24, 18, 30), 24, None),
        ];
        for (now, d, want) in table {
            assert_eq!(day_window(day(d), now, &q, beijing()), want, "{now}");
        }
        // Quiet until 10:00: the day starts then.
        let late = QuietHours {
            windows: vec![crate::task::QuietWindow {
                start: NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
                end: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
            }],
        };
        assert_eq!(
            day_window(day(24), bj_nov(23, 7, 0), &late, beijing()),
            Some((bj_nov(24, 10, 0), bj_nov(24, 18, 0)))
        );
        // Quiet all day: no window, so a plan puts nothing on that day.
        let all_day = QuietHours {
            windows: vec![crate::task::QuietWindow {
                start: NaiveTime::from_hms_opt(0, 0, 0).unwrap(),
                end: NaiveTime::from_hms_opt(0, 0, 0).unwrap(),
            }],
        };
        assert_eq!(
            day_window(day(24), bj_nov(23, 7, 0), &all_day, beijing()),
            None
        );
        let s = spread(
            &candidates(3),
            &[id(1)],
            &BTreeMap::new(),
            8,
            day(24),
            3,
            bj_nov(23, 7, 0),
            &all_day,
            beijing(),
        );
        assert!(s.assignments.is_empty());
        assert_eq!(s.unplaced.len(), 3);
    }

    fn task() -> VisitTask {
        VisitTask {
            id: id(1),
            customer_id: id(2),
            assignee: id(3),
            visit_type: VisitType::Repair,
            planned_channel: Channel::Phone,
            priority: Priority::Normal,
            due_from: bj_nov(24, 9, 0),
            due_until: bj_nov(24, 18, 0),
            attempt: 1,
            source: crate::task::TaskSource::Plan,
            status: crate::task::TaskStatus::Open,
            note: String::new(),
            retry_reason: None,
            version: 5,
        }
    }

    #[test]
    fn a_changed_window_ends_after_it_starts_and_starts_today_or_later() {
        let now = bj_nov(23, 10, 0);
        let change = |from, until| TaskChange {
            version: 5,
            assignee: None,
            due_from: from,
            due_until: until,
        };
        let table = [
            (
                change(Some(bj_nov(25, 9, 0)), Some(bj_nov(25, 18, 0))),
                Ok(()),
            ),
            // Only the end moves: the stored start stays.
            (change(None, Some(bj_nov(24, 12, 0))), Ok(())),
            (change(None, Some(bj_nov(24, 8, 0))), Err("due_until")),
            (change(Some(bj_nov(24, 18, 0)), None), Err("due_until")),
            // Earlier today is allowed, yesterday is not.
            (change(Some(bj_nov(23, 8, 0)), None), Ok(())),
            (change(Some(bj_nov(22, 9, 0)), None), Err("due_from")),
            (change(None, None), Err("assignee")),
        ];
        for (i, (c, want)) in table.into_iter().enumerate() {
            let got = c
                .window(&task(), now, beijing())
                .map(|_| ())
                .map_err(|e| e.field);
            assert_eq!(got, want, "case {i}");
        }
    }

    #[test]
    fn a_cancel_needs_a_short_reason() {
        let c = |r: &str| TaskCancel {
            version: 1,
            reason: r.into(),
        };
        assert!(c("客户已搬走").validate().is_ok());
        assert_eq!(c("  ").validate().unwrap_err().field, "reason");
        assert_eq!(
            c(&"长".repeat(MAX_CANCEL_REASON + 1))
                .validate()
                .unwrap_err()
                .kind,
            ValidationKind::TooLong
        );
    }

    #[test]
    fn a_plan_request_is_checked_field_by_field() {
        let ok = PlanRequest {
            id: id(1),
            selection: Selection::default(),
            visit_type: VisitType::Satisfaction,
            planned_channel: Channel::Phone,
            priority: Priority::Normal,
            staff: vec![id(2)],
            first_day: day(24),
            days: 5,
            daily_cap: DEFAULT_DAILY_CAP,
            note: String::new(),
        };
        let today = day(23);
        assert!(ok.validate(today).is_ok());
        let cases: Vec<(PlanRequest, &str)> = vec![
            (
                PlanRequest {
                    staff: vec![],
                    ..ok.clone()
                },
                "staff",
            ),
            (
                PlanRequest {
                    daily_cap: 0,
                    ..ok.clone()
                },
                "daily_cap",
            ),
            (
                PlanRequest {
                    daily_cap: 11,
                    ..ok.clone()
                },
                "daily_cap",
            ),
            (
                PlanRequest {
                    days: 0,
                    ..ok.clone()
                },
                "days",
            ),
            (
                PlanRequest {
                    days: 32,
                    ..ok.clone()
                },
                "days",
            ),
            (
                PlanRequest {
                    first_day: day(22),
                    ..ok.clone()
                },
                "first_day",
            ),
            (
                PlanRequest {
                    selection: Selection {
                        purchased_from: Some(day(10)),
                        purchased_to: Some(day(9)),
                        ..Selection::default()
                    },
                    ..ok.clone()
                },
                "selection.purchased_to",
            ),
            (
                PlanRequest {
                    selection: Selection {
                        tag: Some(" ".into()),
                        ..Selection::default()
                    },
                    ..ok.clone()
                },
                "selection.tag",
            ),
        ];
        for (req, field) in cases {
            assert_eq!(req.validate(today).unwrap_err().field, field);
        }
    }
}
