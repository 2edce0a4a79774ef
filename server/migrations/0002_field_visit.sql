-- Huifang schema v2: the field visit. Tasks, versioned call scripts and survey templates,
-- organisation settings, and visits stored whole.

-- The whole `VisitRecord` as sent, authoritative when reading back: fields added to the record
-- later (signature, place, script, survey…) are never dropped by a column list that lags
-- behind. NULL only for rows stored before this migration; those are read from the columns.
ALTER TABLE visits ADD COLUMN record_json TEXT;
ALTER TABLE visits ADD COLUMN task_id TEXT;
ALTER TABLE visits ADD COLUMN escalate INTEGER NOT NULL DEFAULT 0 CHECK (escalate IN (0, 1));
CREATE INDEX visits_task ON visits (task_id) WHERE task_id IS NOT NULL;
-- Supervisors own escalations: their list must stay quick however many visits there are.
CREATE INDEX visits_escalated ON visits (received_at DESC) WHERE escalate = 1;
CREATE INDEX visits_customer_contacted ON visits (customer_id, contacted_at DESC);

CREATE TABLE tasks (
    id              TEXT PRIMARY KEY,
    customer_id     TEXT NOT NULL REFERENCES customers (id),
    assignee        TEXT NOT NULL REFERENCES users (id),
    visit_type      TEXT NOT NULL,
    planned_channel TEXT NOT NULL,
    priority        TEXT NOT NULL CHECK (priority IN ('high', 'normal', 'low')),
    due_from        TEXT NOT NULL,
    due_until       TEXT NOT NULL,
    attempt         INTEGER NOT NULL,
    -- `TaskSource` as JSON (plan / retry after a visit / ticket).
    source          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
    note            TEXT NOT NULL,
    -- Server change counter: every status change takes a new value so pulls deliver it.
    version         INTEGER NOT NULL UNIQUE,
    -- NULL when the server made the task itself (demo seed).
    created_by      TEXT REFERENCES users (id),
    created_at      TEXT NOT NULL,
    -- The visit that closed the task.
    done_by_visit   TEXT
) STRICT;
CREATE INDEX tasks_assignee ON tasks (assignee, version);
CREATE INDEX tasks_status ON tasks (status, due_from);

-- Every version of a script is kept: a visit record names the version it followed, and an
-- old record must stay checkable against the wording of its day.
CREATE TABLE scripts (
    id             TEXT NOT NULL,
    version        INTEGER NOT NULL,
    visit_type     TEXT NOT NULL,
    title          TEXT NOT NULL,
    -- `Vec<ScriptStep>` as JSON.
    steps          TEXT NOT NULL,
    -- Server change counter (the pull cursor), distinct from the script's own `version`.
    server_version INTEGER NOT NULL UNIQUE,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (id, version)
) STRICT;

CREATE TABLE surveys (
    id             TEXT NOT NULL,
    version        INTEGER NOT NULL,
    title          TEXT NOT NULL,
    -- The visit type the survey is meant for; NULL: any.
    visit_type     TEXT,
    -- `Vec<Question>` as JSON.
    questions      TEXT NOT NULL,
    server_version INTEGER NOT NULL UNIQUE,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (id, version)
) STRICT;

-- One row: the organisation's settings, pulled by every device.
CREATE TABLE settings (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    company               TEXT NOT NULL,
    utc_offset_minutes    INTEGER NOT NULL,
    -- `QuietHours` as JSON.
    quiet_hours           TEXT NOT NULL,
    target_min_minutes    INTEGER NOT NULL,
    target_max_minutes    INTEGER NOT NULL,
    record_within_minutes INTEGER NOT NULL,
    version               INTEGER NOT NULL UNIQUE
) STRICT;
