-- Huifang schema v7: lists by cursor (issue 10). Every list walks an index in its own order
-- from the cursor on, its filters in the index's leading columns, so a page reads about the
-- rows it returns whatever the table's size; the query-plan test (`store::plans`) keeps it so.

-- The review decision in its own column (`pending` while none), for the review filters and
-- queues: `json_extract` in a WHERE cannot use an index. Generated from `review`, so it is
-- maintained wherever the review is saved and needs no backfill; VIRTUAL is what ALTER TABLE
-- can add, and the indexes below store its value.
ALTER TABLE visits ADD COLUMN review_state TEXT
    GENERATED ALWAYS AS (COALESCE(json_extract(review, '$.decision'), 'pending')) VIRTUAL;
ALTER TABLE tickets ADD COLUMN review_state TEXT
    GENERATED ALWAYS AS (COALESCE(json_extract(review, '$.decision'), 'pending')) VIRTUAL;

-- Visits newest first (received, then contact time, then id: a unique key), whole and per
-- filter. They replace the indexes without the id, which could not end a cursor (and
-- `visits_customer`, a prefix of the customer's).
DROP INDEX visits_newest;
DROP INDEX visits_escalated;
CREATE INDEX visits_received ON visits (received_at, contacted_at, id);
CREATE INDEX visits_escalated_received ON visits (received_at, contacted_at, id)
    WHERE escalate = 1;
CREATE INDEX visits_customer_received ON visits (customer_id, received_at, contacted_at, id);
DROP INDEX visits_customer;
CREATE INDEX visits_review_received ON visits (review_state, received_at, contacted_at, id);
CREATE INDEX visits_escalated_review ON visits (review_state, received_at, contacted_at, id)
    WHERE escalate = 1;
-- A customer's file: by contact time (`visits_customer_contacted` lacks the tie-breaker).
CREATE INDEX visits_customer_contacted_id ON visits (customer_id, contacted_at, received_at, id);
DROP INDEX visits_customer_contacted;

-- Tickets newest change first (`version` is unique): by state, and the two queues. Assignee
-- and creator (the "mine" filter and what field staff may see) have theirs since v3.
CREATE INDEX tickets_state ON tickets (state, version);
CREATE INDEX tickets_escalated_queue ON tickets (version)
    WHERE escalated_at IS NOT NULL AND state != 'closed';
CREATE INDEX tickets_review_queue ON tickets (review_state, version)
    WHERE resolution IS NOT NULL AND state IN ('resolved', 'revisit', 'closed');
-- Saving a ticket updates its row, and the foreign key of its reports then looks them up by
-- ticket: without this, every ticket save read every report.
CREATE INDEX ticket_reports_ticket ON ticket_reports (ticket_id);
-- Revisit coverage by period of first resolution.
CREATE INDEX tickets_resolved ON tickets (resolved_at) WHERE resolved_at IS NOT NULL;

-- Tasks by due time, then id, whole, per status, per assignee and per both.
DROP INDEX tasks_status;
CREATE INDEX tasks_due ON tasks (due_from, id);
CREATE INDEX tasks_status_due ON tasks (status, due_from, id);
CREATE INDEX tasks_assignee_due ON tasks (assignee, due_from, id);
CREATE INDEX tasks_assignee_status_due ON tasks (assignee, status, due_from, id);

-- The audit trail newest first (`id`, the rowid, ends every index) per filter.
CREATE INDEX audit_log_user ON audit_log (user_id);
CREATE INDEX audit_log_action ON audit_log (action);
CREATE INDEX audit_log_entity_kind ON audit_log (entity, id);
CREATE INDEX audit_log_at ON audit_log (at);

-- Expired sessions are pruned at every login.
CREATE INDEX sessions_expires ON sessions (expires_at);
