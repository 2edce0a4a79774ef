-- Huifang schema v17 (issue 12): the dashboards' rollups. Every figure of
-- `/api/dashboard/*` is summed from these small tables, never from visits, tasks or tickets
-- over a period: a year is a few thousand rows per table, however many visits there are.
--
-- Triggers keep them, in the transaction of the write that changes the rows they count, so
-- every writer (push, task planning, ticket saves, the breach sweep, imports, the seed) keeps
-- them right without knowing about them. Days are local calendar days (YYYY-MM-DD) in the
-- organisation's UTC offset at the time of the write, like `report_days` (0006); the
-- timestamp is cut to whole seconds first, as there.

-- The visit's answer to its survey's NPS ("would you recommend", 0–10) question, if the
-- survey asks one. Set on insert by the server (`huifang_domain::dashboard::nps_answer`).
ALTER TABLE visits ADD COLUMN nps INTEGER CHECK (nps BETWEEN 0 AND 10);
UPDATE visits SET nps = (
    SELECT json_extract(visits.record_json, '$.survey.answers.' || json_quote(q.value ->> '$.key'))
      FROM surveys s, json_each(s.questions) q
     WHERE s.id = visits.record_json ->> '$.survey.survey_id'
       AND s.version = visits.record_json ->> '$.survey.version'
       AND q.value ->> '$.kind.type' = 'nps'
     LIMIT 1)
 WHERE record_json ->> '$.survey' IS NOT NULL;

-- Visits by local contact day, type and channel; tasks by local day of `due_from`, type and
-- planned channel. Tasks count when not cancelled (`planned`), done, and done by a visit
-- inside [due_from, due_until) (`on_time`). `recorded_in_time`: recorded_at − contacted_at
-- within the settings' `record_within_minutes`. `reached_attempts` sums the attempt number
-- of the reaching visits (attempts per reached customer).
CREATE TABLE visit_days (
    day              TEXT NOT NULL,
    visit_type       TEXT NOT NULL,
    channel          TEXT NOT NULL,
    visits           INTEGER NOT NULL DEFAULT 0,
    reached          INTEGER NOT NULL DEFAULT 0,
    reached_attempts INTEGER NOT NULL DEFAULT 0,
    recorded_in_time INTEGER NOT NULL DEFAULT 0,
    score_1          INTEGER NOT NULL DEFAULT 0,
    score_2          INTEGER NOT NULL DEFAULT 0,
    score_3          INTEGER NOT NULL DEFAULT 0,
    score_4          INTEGER NOT NULL DEFAULT 0,
    score_5          INTEGER NOT NULL DEFAULT 0,
    nps_n            INTEGER NOT NULL DEFAULT 0,
    promoters        INTEGER NOT NULL DEFAULT 0,
    detractors       INTEGER NOT NULL DEFAULT 0,
    planned          INTEGER NOT NULL DEFAULT 0,
    done             INTEGER NOT NULL DEFAULT 0,
    on_time          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, visit_type, channel)
) STRICT, WITHOUT ROWID;

-- The same per agent (the visit's author, the task's assignee), for the `agent` filter:
-- the agent leads, so one agent's year is one range.
CREATE TABLE agent_visit_days (
    user_id          TEXT NOT NULL,
    day              TEXT NOT NULL,
    visit_type       TEXT NOT NULL,
    channel          TEXT NOT NULL,
    visits           INTEGER NOT NULL DEFAULT 0,
    reached          INTEGER NOT NULL DEFAULT 0,
    reached_attempts INTEGER NOT NULL DEFAULT 0,
    recorded_in_time INTEGER NOT NULL DEFAULT 0,
    score_1          INTEGER NOT NULL DEFAULT 0,
    score_2          INTEGER NOT NULL DEFAULT 0,
    score_3          INTEGER NOT NULL DEFAULT 0,
    score_4          INTEGER NOT NULL DEFAULT 0,
    score_5          INTEGER NOT NULL DEFAULT 0,
    nps_n            INTEGER NOT NULL DEFAULT 0,
    promoters        INTEGER NOT NULL DEFAULT 0,
    detractors       INTEGER NOT NULL DEFAULT 0,
    planned          INTEGER NOT NULL DEFAULT 0,
    done             INTEGER NOT NULL DEFAULT 0,
    on_time          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day, visit_type, channel)
) STRICT, WITHOUT ROWID;

