//! One simulated day of a centre at a time: the tasks due, the visits that carry them out or
//! are made unplanned, the tickets reported, and each ticket's next step (assigned, started,
//! waiting on the customer, resolved, reviewed, reopened by its revisit) at its own moment,
//! every one a mutation pushed from the user's device at that moment.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use chrono::{DateTime, Duration, Utc};
use huifang_domain::devices::DeviceReport;
use huifang_domain::proof::{Place, Signature};
use huifang_domain::script::{Audience, ScriptUse};
use huifang_domain::survey::{Answer, SurveyResponse};
use huifang_domain::task::{NewTask, Priority, TaskSource};
use huifang_domain::{
    Channel, Demand, Emotion, Mutation, Outcome, PushRequest, Role, User, VisitRecord, VisitType,
};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rusqlite::Transaction;
use serde_json::{Value, json};
use uuid::Uuid;

use super::content;
use crate::error::{AppError, Result};
use crate::service;
use crate::store::Catalog;

/// Planned tasks per visit of the next day: most visits are unplanned or retries.
const PLANNED_SHARE: f64 = 0.2;
/// Tasks nobody gets to (per hundred, by id), so the open lists are never empty.
const FORGOTTEN_PERCENT: u128 = 3;
/// Visits a supervisor reads and signs off each evening (per hundred of the day's).
const REVIEWED_PERCENT: f64 = 4.0;

/// A user with their one device, which numbers its mutations.
pub struct Actor {
    pub user: User,
    device: Uuid,
    seq: u64,
}

impl Actor {
    pub fn new(user: User, rng: &mut StdRng) -> Actor {
        Actor {
            user,
            device: id(rng),
            seq: 0,
        }
    }
}

fn id(rng: &mut StdRng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

fn minutes(rng: &mut StdRng, from: i64, to: i64) -> Duration {
    Duration::seconds(rng.random_range(from * 60..to * 60))
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub visits: u64,
    pub tickets: u64,
    pub mutations: u64,
    pub rejected: u64,
}

/// The next thing that happens to a ticket; ordered only to break ties in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Assign,
    Start,
    Wait,
    Resume,
    Resolve,
    Review,
}

/// What the generator decided about a ticket when it was reported.
struct TicketPlan {
    id: Uuid,
    reporter: usize,
    assignee: Option<usize>,
    /// The step it never gets past (a ticket forgotten in a queue), if any.
    stalls_at: Option<Step>,
    waits: bool,
    late: bool,
    /// Holds a resolution a supervisor can review (not reopened since).
    reviewable: bool,
}

/// A task due today, as the daily list shows it to its assignee.
struct DueTask {
    id: Uuid,
    customer: Uuid,
    visit_type: VisitType,
    channel: Channel,
    attempt: u8,
    ticket: Option<Uuid>,
}

enum Event {
    Visit {
        worker: usize,
        task: Option<DueTask>,
    },
    Report {
        reporter: usize,
    },
    Plan {
        tasks: u64,
    },
    ReviewVisits,
}

pub struct Centre {
    rng: StdRng,
    workers: Vec<Actor>,
    supervisors: Vec<Actor>,
    worker_of: HashMap<Uuid, usize>,
    customers: Vec<Uuid>,
    catalog: Option<Catalog>,
    tickets: Vec<TicketPlan>,
    ticket_of: HashMap<Uuid, usize>,
    steps: BinaryHeap<Reverse<(DateTime<Utc>, Step, usize)>>,
    todays_visits: Vec<Uuid>,
    pub counts: Counts,
}

impl Centre {
    pub fn new(
        rng: StdRng,
        workers: Vec<Actor>,
        supervisors: Vec<Actor>,
        customers: Vec<Uuid>,
        catalog: Option<Catalog>,
    ) -> Centre {
        let worker_of = workers
            .iter()
            .enumerate()
            .map(|(i, a)| (a.user.id, i))
            .collect();
        Centre {
            rng,
            workers,
            supervisors,
            worker_of,
            customers,
            catalog,
            tickets: Vec::new(),
            ticket_of: HashMap::new(),
            steps: BinaryHeap::new(),
            todays_visits: Vec::new(),
            counts: Counts::default(),
        }
    }

