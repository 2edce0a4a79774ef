//! 回访任务: planned visits, their lists (today / overdue / upcoming), quiet hours and retries.
//!
//! Local time matters here ("today", "before 9:00"), so the rules take the user's UTC offset
//! explicitly instead of reading a clock or a time zone database.

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::Role;
use crate::visit::{Channel, Outcome, VisitType};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    High,
    Normal,
    Low,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Open,
    Done,
    Cancelled,
}

/// Why the task exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TaskSource {
    /// 回访计划: planned by a supervisor.
    Plan,
    /// A retry after an attempt that did not reach the customer.
    Retry { previous_visit: Uuid },
    /// A revisit to close a ticket (the ticket workflow fills this in).
    Ticket { ticket_id: Uuid },
}

/// `GET /api/tasks`: one page by due time, then id (`crate::paging`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskList {
    pub tasks: Vec<VisitTask>,
    pub total: crate::paging::ListTotal,
    /// The cursor of the next page (`?after=`); `None` on the last page.
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitTask {
    pub id: Uuid,
    pub customer_id: Uuid,
    /// The user who does the visit.
    pub assignee: Uuid,
    pub visit_type: VisitType,
    pub planned_channel: Channel,
    pub priority: Priority,
    pub due_from: DateTime<Utc>,
    pub due_until: DateTime<Utc>,
    /// 第几次回访
    pub attempt: u8,
    pub source: TaskSource,
    pub status: TaskStatus,
    /// What the planner wrote; empty on tasks the server schedules (their text is
    /// `retry_reason`'s, in the reader's language).
    #[serde(default)]
    pub note: String,
    /// Why a retry exists. Absent on planned tasks and on tasks stored before it existed,
    /// which carry their reason in `note`; a device that does not know the field ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_reason: Option<RetryReason>,
    /// Server change version (pull cursor).
    pub version: u64,
}

/// Why the previous attempt did not reach the customer (the task's text, drawn by the app).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryReason {
    /// 上次无人接听
    NoAnswer,
    /// 客户约定回拨
    CallBack,
}

/// `POST /api/tasks`: a supervisor plans a visit and assigns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTask {
    /// Client-made id, so a retried request creates the task once.
    pub id: Uuid,
    pub customer_id: Uuid,
    pub assignee: Uuid,
    pub visit_type: VisitType,
    pub planned_channel: Channel,
    pub priority: Priority,
    pub due_from: DateTime<Utc>,
    pub due_until: DateTime<Utc>,
    #[serde(default)]
    pub note: String,
}

pub const MAX_TASK_NOTE: usize = 500;

impl NewTask {
    pub fn validate(&self) -> Result<(), crate::error::ValidationError> {
        use crate::error::{ValidationError, ValidationKind};
        if self.due_until <= self.due_from {
            return Err(ValidationError::new(
                "due_until",
                ValidationKind::OutOfRange,
                "the due window must end after it starts",
            ));
        }
        if crate::char_len(&self.note) > MAX_TASK_NOTE {
            return Err(ValidationError::new(
                "note",
                ValidationKind::TooLong,
                format!("the note is limited to {MAX_TASK_NOTE} characters"),
            ));
        }
        Ok(())
    }
}

/// Why a visit may not carry out the task it names; the message is the rejection's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskMismatch {
    #[error("unknown task {0}")]
    Unknown(Uuid),
    #[error("task {0} is assigned to someone else")]
    OtherAssignee(Uuid),
    #[error("task {0} is no longer open")]
    NotOpen(Uuid),
    #[error("task {0} is about another customer")]
    OtherCustomer(Uuid),
}

/// A visit by `by` about `customer` carries out task `id` (`task`: what is stored under that
/// id) only if the task is theirs, still open and about that customer, checked in that order.
pub fn check_visit_task(
    id: Uuid,
    task: Option<&VisitTask>,
    by: Uuid,
    customer: Uuid,
) -> Result<(), TaskMismatch> {
    match task {
        None => Err(TaskMismatch::Unknown(id)),
        Some(t) if t.assignee != by => Err(TaskMismatch::OtherAssignee(id)),
        Some(t) if t.status != TaskStatus::Open => Err(TaskMismatch::NotOpen(id)),
        Some(t) if t.customer_id != customer => Err(TaskMismatch::OtherCustomer(id)),
        Some(_) => Ok(()),
    }
}

/// A user asked for someone else's tasks without the right to plan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("role {} may read only its own tasks", .0.as_str())]
pub struct OthersTasks(pub Role);

