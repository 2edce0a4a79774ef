//! The pure rules behind the field-visit screens: task lists, the visit timer, signature
//! geometry and how a place reads. Plain functions, tested natively.

use chrono::{DateTime, FixedOffset, Utc};
use huifang_domain::proof::Place;
use huifang_domain::task::{TaskBucket, VisitTask};

/// The organisation's offset from the settings; UTC+8 (the users' own) until the first pull.
pub fn offset(minutes: Option<i32>) -> FixedOffset {
    FixedOffset::east_opt(minutes.unwrap_or(480) * 60)
        .or_else(|| FixedOffset::east_opt(0))
        .expect("UTC is a valid offset")
}

/// How many open tasks each tab holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BucketCounts {
    pub today: usize,
    pub overdue: usize,
    pub upcoming: usize,
}

impl BucketCounts {
    pub fn of(tasks: &[VisitTask], now: DateTime<Utc>, offset: FixedOffset) -> Self {
        let mut c = BucketCounts::default();
        for t in tasks {
            match t.bucket(now, offset) {
                Some(TaskBucket::Today) => c.today += 1,
                Some(TaskBucket::Overdue) => c.overdue += 1,
                Some(TaskBucket::Upcoming) => c.upcoming += 1,
                None => {}
            }
        }
        c
    }

    pub fn get(&self, bucket: TaskBucket) -> usize {
        match bucket {
            TaskBucket::Today => self.today,
            TaskBucket::Overdue => self.overdue,
            TaskBucket::Upcoming => self.upcoming,
        }
    }
}

/// The tasks of one tab, high priority first, then by deadline.
pub fn in_bucket(
    tasks: &[VisitTask],
    bucket: TaskBucket,
    now: DateTime<Utc>,
    offset: FixedOffset,
) -> Vec<VisitTask> {
    let mut list: Vec<VisitTask> = tasks
        .iter()
        .filter(|t| t.bucket(now, offset) == Some(bucket))
        .cloned()
        .collect();
    crate::sorting::sort_by_key(&mut list, |t| (t.priority, t.due_until));
    list
}

/// `mm:ss` for the visit timer; an hour or more reads `h:mm:ss`.
pub fn mmss(secs: u32) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// Minutes since a finished contact, once it is later than the record was due.
pub fn overdue_record(
    finished_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    within_minutes: u32,
) -> Option<i64> {
    let minutes = (now - finished_at?).num_minutes();
    (minutes >= i64::from(within_minutes)).then_some(minutes)
}

/// The signature box every pad is scaled into: 5:2 like the pad on screen.
pub const PAD_W: u16 = 1000;
pub const PAD_H: u16 = 400;

/// A pointer position inside a `w × h` pixel pad, as integer signature units (clamped to
/// the box, so a stroke that leaves the pad stays on its edge).
pub fn scale_point(x: f64, y: f64, w: f64, h: f64) -> [u16; 2] {
    let unit = |v: f64, size: f64, max: u16| {
        if size <= 0.0 {
            return 0;
        }
        (v / size * f64::from(max))
            .round()
            .clamp(0.0, f64::from(max)) as u16
    };
    [unit(x, w, PAD_W), unit(y, h, PAD_H)]
}

/// Adds a point unless it repeats the last one: a still pen sends many equal events and the
/// record has a point budget.
pub fn push_point(stroke: &mut Vec<[u16; 2]>, p: [u16; 2]) {
    if stroke.last() != Some(&p) {
        stroke.push(p);
    }
}