    /// The day starting at local midnight `day`: `visits` visits, `reports` tickets reported,
    /// the evening's plan for tomorrow (`tomorrow` visits expected) and sign-offs, and every
    /// ticket step due before the next midnight.
    pub fn run_day(
        &mut self,
        tx: &Transaction,
        day: DateTime<Utc>,
        visits: u64,
        reports: u64,
        tomorrow: u64,
    ) -> Result<()> {
        let mut due = self.due_tasks(tx, day + Duration::hours(18))?;
        let mut per_worker = vec![0u32; self.workers.len()];
        for _ in 0..visits {
            per_worker[self.rng.random_range(0..self.workers.len())] += 1;
        }
        let mut events = Vec::new();
        for (worker, n) in per_worker.into_iter().enumerate() {
            let mut times: Vec<DateTime<Utc>> = (0..n)
                .map(|_| day + minutes(&mut self.rng, 9 * 60, 18 * 60))
                .collect();
            times.sort();
            let mut tasks = std::mem::take(&mut due[worker]).into_iter();
            for at in times {
                let task = tasks.next();
                events.push((at, Event::Visit { worker, task }));
            }
        }
        for _ in 0..reports {
            let at = day + minutes(&mut self.rng, 8 * 60 + 30, 20 * 60);
            let reporter = self.rng.random_range(0..self.workers.len());
            events.push((at, Event::Report { reporter }));
        }
        let planned = (tomorrow as f64 * PLANNED_SHARE).round() as u64;
        events.push((day + Duration::hours(17), Event::Plan { tasks: planned }));
        events.push((day + Duration::minutes(17 * 60 + 30), Event::ReviewVisits));
        events.sort_by_key(|(at, _)| *at);
        self.todays_visits.clear();
        for (at, event) in events {
            self.steps_until(tx, at)?;
            match event {
                Event::Visit { worker, task } => self.visit(tx, worker, task, at)?,
                Event::Report { reporter } => self.report(tx, reporter, at)?,
                Event::Plan { tasks } => self.plan(tx, tasks, day + Duration::days(1), at)?,
                Event::ReviewVisits => self.review_visits(tx, at)?,
            }
        }
        self.steps_until(tx, day + Duration::days(1))
    }

    /// The open tasks due to start before `by`, by assignee, oldest first, less the ones
    /// nobody will ever get to.
    fn due_tasks(&self, tx: &Transaction, by: DateTime<Utc>) -> Result<Vec<Vec<DueTask>>> {
        let mut due: Vec<Vec<DueTask>> = self.workers.iter().map(|_| Vec::new()).collect();
        let mut stmt = tx.prepare_cached(
            "SELECT id, customer_id, assignee, visit_type, planned_channel, attempt, source
             FROM tasks WHERE status = 'open' AND due_from < ?1 ORDER BY due_from",
        )?;
        let mut rows = stmt.query([crate::store::ts(by)])?;
        while let Some(row) = rows.next()? {
            let text = |i: usize| row.get::<_, String>(i);
            let uuid = |s: String| {
                Uuid::parse_str(&s).map_err(|e| AppError::Internal(format!("bad task id: {e}")))
            };
            let id = uuid(text(0)?)?;
            let Some(&worker) = self.worker_of.get(&uuid(text(2)?)?) else {
                continue;
            };
            if id.as_u128() % 100 < FORGOTTEN_PERCENT {
                continue;
            }
            let source: TaskSource = serde_json::from_str(&text(6)?)
                .map_err(|e| AppError::Internal(format!("bad task source: {e}")))?;
            due[worker].push(DueTask {
                id,
                customer: uuid(text(1)?)?,
                visit_type: VisitType::parse(&text(3)?).unwrap_or(VisitType::Satisfaction),
                channel: Channel::parse(&text(4)?).unwrap_or(Channel::Phone),
                attempt: u8::try_from(row.get::<_, i64>(5)?).unwrap_or(1),
                ticket: match source {
                    TaskSource::Ticket { ticket_id } => Some(ticket_id),
                    _ => None,
                },
            });
        }
        Ok(due)
    }

