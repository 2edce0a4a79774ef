//! 工单: intake (graded, routed, clocks started), updates merged field by field in arrival
//! order, the lifecycle through resolution and revisit to closure, breached clocks escalated
//! to the supervisors, and the reads (lists, one ticket, pull, duplicates, coverage).
//!
//! A ticket is loaded whole into memory, changed there, and written back only once every
//! check has passed, so a rejected mutation writes nothing.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use huifang_domain::sla::{ClockKind, ClockRecord, ClockRule, ClockView, Pause, SlaPolicy};
use huifang_domain::task::{Priority, TaskSource, TaskStatus, VisitTask};
use huifang_domain::ticket::{
    Coverage, CoverageRow, DUPLICATE_WINDOW_DAYS, DuplicateKey, DuplicateQuery, FieldChange,
    Impact, MAX_REVISITS, Nature, Review, RevisitVerdict, Ticket, TicketAction, TicketIntake,
    TicketList, TicketState, TicketUpdate, TicketView, TimelineEntry, TimelineEvent,
    likely_duplicate, merge_field, revisit_verdict,
};
use huifang_domain::{
    CustomerClass, Mutation, RejectCode, Rejected, Role, User, VisitRecord, VisitType, mask_contact,
};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

use super::auth::user_by_id;
use super::rules::{self, Rules};
use super::{
    Store, audit, audit_change, catalog, from_json, from_sql_int, new_id, next_version, parse_ts,
    parse_uuid, tasks, to_json, to_sql_int, ts,
};
use crate::error::{AppError, Result};

/// A revisit is due within this long after the resolution (DOMAIN.md: revisit within 3 days).
const REVISIT_WITHIN: Duration = Duration::days(3);
/// The name on timeline entries the server writes itself (a breached clock).
const SYSTEM_NAME: &str = "系统";

/// `GET /api/tickets` filters.
#[derive(Debug, Clone, Copy, Default)]
pub struct TicketFilter {
    pub state: Option<TicketState>,
    pub assignee: Option<Uuid>,
    pub queue: Option<TicketQueue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketQueue {
    /// Breached clocks, urgent tickets and revisits exhausted: the supervisors' queue.
    Escalated,
    /// Assigned to the asking user.
    Mine,
    /// Resolutions awaiting a supervisor's review.
    Review,
}

/// A ticket as stored, with what the wire type does not carry.
struct Stored {
    /// The intake keeps the full contact; [`public`] masks it.
    ticket: Ticket,
    created_by: Uuid,
    escalated_at: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    /// Parallel to `ticket.clocks`.
    clock_meta: Vec<ClockMeta>,
    /// Entries already stored; only the ones after these are inserted on save.
    saved_timeline: usize,
    saved_history: usize,
}

#[derive(Clone)]
struct ClockMeta {
    id: Option<i64>,
    rule: ClockRule,
    breached_at: Option<DateTime<Utc>>,
}

/// Who the revisit of a case of this nature is: product faults are repairs, the rest
/// complaints (the two kinds with a revisit target).
fn revisit_kind(nature: Nature) -> VisitType {
    match nature {
        Nature::Product => VisitType::Repair,
        Nature::Service | Nature::Experience => VisitType::Complaint,
    }
}

fn wire<T: Serialize>(value: &T) -> Result<String> {
    match to_json(value)? {
        Value::String(s) => Ok(s),
        other => Err(AppError::Internal(format!("not a wire name: {other}"))),
    }
}

fn unwire<T: DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_value(Value::String(s.to_owned()))
        .map_err(|e| AppError::Internal(format!("bad stored value {s:?}: {e}")))
}

fn reject(seq: u64, code: RejectCode, field: Option<&str>, message: String) -> Rejected {
    Rejected {
        field: field.map(str::to_owned),
        ..Rejected::new(seq, code, message)
    }
}

impl Stored {
    fn entry(&mut self, at: DateTime<Utc>, by: &User, event: TimelineEvent) {
        self.ticket.timeline.push(TimelineEntry {
            at,
            by: by.id,
            by_name: by.display_name.clone(),
            event,
        });
    }

    fn system_entry(&mut self, at: DateTime<Utc>, event: TimelineEvent) {
        self.ticket.timeline.push(TimelineEntry {
            at,
            by: Uuid::nil(),
            by_name: SYSTEM_NAME.to_owned(),
            event,
        });
    }

    fn transition(
        &mut self,
        action: TicketAction,
        by: &User,
        now: DateTime<Utc>,
    ) -> std::result::Result<(), huifang_domain::ticket::TransitionError> {
        let from = self.ticket.state;
        let to = from.apply(action)?;
        self.ticket.state = to;
        if from != to {
            self.entry(now, by, TimelineEvent::State { from, to });
        }
        Ok(())
    }

    fn meet(&mut self, kinds: &[ClockKind], now: DateTime<Utc>) {
        for c in &mut self.ticket.clocks {
            if c.met_at.is_none() && kinds.contains(&c.kind) {
                c.met_at = Some(now);
            }
        }
    }

    fn start_clock(&mut self, rule: &ClockRule, now: DateTime<Utc>) {
        self.ticket.clocks.push(ClockRecord {
            kind: rule.kind,
            started_at: now,
            met_at: None,
            pauses: if self.ticket.waiting_on_customer {
                vec![Pause {
                    from: now,
                    to: None,
                }]
            } else {
                Vec::new()
            },
        });
        self.clock_meta.push(ClockMeta {
            id: None,
            rule: rule.clone(),
            breached_at: None,
        });
    }

