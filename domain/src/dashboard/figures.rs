//! The tallies the server sums from its rollups, and every rate worked out from them.

use std::ops::AddAssign;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{SatisfactionFigures, VisitFigures};
use crate::period::Period;
use crate::risk::CsatDropWarning;
use crate::survey::{Answer, Answers, NpsGroup, QuestionKind, Survey, nps_group};

/// `part` as a percent of `whole`; `None` for an empty sample.
pub fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// The answer to the survey's first NPS (0–10 "would you recommend") question, if the survey
/// asks one and it was answered.
pub fn nps_answer(survey: &Survey, answers: &Answers) -> Option<u8> {
    let q = survey
        .questions
        .iter()
        .find(|q| q.kind == QuestionKind::Nps)?;
    match answers.get(&q.key) {
        Some(Answer::Number(n @ 0..=10)) => Some(*n),
        _ => None,
    }
}

/// Sums of scores and NPS answers; adding two tallies gives the tally of both sets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SatisfactionCounts {
    /// Scores 1..=5 (index 0 is score 1).
    pub scores: [u64; 5],
    pub nps_sample: u64,
    pub promoters: u64,
    pub detractors: u64,
}

impl SatisfactionCounts {
    /// Counts one visit's 1–5 score and its NPS answer (0–10), either may be missing.
    pub fn count(&mut self, score: Option<u8>, nps: Option<u8>) {
        if let Some(s @ 1..=5) = score {
            self.scores[usize::from(s) - 1] += 1;
        }
        if let Some(n @ 0..=10) = nps {
            self.nps_sample += 1;
            match nps_group(n) {
                NpsGroup::Promoter => self.promoters += 1,
                NpsGroup::Detractor => self.detractors += 1,
                NpsGroup::Passive => {}
            }
        }
    }

    pub fn sample(&self) -> u64 {
        self.scores.iter().sum()
    }

    pub fn score_sum(&self) -> u64 {
        self.scores.iter().zip(1..).map(|(n, s)| n * s).sum()
    }

    /// Average score 1–5.
    pub fn average(&self) -> Option<f64> {
        mean(self.score_sum(), self.sample())
    }

    /// CSAT: percent of scores 4–5.
    pub fn csat(&self) -> Option<f64> {
        percent(self.scores[3] + self.scores[4], self.sample())
    }

    /// NPS: percent promoters minus percent detractors.
    pub fn nps(&self) -> Option<f64> {
        let n = self.nps_sample;
        (n > 0).then(|| (self.promoters as f64 - self.detractors as f64) * 100.0 / n as f64)
    }

    pub fn figures(&self) -> SatisfactionFigures {
        SatisfactionFigures {
            sample: self.sample(),
            average: self.average(),
            csat: self.csat(),
            distribution: self.scores,
            nps_sample: self.nps_sample,
            promoters: self.promoters,
            detractors: self.detractors,
            nps: self.nps(),
        }
    }
}

impl AddAssign for SatisfactionCounts {
    fn add_assign(&mut self, o: Self) {
        for (a, b) in self.scores.iter_mut().zip(o.scores) {
            *a += b;
        }
        self.nps_sample += o.nps_sample;
        self.promoters += o.promoters;
        self.detractors += o.detractors;
    }
}

/// Tasks due in a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskCounts {
    pub planned: u64,
    pub done: u64,
    pub on_time: u64,
}

impl AddAssign for TaskCounts {
    fn add_assign(&mut self, o: Self) {
        self.planned += o.planned;
        self.done += o.done;
        self.on_time += o.on_time;
    }
}

/// Visits (attempts) made in a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitCounts {
    pub visits: u64,
    pub reached: u64,
    pub recorded_in_time: u64,
    pub reached_attempts: u64,
}

impl AddAssign for VisitCounts {
    fn add_assign(&mut self, o: Self) {
        self.visits += o.visits;
        self.reached += o.reached;
        self.recorded_in_time += o.recorded_in_time;
        self.reached_attempts += o.reached_attempts;
    }
}