    /// Pushes one mutation from `actor`'s device, `lag` after the change was made.
    fn push(
        &mut self,
        tx: &Transaction,
        actor: Who,
        (kind, id, at): (&str, Uuid, DateTime<Utc>),
        data: Value,
    ) -> Result<()> {
        let lag = minutes(&mut self.rng, 0, 3);
        let actor = match actor {
            Who::Worker(i) => &mut self.workers[i],
            Who::Supervisor(i) => &mut self.supervisors[i],
        };
        actor.seq += 1;
        let req = PushRequest {
            device_id: actor.device,
            mutations: vec![Mutation {
                seq: actor.seq,
                id,
                kind: kind.to_owned(),
                at,
                data,
            }],
        };
        let answer =
            service::sync::push(tx, &actor.user, &req, &DeviceReport::default(), at + lag)?;
        self.counts.mutations += 1;
        self.counts.rejected += answer.rejected.len() as u64;
        if let Some(r) = answer.rejected.first() {
            tracing::warn!(kind, code = %r.code, message = %r.message, "seed mutation rejected");
        }
        Ok(())
    }

    fn visit(
        &mut self,
        tx: &Transaction,
        worker: usize,
        task: Option<DueTask>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let rng = &mut self.rng;
        let field = self.workers[worker].user.role == Role::Field;
        let (customer, visit_type, attempt, ticket) = match &task {
            Some(t) => (t.customer, t.visit_type, t.attempt, t.ticket),
            None => (
                *self.customers.choose(rng).expect("customers"),
                *VisitType::ALL.choose(rng).expect("visit types"),
                1,
                None,
            ),
        };
        let planned = task.as_ref().map_or(Channel::OnSite, |t| t.channel);
        let channel = if field && planned == Channel::OnSite {
            Channel::OnSite
        } else {
            match rng.random_range(0..20) {
                0 => Channel::Chat,
                1 => Channel::Sms,
                _ => Channel::Phone,
            }
        };
        let on_site = channel == Channel::OnSite;
        let outcome = match (ticket.is_some(), rng.random_range(0..100)) {
            (true, 0..90) | (false, 0..78) => Outcome::Reached,
            (false, 78..82) => Outcome::CallBack,
            (false, 82..85) => Outcome::Refused,
            (false, 85..88) if !on_site => Outcome::WrongNumber,
            _ => Outcome::NoAnswer,
        };
        let reached = outcome == Outcome::Reached;
        let mut record = VisitRecord::new(customer, channel, visit_type, outcome, at);
        record.attempt = attempt;
        record.task_id = task.as_ref().map(|t| t.id);
        record.duration_secs = Some(if reached {
            rng.random_range(120..900)
        } else {
            rng.random_range(10..60)
        });
        if outcome == Outcome::CallBack {
            record.call_back_at = Some(at + Duration::hours(26));
        }
        if reached {
            let satisfaction = match (ticket.is_some(), rng.random_range(0..100)) {
                (true, 0..85) => 5,
                (true, _) => 2,
                (false, 0..45) => 5,
                (false, 45..75) => 4,
                (false, 75..87) => 3,
                (false, 87..95) => 2,
                _ => 1,
            };
            record.satisfaction = Some(satisfaction);
            record.emotion = Some(match satisfaction {
                5 | 4 => Emotion::Satisfied,
                3 => Emotion::Neutral,
                2 => Emotion::Unsatisfied,
                _ => *[Emotion::Angry, Emotion::Agitated]
                    .choose(rng)
                    .expect("emotions"),
            });
            record.verbatim = content::verbatim(rng, satisfaction);
            record.demand = Some(match satisfaction {
                1 => Demand::Compensation,
                2 => *[Demand::Apology, Demand::Exchange, Demand::Explanation]
                    .choose(rng)
                    .expect("demands"),
                _ => Demand::None,
            });
            if satisfaction <= 2 {
                record.follow_up = "3 日内回电说明处理进展".to_owned();
                record.escalate = satisfaction == 1 && rng.random_bool(0.1);
            }
            if let Some(catalog) = &self.catalog
                && visit_type == VisitType::Satisfaction
                && !on_site
            {
                let script = &catalog.scripts[2];
                record.script = Some(ScriptUse {
                    script_id: script.id,
                    version: script.version,
                    audience: Audience::Standard,
                    steps_done: ["opening", "identity", "survey", "closing"]
                        .map(str::to_owned)
                        .to_vec(),
                });
                let mut answers = vec![
                    ("overall", Answer::Number(satisfaction)),
                    ("resolved", Answer::YesNo(satisfaction >= 3)),
                    ("nps", Answer::Number(satisfaction * 2)),
                    ("mood", Answer::Number(3)),
                    ("contact_by", Answer::Choices(vec!["微信".to_owned()])),
                ];
                // The survey asks what went wrong after a low score.
                if satisfaction <= 2 {
                    let wrong = Answer::Choices(vec!["问题没有解决".to_owned()]);
                    answers.push(("what_went_wrong", wrong));
                }
                record.survey = Some(SurveyResponse {
                    survey_id: catalog.satisfaction.id,
                    version: catalog.satisfaction.version,
                    answers: answers
                        .into_iter()
                        .map(|(k, a)| (k.to_owned(), a))
                        .collect(),
                });
            }
        }
        if on_site {
            record.place = Some(Place::Fix {
                lat_e6: 31_000_000 + rng.random_range(0..500_000),
                lon_e6: 121_200_000 + rng.random_range(0..500_000),
                accuracy_m: rng.random_range(5..60),
                at,
            });
            if reached {
                record.signature = Some(Signature {
                    width: 600,
                    height: 200,
                    strokes: vec![(0..24).map(|i| [40 + i * 10, 60 + (i % 7) * 15]).collect()],
                });
            }
        }
        let visit = id(rng);
        let unsatisfied = ticket.is_some() && reached && record.satisfaction < Some(4);
        let data = serde_json::to_value(&record)
            .map_err(|e| AppError::Internal(format!("serialise a visit: {e}")))?;
        let recorded = at + Duration::seconds(i64::from(record.duration_secs.unwrap_or(60)));
        self.push(
            tx,
            Who::Worker(worker),
            ("visit.record", visit, recorded),
            data,
        )?;
        self.counts.visits += 1;
        self.todays_visits.push(visit);
        // An unsatisfied revisit reopens the ticket: its assignee resolves it again.
        if unsatisfied && let Some(&t) = ticket.as_ref().and_then(|t| self.ticket_of.get(t)) {
            self.tickets[t].reviewable = false;
            let again = recorded + minutes(&mut self.rng, 4 * 60, 48 * 60);
            self.steps.push(Reverse((again, Step::Resolve, t)));
        }
        Ok(())
    }