    /// Starts the clocks the current grade calls for that the ticket does not have yet (a
    /// grade raised by hand or by repetition adds its deadlines; none is restarted).
    fn start_missing_clocks(&mut self, policy: &SlaPolicy, now: DateTime<Utc>) {
        let grade = (self.ticket.grade.impact, self.ticket.grade.priority);
        for rule in policy.clocks_for(grade.0, grade.1) {
            if !self.ticket.clocks.iter().any(|c| c.kind == rule.kind) {
                self.start_clock(rule, now);
            }
        }
    }

    /// A reopened ticket must be resolved again in time: the grade's Resolve rule, else the
    /// policy's first Resolve rule.
    fn restart_resolve_clock(&mut self, policy: &SlaPolicy, now: DateTime<Utc>) {
        let grade = (self.ticket.grade.impact, self.ticket.grade.priority);
        let rule = policy
            .clocks_for(grade.0, grade.1)
            .into_iter()
            .find(|r| r.kind == ClockKind::Resolve)
            .or_else(|| policy.rules.iter().find(|r| r.kind == ClockKind::Resolve))
            .cloned();
        if let Some(rule) = rule {
            self.start_clock(&rule, now);
        }
    }

    fn set_waiting(&mut self, waiting: bool, now: DateTime<Utc>) {
        if waiting == self.ticket.waiting_on_customer {
            return;
        }
        self.ticket.waiting_on_customer = waiting;
        for c in self.ticket.clocks.iter_mut().filter(|c| c.met_at.is_none()) {
            if waiting {
                c.pauses.push(Pause {
                    from: now,
                    to: None,
                });
            } else if let Some(open) = c.pauses.iter_mut().find(|p| p.to.is_none()) {
                open.to = Some(now);
            }
        }
    }

    fn escalate(&mut self, now: DateTime<Utc>) {
        self.escalated_at.get_or_insert(now);
    }

    fn views(
        &self,
        cal: &huifang_domain::calendar::BusinessCalendar,
        now: DateTime<Utc>,
    ) -> Vec<ClockView> {
        self.ticket
            .clocks
            .iter()
            .zip(&self.clock_meta)
            .map(|(c, m)| c.view(&m.rule, cal, now))
            .collect()
    }
}

/// The ticket as it leaves the server: the contact masked.
fn public(mut t: Ticket) -> Ticket {
    t.intake.contact = t.intake.contact.map(|c| mask_contact(&c));
    t
}

const COLUMNS: &str = "id, state, intake, grade, department, assignee, created_by, resolution, \
                       waiting, reports, revisits, review, escalated_at, resolved_at, \
                       created_at, version";

