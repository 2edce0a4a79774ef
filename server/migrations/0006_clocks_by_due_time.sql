-- Huifang schema v6 (issue 10): the breach sweep reads only the clocks that are due, and the
-- repeat rule counts reports from one total per sub-problem and day.

-- When the sweep must next look at the clock (`huifang_domain::ticket::breach_check_at`,
-- UTC text like every timestamp): NULL while no breach of it can be new (met, breach on
-- record, ticket closed, paused with time left). Every save of the ticket sets it.
ALTER TABLE ticket_clocks ADD COLUMN check_at TEXT;
-- SQL cannot walk a business calendar, so clocks running before this version get their start
-- as a first check: the first sweep looks at each once and stores its real due time.
UPDATE ticket_clocks SET check_at = started_at
 WHERE met_at IS NULL AND breached_at IS NULL
   AND ticket_id IN (SELECT id FROM tickets WHERE state != 'closed');
CREATE INDEX ticket_clocks_check ON ticket_clocks (check_at) WHERE check_at IS NOT NULL;
-- Only the sweep's old query over every running clock used it.
DROP INDEX ticket_clocks_running;

-- Reports per sub-problem and local calendar day (`huifang_domain::ticket::report_day`, with
-- the organisation's UTC offset when the report came in), kept with every report: a repeat
-- window of N days is at most N rows, whatever the volume.
CREATE TABLE report_days (
    sub_problem TEXT NOT NULL,
    -- YYYY-MM-DD
    day         TEXT NOT NULL,
    reports     INTEGER NOT NULL,
    PRIMARY KEY (sub_problem, day)
) STRICT, WITHOUT ROWID;
-- The reports so far, on the day `report_day` gives: the timestamp cut to whole seconds (SQLite
-- would round the microseconds, moving a report made in the last half millisecond of a day),
-- shifted by the offset in the settings.
INSERT INTO report_days (sub_problem, day, reports)
SELECT sub_problem,
       date(substr(reported_at, 1, 19),
            printf('%+d minutes', (SELECT utc_offset_minutes FROM settings WHERE id = 1))) AS day,
       COUNT(*)
  FROM ticket_reports
 GROUP BY sub_problem, day;
-- Only the old count read it; reports are now looked up by id alone.
DROP INDEX ticket_reports_sub_problem;
