//! 回访计划 rows: planners' changes to tasks, bulk plans kept by id, the recurring policy and
//! the keys that make the recurring run happen once a day and once per customer and period
//! (the use cases are `service::plans` and `service::recurring`).
//!
//! Not to be confused with `store::plans`, the query-plan test.

use chrono::{DateTime, Utc};
use huifang_domain::planning::{
    PlanCustomer, PlanOutcome, PlanRequest, Selection, TaskCancel, TaskChange,
};
use huifang_domain::recurring::{PolicyUpdate, RecurringPolicy, StoredPolicy};
use huifang_domain::task::VisitTask;
use huifang_domain::{CustomerClass, User, VisitType};
use rusqlite::{OptionalExtension, Row, Transaction, params};
use uuid::Uuid;

use super::paging::{Filters, text};
use super::tasks::status_str;
use super::{
    Conn, Store, audit, audit_change, from_json, from_sql_int, next_version, parse_ts, parse_uuid,
    to_json, to_json_text, to_sql_int, ts,
};
use crate::error::{AppError, Result};
use crate::service;
use crate::storage::{PlanQueries, PlanRows, TaskEdit};

fn plan_customer(r: &Row) -> Result<PlanCustomer> {
    let class: String = r.get(2)?;
    Ok(PlanCustomer {
        customer_id: parse_uuid(&r.get::<_, String>(0)?)?,
        name: r.get(1)?,
        class: CustomerClass::parse(&class)
            .ok_or_else(|| AppError::Internal(format!("bad stored class {class:?}")))?,
    })
}

impl<C: Conn> PlanQueries for C {
    /// Walks `customers_live_class_visit` (classes in order, each by last visit) until
    /// `limit` rows match; with a tag, SQLite starts from `customer_tags_tag` instead (the
    /// tagged customers, sorted), so a rare tag does not walk the whole book.
    fn select_customers(
        &self,
        sel: &Selection,
        before: Option<DateTime<Utc>>,
        limit: usize,
    ) -> Result<Vec<PlanCustomer>> {
        let mut f = Filters::default();
        f.term("c.archived_at IS NULL");
        if !sel.classes.is_empty() {
            let marks = vec!["?"; sel.classes.len()].join(", ");
            f.bind(
                &format!("c.class IN ({marks})"),
                sel.classes.iter().map(|c| text(c.as_str())),
            );
        }
        if let Some(tag) = &sel.tag {
            f.bind(
                "c.id IN (SELECT customer_id FROM customer_tags WHERE tag = ?)",
                [text(tag.trim())],
            );
        }
        if let Some(before) = before {
            f.bind(
                "(c.last_visit_at IS NULL OR c.last_visit_at < ?)",
                [text(ts(before))],
            );
        }
        if let Some(from) = sel.purchased_from {
            f.bind("c.purchase_date >= ?", [text(from.to_string())]);
        }
        if let Some(to) = sel.purchased_to {
            f.bind("c.purchase_date <= ?", [text(to.to_string())]);
        }
        let index = if sel.tag.is_some() {
            ""
        } else {
            "INDEXED BY customers_live_class_visit"
        };
        let mut stmt = self.conn().prepare(&format!(
            "SELECT c.id, c.name, c.class FROM customers c {index}
             {} ORDER BY c.class, c.last_visit_at, c.id LIMIT {limit}",
            f.sql()
        ))?;
        stmt.query_map(rusqlite::params_from_iter(f.params()), |r| {
            Ok(plan_customer(r))
        })?
        .map(|row| row?)
        .collect()
    }