-- One row per agent and day with activity: the per-agent table. Tickets `resolved` by them
-- (timeline), `revisited`/`reopened`: revisits answered (unsatisfied) on tickets they hold,
-- `returned`: their visits of that contact day returned by review.
CREATE TABLE agent_days (
    day        TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    visits     INTEGER NOT NULL DEFAULT 0,
    reached    INTEGER NOT NULL DEFAULT 0,
    score_n    INTEGER NOT NULL DEFAULT 0,
    score_sum  INTEGER NOT NULL DEFAULT 0,
    tasks_done INTEGER NOT NULL DEFAULT 0,
    on_time    INTEGER NOT NULL DEFAULT 0,
    resolved   INTEGER NOT NULL DEFAULT 0,
    revisited  INTEGER NOT NULL DEFAULT 0,
    reopened   INTEGER NOT NULL DEFAULT 0,
    returned   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, user_id)
) STRICT, WITHOUT ROWID;

-- Revisits answered per day (timeline `revisit` entries that reached the customer).
CREATE TABLE revisit_days (
    day            TEXT NOT NULL PRIMARY KEY,
    revisits       INTEGER NOT NULL DEFAULT 0,
    first_revisits INTEGER NOT NULL DEFAULT 0,
    closed_first   INTEGER NOT NULL DEFAULT 0,
    reopened       INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

-- Revisit coverage: tickets by local day of their first resolution and nature, and of those
-- the revisited ones (what `resolved_between` counted).
CREATE TABLE coverage_days (
    day       TEXT NOT NULL,
    nature    TEXT NOT NULL,
    resolved  INTEGER NOT NULL DEFAULT 0,
    revisited INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, nature)
) STRICT, WITHOUT ROWID;

-- Clock breaches per day, kind and the ticket's department then ('' for none).
CREATE TABLE breach_days (
    day        TEXT NOT NULL,
    kind       TEXT NOT NULL,
    department TEXT NOT NULL,
    breaches   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, kind, department)
) STRICT, WITHOUT ROWID;

-- The backlog "now" figures: open tickets (every state but closed, one equality each) by
-- grade, department and age from this covering index; breached clocks not met (overdue)
-- from the second; clocks running towards a deadline from `ticket_clocks_check` (0006).
CREATE INDEX tickets_backlog ON tickets (state, impact, department, created_at);
CREATE INDEX ticket_clocks_unmet_breach ON ticket_clocks (met_at, breached_at, ticket_id);

-- Backfill: what the triggers below would have counted, row by row.

INSERT INTO visit_days (day, visit_type, channel, visits, reached, reached_attempts, recorded_in_time, score_1, score_2, score_3, score_4, score_5, nps_n, promoters, detractors)
SELECT date(substr(v.contacted_at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))) AS k0,
       v.visit_type AS k1,
       v.channel AS k2,
       SUM(1),
       SUM(v.outcome = 'reached'),
       SUM(CASE WHEN v.outcome = 'reached' THEN v.attempt ELSE 0 END),
       SUM((julianday(v.recorded_at) - julianday(v.contacted_at)) * 86400.0 <= 60 * coalesce((SELECT record_within_minutes FROM settings WHERE id = 1), 30) + 0.001),
       SUM(coalesce(v.satisfaction = 1, 0)),
       SUM(coalesce(v.satisfaction = 2, 0)),
       SUM(coalesce(v.satisfaction = 3, 0)),
       SUM(coalesce(v.satisfaction = 4, 0)),
       SUM(coalesce(v.satisfaction = 5, 0)),
       SUM(v.nps IS NOT NULL),
       SUM(coalesce(v.nps >= 9, 0)),
       SUM(coalesce(v.nps <= 6, 0))
  FROM visits v
 WHERE true
 GROUP BY k0, k1, k2
ON CONFLICT DO UPDATE SET
    visits = visits + excluded.visits,
    reached = reached + excluded.reached,
    reached_attempts = reached_attempts + excluded.reached_attempts,
    recorded_in_time = recorded_in_time + excluded.recorded_in_time,
    score_1 = score_1 + excluded.score_1,
    score_2 = score_2 + excluded.score_2,
    score_3 = score_3 + excluded.score_3,
    score_4 = score_4 + excluded.score_4,
    score_5 = score_5 + excluded.score_5,
    nps_n = nps_n + excluded.nps_n,
    promoters = promoters + excluded.promoters,
    detractors = detractors + excluded.detractors;

