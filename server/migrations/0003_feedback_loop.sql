-- Huifang schema v3: the feedback loop. Tickets with their append-only timeline, field
-- history and SLA clocks; every report counted for the repetition rule; the ticket rules as
-- admin-editable settings; supervisor review of visits.

CREATE TABLE tickets (
    id           TEXT PRIMARY KEY,
    state        TEXT NOT NULL
                 CHECK (state IN ('new', 'assigned', 'in_progress', 'resolved', 'revisit', 'closed')),
    -- `TicketIntake` as sent, contact in full: only the server may see it; it leaves masked.
    intake       TEXT NOT NULL,
    customer_id  TEXT REFERENCES customers (id),
    -- The current classification (editable), apart from the intake as reported.
    nature       TEXT NOT NULL,
    sub_problem  TEXT NOT NULL,
    -- `Grade` as JSON (impact, priority and the rules that fired); the two columns copy it
    -- for filtering.
    grade        TEXT NOT NULL,
    impact       TEXT NOT NULL CHECK (impact IN ('general', 'important', 'urgent')),
    priority     TEXT NOT NULL CHECK (priority IN ('low', 'medium', 'high')),
    department   TEXT,
    assignee     TEXT REFERENCES users (id),
    created_by   TEXT NOT NULL REFERENCES users (id),
    resolution   TEXT,
    waiting      INTEGER NOT NULL CHECK (waiting IN (0, 1)),
    reports      INTEGER NOT NULL,
    revisits     INTEGER NOT NULL,
    -- `Review` of the resolution as JSON; NULL: pending (once there is a resolution).
    review       TEXT,
    -- Set once a clock is breached (or the case needs the supervisor): the supervisors' queue.
    escalated_at TEXT,
    -- The first resolution, for revisit coverage by period.
    resolved_at  TEXT,
    created_at   TEXT NOT NULL,
    version      INTEGER NOT NULL UNIQUE
) STRICT;
CREATE INDEX tickets_assignee ON tickets (assignee, version);
CREATE INDEX tickets_created_by ON tickets (created_by, version);
CREATE INDEX tickets_escalated ON tickets (escalated_at) WHERE escalated_at IS NOT NULL;
CREATE INDEX tickets_duplicates ON tickets (sub_problem, created_at);

-- Append-only: rows are inserted, never updated or deleted.
CREATE TABLE ticket_timeline (
    id        INTEGER PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    at        TEXT NOT NULL,
    -- NULL for the server's own entries (a breached clock).
    by_user   TEXT REFERENCES users (id),
    -- The name as it was then, so the timeline reads the same after a rename.
    by_name   TEXT NOT NULL,
    -- `TimelineEvent` as JSON.
    event     TEXT NOT NULL
) STRICT;
CREATE INDEX ticket_timeline_ticket ON ticket_timeline (ticket_id, id);

-- Every overwritten field value (`FieldChange`), oldest first; append-only.
CREATE TABLE ticket_history (
    id         INTEGER PRIMARY KEY,
    ticket_id  TEXT NOT NULL REFERENCES tickets (id),
    field      TEXT NOT NULL,
    old        TEXT NOT NULL,
    new        TEXT NOT NULL,
    by_user    TEXT NOT NULL REFERENCES users (id),
    at         TEXT NOT NULL,
    concurrent INTEGER NOT NULL CHECK (concurrent IN (0, 1))
) STRICT;
CREATE INDEX ticket_history_ticket ON ticket_history (ticket_id, id);

CREATE TABLE ticket_clocks (
    id          INTEGER PRIMARY KEY,
    ticket_id   TEXT NOT NULL REFERENCES tickets (id),
    kind        TEXT NOT NULL,
    -- The `ClockRule` in force when the clock started: a later policy change does not move
    -- the deadline of a clock already running.
    rule        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    met_at      TEXT,
    -- `Vec<Pause>` as JSON.
    pauses      TEXT NOT NULL,
    -- Recorded once, by the breach check, so the escalation happens once.
    breached_at TEXT
) STRICT;
CREATE INDEX ticket_clocks_ticket ON ticket_clocks (ticket_id, id);
CREATE INDEX ticket_clocks_running ON ticket_clocks (ticket_id) WHERE met_at IS NULL AND breached_at IS NULL;

-- Every report of a problem, the first one of a ticket and the ones linked to it later: the
-- repetition rule counts these across customers and channels. `id` is the mutation id, so a
-- linked report is recorded once.
CREATE TABLE ticket_reports (
    id          TEXT PRIMARY KEY,
    ticket_id   TEXT NOT NULL REFERENCES tickets (id),
    sub_problem TEXT NOT NULL,
    channel     TEXT NOT NULL,
    customer_id TEXT,
    by_user     TEXT NOT NULL REFERENCES users (id),
    reported_at TEXT NOT NULL
) STRICT;
CREATE INDEX ticket_reports_sub_problem ON ticket_reports (sub_problem, reported_at);

-- The ticket rules as data, one row each (`grading`, `sla`, `calendar`, `routing`, `revisit`);
-- the server fills in the defaults at start-up when a row is missing.
CREATE TABLE ticket_settings (
    key     TEXT PRIMARY KEY
            CHECK (key IN ('grading', 'sla', 'calendar', 'routing', 'revisit')),
    value   TEXT NOT NULL,
    version INTEGER NOT NULL UNIQUE
) STRICT;

-- 主管审核 of a visit record: `Review` as JSON; NULL while pending.
ALTER TABLE visits ADD COLUMN review TEXT;