    /// A ticket reported by `reporter`: mostly about a registered customer, sub-problems
    /// skewed, some angry, a few urgent (injury or property loss).
    fn report(&mut self, tx: &Transaction, reporter: usize, at: DateTime<Utc>) -> Result<()> {
        let rng = &mut self.rng;
        let (nature, sub_problem, _) = *content::SUB_PROBLEMS
            .choose_weighted(rng, |(_, _, w)| *w)
            .map_err(|e| AppError::Internal(format!("sub-problem weights: {e}")))?;
        let channel = if self.workers[reporter].user.role == Role::Field {
            "visit"
        } else {
            *[
                "hotline",
                "hotline",
                "hotline",
                "app",
                "app",
                "shop",
                "survey",
                "social_media",
            ]
            .choose(rng)
            .expect("channels")
        };
        let anonymous = rng.random_bool(if channel == "social_media" { 0.5 } else { 0.03 });
        let customer = (!anonymous).then(|| *self.customers.choose(rng).expect("customers"));
        let emotion = match rng.random_range(0..100) {
            0..12 => "angry",
            12..30 => "agitated",
            30..75 => "unsatisfied",
            75..90 => "calm",
            _ => "neutral",
        };
        let demand = *["compensation", "improvement", "improvement", "emotional"]
            .choose(rng)
            .expect("demands");
        let data = json!({
            "customer_id": customer,
            "reporter": if anonymous { "" } else { "客户本人" },
            "channel": channel,
            "nature": nature.as_str(),
            "sub_problem": sub_problem,
            "description": content::description(rng, sub_problem),
            "emotion": emotion,
            "demand": demand,
            "property_loss": rng.random_bool(0.02),
            "personal_injury": rng.random_bool(0.004),
        });
        let stalls_at = match rng.random_range(0..1000) {
            0..8 => Some(Step::Assign),
            8..16 => Some(Step::Start),
            16..30 => Some(Step::Resolve),
            30..36 => Some(Step::Resume),
            _ => None,
        };
        let plan = TicketPlan {
            id: id(rng),
            reporter,
            assignee: None,
            stalls_at,
            waits: rng.random_bool(0.08) || stalls_at == Some(Step::Resume),
            late: rng.random_bool(0.1),
            reviewable: false,
        };
        let ticket = plan.id;
        self.push(
            tx,
            Who::Worker(reporter),
            ("ticket.create", ticket, at),
            data,
        )?;
        self.counts.tickets += 1;
        let i = self.tickets.len();
        self.ticket_of.insert(ticket, i);
        self.tickets.push(plan);
        let next = at + minutes(&mut self.rng, 5, 180);
        self.schedule(i, Step::Assign, next);
        Ok(())
    }

