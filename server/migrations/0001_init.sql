-- Huifang schema v1. Timestamps are UTC text in one fixed RFC 3339 format (microseconds, `Z`)
-- so that they sort as text; ids are UUIDs as text.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    -- Tablet keyboards capitalise the first letter: "Field" must log in as "field".
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('agent', 'field', 'supervisor', 'admin')),
    agent_no      TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
) STRICT;

-- Only the SHA-256 of a token is kept: a leaked database does not hand out live sessions.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins, kept in the database (not in memory) so that several server instances
-- behind one load balancer share the limit. `key` is `user:<name>` or `ip:<addr>`.
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_key_at ON login_failures (key, at);

-- The pull cursor: one counter for everything the server hands out, so a device resumes
-- from one number whatever kind of record changed.
CREATE TABLE server_version (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
) STRICT;
INSERT INTO server_version (id, value) VALUES (1, 0);

CREATE TABLE customers (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    class   TEXT NOT NULL CHECK (class IN ('A', 'B', 'C', 'D')),
    vip     INTEGER NOT NULL CHECK (vip IN (0, 1)),
    -- Stored in full: staff must be able to call; only the masked form leaves the server.
    contact TEXT NOT NULL,
    summary TEXT NOT NULL,
    version INTEGER NOT NULL UNIQUE
) STRICT;

CREATE TABLE devices (
    device_id  TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    last_seq   INTEGER NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE visits (
    id           TEXT PRIMARY KEY,
    device_id    TEXT NOT NULL REFERENCES devices (device_id),
    seq          INTEGER NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id),
    customer_id  TEXT NOT NULL REFERENCES customers (id),
    channel      TEXT NOT NULL,
    visit_type   TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    attempt      INTEGER NOT NULL,
    satisfaction INTEGER,
    emotion      TEXT,
    verbatim     TEXT NOT NULL,
    demand       TEXT,
    follow_up    TEXT NOT NULL,
    contacted_at TEXT NOT NULL,
    -- Device time of the mutation, next to the server's own receipt time: a large gap is
    -- worth a look when fake records are suspected.
    recorded_at  TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    UNIQUE (device_id, seq)
) STRICT;
CREATE INDEX visits_newest ON visits (received_at DESC, contacted_at DESC);
CREATE INDEX visits_customer ON visits (customer_id);

-- Rejected mutations count as processed; their answer is kept so that a replayed batch gets
-- the very same `rejected` entries back.
CREATE TABLE rejections (
    device_id TEXT NOT NULL REFERENCES devices (device_id),
    seq       INTEGER NOT NULL,
    code      TEXT NOT NULL,
    message   TEXT NOT NULL,
    field     TEXT,
    at        TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
) STRICT;

-- Who changed what and when; `user_id` is NULL for operator actions from the command line.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user_id   TEXT REFERENCES users (id),
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before    TEXT,
    after     TEXT
) STRICT;
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
