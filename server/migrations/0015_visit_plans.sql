-- 回访计划 (issue 11): everyone's tasks filtered and changed by planners, bulk plans made once
-- per client-made id, and the recurring policy per customer class with its once-per-period key.

-- The task list's filters: by visit type in due order; "has an open task of this type"
-- (bulk plans skip those customers); a person's load per day is `tasks_assignee_status_due`.
CREATE INDEX tasks_type_due ON tasks (visit_type, due_from, id);
CREATE INDEX tasks_open_customer_type ON tasks (customer_id, visit_type) WHERE status = 'open';

-- Why a task was cancelled by a planner (NULL otherwise).
ALTER TABLE tasks ADD COLUMN cancel_reason TEXT;

-- A task reassigned away: the former assignee's device must hear that it left (the pull reads
-- their moves after its floor, as it reads `ticket_history` for tickets).
CREATE TABLE task_moves (
    task_id      TEXT NOT NULL REFERENCES tasks (id),
    old_assignee TEXT NOT NULL REFERENCES users (id),
    version      INTEGER NOT NULL,
    PRIMARY KEY (task_id, version)
) STRICT, WITHOUT ROWID;
CREATE INDEX task_moves_old_assignee ON task_moves (old_assignee, version);

-- A bulk plan, kept under its client-made id: the same id again answers what was done.
CREATE TABLE visit_plans (
    id          TEXT PRIMARY KEY,
    -- The request as JSON, to tell a replay from a reused id.
    request     TEXT NOT NULL,
    -- `PlanOutcome` as JSON.
    outcome     TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL
) STRICT;

-- Customers a bulk plan selects: not archived, by class, in the last-visit order of the
-- recurring run as well.
CREATE INDEX customers_live_class_visit ON customers (class, last_visit_at, id)
    WHERE archived_at IS NULL;

-- One row: the recurring policy (`RecurringPolicy` as JSON). Off until a planner picks the
-- periods (the screen offers the handbooks' example: A monthly, B quarterly, C half-yearly).
CREATE TABLE recurring_policy (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    policy  TEXT NOT NULL,
    version INTEGER NOT NULL
) STRICT;
INSERT INTO recurring_policy (id, policy, version) VALUES (1,
    '{"every_months":{"A":null,"B":null,"C":null,"D":null},"visit_type":"satisfaction","planned_channel":"phone","daily_cap":8}',
    1);

-- At most one recurring task per customer and period: the key makes the daily run
-- idempotent across restarts and across servers sharing the database.
CREATE TABLE recurring_tasks (
    customer_id TEXT NOT NULL REFERENCES customers (id),
    period_key  TEXT NOT NULL,
    -- Claimed before the task is written, in the same transaction.
    task_id     TEXT NOT NULL,
    PRIMARY KEY (customer_id, period_key)
) STRICT, WITHOUT ROWID;

-- The local days the recurring run has run on: once a day, whichever server starts first.
CREATE TABLE recurring_runs (
    day     TEXT PRIMARY KEY,
    created INTEGER NOT NULL,
    at      TEXT NOT NULL
) STRICT;