    fn schedule(&mut self, ticket: usize, step: Step, at: DateTime<Utc>) {
        if self.tickets[ticket].stalls_at != Some(step) {
            self.steps.push(Reverse((at, step, ticket)));
        }
    }

    /// Takes every ticket step due by `until` in time order (a step may schedule the next).
    pub fn steps_until(&mut self, tx: &Transaction, until: DateTime<Utc>) -> Result<()> {
        while let Some(Reverse((at, step, ticket))) = self.steps.peek().copied() {
            if at > until {
                break;
            }
            self.steps.pop();
            self.step(tx, ticket, step, at)?;
        }
        Ok(())
    }

    fn step(&mut self, tx: &Transaction, i: usize, step: Step, at: DateTime<Utc>) -> Result<()> {
        let ticket = self.tickets[i].id;
        let supervisor = self.rng.random_range(0..self.supervisors.len());
        let assignee = self.tickets[i].assignee.unwrap_or(self.tickets[i].reporter);
        let update = ("ticket.update", ticket, at);
        match step {
            Step::Assign => {
                let to = if self.rng.random_bool(0.5) {
                    self.tickets[i].reporter
                } else {
                    self.rng.random_range(0..self.workers.len())
                };
                self.tickets[i].assignee = Some(to);
                let data = json!({"action": "assign",
                    "set": {"assignee": self.workers[to].user.id}, "base": {}});
                self.push(tx, Who::Supervisor(supervisor), update, data)?;
                let next = at + minutes(&mut self.rng, 10, 240);
                self.schedule(i, Step::Start, next);
            }
            Step::Start => {
                let data = json!({"action": "start", "note": "已联系客户,了解详细情况"});
                self.push(tx, Who::Worker(assignee), update, data)?;
                let plan = &self.tickets[i];
                let (next, after) = if plan.waits {
                    (Step::Wait, minutes(&mut self.rng, 30, 300))
                } else if plan.late {
                    (Step::Resolve, minutes(&mut self.rng, 3 * 1440, 9 * 1440))
                } else {
                    (Step::Resolve, minutes(&mut self.rng, 120, 30 * 60))
                };
                self.schedule(i, next, at + after);
            }
            Step::Wait => {
                let data = json!({"waiting_on_customer": true,
                    "note": "客户出差,约定回来后再上门检测"});
                self.push(tx, Who::Worker(assignee), update, data)?;
                let next = at + minutes(&mut self.rng, 1440, 3 * 1440);
                self.schedule(i, Step::Resume, next);
            }
            Step::Resume => {
                let data = json!({"waiting_on_customer": false, "note": "客户已回来,继续处理"});
                self.push(tx, Who::Worker(assignee), update, data)?;
                let next = at + minutes(&mut self.rng, 60, 8 * 60);
                self.schedule(i, Step::Resolve, next);
            }
            Step::Resolve => {
                let data = json!({"action": "resolve",
                    "set": {"resolution": content::resolution(&mut self.rng)}});
                self.push(tx, Who::Worker(assignee), update, data)?;
                self.tickets[i].reviewable = true;
                if self.rng.random_bool(0.7) {
                    let next = at + minutes(&mut self.rng, 120, 3 * 1440);
                    self.schedule(i, Step::Review, next);
                }
            }
            Step::Review if self.tickets[i].reviewable => {
                let (decision, comment) = if self.rng.random_bool(0.9) {
                    ("sign_off", "")
                } else {
                    ("return", "请补充处理过程和客户确认情况")
                };
                let data = json!({"target": {"type": "ticket", "id": ticket},
                    "decision": decision, "comment": comment});
                let review = id(&mut self.rng);
                self.push(
                    tx,
                    Who::Supervisor(supervisor),
                    ("review.decide", review, at),
                    data,
                )?;
            }
            // Reopened by its revisit since: the review waits for the next resolution.
            Step::Review => {}
        }
        Ok(())
    }