fn load(conn: &Connection, id: Uuid) -> Result<Option<Stored>> {
    let row = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM tickets WHERE id = ?1"),
            [id.to_string()],
            |r| Ok(from_row(r)),
        )
        .optional()?
        .transpose()?;
    let Some(mut s) = row else {
        return Ok(None);
    };
    let key = id.to_string();
    let mut stmt = conn.prepare(
        "SELECT at, by_user, by_name, event FROM ticket_timeline WHERE ticket_id = ?1 ORDER BY id",
    )?;
    s.ticket.timeline = stmt
        .query_map([&key], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .map(|row| {
            let (at, by, by_name, event) = row?;
            Ok(TimelineEntry {
                at: parse_ts(&at)?,
                by: by
                    .as_deref()
                    .map(parse_uuid)
                    .transpose()?
                    .unwrap_or_default(),
                by_name,
                event: from_json(&event, "timeline event")?,
            })
        })
        .collect::<Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT field, old, new, by_user, at, concurrent FROM ticket_history
         WHERE ticket_id = ?1 ORDER BY id",
    )?;
    s.ticket.history = stmt
        .query_map([&key], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })?
        .map(|row| {
            let (field, old, new, by, at, concurrent) = row?;
            Ok(FieldChange {
                field,
                old: from_json(&old, "history value")?,
                new: from_json(&new, "history value")?,
                by: parse_uuid(&by)?,
                at: parse_ts(&at)?,
                concurrent,
            })
        })
        .collect::<Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT id, kind, rule, started_at, met_at, pauses, breached_at FROM ticket_clocks
         WHERE ticket_id = ?1 ORDER BY id",
    )?;
    let clocks = stmt
        .query_map([&key], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?
        .map(|row| {
            let (id, kind, rule, started, met, pauses, breached) = row?;
            Ok((
                ClockRecord {
                    kind: unwire(&kind)?,
                    started_at: parse_ts(&started)?,
                    met_at: met.as_deref().map(parse_ts).transpose()?,
                    pauses: from_json(&pauses, "clock pauses")?,
                },
                ClockMeta {
                    id: Some(id),
                    rule: from_json(&rule, "clock rule")?,
                    breached_at: breached.as_deref().map(parse_ts).transpose()?,
                },
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    (s.ticket.clocks, s.clock_meta) = clocks.into_iter().unzip();
    s.saved_timeline = s.ticket.timeline.len();
    s.saved_history = s.ticket.history.len();
    Ok(Some(s))
}

fn from_row(r: &Row) -> Result<Stored> {
    let text = |i: usize| r.get::<_, String>(i);
    let opt = |i: usize| r.get::<_, Option<String>>(i);
    let review: Option<Review> = opt(11)?
        .map(|j| from_json(&j, "ticket review"))
        .transpose()?;
    Ok(Stored {
        ticket: Ticket {
            id: parse_uuid(&text(0)?)?,
            state: unwire(&text(1)?)?,
            intake: from_json(&text(2)?, "ticket intake")?,
            grade: from_json(&text(3)?, "ticket grade")?,
            department: opt(4)?,
            assignee: opt(5)?.as_deref().map(parse_uuid).transpose()?,
            resolution: opt(7)?,
            waiting_on_customer: r.get(8)?,
            clocks: Vec::new(),
            timeline: Vec::new(),
            history: Vec::new(),
            reports: r.get(9)?,
            revisits: r.get(10)?,
            review,
            created_at: parse_ts(&text(14)?)?,
            version: from_sql_int(r.get(15)?)?,
        },
        created_by: parse_uuid(&text(6)?)?,
        escalated_at: opt(12)?.as_deref().map(parse_ts).transpose()?,
        resolved_at: opt(13)?.as_deref().map(parse_ts).transpose()?,
        clock_meta: Vec::new(),
        saved_timeline: 0,
        saved_history: 0,
    })
}

/// Writes the ticket under a new change version (so pulls deliver it), its clocks, and the
/// timeline and history entries added since it was loaded.
fn save(tx: &Transaction, s: &mut Stored) -> Result<()> {
    let t = &mut s.ticket;
    t.version = next_version(tx)?;
    tx.execute(
        &format!(
            "INSERT INTO tickets ({COLUMNS}, customer_id, nature, sub_problem, impact, priority)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                     ?17, ?18, ?19, ?20, ?21)
             ON CONFLICT (id) DO UPDATE SET
                 state = excluded.state, intake = excluded.intake, grade = excluded.grade,
                 department = excluded.department, assignee = excluded.assignee,
                 resolution = excluded.resolution, waiting = excluded.waiting,
                 reports = excluded.reports, revisits = excluded.revisits,
                 review = excluded.review, escalated_at = excluded.escalated_at,
                 resolved_at = excluded.resolved_at, version = excluded.version,
                 nature = excluded.nature, sub_problem = excluded.sub_problem,
                 impact = excluded.impact, priority = excluded.priority"
        ),
        params![
            t.id.to_string(),
            wire(&t.state)?,
            to_json(&t.intake)?.to_string(),
            to_json(&t.grade)?.to_string(),
            t.department,
            t.assignee.map(|a| a.to_string()),
            s.created_by.to_string(),
            t.resolution,
            t.waiting_on_customer,
            t.reports,
            t.revisits,
            t.review
                .as_ref()
                .map(to_json)
                .transpose()?
                .map(|v| v.to_string()),
            s.escalated_at.map(ts),
            s.resolved_at.map(ts),
            ts(t.created_at),
            to_sql_int(t.version),
            t.intake.customer_id.map(|c| c.to_string()),
            wire(&t.intake.nature)?,
            t.intake.sub_problem,
            wire(&t.grade.impact)?,
            wire(&t.grade.priority)?,
        ],
    )?;
    let key = t.id.to_string();
    for (c, meta) in t.clocks.iter().zip(s.clock_meta.iter_mut()) {
        let pauses = to_json(&c.pauses)?.to_string();
        match meta.id {
            Some(id) => {
                tx.execute(
                    "UPDATE ticket_clocks SET met_at = ?2, pauses = ?3, breached_at = ?4
                     WHERE id = ?1",
                    params![id, c.met_at.map(ts), pauses, meta.breached_at.map(ts)],
                )?;
            }
            None => {
                tx.execute(
                    "INSERT INTO ticket_clocks (ticket_id, kind, rule, started_at, met_at,
                                                pauses, breached_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        key,
                        wire(&c.kind)?,
                        to_json(&meta.rule)?.to_string(),
                        ts(c.started_at),
                        c.met_at.map(ts),
                        pauses,
                        meta.breached_at.map(ts)
                    ],
                )?;
                meta.id = Some(tx.last_insert_rowid());
            }
        }
    }
    for e in &t.timeline[s.saved_timeline..] {
        tx.execute(
            "INSERT INTO ticket_timeline (ticket_id, at, by_user, by_name, event)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                key,
                ts(e.at),
                (!e.by.is_nil()).then(|| e.by.to_string()),
                e.by_name,
                to_json(&e.event)?.to_string()
            ],
        )?;
    }
    for h in &t.history[s.saved_history..] {
        tx.execute(
            "INSERT INTO ticket_history (ticket_id, field, old, new, by_user, at, concurrent)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                key,
                h.field,
                h.old.to_string(),
                h.new.to_string(),
                h.by.to_string(),
                ts(h.at),
                h.concurrent
            ],
        )?;
    }
    s.saved_timeline = t.timeline.len();
    s.saved_history = t.history.len();
    Ok(())
}

/// What the audit trail keeps of a ticket change: the decisions, not the whole timeline.
fn summary(t: &Ticket) -> Value {
    json!({
        "state": t.state,
        "assignee": t.assignee,
        "department": t.department,
        "impact": t.grade.impact,
        "priority": t.grade.priority,
        "nature": t.intake.nature,
        "sub_problem": t.intake.sub_problem,
        "resolution": t.resolution,
        "waiting_on_customer": t.waiting_on_customer,
        "reports": t.reports,
        "revisits": t.revisits,
        "review": t.review,
    })
}

fn record_report(
    tx: &Transaction,
    id: Uuid,
    ticket: Uuid,
    intake: &TicketIntake,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO ticket_reports (id, ticket_id, sub_problem, channel, customer_id, by_user,
                                     reported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id.to_string(),
            ticket.to_string(),
            intake.sub_problem,
            wire(&intake.channel)?,
            intake.customer_id.map(|c| c.to_string()),
            by.to_string(),
            ts(now)
        ],
    )?;
    Ok(())
}