INSERT INTO agent_visit_days (user_id, day, visit_type, channel, visits, reached, reached_attempts, recorded_in_time, score_1, score_2, score_3, score_4, score_5, nps_n, promoters, detractors)
SELECT v.user_id AS k0,
       date(substr(v.contacted_at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))) AS k1,
       v.visit_type AS k2,
       v.channel AS k3,
       SUM(1),
       SUM(v.outcome = 'reached'),
       SUM(CASE WHEN v.outcome = 'reached' THEN v.attempt ELSE 0 END),
       SUM((julianday(v.recorded_at) - julianday(v.contacted_at)) * 86400.0 <= 60 * coalesce((SELECT record_within_minutes FROM settings WHERE id = 1), 30) + 0.001),
       SUM(coalesce(v.satisfaction = 1, 0)),
       SUM(coalesce(v.satisfaction = 2, 0)),
       SUM(coalesce(v.satisfaction = 3, 0)),
       SUM(coalesce(v.satisfaction = 4, 0)),
       SUM(coalesce(v.satisfaction = 5, 0)),
       SUM(v.nps IS NOT NULL),
       SUM(coalesce(v.nps >= 9, 0)),
       SUM(coalesce(v.nps <= 6, 0))
  FROM visits v
 WHERE true
 GROUP BY k0, k1, k2, k3
ON CONFLICT DO UPDATE SET
    visits = visits + excluded.visits,
    reached = reached + excluded.reached,
    reached_attempts = reached_attempts + excluded.reached_attempts,
    recorded_in_time = recorded_in_time + excluded.recorded_in_time,
    score_1 = score_1 + excluded.score_1,
    score_2 = score_2 + excluded.score_2,
    score_3 = score_3 + excluded.score_3,
    score_4 = score_4 + excluded.score_4,
    score_5 = score_5 + excluded.score_5,
    nps_n = nps_n + excluded.nps_n,
    promoters = promoters + excluded.promoters,
    detractors = detractors + excluded.detractors;

INSERT INTO agent_days (day, user_id, visits, reached, score_n, score_sum, returned)
SELECT date(substr(v.contacted_at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))) AS k0,
       v.user_id AS k1,
       SUM(1),
       SUM(v.outcome = 'reached'),
       SUM(coalesce(v.satisfaction BETWEEN 1 AND 5, 0)),
       SUM(CASE WHEN v.satisfaction BETWEEN 1 AND 5 THEN v.satisfaction ELSE 0 END),
       SUM(coalesce(json_extract(v.review, '$.decision') = 'return', 0))
  FROM visits v
 WHERE true
 GROUP BY k0, k1
ON CONFLICT DO UPDATE SET
    visits = visits + excluded.visits,
    reached = reached + excluded.reached,
    score_n = score_n + excluded.score_n,
    score_sum = score_sum + excluded.score_sum,
    returned = returned + excluded.returned;

INSERT INTO visit_days (day, visit_type, channel, planned, done, on_time)
SELECT date(substr(t.due_from, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))) AS k0,
       t.visit_type AS k1,
       t.planned_channel AS k2,
       SUM((t.status != 'cancelled')),
       SUM((t.status = 'done')),
       SUM((t.status = 'done' AND EXISTS (SELECT 1 FROM visits v WHERE v.id = t.done_by_visit AND v.contacted_at >= t.due_from AND v.contacted_at < t.due_until)))
  FROM tasks t
 WHERE true
 GROUP BY k0, k1, k2
ON CONFLICT DO UPDATE SET
    planned = planned + excluded.planned,
    done = done + excluded.done,
    on_time = on_time + excluded.on_time;

INSERT INTO agent_visit_days (user_id, day, visit_type, channel, planned, done, on_time)
SELECT t.assignee AS k0,
       date(substr(t.due_from, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))) AS k1,
       t.visit_type AS k2,
       t.planned_channel AS k3,
       SUM((t.status != 'cancelled')),
       SUM((t.status = 'done')),
       SUM((t.status = 'done' AND EXISTS (SELECT 1 FROM visits v WHERE v.id = t.done_by_visit AND v.contacted_at >= t.due_from AND v.contacted_at < t.due_until)))
  FROM tasks t
 WHERE true
 GROUP BY k0, k1, k2, k3