impl VisitCounts {
    /// A visit is recorded in time when the record follows the contact by at most
    /// `within_minutes` (a record written before the contact ended counts as in time).
    pub fn recorded_in_time(
        contacted_at: DateTime<Utc>,
        recorded_at: DateTime<Utc>,
        within_minutes: u32,
    ) -> bool {
        recorded_at - contacted_at <= Duration::minutes(i64::from(within_minutes))
    }

    pub fn figures(&self, tasks: TaskCounts) -> VisitFigures {
        VisitFigures {
            planned: tasks.planned,
            done: tasks.done,
            done_rate: percent(tasks.done, tasks.planned),
            on_time: tasks.on_time,
            on_time_rate: percent(tasks.on_time, tasks.done),
            visits: self.visits,
            reached: self.reached,
            reached_rate: percent(self.reached, self.visits),
            recorded_in_time: self.recorded_in_time,
            recorded_in_time_rate: percent(self.recorded_in_time, self.visits),
            reached_attempts: self.reached_attempts,
            attempts_per_reached: attempts_per_reached(self.reached_attempts, self.reached),
        }
    }
}

/// Attempts per reached customer: each reaching visit carries its attempt number (the 3rd
/// try counts 3), so the sum over the reaching visits divided by their number is the mean
/// number of tries it took to reach a customer.
pub fn attempts_per_reached(reached_attempts: u64, reached: u64) -> Option<f64> {
    mean(reached_attempts, reached)
}

/// `sum / n`; `None` for an empty sample (an agent's average score from its score sum).
pub fn mean(sum: u64, n: u64) -> Option<f64> {
    (n > 0).then(|| sum as f64 / n as f64)
}

/// Percent of revisits answered unsatisfied (each reopened its ticket).
pub fn reopen_rate(reopened: u64, revisited: u64) -> Option<f64> {
    percent(reopened, revisited)
}

/// Where an open ticket's age falls in the backlog chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeBucket {
    Under1d,
    D1To3,
    D3To7,
    Over7d,
}

/// The bucket of a ticket opened at `created_at`, seen at `now`. Bounds belong to the
/// older bucket: exactly one day old is "1–3 days".
pub fn age_bucket(created_at: DateTime<Utc>, now: DateTime<Utc>) -> AgeBucket {
    let age = now - created_at;
    if age < Duration::days(1) {
        AgeBucket::Under1d
    } else if age < Duration::days(3) {
        AgeBucket::D1To3
    } else if age <= Duration::days(7) {
        AgeBucket::D3To7
    } else {
        AgeBucket::Over7d
    }
}

/// Fewer scores than this in either week say nothing about a drop: one unhappy customer in
/// a quiet week is not a trend.
pub const CSAT_DROP_MIN_SAMPLE: u64 = 5;