/// `ticket.create`. The mutation id is the ticket's id (or, for a linked report, the
/// report's), so a replay from another batch finds it and changes nothing.
pub(super) fn create(
    tx: &Transaction,
    user: &User,
    m: &Mutation,
    intake: &TicketIntake,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(), Rejected>> {
    let known_report: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM ticket_reports WHERE id = ?1)",
        [m.id.to_string()],
        |r| r.get(0),
    )?;
    if known_report {
        return Ok(Ok(()));
    }
    if let Some(customer) = intake.customer_id {
        let known: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM customers WHERE id = ?1)",
            [customer.to_string()],
            |r| r.get(0),
        )?;
        if !known {
            return Ok(Err(reject(
                m.seq,
                RejectCode::Conflict,
                Some("customer_id"),
                format!("unknown customer {customer}"),
            )));
        }
    }
    if let Some(original) = intake.duplicate_of
        && let Some(mut s) = load(tx, original)?
        && s.ticket.state.is_open()
    {
        let before = summary(&s.ticket);
        record_report(tx, m.id, original, intake, user.id, now)?;
        s.ticket.reports += 1;
        s.entry(
            now,
            user,
            TimelineEvent::Report {
                channel: intake.channel,
            },
        );
        save(tx, &mut s)?;
        audit_change(
            tx,
            now,
            Some(user.id),
            "ticket.report",
            ("ticket", original),
            Some(&before),
            &json!({"report": m.id, "channel": intake.channel, "reports": s.ticket.reports}),
        )?;
        return Ok(Ok(()));
    }
    let rules = rules::rules(tx)?;
    let mut similar = BTreeMap::new();
    for days in rules.grading.repeat_windows() {
        let earlier: u32 = tx.query_row(
            "SELECT COUNT(*) FROM ticket_reports WHERE sub_problem = ?1 AND reported_at >= ?2",
            params![
                intake.sub_problem,
                ts(now - Duration::days(i64::from(days)))
            ],
            |r| r.get(0),
        )?;
        similar.insert(days, earlier + 1);
    }
    let grade = rules.grading.grade(&intake.facts(similar));
    let urgent = grade.impact == Impact::Urgent;
    let department = rules
        .routing
        .route(intake.nature, &intake.sub_problem)
        .map(str::to_owned);
    let mut s = Stored {
        ticket: Ticket {
            id: m.id,
            state: TicketState::New,
            intake: TicketIntake {
                duplicate_of: None,
                ..intake.clone()
            },
            grade,
            department,
            assignee: None,
            resolution: None,
            waiting_on_customer: false,
            clocks: Vec::new(),
            timeline: Vec::new(),
            history: Vec::new(),
            reports: 1,
            revisits: 0,
            review: None,
            created_at: now,
            version: 0,
        },
        created_by: user.id,
        // DOMAIN.md: urgent cases notify the supervisor at once.
        escalated_at: urgent.then_some(now),
        resolved_at: None,
        clock_meta: Vec::new(),
        saved_timeline: 0,
        saved_history: 0,
    };
    s.start_missing_clocks(&rules.sla, now);
    s.entry(
        now,
        user,
        TimelineEvent::Report {
            channel: intake.channel,
        },
    );
    save(tx, &mut s)?;
    record_report(tx, m.id, m.id, intake, user.id, now)?;
    audit(
        tx,
        now,
        Some(user.id),
        "ticket.create",
        "ticket",
        m.id,
        &summary(&s.ticket),
    )?;
    Ok(Ok(()))
}

/// Field and agent staff work the tickets assigned to them (notes, waiting, start, resolve,
/// the resolution text) and may add notes to the ones they reported; the rest is the
/// supervisors' and admins'.
fn allowed(user: &User, s: &Stored, u: &TicketUpdate) -> std::result::Result<(), String> {
    if matches!(user.role, Role::Supervisor | Role::Admin) {
        return Ok(());
    }
    let only_note =
        u.action.is_none() && u.set == Default::default() && u.waiting_on_customer.is_none();
    if s.ticket.assignee != Some(user.id) {
        return if only_note && s.created_by == user.id {
            Ok(())
        } else {
            Err(format!("ticket {} is not assigned to you", s.ticket.id))
        };
    }
    let other_fields = huifang_domain::ticket::TicketFields {
        resolution: None,
        ..u.set.clone()
    };
    if other_fields != Default::default() {
        return Err("only a supervisor changes assignee, department, grade or category".into());
    }
    match u.action {
        None | Some(TicketAction::Start | TicketAction::Resolve) => Ok(()),
        Some(a) => Err(format!(
            "only a supervisor may {}",
            wire(&a).unwrap_or_default()
        )),
    }
}