    fn has_open_task(&self, customer: Uuid, visit_type: VisitType) -> Result<bool> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT 1 FROM tasks WHERE customer_id = ?1 AND visit_type = ?2
                 AND status = 'open' LIMIT 1",
            )?
            .exists(params![customer.to_string(), visit_type.as_str()])?)
    }

    fn open_task_starts(
        &self,
        assignee: Uuid,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT due_from FROM tasks WHERE assignee = ?1 AND status = 'open'
             AND due_from >= ?2 AND due_from < ?3",
        )?;
        stmt.query_map(params![assignee.to_string(), ts(from), ts(to)], |r| {
            r.get::<_, String>(0)
        })?
        .map(|row| parse_ts(&row?))
        .collect()
    }

    fn stored_plan(&self, id: Uuid) -> Result<Option<(serde_json::Value, PlanOutcome)>> {
        self.conn()
            .query_row(
                "SELECT request, outcome FROM visit_plans WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
            .map(|(req, out)| Ok((from_json(&req, "plan request")?, from_json(&out, "plan")?)))
            .transpose()
    }

    fn recurring_policy(&self) -> Result<StoredPolicy> {
        let (policy, version): (String, i64) = self.conn().query_row(
            "SELECT policy, version FROM recurring_policy WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(StoredPolicy {
            policy: from_json(&policy, "recurring policy")?,
            version: from_sql_int(version)?,
        })
    }

    fn recurring_due(
        &self,
        class: CustomerClass,
        due_before: DateTime<Utc>,
        period: &str,
        visit_type: VisitType,
        limit: usize,
    ) -> Result<Vec<PlanCustomer>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.name, c.class FROM customers c INDEXED BY customers_live_class_visit
             WHERE c.class = ?1 AND c.archived_at IS NULL
               AND (c.last_visit_at IS NULL OR c.last_visit_at <= ?2)
               AND NOT EXISTS (SELECT 1 FROM recurring_tasks r
                               WHERE r.customer_id = c.id AND r.period_key = ?3)
               AND NOT EXISTS (SELECT 1 FROM tasks t
                               WHERE t.customer_id = c.id AND t.visit_type = ?4
                                 AND t.status = 'open')
             ORDER BY c.last_visit_at, c.id LIMIT ?5",
        )?;
        stmt.query_map(
            params![
                class.as_str(),
                ts(due_before),
                period,
                visit_type.as_str(),
                limit as i64
            ],
            |r| Ok(plan_customer(r)),
        )?
        .map(|row| row?)
        .collect()
    }

    fn last_visitor(&self, customer: Uuid) -> Result<Option<Uuid>> {
        self.conn()
            .prepare_cached(
                "SELECT user_id FROM visits WHERE customer_id = ?1
                 ORDER BY contacted_at DESC LIMIT 1",
            )?
            .query_row([customer.to_string()], |r| r.get::<_, String>(0))
            .optional()?
            .map(|u| parse_uuid(&u))
            .transpose()
    }
}