/// Whose tasks a user listing tasks sees (`None`: everyone's): planners see every task (or
/// the assignee they ask for), everyone else only their own.
pub fn visible_assignee(
    role: Role,
    me: Uuid,
    asked: Option<Uuid>,
) -> Result<Option<Uuid>, OthersTasks> {
    if role.can_plan_tasks() {
        return Ok(asked);
    }
    match asked {
        Some(other) if other != me => Err(OthersTasks(role)),
        _ => Ok(Some(me)),
    }
}

/// The three lists of "my tasks".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskBucket {
    Overdue,
    Today,
    Upcoming,
}

impl VisitTask {
    /// Which list an open task belongs in; `None` once it is done or cancelled.
    pub fn bucket(&self, now: DateTime<Utc>, offset: FixedOffset) -> Option<TaskBucket> {
        if self.status != TaskStatus::Open {
            return None;
        }
        let today = now.with_timezone(&offset).date_naive();
        Some(if self.due_until < now {
            TaskBucket::Overdue
        } else if self.due_from.with_timezone(&offset).date_naive() <= today {
            TaskBucket::Today
        } else {
            TaskBucket::Upcoming
        })
    }
}

/// A time of day in which customers are not disturbed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietWindow {
    pub start: NaiveTime,
    /// Exclusive. A window with `end <= start` runs over midnight.
    pub end: NaiveTime,
}

impl QuietWindow {
    fn contains(&self, t: NaiveTime) -> bool {
        if self.start < self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }
}

/// 免打扰时段 (DOMAIN.md: e.g. before 9:00, 12:00–14:00, after 21:00); admins change them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    pub windows: Vec<QuietWindow>,
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

impl Default for QuietHours {
    fn default() -> Self {
        QuietHours {
            windows: vec![
                QuietWindow {
                    start: hm(21, 0),
                    end: hm(9, 0),
                },
                QuietWindow {
                    start: hm(12, 0),
                    end: hm(14, 0),
                },
            ],
        }
    }
}

impl QuietHours {
    pub fn is_quiet(&self, at: DateTime<Utc>, offset: FixedOffset) -> bool {
        let t = at.with_timezone(&offset).time();
        self.windows.iter().any(|w| w.contains(t))
    }

    /// The first moment at or after `at` outside every quiet window. If every moment of the day
    /// is quiet, `at` itself is returned and the caller's warning stands.
    ///
    /// Jumps to the exact (sub-second) end of the latest window holding the current moment and
    /// looks again, so overlapping windows and windows over midnight chain; rounding the jump to
    /// whole minutes once turned a few seconds before a window's end into a jump of a whole day.
    pub fn next_allowed(&self, at: DateTime<Utc>, offset: FixedOffset) -> DateTime<Utc> {
        let day = Duration::days(1);
        let mut t = at;
        // Each jump leaves at least one window behind for good, so after one jump per window
        // (plus one) either `t` is allowed or the windows cover the whole day.
        for _ in 0..=self.windows.len() {
            let local = t.with_timezone(&offset).time();
            let jump = self
                .windows
                .iter()
                .filter(|w| w.contains(local))
                .map(|w| {
                    let left = w.end - local;
                    if left > Duration::zero() {
                        left
                    } else {
                        left + day
                    }
                })
                .max();
            match jump {
                None => return t,
                Some(jump) => t += jump,
            }
            if t - at >= day {
                break;
            }
        }
        at
    }
}

/// How many attempts a customer gets before the task is closed as unreachable.
pub const MAX_ATTEMPTS: u8 = 3;
/// No answer: try again a little later the same day.
pub const RETRY_AFTER_NO_ANSWER: Duration = Duration::hours(2);
/// Asked to call back without a time: the next day.
pub const RETRY_AFTER_CALL_BACK: Duration = Duration::hours(24);
/// Every retry gets a day to be done in.
pub const RETRY_WINDOW: Duration = Duration::hours(24);

/// The next attempt a visit's outcome calls for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextAttempt {
    pub attempt: u8,
    pub due_from: DateTime<Utc>,
    pub due_until: DateTime<Utc>,
    /// Later attempts may be by phone even when the first was on site.
    pub channel: Channel,
    pub reason: RetryReason,
}