/// `ticket.update`: fields merged one by one in arrival order (the overwritten value goes to
/// history, flagged when the editor's `base` was stale), the note appended, the action
/// applied, clocks paused, resumed and met.
pub(super) fn update(
    tx: &Transaction,
    user: &User,
    m: &Mutation,
    u: &TicketUpdate,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(), Rejected>> {
    let Some(mut s) = load(tx, m.id)? else {
        return Ok(Err(reject(
            m.seq,
            RejectCode::Conflict,
            None,
            format!("unknown ticket {}", m.id),
        )));
    };
    if let Err(message) = allowed(user, &s, u) {
        return Ok(Err(reject(m.seq, RejectCode::Forbidden, None, message)));
    }
    let conflict = |field: Option<&str>, message: String| {
        Ok(Err(reject(m.seq, RejectCode::Conflict, field, message)))
    };
    let rules = rules::rules(tx)?;
    let before = summary(&s.ticket);
    let was_state = s.ticket.state;
    let was_grade = (s.ticket.grade.impact, s.ticket.grade.priority);

    let mut changes: Vec<FieldChange> = Vec::new();
    let merge = |field: &str, stored: Value, base: Option<Value>, incoming: Option<Value>| {
        incoming.and_then(|new| merge_field(field, &stored, base.as_ref(), new, user.id, m.at))
    };
    let (set, base) = (&u.set, &u.base);
    macro_rules! field {
        ($name:literal, $stored:expr, $field:ident) => {
            if let Some(c) = merge(
                $name,
                to_json(&$stored)?,
                base.$field.as_ref().map(to_json).transpose()?,
                set.$field.as_ref().map(to_json).transpose()?,
            ) {
                changes.push(c);
            }
        };
    }
    field!("assignee", s.ticket.assignee, assignee);
    field!("department", s.ticket.department, department);
    field!("impact", s.ticket.grade.impact, impact);
    field!("priority", s.ticket.grade.priority, priority);
    field!("nature", s.ticket.intake.nature, nature);
    field!("sub_problem", s.ticket.intake.sub_problem, sub_problem);
    field!("resolution", s.ticket.resolution, resolution);

    let mut new_assignee = None;
    if let Some(a) = set.assignee {
        match user_by_id(tx, a)? {
            Some(who) if who.role.can_record_visits() => {
                s.ticket.assignee = Some(a);
                new_assignee = Some(who);
            }
            Some(who) => {
                return conflict(
                    Some("assignee"),
                    format!("role {} does not work tickets", who.role.as_str()),
                );
            }
            None => return conflict(Some("assignee"), format!("unknown user {a}")),
        }
    }
    if let Some(d) = &set.department {
        s.ticket.department = Some(d.clone());
    }
    if let Some(i) = set.impact {
        s.ticket.grade.impact = i;
    }
    if let Some(p) = set.priority {
        s.ticket.grade.priority = p;
    }
    if let Some(n) = set.nature {
        s.ticket.intake.nature = n;
    }
    if let Some(sub) = &set.sub_problem {
        s.ticket.intake.sub_problem = sub.clone();
    }
    if !s
        .ticket
        .intake
        .nature
        .sub_problems()
        .contains(&s.ticket.intake.sub_problem.as_str())
    {
        return Ok(Err(reject(
            m.seq,
            RejectCode::Invalid,
            Some("sub_problem"),
            format!(
                "{:?} is not a sub-problem of {:?}",
                s.ticket.intake.sub_problem, s.ticket.intake.nature
            ),
        )));
    }
    if let Some(r) = &set.resolution {
        if s.ticket.resolution.as_ref() != Some(r) {
            // A corrected resolution goes back to the supervisor.
            s.ticket.review = None;
        }
        s.ticket.resolution = Some(r.clone());
    }
    s.ticket.history.extend(changes);

    if let Some(note) = &u.note {
        s.entry(m.at, user, TimelineEvent::Note { text: note.clone() });
    }
    if let Some(action) = u.action {
        if action == TicketAction::Assign && s.ticket.assignee.is_none() {
            return conflict(Some("assignee"), "assigning needs an assignee".into());
        }
        if let Err(e) = s.transition(action, user, now) {
            return conflict(None, e.to_string());
        }
    }
    if let Some(waiting) = u.waiting_on_customer {
        s.set_waiting(waiting, now);
    }

    // Which deadlines this update meets (docs/api.md "Clocks").
    let state = s.ticket.state;
    match u.action {
        Some(TicketAction::Assign | TicketAction::Start) => s.meet(&[ClockKind::Respond], now),
        Some(TicketAction::Resolve) => s.meet(
            &[
                ClockKind::Respond,
                ClockKind::Plan,
                ClockKind::Progress,
                ClockKind::Escalate,
                ClockKind::Resolve,
            ],
            now,
        ),
        _ => {}
    }
    if u.note.is_some() && s.ticket.assignee.is_some() {
        if matches!(state, TicketState::Assigned | TicketState::InProgress) {
            s.meet(&[ClockKind::Plan], now);
        }
        if state == TicketState::InProgress {
            s.meet(&[ClockKind::Progress], now);
        }
    }
    if new_assignee.is_some_and(|w| w.role == Role::Supervisor) {
        s.meet(&[ClockKind::Escalate], now);
    }
    if (s.ticket.grade.impact, s.ticket.grade.priority) != was_grade && s.ticket.state.is_open() {
        s.start_missing_clocks(&rules.sla, now);
    }

    if u.action == Some(TicketAction::Resolve) {
        s.set_waiting(false, now);
        s.resolved_at.get_or_insert(now);
        after_resolve(tx, &mut s, user, &rules, now)?;
    }
    if u.action == Some(TicketAction::Reopen) {
        s.restart_resolve_clock(&rules.sla, now);
    }
    if was_state == TicketState::Revisit && s.ticket.state != TicketState::Revisit {
        cancel_revisit_tasks(tx, s.ticket.id, user.id, now)?;
    }
    save(tx, &mut s)?;
    audit_change(
        tx,
        now,
        Some(user.id),
        "ticket.update",
        ("ticket", s.ticket.id),
        Some(&before),
        &summary(&s.ticket),
    )?;
    Ok(Ok(()))
}

/// A resolved ticket is revisited (per the targets, and always again after an unsatisfied
/// revisit) or closed at once; anonymous cases keep the resolution as their written reply.
/// After [`MAX_REVISITS`] unsatisfied revisits it stays resolved in the supervisors' queue.
fn after_resolve(
    tx: &Transaction,
    s: &mut Stored,
    by: &User,
    rules: &Rules,
    now: DateTime<Utc>,
) -> Result<()> {
    if s.ticket.revisits >= MAX_REVISITS {
        s.escalate(now);
        return Ok(());
    }
    let intake = &s.ticket.intake;
    let kind = revisit_kind(intake.nature);
    let wants = match intake.customer_id {
        // Only a registered customer can be given a visit task.
        Some(customer) => {
            s.ticket.revisits > 0
                || rules.revisit.wants_revisit(
                    s.ticket.id,
                    kind,
                    key_customer(tx, customer)?,
                    intake.is_anonymous(),
                )
        }
        None => false,
    };
    let assignee = if wants {
        revisit_assignee(tx, s)?
    } else {
        None
    };
    match (intake.customer_id, assignee) {
        (Some(customer), Some(assignee)) => {
            transition_or_internal(s, TicketAction::ScheduleRevisit, by, now)?;
            schedule_revisit(tx, s, customer, assignee, kind, by, now)
        }
        _ if wants => {
            // Nobody who does visits can take it: the supervisor decides.
            s.escalate(now);
            Ok(())
        }
        _ => transition_or_internal(s, TicketAction::Close, by, now),
    }
}

fn transition_or_internal(
    s: &mut Stored,
    action: TicketAction,
    by: &User,
    now: DateTime<Utc>,
) -> Result<()> {
    s.transition(action, by, now)
        .map_err(|e| AppError::Internal(e.to_string()))
}

fn key_customer(conn: &Connection, customer: Uuid) -> Result<bool> {
    let row: Option<(String, bool)> = conn
        .query_row(
            "SELECT class, vip FROM customers WHERE id = ?1",
            [customer.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(row
        .is_some_and(|(class, vip)| vip || CustomerClass::parse(&class) == Some(CustomerClass::A)))
}

/// The ticket's assignee, else whoever did the visit that found the problem, else the
/// reporter: the first of them who does visits.
fn revisit_assignee(conn: &Connection, s: &Stored) -> Result<Option<Uuid>> {
    let visitor: Option<String> = match s.ticket.intake.visit_id {
        Some(v) => conn
            .query_row(
                "SELECT user_id FROM visits WHERE id = ?1",
                [v.to_string()],
                |r| r.get(0),
            )
            .optional()?,
        None => None,
    };
    let candidates = [
        s.ticket.assignee,
        visitor.as_deref().map(parse_uuid).transpose()?,
        Some(s.created_by),
    ];
    for id in candidates.into_iter().flatten() {
        if user_by_id(conn, id)?.is_some_and(|u| u.role.can_record_visits()) {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

fn schedule_revisit(
    tx: &Transaction,
    s: &Stored,
    customer: Uuid,
    assignee: Uuid,
    kind: VisitType,
    by: &User,
    now: DateTime<Utc>,
) -> Result<()> {
    let due_from = match catalog::settings(tx)? {
        Some((_, settings)) => settings
            .quiet_hours
            .next_allowed(now, catalog::offset(&settings)?),
        None => now,
    };
    let due_until = (now + REVISIT_WITHIN).max(due_from + Duration::hours(1));
    let attempt = s.ticket.revisits + 1;
    let resolution = s.ticket.resolution.as_deref().unwrap_or_default();
    let task = VisitTask {
        id: new_id(),
        customer_id: customer,
        assignee,
        visit_type: kind,
        planned_channel: huifang_domain::Channel::Phone,
        priority: if s.ticket.grade.impact == Impact::General {
            Priority::Normal
        } else {
            Priority::High
        },
        due_from,
        due_until,
        attempt,
        source: TaskSource::Ticket {
            ticket_id: s.ticket.id,
        },
        status: TaskStatus::Open,
        note: format!(
            "工单第 {attempt} 次回访:确认处理结果是否满意。处理结果:{}",
            resolution.chars().take(200).collect::<String>()
        ),
        retry_reason: None,
        version: 0,
    };
    tasks::insert_task(tx, task, Some(by.id), now)?;
    Ok(())
}

/// A revisit made moot (the ticket was closed or reopened by hand) leaves the lists.
fn cancel_revisit_tasks(
    tx: &Transaction,
    ticket: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let source = to_json(&TaskSource::Ticket { ticket_id: ticket })?.to_string();
    let ids: Vec<String> = tx
        .prepare("SELECT id FROM tasks WHERE status = 'open' AND source = ?1")?
        .query_map([&source], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        let version = next_version(tx)?;
        tx.execute(
            "UPDATE tasks SET status = 'cancelled', version = ?2 WHERE id = ?1",
            params![id, to_sql_int(version)],
        )?;
        audit_change(
            tx,
            now,
            Some(by),
            "task.cancel",
            ("task", parse_uuid(&id)?),
            None,
            &json!({"status": "cancelled", "ticket": ticket}),
        )?;
    }
    Ok(())
}

/// The answer of a revisit (a visit carrying out a task whose source is the ticket):
/// satisfied closes, unsatisfied reopens with a new Resolve clock (its next resolution
/// schedules the next revisit), not reached leaves it to the task's retry.
pub(super) fn revisit_answered(
    tx: &Transaction,
    user: &User,
    visit: Uuid,
    record: &VisitRecord,
    ticket: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let verdict = revisit_verdict(record);
    if verdict == RevisitVerdict::NotReached {
        return Ok(());
    }
    let Some(mut s) = load(tx, ticket)? else {
        return Ok(());
    };
    let before = summary(&s.ticket);
    s.ticket.revisits = s.ticket.revisits.saturating_add(1);
    s.entry(
        now,
        user,
        TimelineEvent::Revisit {
            visit_id: visit,
            verdict,
        },
    );
    // A ticket closed or reopened by hand meanwhile keeps its state; the answer is on record.
    if s.ticket.state == TicketState::Revisit {
        if verdict == RevisitVerdict::Satisfied {
            transition_or_internal(&mut s, TicketAction::Close, user, now)?;
        } else {
            transition_or_internal(&mut s, TicketAction::Reopen, user, now)?;
            s.restart_resolve_clock(&rules::rules(tx)?.sla, now);
            if s.ticket.revisits >= MAX_REVISITS {
                s.escalate(now);
            }
        }
    }
    save(tx, &mut s)?;
    audit_change(
        tx,
        now,
        Some(user.id),
        "ticket.revisit",
        ("ticket", ticket),
        Some(&before),
        &summary(&s.ticket),
    )
}

/// `review.decide` on a ticket: only a written resolution can be reviewed.
pub(super) fn review(
    tx: &Transaction,
    user: &User,
    m: &Mutation,
    ticket: Uuid,
    review: &Review,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(), Rejected>> {
    let Some(mut s) = load(tx, ticket)? else {
        return Ok(Err(reject(
            m.seq,
            RejectCode::Conflict,
            Some("target"),
            format!("unknown ticket {ticket}"),
        )));
    };
    let resolved = matches!(
        s.ticket.state,
        TicketState::Resolved | TicketState::Revisit | TicketState::Closed
    );
    if !resolved || s.ticket.resolution.is_none() {
        return Ok(Err(reject(
            m.seq,
            RejectCode::Conflict,
            Some("target"),
            format!("ticket {ticket} has no resolution to review"),
        )));
    }
    let before = summary(&s.ticket);
    s.ticket.review = Some(review.clone());
    s.entry(
        now,
        user,
        TimelineEvent::Review {
            decision: review.decision,
            comment: review.comment.clone(),
        },
    );
    save(tx, &mut s)?;
    audit_change(
        tx,
        now,
        Some(user.id),
        "review.decide",
        ("ticket", ticket),
        Some(&before),
        &summary(&s.ticket),
    )?;
    Ok(Ok(()))
}

/// Records every clock that has run out (once), puts its ticket in the supervisors' queue
/// and counts the supervisors' Escalate clock as met by that. Returns the tickets escalated.
fn check_breaches(tx: &Transaction, now: DateTime<Utc>) -> Result<u32> {
    let ids: Vec<String> = tx
        .prepare(
            "SELECT DISTINCT c.ticket_id FROM ticket_clocks c JOIN tickets t ON t.id = c.ticket_id
             WHERE c.met_at IS NULL AND c.breached_at IS NULL AND t.state != 'closed'",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if ids.is_empty() {
        return Ok(0);
    }
    let cal = rules::calendar(tx)?;
    let mut escalated = 0;
    for id in ids {
        let Some(mut s) = load(tx, parse_uuid(&id)?)? else {
            continue;
        };
        let views = s.views(&cal, now);
        let mut breached = Vec::new();
        for ((c, meta), view) in s.ticket.clocks.iter().zip(&mut s.clock_meta).zip(&views) {
            if c.met_at.is_none() && meta.breached_at.is_none() && view.breached {
                meta.breached_at = Some(now);
                breached.push(c.kind);
            }
        }
        if breached.is_empty() {
            continue;
        }
        for kind in breached {
            s.system_entry(now, TimelineEvent::Breached { clock: kind });
        }
        s.escalate(now);
        s.meet(&[ClockKind::Escalate], now);
        save(tx, &mut s)?;
        escalated += 1;
    }
    Ok(escalated)
}

fn visible_sql(user: &User) -> Option<String> {
    (!matches!(user.role, Role::Supervisor | Role::Admin)).then(|| user.id.to_string())
}

fn view_of(
    s: Stored,
    cal: &huifang_domain::calendar::BusinessCalendar,
    now: DateTime<Utc>,
) -> TicketView {
    let clocks = s.views(cal, now);
    TicketView {
        ticket: public(s.ticket),
        clocks,
    }
}

/// Tickets concerning `user` changed after `since`, by version, at most `limit`. Closed ones
/// come too, even on a first pull: they are the user's case history, and leaving them out
/// would hand a later pull items older than the cursor it was given.
pub(super) fn tickets_since(
    conn: &Connection,
    user: &User,
    since: u64,
    limit: usize,
) -> Result<Vec<Ticket>> {
    let ids: Vec<String> = conn
        .prepare(
            "SELECT id FROM tickets
             WHERE version > ?1
               AND (?2 IS NULL OR assignee = ?2 OR created_by = ?2)
             ORDER BY version LIMIT ?3",
        )?
        .query_map(
            params![to_sql_int(since), visible_sql(user), limit as i64],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter()
        .filter_map(|id| parse_uuid(id).and_then(|id| load(conn, id)).transpose())
        .map(|s| s.map(|s| public(s.ticket)))
        .collect()
}

impl Store {
    /// Runs the breach check (also done every minute by the server, and before every ticket
    /// read so a list never shows a stale queue).
    pub async fn check_breaches(&self, now: DateTime<Utc>) -> Result<u32> {
        self.blocking(move |db| db.write(|tx| check_breaches(tx, now)))
            .await
    }

    pub async fn list_tickets(
        &self,
        user: User,
        filter: TicketFilter,
        page: u32,
        per_page: u32,
        now: DateTime<Utc>,
    ) -> Result<TicketList> {
        self.check_breaches(now).await?;
        self.blocking(move |db| {
            db.read(|conn| {
                let where_ = "(?1 IS NULL OR state = ?1) AND (?2 IS NULL OR assignee = ?2)
                    AND (?3 IS NULL OR assignee = ?3 OR created_by = ?3)
                    AND (?4 = 0 OR (escalated_at IS NOT NULL AND state != 'closed'))
                    AND (?5 IS NULL OR assignee = ?5)
                    AND (?6 = 0 OR (resolution IS NOT NULL AND review IS NULL
                                    AND state IN ('resolved', 'revisit', 'closed')))";
                let state = filter.state.map(|s| wire(&s)).transpose()?;
                let mine = (filter.queue == Some(TicketQueue::Mine)).then(|| user.id.to_string());
                let p = params![
                    state,
                    filter.assignee.map(|a| a.to_string()),
                    visible_sql(&user),
                    filter.queue == Some(TicketQueue::Escalated),
                    mine,
                    filter.queue == Some(TicketQueue::Review),
                ];
                let total: i64 = conn.query_row(
                    &format!("SELECT COUNT(*) FROM tickets WHERE {where_}"),
                    p,
                    |r| r.get(0),
                )?;
                let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
                let ids: Vec<String> = conn
                    .prepare(&format!(
                        "SELECT id FROM tickets WHERE {where_}
                         ORDER BY version DESC LIMIT {per_page} OFFSET {offset}"
                    ))?
                    .query_map(p, |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                let cal = rules::calendar(conn)?;
                let mut tickets = Vec::new();
                for id in ids {
                    if let Some(s) = load(conn, parse_uuid(&id)?)? {
                        tickets.push(view_of(s, &cal, now));
                    }
                }
                Ok(TicketList {
                    tickets,
                    total: total.unsigned_abs(),
                    page,
                    per_page,
                })
            })
        })
        .await
    }

    /// One ticket with every clock; field and agent staff see their own (assigned or
    /// reported) only.
    pub async fn ticket(&self, user: User, id: Uuid, now: DateTime<Utc>) -> Result<TicketView> {
        self.check_breaches(now).await?;
        self.blocking(move |db| {
            db.read(|conn| {
                let s = load(conn, id)?.ok_or(AppError::NotFound)?;
                let own = s.ticket.assignee == Some(user.id) || s.created_by == user.id;
                if visible_sql(&user).is_some() && !own {
                    return Err(AppError::Forbidden(format!(
                        "ticket {id} is neither assigned to nor reported by you"
                    )));
                }
                Ok(view_of(s, &rules::calendar(conn)?, now))
            })
        })
        .await
    }

    /// Open tickets the intake form should offer to link: the same customer (or contact)
    /// and sub-problem within [`DUPLICATE_WINDOW_DAYS`], whatever the channel.
    pub async fn duplicates(&self, q: DuplicateQuery, now: DateTime<Utc>) -> Result<Vec<Ticket>> {
        self.blocking(move |db| {
            db.read(|conn| {
                let window = Duration::days(DUPLICATE_WINDOW_DAYS);
                let ids: Vec<String> = conn
                    .prepare(
                        "SELECT id FROM tickets
                         WHERE sub_problem = ?1 AND created_at >= ?2 AND state != 'closed'
                         ORDER BY created_at DESC LIMIT 50",
                    )?
                    .query_map(params![q.sub_problem, ts(now - window)], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                // Masked on both sides: the form may only know the masked number.
                let asked = q.contact.as_deref().map(mask_contact);
                let key = DuplicateKey {
                    customer_id: q.customer_id,
                    contact: asked.as_deref(),
                    sub_problem: &q.sub_problem,
                    reported_at: now,
                };
                let mut out = Vec::new();
                for id in ids {
                    let Some(s) = load(conn, parse_uuid(&id)?)? else {
                        continue;
                    };
                    let masked = s.ticket.intake.contact.as_deref().map(mask_contact);
                    let other = DuplicateKey {
                        customer_id: s.ticket.intake.customer_id,
                        contact: masked.as_deref(),
                        sub_problem: &s.ticket.intake.sub_problem,
                        reported_at: s.ticket.created_at,
                    };
                    if likely_duplicate(&key, &other, window) {
                        out.push(public(s.ticket));
                    }
                }
                Ok(out)
            })
        })
        .await
    }

    /// Revisit coverage of tickets first resolved in `[from, to)`, per kind of case, against
    /// the targets. Cases without a registered customer cannot be revisited and are left out.
    pub async fn coverage(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<CoverageRow>> {
        self.blocking(move |db| {
            db.read(|conn| {
                let targets = rules::rules(conn)?.revisit;
                let rows: Vec<(String, u8)> = conn
                    .prepare(
                        "SELECT nature, revisits FROM tickets
                         WHERE resolved_at >= ?1 AND resolved_at < ?2 AND customer_id IS NOT NULL",
                    )?
                    .query_map(params![ts(from), ts(to)], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                let mut kinds: Vec<VisitType> = targets.percent_by_type.keys().copied().collect();
                for k in [VisitType::Complaint, VisitType::Repair] {
                    if !kinds.contains(&k) {
                        kinds.push(k);
                    }
                }
                kinds.sort();
                let mut counts: BTreeMap<VisitType, (u32, u32)> = BTreeMap::new();
                for (nature, revisits) in rows {
                    let e = counts.entry(revisit_kind(unwire(&nature)?)).or_default();
                    e.0 += 1;
                    e.1 += u32::from(revisits > 0);
                }
                Ok(kinds
                    .into_iter()
                    .map(|k| {
                        let (resolved, revisited) = counts.get(&k).copied().unwrap_or_default();
                        CoverageRow::new(
                            k,
                            Coverage {
                                resolved,
                                revisited,
                                target_percent: targets.target(k, false),
                            },
                        )
                    })
                    .collect())
            })
        })
        .await
    }
}

/// Resolved tickets by review state, newest change first, for `GET /api/reviews`.
pub(super) fn tickets_by_review(
    conn: &Connection,
    decision: Option<&str>,
    limit: u32,
) -> Result<Vec<Ticket>> {
    let ids: Vec<String> = conn
        .prepare(
            "SELECT id FROM tickets
             WHERE resolution IS NOT NULL AND state IN ('resolved', 'revisit', 'closed')
               AND ((?1 IS NULL AND review IS NULL) OR json_extract(review, '$.decision') = ?1)
             ORDER BY version DESC LIMIT ?2",
        )?
        .query_map(params![decision, limit], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter()
        .filter_map(|id| parse_uuid(id).and_then(|id| load(conn, id)).transpose())
        .map(|s| s.map(|s| public(s.ticket)))
        .collect()
}