ON CONFLICT DO UPDATE SET
    planned = planned + excluded.planned,
    done = done + excluded.done,
    on_time = on_time + excluded.on_time;

INSERT INTO agent_days (day, user_id, tasks_done, on_time)
SELECT date(substr(t.due_from, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))) AS k0,
       t.assignee AS k1,
       SUM((t.status = 'done')),
       SUM((t.status = 'done' AND EXISTS (SELECT 1 FROM visits v WHERE v.id = t.done_by_visit AND v.contacted_at >= t.due_from AND v.contacted_at < t.due_until)))
  FROM tasks t
 WHERE true
 GROUP BY k0, k1
ON CONFLICT DO UPDATE SET
    tasks_done = tasks_done + excluded.tasks_done,
    on_time = on_time + excluded.on_time;

INSERT INTO coverage_days (day, nature, resolved, revisited)
SELECT date(substr(k.resolved_at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))) AS k0,
       k.nature AS k1,
       SUM(1),
       SUM(k.revisits > 0)
  FROM tickets k
 WHERE k.resolved_at IS NOT NULL
 GROUP BY k0, k1
ON CONFLICT DO UPDATE SET
    resolved = resolved + excluded.resolved,
    revisited = revisited + excluded.revisited;

INSERT INTO agent_days (day, user_id, resolved)
SELECT date(substr(e.at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))) AS k0,
       e.by_user AS k1,
       SUM(1)
  FROM ticket_timeline e
 WHERE json_extract(e.event, '$.type') = 'state' AND json_extract(e.event, '$.to') = 'resolved' AND e.by_user IS NOT NULL
 GROUP BY k0, k1
ON CONFLICT DO UPDATE SET
    resolved = resolved + excluded.resolved;

-- A revisit entry's rank among its ticket's revisit entries tells the first one.
INSERT INTO revisit_days (day, revisits, first_revisits, closed_first, reopened)
SELECT date(substr(r.at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))) AS k0,
       SUM(1),
       SUM(r.n = 1),
       SUM(r.n = 1 AND r.verdict = 'satisfied'),
       SUM(r.verdict = 'unsatisfied')
  FROM (SELECT e.at, json_extract(e.event, '$.verdict') AS verdict,
               row_number() OVER (PARTITION BY e.ticket_id ORDER BY e.id) AS n
          FROM ticket_timeline e
         WHERE json_extract(e.event, '$.type') = 'revisit' AND json_extract(e.event, '$.verdict') IN ('satisfied', 'unsatisfied')) r
 WHERE true
 GROUP BY k0
ON CONFLICT DO UPDATE SET
    revisits = revisits + excluded.revisits,
    first_revisits = first_revisits + excluded.first_revisits,
    closed_first = closed_first + excluded.closed_first,
    reopened = reopened + excluded.reopened;

INSERT INTO agent_days (day, user_id, revisited, reopened)
SELECT date(substr(e.at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))) AS k0,
       k.assignee AS k1,
       SUM(1),
       SUM(json_extract(e.event, '$.verdict') = 'unsatisfied')
  FROM ticket_timeline e JOIN tickets k ON k.id = e.ticket_id
 WHERE json_extract(e.event, '$.type') = 'revisit' AND json_extract(e.event, '$.verdict') IN ('satisfied', 'unsatisfied') AND k.assignee IS NOT NULL
 GROUP BY k0, k1
ON CONFLICT DO UPDATE SET
    revisited = revisited + excluded.revisited,
    reopened = reopened + excluded.reopened;

INSERT INTO breach_days (day, kind, department, breaches)
SELECT date(substr(e.at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))) AS k0,
       json_extract(e.event, '$.clock') AS k1,
       coalesce(k.department, '') AS k2,
       SUM(1)
  FROM ticket_timeline e JOIN tickets k ON k.id = e.ticket_id
 WHERE json_extract(e.event, '$.type') = 'breached'
 GROUP BY k0, k1, k2
ON CONFLICT DO UPDATE SET
    breaches = breaches + excluded.breaches;

-- The triggers that keep the rollups from now on.