/// 风险预警, CSAT half: this week's CSAT fell more than `limit_points` percentage points
/// below last week's. `this_week` is the week so far (it names `week`).
pub fn csat_drop(
    week: Period,
    this_week: &SatisfactionCounts,
    last_week: &SatisfactionCounts,
    limit_points: f64,
) -> Option<CsatDropWarning> {
    let (now, before) = (this_week.sample(), last_week.sample());
    if now < CSAT_DROP_MIN_SAMPLE || before < CSAT_DROP_MIN_SAMPLE {
        return None;
    }
    let (csat, previous_csat) = (this_week.csat()?, last_week.csat()?);
    (previous_csat - csat > limit_points).then_some(CsatDropWarning {
        week,
        csat,
        previous_csat,
        sample: now,
        previous_sample: before,
        limit_points,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};

    use super::*;
    use crate::period::PeriodKind;

    fn counts(scores: [u64; 5]) -> SatisfactionCounts {
        SatisfactionCounts {
            scores,
            ..SatisfactionCounts::default()
        }
    }

    #[test]
    fn nps_answer_reads_the_nps_question() {
        use crate::survey::Question;
        let question = |key: &str, kind| Question {
            key: key.into(),
            text: key.into(),
            kind,
            required: false,
            show_if: None,
        };
        let survey = |questions| Survey {
            id: uuid::Uuid::nil(),
            version: 1,
            title: "t".into(),
            visit_type: None,
            questions,
            retired: false,
        };
        let with_nps = survey(vec![
            question("overall", QuestionKind::Stars),
            question("recommend", QuestionKind::Nps),
        ]);
        let without = survey(vec![question("overall", QuestionKind::Stars)]);
        let answers = |pairs: &[(&str, u8)]| -> Answers {
            pairs
                .iter()
                .map(|(k, n)| (k.to_string(), Answer::Number(*n)))
                .collect()
        };
        assert_eq!(
            nps_answer(&with_nps, &answers(&[("overall", 4), ("recommend", 9)])),
            Some(9)
        );
        assert_eq!(
            nps_answer(&with_nps, &answers(&[("recommend", 0)])),
            Some(0)
        );
        assert_eq!(nps_answer(&with_nps, &answers(&[("overall", 4)])), None);
        assert_eq!(
            nps_answer(&without, &answers(&[("overall", 4), ("recommend", 9)])),
            None
        );
    }

    #[test]
    fn percent_of_nothing_is_no_rate() {
        assert_eq!(percent(0, 0), None);
        assert_eq!(percent(1, 4), Some(25.0));
        assert_eq!(percent(3, 3), Some(100.0));
    }

    #[test]
    fn average_and_csat_from_scores() {
        let table: &[([u64; 5], Option<f64>, Option<f64>)] = &[
            ([0; 5], None, None),
            ([0, 0, 0, 0, 1], Some(5.0), Some(100.0)),
            // 1 + 2 + 3 + 4 + 4 + 5 + 5 + 5 = 29 over 8; 5 of 8 are 4–5.
            ([1, 1, 1, 2, 3], Some(29.0 / 8.0), Some(62.5)),
            ([4, 0, 0, 0, 0], Some(1.0), Some(0.0)),
        ];
        for (scores, average, csat) in table {
            let c = counts(*scores);
            assert_eq!(c.average(), *average, "{scores:?}");
            assert_eq!(c.csat(), *csat, "{scores:?}");
        }
    }

    #[test]
    fn nps_counts_promoters_and_detractors_only() {
        let table: &[(&[u8], Option<f64>)] = &[
            (&[], None),
            (&[10, 9, 8, 7], Some(50.0)),
            (&[0, 6, 9, 10], Some(0.0)),
            (&[0, 1, 2, 3, 7], Some(-80.0)),
            (&[10], Some(100.0)),
        ];
        for (answers, nps) in table {
            let mut c = SatisfactionCounts::default();
            for a in *answers {
                c.count(None, Some(*a));
            }
            assert_eq!(c.nps(), *nps, "{answers:?}");
            assert_eq!(c.nps_sample, answers.len() as u64);
        }
    }

    #[test]
    fn counting_ignores_out_of_scale_answers_and_tallies_add_up() {
        let mut a = SatisfactionCounts::default();
        a.count(Some(0), Some(11));
        a.count(Some(6), None);
        assert_eq!(a, SatisfactionCounts::default());
        a.count(Some(4), Some(9));
        let mut b = SatisfactionCounts::default();
        b.count(Some(2), Some(3));
        b += a;
        assert_eq!(b.scores, [0, 1, 0, 1, 0]);
        assert_eq!((b.nps_sample, b.promoters, b.detractors), (2, 1, 1));
        assert_eq!(b.figures().average, Some(3.0));
        assert_eq!(b.figures().csat, Some(50.0));
    }

    #[test]
    fn visit_figures() {
        let tasks = TaskCounts {
            planned: 8,
            done: 6,
            on_time: 3,
        };
        let visits = VisitCounts {
            visits: 10,
            reached: 4,
            recorded_in_time: 9,
            // Reached on the 1st, 1st, 2nd and 4th attempt.
            reached_attempts: 8,
        };
        let f = visits.figures(tasks);
        assert_eq!(f.done_rate, Some(75.0));
        assert_eq!(f.on_time_rate, Some(50.0));
        assert_eq!(f.reached_rate, Some(40.0));
        assert_eq!(f.recorded_in_time_rate, Some(90.0));
        assert_eq!(f.attempts_per_reached, Some(2.0));
        let empty = VisitCounts::default().figures(TaskCounts::default());
        assert_eq!(
            (
                empty.done_rate,
                empty.on_time_rate,
                empty.reached_rate,
                empty.recorded_in_time_rate,
                empty.attempts_per_reached
            ),
            (None, None, None, None, None)
        );
    }

    #[test]
    fn recorded_in_time_is_measured_from_the_contact() {
        let at = Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap();
        let table = [
            (0, 30, true),
            (30, 30, true),
            (31, 30, false),
            (-5, 30, true),
            (11, 10, false),
        ];
        for (after, within, expected) in table {
            let recorded = at + Duration::minutes(after);
            assert_eq!(
                VisitCounts::recorded_in_time(at, recorded, within),
                expected,
                "{after} min after, within {within}"
            );
        }
    }

    #[test]
    fn mean_of_nothing_is_none() {
        assert_eq!(mean(0, 0), None);
        assert_eq!(mean(9, 2), Some(4.5));
    }

    #[test]
    fn reopen_rate_of_revisits() {
        assert_eq!(reopen_rate(0, 0), None);
        assert_eq!(reopen_rate(1, 4), Some(25.0));
        assert_eq!(reopen_rate(0, 3), Some(0.0));
    }

    #[test]
    fn backlog_age_buckets() {
        let now = Utc.with_ymd_and_hms(2026, 12, 10, 12, 0, 0).unwrap();
        let table = [
            (Duration::minutes(5), AgeBucket::Under1d),
            (Duration::hours(23), AgeBucket::Under1d),
            (Duration::days(1), AgeBucket::D1To3),
            (Duration::hours(71), AgeBucket::D1To3),
            (Duration::days(3), AgeBucket::D3To7),
            (Duration::days(7), AgeBucket::D3To7),
            (Duration::days(7) + Duration::minutes(1), AgeBucket::Over7d),
            (Duration::days(40), AgeBucket::Over7d),
        ];
        for (age, bucket) in table {
            assert_eq!(age_bucket(now - age, now), bucket, "{age}");
        }
    }

    #[test]
    fn csat_drop_needs_a_drop_beyond_the_limit_on_enough_scores() {
        let week = Period::containing(
            PeriodKind::Week,
            NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        );
        // CSAT 80 % (8 of 10) last week.
        let last = counts([1, 0, 1, 4, 4]);
        type Case = (
            &'static str,
            [u64; 5],
            SatisfactionCounts,
            f64,
            Option<(f64, f64)>,
        );
        let table: &[Case] = &[
            (
                "60 % is 20 points down",
                [2, 0, 2, 3, 3],
                last,
                10.0,
                Some((60.0, 80.0)),
            ),
            ("exactly the limit", [1, 0, 2, 4, 3], last, 10.0, None),
            ("a rise", [0, 0, 0, 5, 5], last, 10.0, None),
            (
                "too few scores this week",
                [4, 0, 0, 0, 0],
                last,
                10.0,
                None,
            ),
            (
                "too few scores last week",
                [5, 0, 0, 0, 0],
                counts([0, 0, 0, 0, 4]),
                10.0,
                None,
            ),
            (
                "nothing last week",
                [5, 0, 0, 0, 0],
                counts([0; 5]),
                10.0,
                None,
            ),
            (
                "just enough scores",
                [5, 0, 0, 0, 0],
                counts([0, 0, 0, 0, 5]),
                10.0,
                Some((0.0, 100.0)),
            ),
        ];
        for (name, this, before, limit, expected) in table {
            let got = csat_drop(week, &counts(*this), before, *limit);
            assert_eq!(
                got.as_ref().map(|w| (w.csat, w.previous_csat)),
                *expected,
                "{name}"
            );
            if let Some(w) = got {
                assert_eq!(w.week, week);
                assert_eq!(w.sample, counts(*this).sample());
                assert_eq!(w.previous_sample, before.sample());
                assert_eq!(w.limit_points, *limit);
            }
        }
    }
}