impl PlanRows for Transaction<'_> {
    fn edit_task(
        &self,
        before: &VisitTask,
        mut after: VisitTask,
        edit: TaskEdit<'_>,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<VisitTask> {
        after.version = next_version(self)?;
        let reason = match edit {
            TaskEdit::Change => None,
            TaskEdit::Cancel { reason } => Some(reason),
        };
        let changed = self.execute(
            "UPDATE tasks SET assignee = ?2, due_from = ?3, due_until = ?4, status = ?5,
                              cancel_reason = coalesce(?6, cancel_reason), version = ?7
             WHERE id = ?1 AND version = ?8",
            params![
                after.id.to_string(),
                after.assignee.to_string(),
                ts(after.due_from),
                ts(after.due_until),
                status_str(after.status),
                reason,
                to_sql_int(after.version),
                to_sql_int(before.version)
            ],
        )?;
        if changed != 1 {
            return Err(AppError::Conflict(format!(
                "task {} changed meanwhile",
                before.id
            )));
        }
        if after.assignee != before.assignee {
            self.execute(
                "INSERT INTO task_moves (task_id, old_assignee, version) VALUES (?1, ?2, ?3)",
                params![
                    before.id.to_string(),
                    before.assignee.to_string(),
                    to_sql_int(after.version)
                ],
            )?;
        }
        let mut audited = to_json(&after)?;
        if let Some(reason) = reason {
            audited["cancel_reason"] = reason.into();
        }
        let action = match edit {
            TaskEdit::Cancel { .. } => "task.cancel",
            TaskEdit::Change => "task.change",
        };
        audit_change(
            self,
            now,
            Some(by),
            action,
            ("task", before.id),
            Some(&to_json(before)?),
            &audited,
        )?;
        Ok(after)
    }

    fn save_plan(
        &self,
        request: &serde_json::Value,
        outcome: &PlanOutcome,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO visit_plans (id, request, outcome, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                outcome.plan_id.to_string(),
                request.to_string(),
                to_json_text(outcome)?,
                by.to_string(),
                ts(now)
            ],
        )?;
        let summary = serde_json::json!({
            "request": request,
            "selected": outcome.selected,
            "planned": outcome.planned,
            "skipped": outcome.skipped.len(),
        });
        audit(
            self,
            now,
            Some(by),
            "plan.create",
            "plan",
            outcome.plan_id,
            &summary,
        )
    }

    fn save_policy(
        &self,
        policy: &RecurringPolicy,
        version: u64,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<StoredPolicy>> {
        let before = self.recurring_policy()?;
        if before.version != version {
            return Ok(None);
        }
        let after = StoredPolicy {
            policy: policy.clone(),
            version: version + 1,
        };
        self.execute(
            "UPDATE recurring_policy SET policy = ?1, version = ?2 WHERE id = 1",
            params![to_json_text(policy)?, to_sql_int(after.version)],
        )?;
        audit_change(
            self,
            now,
            Some(by),
            "recurring_policy.update",
            ("recurring_policy", Uuid::nil()),
            Some(&to_json(&before)?),
            &to_json(&after)?,
        )?;
        Ok(Some(after))
    }

    fn claim_run_day(&self, day: &str, now: DateTime<Utc>) -> Result<bool> {
        Ok(self.execute(
            "INSERT OR IGNORE INTO recurring_runs (day, created, at) VALUES (?1, 0, ?2)",
            params![day, ts(now)],
        )? == 1)
    }

    fn finish_run_day(&self, day: &str, created: u32) -> Result<()> {
        self.execute(
            "UPDATE recurring_runs SET created = ?2 WHERE day = ?1",
            params![day, created],
        )?;
        Ok(())
    }

    fn claim_period(&self, customer: Uuid, period: &str, task: Uuid) -> Result<bool> {
        Ok(self.execute(
            "INSERT OR IGNORE INTO recurring_tasks (customer_id, period_key, task_id)
             VALUES (?1, ?2, ?3)",
            params![customer.to_string(), period, task.to_string()],
        )? == 1)
    }
}

impl Store {
    /// `PATCH /api/tasks/{id}` (see `service::plans::change_task`).
    pub async fn change_task(
        &self,
        by: User,
        id: Uuid,
        change: TaskChange,
        now: DateTime<Utc>,
    ) -> Result<VisitTask> {
        self.write(move |tx| service::plans::change_task(tx, &by, id, &change, now))
            .await
    }

    /// `POST /api/tasks/{id}/cancel`.
    pub async fn cancel_task(
        &self,
        by: User,
        id: Uuid,
        cancel: TaskCancel,
        now: DateTime<Utc>,
    ) -> Result<VisitTask> {
        self.write(move |tx| service::plans::cancel_task(tx, &by, id, &cancel, now))
            .await
    }

    /// `POST /api/plans/preview`: on a reader, nothing written.
    pub async fn preview_plan(&self, req: PlanRequest, now: DateTime<Utc>) -> Result<PlanOutcome> {
        self.blocking(move |db| db.read(|conn| service::plans::preview(conn, &req, now)))
            .await
    }

    /// `POST /api/plans`: the outcome and whether the tasks were created by this call.
    pub async fn create_plan(
        &self,
        by: User,
        req: PlanRequest,
        now: DateTime<Utc>,
    ) -> Result<(PlanOutcome, bool)> {
        self.write(move |tx| service::plans::create(tx, &by, &req, now))
            .await
    }

    pub async fn recurring_policy(&self) -> Result<StoredPolicy> {
        self.blocking(|db| db.read(|conn| conn.recurring_policy()))
            .await
    }

    pub async fn save_recurring_policy(
        &self,
        by: User,
        update: PolicyUpdate,
        now: DateTime<Utc>,
    ) -> Result<StoredPolicy> {
        self.write(move |tx| service::plans::save_policy(tx, &by, &update, now))
            .await
    }

    /// The day's recurring run (see `service::recurring`): the tasks it created.
    pub async fn run_recurring(&self, now: DateTime<Utc>) -> Result<u32> {
        self.write(move |tx| service::recurring::run(tx, now)).await
    }
}