CREATE TRIGGER visit_days_on_visit AFTER INSERT ON visits BEGIN
    INSERT INTO visit_days (day, visit_type, channel, visits, reached, reached_attempts, recorded_in_time, score_1, score_2, score_3, score_4, score_5, nps_n, promoters, detractors)
    SELECT date(substr(NEW.contacted_at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           NEW.visit_type,
           NEW.channel,
           1,
           NEW.outcome = 'reached',
           CASE WHEN NEW.outcome = 'reached' THEN NEW.attempt ELSE 0 END,
           (julianday(NEW.recorded_at) - julianday(NEW.contacted_at)) * 86400.0 <= 60 * coalesce((SELECT record_within_minutes FROM settings WHERE id = 1), 30) + 0.001,
           coalesce(NEW.satisfaction = 1, 0),
           coalesce(NEW.satisfaction = 2, 0),
           coalesce(NEW.satisfaction = 3, 0),
           coalesce(NEW.satisfaction = 4, 0),
           coalesce(NEW.satisfaction = 5, 0),
           NEW.nps IS NOT NULL,
           coalesce(NEW.nps >= 9, 0),
           coalesce(NEW.nps <= 6, 0)
     WHERE true
    ON CONFLICT DO UPDATE SET
        visits = visits + excluded.visits,
        reached = reached + excluded.reached,
        reached_attempts = reached_attempts + excluded.reached_attempts,
        recorded_in_time = recorded_in_time + excluded.recorded_in_time,
        score_1 = score_1 + excluded.score_1,
        score_2 = score_2 + excluded.score_2,
        score_3 = score_3 + excluded.score_3,
        score_4 = score_4 + excluded.score_4,
        score_5 = score_5 + excluded.score_5,
        nps_n = nps_n + excluded.nps_n,
        promoters = promoters + excluded.promoters,
        detractors = detractors + excluded.detractors;
    INSERT INTO agent_visit_days (user_id, day, visit_type, channel, visits, reached, reached_attempts, recorded_in_time, score_1, score_2, score_3, score_4, score_5, nps_n, promoters, detractors)
    SELECT NEW.user_id,
           date(substr(NEW.contacted_at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           NEW.visit_type,
           NEW.channel,
           1,
           NEW.outcome = 'reached',
           CASE WHEN NEW.outcome = 'reached' THEN NEW.attempt ELSE 0 END,
           (julianday(NEW.recorded_at) - julianday(NEW.contacted_at)) * 86400.0 <= 60 * coalesce((SELECT record_within_minutes FROM settings WHERE id = 1), 30) + 0.001,
           coalesce(NEW.satisfaction = 1, 0),
           coalesce(NEW.satisfaction = 2, 0),
           coalesce(NEW.satisfaction = 3, 0),
           coalesce(NEW.satisfaction = 4, 0),
           coalesce(NEW.satisfaction = 5, 0),
           NEW.nps IS NOT NULL,
           coalesce(NEW.nps >= 9, 0),
           coalesce(NEW.nps <= 6, 0)
     WHERE true
    ON CONFLICT DO UPDATE SET
        visits = visits + excluded.visits,
        reached = reached + excluded.reached,
        reached_attempts = reached_attempts + excluded.reached_attempts,
        recorded_in_time = recorded_in_time + excluded.recorded_in_time,
        score_1 = score_1 + excluded.score_1,
        score_2 = score_2 + excluded.score_2,
        score_3 = score_3 + excluded.score_3,
        score_4 = score_4 + excluded.score_4,
        score_5 = score_5 + excluded.score_5,
        nps_n = nps_n + excluded.nps_n,
        promoters = promoters + excluded.promoters,
        detractors = detractors + excluded.detractors;
    INSERT INTO agent_days (day, user_id, visits, reached, score_n, score_sum)
    SELECT date(substr(NEW.contacted_at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           NEW.user_id,
           1,
           NEW.outcome = 'reached',
           coalesce(NEW.satisfaction BETWEEN 1 AND 5, 0),
           CASE WHEN NEW.satisfaction BETWEEN 1 AND 5 THEN NEW.satisfaction ELSE 0 END
     WHERE true
    ON CONFLICT DO UPDATE SET
        visits = visits + excluded.visits,
        reached = reached + excluded.reached,
        score_n = score_n + excluded.score_n,
        score_sum = score_sum + excluded.score_sum;
END;

CREATE TRIGGER agent_days_on_review AFTER UPDATE OF review ON visits
WHEN coalesce(json_extract(OLD.review, '$.decision') = 'return', 0) != coalesce(json_extract(NEW.review, '$.decision') = 'return', 0) BEGIN
    INSERT INTO agent_days (day, user_id, returned)
    SELECT date(substr(NEW.contacted_at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           NEW.user_id,
           coalesce(json_extract(NEW.review, '$.decision') = 'return', 0) - coalesce(json_extract(OLD.review, '$.decision') = 'return', 0)
     WHERE true
    ON CONFLICT DO UPDATE SET
        returned = returned + excluded.returned;
END;

CREATE TRIGGER task_days_on_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO visit_days (day, visit_type, channel, planned, done, on_time)
    SELECT date(substr(NEW.due_from, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           NEW.visit_type,
           NEW.planned_channel,
           (NEW.status != 'cancelled'),
           (NEW.status = 'done'),
           (NEW.status = 'done' AND EXISTS (SELECT 1 FROM visits v WHERE v.id = NEW.done_by_visit AND v.contacted_at >= NEW.due_from AND v.contacted_at < NEW.due_until))
     WHERE true
    ON CONFLICT DO UPDATE SET
        planned = planned + excluded.planned,
        done = done + excluded.done,
        on_time = on_time + excluded.on_time;
    INSERT INTO agent_visit_days (user_id, day, visit_type, channel, planned, done, on_time)
    SELECT NEW.assignee,
           date(substr(NEW.due_from, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           NEW.visit_type,
           NEW.planned_channel,
           (NEW.status != 'cancelled'),
           (NEW.status = 'done'),
           (NEW.status = 'done' AND EXISTS (SELECT 1 FROM visits v WHERE v.id = NEW.done_by_visit AND v.contacted_at >= NEW.due_from AND v.contacted_at < NEW.due_until))
     WHERE true
    ON CONFLICT DO UPDATE SET
        planned = planned + excluded.planned,
        done = done + excluded.done,
        on_time = on_time + excluded.on_time;
    INSERT INTO agent_days (day, user_id, tasks_done, on_time)
    SELECT date(substr(NEW.due_from, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           NEW.assignee,
           (NEW.status = 'done'),
           (NEW.status = 'done' AND EXISTS (SELECT 1 FROM visits v WHERE v.id = NEW.done_by_visit AND v.contacted_at >= NEW.due_from AND v.contacted_at < NEW.due_until))
     WHERE true
    ON CONFLICT DO UPDATE SET
        tasks_done = tasks_done + excluded.tasks_done,
        on_time = on_time + excluded.on_time;
END;

CREATE TRIGGER task_days_on_delete AFTER DELETE ON tasks BEGIN
    INSERT INTO visit_days (day, visit_type, channel, planned, done, on_time)
    SELECT date(substr(OLD.due_from, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           OLD.visit_type,
           OLD.planned_channel,
           -(OLD.status != 'cancelled'),
           -(OLD.status = 'done'),
           -(OLD.status = 'done' AND EXISTS (SELECT 1 FROM visits v WHERE v.id = OLD.done_by_visit AND v.contacted_at >= OLD.due_from AND v.contacted_at < OLD.due_until))
     WHERE true
    ON CONFLICT DO UPDATE SET
        planned = planned + excluded.planned,
        done = done + excluded.done,
        on_time = on_time + excluded.on_time;
    INSERT INTO agent_visit_days (user_id, day, visit_type, channel, planned, done, on_time)
    SELECT OLD.assignee,
           date(substr(OLD.due_from, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           OLD.visit_type,
           OLD.planned_channel,
           -(OLD.status != 'cancelled'),
           -(OLD.status = 'done'),
           -(OLD.status = 'done' AND EXISTS (SELECT 1 FROM visits v WHERE v.id = OLD.done_by_visit AND v.contacted_at >= OLD.due_from AND v.contacted_at < OLD.due_until))
     WHERE true
    ON CONFLICT DO UPDATE SET
        planned = planned + excluded.planned,
        done = done + excluded.done,
        on_time = on_time + excluded.on_time;
    INSERT INTO agent_days (day, user_id, tasks_done, on_time)
    SELECT date(substr(OLD.due_from, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           OLD.assignee,
           -(OLD.status = 'done'),
           -(OLD.status = 'done' AND EXISTS (SELECT 1 FROM visits v WHERE v.id = OLD.done_by_visit AND v.contacted_at >= OLD.due_from AND v.contacted_at < OLD.due_until))
     WHERE true
    ON CONFLICT DO UPDATE SET
        tasks_done = tasks_done + excluded.tasks_done,
        on_time = on_time + excluded.on_time;
END;

CREATE TRIGGER task_days_on_update
AFTER UPDATE OF status, assignee, due_from, due_until, visit_type, planned_channel, done_by_visit ON tasks BEGIN
    INSERT INTO visit_days (day, visit_type, channel, planned, done, on_time)
    SELECT date(substr(OLD.due_from, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           OLD.visit_type,
           OLD.planned_channel,
           -(OLD.status != 'cancelled'),
           -(OLD.status = 'done'),
           -(OLD.status = 'done' AND EXISTS (SELECT 1 FROM visits v WHERE v.id = OLD.done_by_visit AND v.contacted_at >= OLD.due_from AND v.contacted_at < OLD.due_until))
     WHERE true
    ON CONFLICT DO UPDATE SET
        planned = planned + excluded.planned,
        done = done + excluded.done,
        on_time = on_time + excluded.on_time;
    INSERT INTO agent_visit_days (user_id, day, visit_type, channel, planned, done, on_time)
    SELECT OLD.assignee,
           date(substr(OLD.due_from, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           OLD.visit_type,
           OLD.planned_channel,
           -(OLD.status != 'cancelled'),
           -(OLD.status = 'done'),
           -(OLD.status = 'done' AND EXISTS (SELECT 1 FROM visits v WHERE v.id = OLD.done_by_visit AND v.contacted_at >= OLD.due_from AND v.contacted_at < OLD.due_until))
     WHERE true
    ON CONFLICT DO UPDATE SET
        planned = planned + excluded.planned,
        done = done + excluded.done,
        on_time = on_time + excluded.on_time;
    INSERT INTO agent_days (day, user_id, tasks_done, on_time)
    SELECT date(substr(OLD.due_from, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           OLD.assignee,
           -(OLD.status = 'done'),
           -(OLD.status = 'done' AND EXISTS (SELECT 1 FROM visits v WHERE v.id = OLD.done_by_visit AND v.contacted_at >= OLD.due_from AND v.contacted_at < OLD.due_until))
     WHERE true
    ON CONFLICT DO UPDATE SET
        tasks_done = tasks_done + excluded.tasks_done,
        on_time = on_time + excluded.on_time;
    INSERT INTO visit_days (day, visit_type, channel, planned, done, on_time)
    SELECT date(substr(NEW.due_from, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           NEW.visit_type,
           NEW.planned_channel,
           (NEW.status != 'cancelled'),
           (NEW.status = 'done'),
           (NEW.status = 'done' AND EXISTS (SELECT 1 FROM visits v WHERE v.id = NEW.done_by_visit AND v.contacted_at >= NEW.due_from AND v.contacted_at < NEW.due_until))
     WHERE true
    ON CONFLICT DO UPDATE SET
        planned = planned + excluded.planned,
        done = done + excluded.done,
        on_time = on_time + excluded.on_time;
    INSERT INTO agent_visit_days (user_id, day, visit_type, channel, planned, done, on_time)
    SELECT NEW.assignee,
           date(substr(NEW.due_from, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           NEW.visit_type,
           NEW.planned_channel,
           (NEW.status != 'cancelled'),
           (NEW.status = 'done'),
           (NEW.status = 'done' AND EXISTS (SELECT 1 FROM visits v WHERE v.id = NEW.done_by_visit AND v.contacted_at >= NEW.due_from AND v.contacted_at < NEW.due_until))
     WHERE true
    ON CONFLICT DO UPDATE SET
        planned = planned + excluded.planned,
        done = done + excluded.done,
        on_time = on_time + excluded.on_time;
    INSERT INTO agent_days (day, user_id, tasks_done, on_time)
    SELECT date(substr(NEW.due_from, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           NEW.assignee,
           (NEW.status = 'done'),
           (NEW.status = 'done' AND EXISTS (SELECT 1 FROM visits v WHERE v.id = NEW.done_by_visit AND v.contacted_at >= NEW.due_from AND v.contacted_at < NEW.due_until))
     WHERE true
    ON CONFLICT DO UPDATE SET
        tasks_done = tasks_done + excluded.tasks_done,
        on_time = on_time + excluded.on_time;
END;

CREATE TRIGGER coverage_days_on_insert AFTER INSERT ON tickets
WHEN NEW.resolved_at IS NOT NULL BEGIN
    INSERT INTO coverage_days (day, nature, resolved, revisited)
    SELECT date(substr(NEW.resolved_at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           NEW.nature,
           1,
           (NEW.revisits > 0)
     WHERE NEW.resolved_at IS NOT NULL
    ON CONFLICT DO UPDATE SET
        resolved = resolved + excluded.resolved,
        revisited = revisited + excluded.revisited;
END;

CREATE TRIGGER coverage_days_on_update AFTER UPDATE OF resolved_at, nature, revisits ON tickets
WHEN OLD.resolved_at IS NOT NEW.resolved_at OR OLD.nature IS NOT NEW.nature
  OR (OLD.revisits > 0) != (NEW.revisits > 0) BEGIN
    INSERT INTO coverage_days (day, nature, resolved, revisited)
    SELECT date(substr(OLD.resolved_at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           OLD.nature,
           -1,
           -(OLD.revisits > 0)
     WHERE OLD.resolved_at IS NOT NULL
    ON CONFLICT DO UPDATE SET
        resolved = resolved + excluded.resolved,
        revisited = revisited + excluded.revisited;
    INSERT INTO coverage_days (day, nature, resolved, revisited)
    SELECT date(substr(NEW.resolved_at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           NEW.nature,
           1,
           (NEW.revisits > 0)
     WHERE NEW.resolved_at IS NOT NULL
    ON CONFLICT DO UPDATE SET
        resolved = resolved + excluded.resolved,
        revisited = revisited + excluded.revisited;
END;

CREATE TRIGGER dashboard_on_timeline AFTER INSERT ON ticket_timeline
WHEN json_extract(NEW.event, '$.type') IN ('state', 'revisit', 'breached') BEGIN
    INSERT INTO agent_days (day, user_id, resolved)
    SELECT date(substr(NEW.at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           NEW.by_user,
           1
     WHERE json_extract(NEW.event, '$.type') = 'state' AND json_extract(NEW.event, '$.to') = 'resolved' AND NEW.by_user IS NOT NULL
    ON CONFLICT DO UPDATE SET
        resolved = resolved + excluded.resolved;
    INSERT INTO revisit_days (day, revisits, first_revisits, closed_first, reopened)
    SELECT date(substr(NEW.at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           1,
           (SELECT revisits FROM tickets WHERE id = NEW.ticket_id) = 1,
           (SELECT revisits FROM tickets WHERE id = NEW.ticket_id) = 1 AND json_extract(NEW.event, '$.verdict') = 'satisfied',
           json_extract(NEW.event, '$.verdict') = 'unsatisfied'
     WHERE json_extract(NEW.event, '$.type') = 'revisit' AND json_extract(NEW.event, '$.verdict') IN ('satisfied', 'unsatisfied')
    ON CONFLICT DO UPDATE SET
        revisits = revisits + excluded.revisits,
        first_revisits = first_revisits + excluded.first_revisits,
        closed_first = closed_first + excluded.closed_first,
        reopened = reopened + excluded.reopened;
    INSERT INTO agent_days (day, user_id, revisited, reopened)
    SELECT date(substr(NEW.at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           (SELECT assignee FROM tickets WHERE id = NEW.ticket_id),
           1,
           json_extract(NEW.event, '$.verdict') = 'unsatisfied'
     WHERE json_extract(NEW.event, '$.type') = 'revisit' AND json_extract(NEW.event, '$.verdict') IN ('satisfied', 'unsatisfied') AND (SELECT assignee FROM tickets WHERE id = NEW.ticket_id) IS NOT NULL
    ON CONFLICT DO UPDATE SET
        revisited = revisited + excluded.revisited,
        reopened = reopened + excluded.reopened;
    INSERT INTO breach_days (day, kind, department, breaches)
    SELECT date(substr(NEW.at, 1, 19), printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))),
           json_extract(NEW.event, '$.clock'),
           coalesce((SELECT department FROM tickets WHERE id = NEW.ticket_id), ''),
           1
     WHERE json_extract(NEW.event, '$.type') = 'breached'
    ON CONFLICT DO UPDATE SET
        breaches = breaches + excluded.breaches;
END;