/// Schedules the next attempt after one that did not reach the customer. Refusals and
/// wrong numbers are not retried (a refusal is respected; a wrong number needs new data).
pub fn next_attempt(
    outcome: Outcome,
    attempt: u8,
    contacted_at: DateTime<Utc>,
    call_back_at: Option<DateTime<Utc>>,
    quiet: &QuietHours,
    offset: FixedOffset,
) -> Option<NextAttempt> {
    if attempt >= MAX_ATTEMPTS {
        return None;
    }
    let (earliest, reason) = match outcome {
        Outcome::NoAnswer => (contacted_at + RETRY_AFTER_NO_ANSWER, RetryReason::NoAnswer),
        Outcome::CallBack => (
            call_back_at.unwrap_or(contacted_at + RETRY_AFTER_CALL_BACK),
            RetryReason::CallBack,
        ),
        Outcome::Reached | Outcome::Refused | Outcome::WrongNumber => return None,
    };
    let due_from = quiet.next_allowed(earliest, offset);
    Some(NextAttempt {
        attempt: attempt + 1,
        due_from,
        due_until: due_from + RETRY_WINDOW,
        channel: Channel::Phone,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use chrono::{TimeZone, Timelike};

    use crate::testing::beijing;

    /// A Beijing wall-clock time on Monday 2026-11-23.
    fn bj(h: u32, m: u32) -> DateTime<Utc> {
        crate::testing::bj_nov(23, h, m)
    }

    fn task(from: DateTime<Utc>, until: DateTime<Utc>, status: TaskStatus) -> VisitTask {
        VisitTask {
            id: Uuid::from_u128(1),
            customer_id: Uuid::from_u128(2),
            assignee: Uuid::from_u128(3),
            visit_type: VisitType::Repair,
            planned_channel: Channel::OnSite,
            priority: Priority::Normal,
            due_from: from,
            due_until: until,
            attempt: 1,
            source: TaskSource::Plan,
            status,
            note: String::new(),
            retry_reason: None,
            version: 1,
        }
    }

    #[test]
    fn a_visit_carries_out_only_an_open_task_of_its_own_about_its_customer() {
        let (id, me, other, customer) = (
            Uuid::from_u128(1),
            Uuid::from_u128(3),
            Uuid::from_u128(9),
            Uuid::from_u128(2),
        );
        let open = task(bj(9, 0), bj(18, 0), TaskStatus::Open);
        let theirs = VisitTask {
            assignee: other,
            ..open.clone()
        };
        let done = task(bj(9, 0), bj(18, 0), TaskStatus::Done);
        let cancelled = task(bj(9, 0), bj(18, 0), TaskStatus::Cancelled);
        let elsewhere = VisitTask {
            customer_id: Uuid::from_u128(7),
            ..open.clone()
        };
        // Someone else's task that is also closed and about another customer: the assignee
        // is named first.
        let all_wrong = VisitTask {
            assignee: other,
            status: TaskStatus::Done,
            customer_id: Uuid::from_u128(7),
            ..open.clone()
        };
        let table = [
            (None, Err(TaskMismatch::Unknown(id))),
            (Some(&open), Ok(())),
            (Some(&theirs), Err(TaskMismatch::OtherAssignee(id))),
            (Some(&done), Err(TaskMismatch::NotOpen(id))),
            (Some(&cancelled), Err(TaskMismatch::NotOpen(id))),
            (Some(&elsewhere), Err(TaskMismatch::OtherCustomer(id))),
            (Some(&all_wrong), Err(TaskMismatch::OtherAssignee(id))),
        ];
        for (i, (stored, want)) in table.into_iter().enumerate() {
            assert_eq!(check_visit_task(id, stored, me, customer), want, "case {i}");
        }
        assert_eq!(
            TaskMismatch::NotOpen(id).to_string(),
            format!("task {id} is no longer open")
        );
    }

    #[test]
    fn planners_see_every_task_and_the_others_only_their_own() {
        let (me, other) = (Uuid::from_u128(3), Uuid::from_u128(9));
        let table = [
            (Role::Supervisor, None, Ok(None)),
            (Role::Supervisor, Some(other), Ok(Some(other))),
            (Role::Supervisor, Some(me), Ok(Some(me))),
            (Role::Admin, None, Ok(None)),
            (Role::Admin, Some(other), Ok(Some(other))),
            (Role::Agent, None, Ok(Some(me))),
            (Role::Agent, Some(me), Ok(Some(me))),
            (Role::Agent, Some(other), Err(OthersTasks(Role::Agent))),
            (Role::Field, None, Ok(Some(me))),
            (Role::Field, Some(other), Err(OthersTasks(Role::Field))),
        ];
        for (role, asked, want) in table {
            assert_eq!(
                visible_assignee(role, me, asked),
                want,
                "{role:?} {asked:?}"
            );
        }
        assert_eq!(
            OthersTasks(Role::Agent).to_string(),
            "role agent may read only its own tasks"
        );
    }

    #[test]
    fn a_retry_says_why_and_old_tasks_without_a_reason_still_parse() {
        let q = QuietHours::default();
        let reason =
            |outcome| next_attempt(outcome, 1, bj(10, 30), None, &q, beijing()).map(|n| n.reason);
        assert_eq!(reason(Outcome::NoAnswer), Some(RetryReason::NoAnswer));
        assert_eq!(reason(Outcome::CallBack), Some(RetryReason::CallBack));
        let plain = task(bj(9, 0), bj(18, 0), TaskStatus::Open);
        let json = serde_json::to_value(&plain).unwrap();
        assert!(json.get("retry_reason").is_none(), "{json}");
        let retry = VisitTask {
            retry_reason: Some(RetryReason::CallBack),
            ..plain.clone()
        };
        let json = serde_json::to_value(&retry).unwrap();
        assert_eq!(json["retry_reason"], "call_back");
        assert_eq!(serde_json::from_value::<VisitTask>(json).unwrap(), retry);
    }

    #[test]
    fn tasks_fall_into_overdue_today_and_upcoming_by_local_date() {
        let now = bj(10, 0);
        let day = Duration::days(1);
        let table = [
            (
                bj(8, 0) - day,
                bj(9, 0),
                TaskStatus::Open,
                Some(TaskBucket::Overdue),
            ),
            (
                bj(8, 0),
                bj(18, 0),
                TaskStatus::Open,
                Some(TaskBucket::Today),
            ),
            (
                bj(8, 0) - day,
                bj(18, 0) + day,
                TaskStatus::Open,
                Some(TaskBucket::Today),
            ),
            (
                bj(23, 59),
                bj(23, 59) + day,
                TaskStatus::Open,
                Some(TaskBucket::Today),
            ),
            (
                bj(0, 0) + day,
                bj(18, 0) + day,
                TaskStatus::Open,
                Some(TaskBucket::Upcoming),
            ),
            (bj(8, 0), bj(18, 0), TaskStatus::Done, None),
            (bj(8, 0), bj(9, 0), TaskStatus::Cancelled, None),
        ];
        for (i, (from, until, status, want)) in table.into_iter().enumerate() {
            assert_eq!(
                task(from, until, status).bucket(now, beijing()),
                want,
                "case {i}"
            );
        }
    }

    #[test]
    fn the_local_day_decides_not_the_utc_day() {
        // 01:00 in Beijing is still the previous day in UTC; 09:00 is already the next.
        let now = bj(1, 0);
        let t = task(bj(9, 0), bj(20, 0), TaskStatus::Open);
        assert_eq!(t.bucket(now, beijing()), Some(TaskBucket::Today));
        assert_eq!(
            t.bucket(now, FixedOffset::east_opt(0).unwrap()),
            Some(TaskBucket::Upcoming)
        );
    }

    #[test]
    fn a_new_task_needs_a_real_due_window_and_a_short_note() {
        let t = NewTask {
            id: Uuid::from_u128(1),
            customer_id: Uuid::from_u128(2),
            assignee: Uuid::from_u128(3),
            visit_type: VisitType::Complaint,
            planned_channel: Channel::Phone,
            priority: Priority::High,
            due_from: bj(9, 0),
            due_until: bj(18, 0),
            note: String::new(),
        };
        assert!(t.validate().is_ok());
        let field = |t: NewTask| t.validate().unwrap_err().field;
        assert_eq!(
            field(NewTask {
                due_until: bj(9, 0),
                ..t.clone()
            }),
            "due_until"
        );
        assert_eq!(
            field(NewTask {
                note: "长".repeat(MAX_TASK_NOTE + 1),
                ..t
            }),
            "note"
        );
    }

    #[test]
    fn quiet_hours_cover_early_morning_lunch_and_night() {
        let q = QuietHours::default();
        let table = [
            ((0, 0), true),
            ((8, 59), true),
            ((9, 0), false),
            ((11, 59), false),
            ((12, 0), true),
            ((13, 59), true),
            ((14, 0), false),
            ((20, 59), false),
            ((21, 0), true),
            ((23, 30), true),
        ];
        for ((h, m), quiet) in table {
            assert_eq!(q.is_quiet(bj(h, m), beijing()), quiet, "{h:02}:{m:02}");
        }
    }

    #[test]
    fn the_next_allowed_time_skips_to_the_end_of_the_quiet_window() {
        let q = QuietHours::default();
        let table = [
            (bj(10, 0), bj(10, 0)),
            (bj(12, 30), bj(14, 0)),
            (bj(7, 15), bj(9, 0)),
            (bj(22, 0), bj(9, 0) + Duration::days(1)),
        ];
        for (at, want) in table {
            assert_eq!(q.next_allowed(at, beijing()), want, "from {at}");
        }
        let always = QuietHours {
            windows: vec![QuietWindow {
                start: hm(0, 0),
                end: hm(0, 0),
            }],
        };
        assert_eq!(always.next_allowed(bj(10, 0), beijing()), bj(10, 0));
    }

    /// A reference for `next_allowed`, second by second: windows in these tests start and end on
    /// whole seconds, so whether a moment is quiet depends only on its second of the day.
    struct QuietDay {
        /// For each second of the local day, how many seconds until the first allowed second
        /// (`None`: the whole day is quiet).
        wait: Vec<Option<i64>>,
        all_quiet: bool,
    }

    const DAY_SECS: usize = 24 * 3600;

    impl QuietDay {
        fn new(q: &QuietHours) -> Self {
            let quiet: Vec<bool> = (0..DAY_SECS)
                .map(|s| {
                    let t = NaiveTime::from_num_seconds_from_midnight_opt(s as u32, 0).unwrap();
                    q.windows.iter().any(|w| w.contains(t))
                })
                .collect();
            let mut wait = vec![None; DAY_SECS];
            let mut next_free: Option<usize> = None;
            for s in (0..2 * DAY_SECS).rev() {
                if !quiet[s % DAY_SECS] {
                    next_free = Some(s);
                }
                if s < DAY_SECS {
                    wait[s] = next_free.map(|f| (f - s) as i64);
                }
            }
            let all_quiet = wait.iter().all(Option::is_none);
            QuietDay { wait, all_quiet }
        }

        fn expect(&self, at: DateTime<Utc>, offset: FixedOffset) -> DateTime<Utc> {
            let local = at.with_timezone(&offset).time();
            let sec = local.num_seconds_from_midnight() as usize;
            match self.wait[sec] {
                Some(0) | None => at,
                Some(w) => {
                    at + Duration::seconds(w) - Duration::nanoseconds(i64::from(local.nanosecond()))
                }
            }
        }
    }

    /// A small deterministic generator, so a failure can be replayed; the domain takes no
    /// randomness from outside.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, below: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % below
        }
    }

    fn hms(s: u64) -> NaiveTime {
        NaiveTime::from_num_seconds_from_midnight_opt(s as u32, 0).unwrap()
    }

    fn window(start: (u32, u32), end: (u32, u32)) -> QuietWindow {
        QuietWindow {
            start: hm(start.0, start.1),
            end: hm(end.0, end.1),
        }
    }

    fn offsets() -> Vec<FixedOffset> {
        [
            8 * 3600,
            0,
            -5 * 3600,
            5 * 3600 + 45 * 60,
            14 * 3600,
            -12 * 3600,
        ]
        .into_iter()
        .map(|secs| FixedOffset::east_opt(secs).unwrap())
        .collect()
    }

    fn shapes() -> Vec<(&'static str, QuietHours)> {
        let q = |windows| QuietHours { windows };
        vec![
            ("the default", QuietHours::default()),
            ("none", q(vec![])),
            ("over midnight", q(vec![window((22, 0), (7, 30))])),
            (
                "overlapping",
                q(vec![window((11, 0), (13, 0)), window((12, 30), (15, 0))]),
            ),
            (
                "back to back",
                q(vec![window((8, 0), (9, 0)), window((9, 0), (10, 0))]),
            ),
            (
                "nested",
                q(vec![window((10, 0), (16, 0)), window((11, 0), (12, 0))]),
            ),
            ("ends at midnight", q(vec![window((20, 0), (0, 0))])),
            ("the whole day", q(vec![window((0, 0), (0, 0))])),
            (
                "the whole day in two",
                q(vec![window((6, 0), (18, 0)), window((18, 0), (6, 0))]),
            ),
            (
                "all but a second",
                q(vec![QuietWindow {
                    start: hms(12 * 3600 + 1),
                    end: hms(12 * 3600),
                }]),
            ),
        ]
    }

    fn check(q: &QuietHours, day: &QuietDay, at: DateTime<Utc>, offset: FixedOffset, what: &str) {
        let got = q.next_allowed(at, offset);
        assert_eq!(got, day.expect(at, offset), "{what}: from {at} at {offset}");
        if !day.all_quiet {
            assert!(got >= at, "{what}: {got} before {at}");
            assert!(!q.is_quiet(got, offset), "{what}: {got} is quiet");
        }
    }

    #[test]
    fn next_allowed_is_the_first_allowed_moment_for_every_second_of_a_day() {
        for (what, q) in shapes() {
            let day = QuietDay::new(&q);
            for offset in [beijing(), FixedOffset::east_opt(-5 * 3600).unwrap()] {
                let midnight = chrono::TimeZone::with_ymd_and_hms(&offset, 2026, 11, 23, 0, 0, 0)
                    .unwrap()
                    .with_timezone(&Utc);
                for s in 0..DAY_SECS as i64 {
                    check(&q, &day, midnight + Duration::seconds(s), offset, what);
                }
            }
        }
    }

    #[test]
    fn next_allowed_holds_for_random_instants_windows_and_offsets_over_a_year() {
        let mut rng = Lcg(0x5eed_2026);
        let year_start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut cases: Vec<(String, QuietHours)> = shapes()
            .into_iter()
            .map(|(what, q)| (what.to_owned(), q))
            .collect();
        for i in 0..40 {
            let n = 1 + rng.next(4);
            let windows = (0..n)
                .map(|_| QuietWindow {
                    start: hms(rng.next(DAY_SECS as u64)),
                    end: hms(rng.next(DAY_SECS as u64)),
                })
                .collect();
            cases.push((format!("random set {i}"), QuietHours { windows }));
        }
        for (what, q) in &cases {
            let day = QuietDay::new(q);
            for offset in offsets() {
                for _ in 0..500 {
                    let at = year_start
                        + Duration::seconds(rng.next(365 * DAY_SECS as u64) as i64)
                        + Duration::nanoseconds(rng.next(1_000_000_000) as i64);
                    check(q, &day, at, offset, what);
                }
            }
        }
    }

    #[test]
    fn a_no_answer_with_seconds_left_in_the_morning_is_retried_after_lunch() {
        let at = bj(10, 10) + Duration::seconds(30);
        let next = next_attempt(
            Outcome::NoAnswer,
            1,
            at,
            None,
            &QuietHours::default(),
            beijing(),
        )
        .unwrap();
        assert_eq!(next.due_from, bj(14, 0));
        let early = bj(8, 4) + Duration::milliseconds(1);
        assert_eq!(
            QuietHours::default().next_allowed(early, beijing()),
            bj(9, 0)
        );
    }

    #[test]
    fn unreached_customers_get_a_next_attempt_outside_quiet_hours() {
        let q = QuietHours::default();
        let at = bj(10, 30);
        let next = |outcome, attempt, call_back| {
            next_attempt(outcome, attempt, at, call_back, &q, beijing())
                .map(|n| (n.attempt, n.due_from))
        };
        assert_eq!(next(Outcome::NoAnswer, 1, None), Some((2, bj(14, 0))));
        assert_eq!(next(Outcome::NoAnswer, 2, None), Some((3, bj(14, 0))));
        assert_eq!(next(Outcome::NoAnswer, MAX_ATTEMPTS, None), None);
        assert_eq!(
            next(Outcome::CallBack, 1, None),
            Some((2, bj(10, 30) + Duration::days(1)))
        );
        assert_eq!(
            next(Outcome::CallBack, 1, Some(bj(16, 0))),
            Some((2, bj(16, 0)))
        );
        assert_eq!(
            next(Outcome::CallBack, 1, Some(bj(21, 30))),
            Some((2, bj(9, 0) + Duration::days(1)))
        );
        assert_eq!(next(Outcome::Reached, 1, None), None);
        assert_eq!(next(Outcome::Refused, 1, None), None);
        assert_eq!(next(Outcome::WrongNumber, 1, None), None);
        let n = next_attempt(Outcome::NoAnswer, 1, at, None, &q, beijing()).unwrap();
        assert_eq!(n.channel, Channel::Phone);
        assert_eq!(n.due_until - n.due_from, RETRY_WINDOW);
    }
}