/// The `points` attribute of an SVG polyline for one stroke.
pub fn polyline(stroke: &[[u16; 2]]) -> String {
    stroke
        .iter()
        .map(|[x, y]| format!("{x},{y}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `31.2304, 121.4737 (±15 m)`: four decimals is about 10 m, as exact as a phone fix.
pub fn fix_text(place: &Place) -> Option<String> {
    match place {
        Place::Fix {
            lat_e6,
            lon_e6,
            accuracy_m,
            ..
        } => Some(format!(
            "{}, {} (±{accuracy_m} m)",
            degrees(*lat_e6),
            degrees(*lon_e6)
        )),
        _ => None,
    }
}

/// Micro-degrees as degrees with four decimals, rounded half away from zero. In integers:
/// formatting an `f64` would bring the float formatter (about 13 KB of wasm) for this text.
fn degrees(e6: i32) -> String {
    let units = (i64::from(e6).abs() + 50) / 100;
    let sign = if e6 < 0 && units > 0 { "-" } else { "" };
    format!("{sign}{}.{:04}", units / 10_000, units % 10_000)
}

/// A browser position as the record's micro-degrees.
pub fn place_from(lat: f64, lon: f64, accuracy: f64, at: DateTime<Utc>) -> Place {
    Place::Fix {
        lat_e6: (lat * 1e6).round() as i32,
        lon_e6: (lon * 1e6).round() as i32,
        accuracy_m: accuracy.max(0.0).round() as u32,
        at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use huifang_domain::task::{Priority, TaskSource, TaskStatus};
    use huifang_domain::{Channel, VisitType};
    use uuid::Uuid;

    fn now() -> DateTime<Utc> {
        // 18:00 in UTC+8.
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
    }

    fn task(n: u128, from_h: i64, until_h: i64, priority: Priority) -> VisitTask {
        VisitTask {
            id: Uuid::from_u128(n),
            customer_id: Uuid::from_u128(99),
            assignee: Uuid::from_u128(1),
            visit_type: VisitType::Repair,
            planned_channel: Channel::OnSite,
            priority,
            due_from: now() + Duration::hours(from_h),
            due_until: now() + Duration::hours(until_h),
            attempt: 1,
            source: TaskSource::Plan,
            status: TaskStatus::Open,
            note: String::new(),
            retry_reason: None,
            version: 1,
        }
    }

    #[test]
    fn tasks_fall_into_today_overdue_and_upcoming_in_local_time() {
        let tasks = vec![
            task(1, -30, -2, Priority::Normal),
            task(2, -1, 3, Priority::Low),
            task(3, -1, 4, Priority::High),
            // 05:00 tomorrow in UTC+8, but still "today" in UTC.
            task(4, 11, 20, Priority::Normal),
            VisitTask {
                status: TaskStatus::Done,
                ..task(5, -1, 3, Priority::Normal)
            },
        ];
        let cst = offset(Some(480));
        let c = BucketCounts::of(&tasks, now(), cst);
        assert_eq!((c.today, c.overdue, c.upcoming), (2, 1, 1));
        assert_eq!(c.get(TaskBucket::Upcoming), 1);
        let utc = BucketCounts::of(&tasks, now(), offset(Some(0)));
        assert_eq!((utc.today, utc.upcoming), (3, 0));
        let today: Vec<u128> = in_bucket(&tasks, TaskBucket::Today, now(), cst)
            .iter()
            .map(|t| t.id.as_u128())
            .collect();
        assert_eq!(today, vec![3, 2]);
        assert_eq!(offset(None), cst);
    }

    #[test]
    fn the_timer_reads_minutes_and_seconds() {
        assert_eq!(mmss(0), "00:00");
        assert_eq!(mmss(65), "01:05");
        assert_eq!(mmss(599), "09:59");
        assert_eq!(mmss(3725), "1:02:05");
    }

    #[test]
    fn a_finished_contact_must_be_recorded_in_time() {
        let done = now() - Duration::minutes(11);
        assert_eq!(overdue_record(Some(done), now(), 10), Some(11));
        assert_eq!(overdue_record(Some(done), now(), 15), None);
        assert_eq!(overdue_record(None, now(), 10), None);
    }

    #[test]
    fn pad_points_scale_into_the_signature_box_as_integers() {
        assert_eq!(scale_point(0.0, 0.0, 500.0, 200.0), [0, 0]);
        assert_eq!(scale_point(250.0, 100.0, 500.0, 200.0), [500, 200]);
        assert_eq!(scale_point(500.0, 200.0, 500.0, 200.0), [PAD_W, PAD_H]);
        assert_eq!(scale_point(-5.0, 900.0, 500.0, 200.0), [0, PAD_H]);
        assert_eq!(scale_point(1.26, 1.0, 500.0, 200.0), [3, 2]);
        assert_eq!(scale_point(10.0, 10.0, 0.0, 0.0), [0, 0]);
        let mut s = vec![];
        for p in [[1, 1], [1, 1], [2, 1], [2, 1]] {
            push_point(&mut s, p);
        }
        assert_eq!(s, vec![[1, 1], [2, 1]]);
        assert_eq!(polyline(&s), "1,1 2,1");
    }

    #[test]
    fn a_fix_reads_as_degrees_with_its_accuracy() {
        let p = place_from(31.230_416, 121.473_701, 15.4, now());
        assert!(matches!(
            p,
            Place::Fix {
                lat_e6: 31_230_416,
                lon_e6: 121_473_701,
                accuracy_m: 15,
                ..
            }
        ));
        assert_eq!(fix_text(&p).unwrap(), "31.2304, 121.4737 (±15 m)");
        assert_eq!(fix_text(&Place::Denied), None);
    }

    #[test]
    fn degrees_round_to_four_decimals_on_both_sides_of_zero() {
        for (e6, text) in [
            (31_230_450, "31.2305"),
            (31_230_449, "31.2304"),
            (-33_868_820, "-33.8688"),
            (-70, "-0.0001"),
            (-40, "0.0000"),
            (0, "0.0000"),
            (180_000_000, "180.0000"),
        ] {
            assert_eq!(degrees(e6), text, "{e6}");
        }
    }
}