    /// The evening plan: `n` visit tasks for tomorrow's working hours, spread over the staff.
    fn plan(
        &mut self,
        tx: &Transaction,
        n: u64,
        tomorrow: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let supervisor = self.rng.random_range(0..self.supervisors.len());
        for _ in 0..n {
            let rng = &mut self.rng;
            let worker = rng.random_range(0..self.workers.len());
            let field = self.workers[worker].user.role == Role::Field;
            let new = NewTask {
                id: id(rng),
                customer_id: *self.customers.choose(rng).expect("customers"),
                assignee: self.workers[worker].user.id,
                visit_type: *VisitType::ALL.choose(rng).expect("visit types"),
                planned_channel: if field {
                    Channel::OnSite
                } else {
                    Channel::Phone
                },
                priority: *[
                    Priority::Normal,
                    Priority::Normal,
                    Priority::High,
                    Priority::Low,
                ]
                .choose(rng)
                .expect("priorities"),
                due_from: tomorrow + Duration::hours(9),
                due_until: tomorrow + Duration::hours(18),
                note: String::new(),
            };
            let new = service::tasks::prepare(new)?;
            service::tasks::create_task(tx, &self.supervisors[supervisor].user, &new, at)?;
        }
        Ok(())
    }

    /// A supervisor signs off a sample of the day's visits, in one push.
    fn review_visits(&mut self, tx: &Transaction, at: DateTime<Utc>) -> Result<()> {
        let n = (self.todays_visits.len() as f64 * REVIEWED_PERCENT / 100.0).round() as usize;
        let picked: Vec<Uuid> = self
            .todays_visits
            .choose_multiple(&mut self.rng, n)
            .copied()
            .collect();
        let supervisor = self.rng.random_range(0..self.supervisors.len());
        for visit in picked {
            let data = json!({"target": {"type": "visit", "id": visit},
                "decision": "sign_off", "comment": ""});
            let review = id(&mut self.rng);
            self.push(
                tx,
                Who::Supervisor(supervisor),
                ("review.decide", review, at),
                data,
            )?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Who {
    Worker(usize),
    Supervisor(usize),
}
