-- What a device keeps (issue 10): a pull hands each user the tickets, tasks and customers
-- they act on (huifang_domain::scope), read through these indexes so every scoped query is a
-- SEARCH, never a SCAN of tickets, tasks or customers.

-- The newest timeline or history entry of a ticket (or its creation): "changed recently"
-- (scope::keeps_ticket) is measured on it, as the device measures its own copy
-- (Ticket::last_activity). Kept by triggers, so every writer of entries keeps it right.
ALTER TABLE tickets ADD COLUMN last_activity TEXT;
UPDATE tickets SET last_activity = max(
    created_at,
    coalesce((SELECT max(at) FROM ticket_timeline WHERE ticket_id = tickets.id), ''),
    coalesce((SELECT max(at) FROM ticket_history WHERE ticket_id = tickets.id), ''));

CREATE TRIGGER tickets_activity_on_insert AFTER INSERT ON tickets
WHEN NEW.last_activity IS NULL BEGIN
    UPDATE tickets SET last_activity = NEW.created_at WHERE id = NEW.id;
END;
CREATE TRIGGER tickets_activity_on_timeline AFTER INSERT ON ticket_timeline BEGIN
    UPDATE tickets SET last_activity = NEW.at
    WHERE id = NEW.ticket_id AND (last_activity IS NULL OR last_activity < NEW.at);
END;
CREATE TRIGGER tickets_activity_on_history AFTER INSERT ON ticket_history BEGIN
    UPDATE tickets SET last_activity = NEW.at
    WHERE id = NEW.ticket_id AND (last_activity IS NULL OR last_activity < NEW.at);
END;

-- In scope: open and assigned to / reported by the user, or touched lately.
CREATE INDEX tickets_open_assignee ON tickets (assignee, version) WHERE state != 'closed';
CREATE INDEX tickets_open_creator ON tickets (created_by, version) WHERE state != 'closed';
CREATE INDEX tickets_assignee_activity ON tickets (assignee, last_activity);
CREATE INDEX tickets_creator_activity ON tickets (created_by, last_activity);
-- In scope for those who manage tickets: the escalated queue and the review queue, by the
-- list's indexes of v7 (`tickets_escalated_queue`, `tickets_review_queue`).
-- May be on a manager's device (was in a queue): a change of one is delivered or dropped.
CREATE INDEX tickets_supervised ON tickets (version)
    WHERE escalated_at IS NOT NULL OR resolution IS NOT NULL;
-- Tickets reassigned away from a user (the history keeps the old assignee as JSON).
CREATE INDEX ticket_history_old_assignee ON ticket_history (old) WHERE field = 'assignee';
-- The customers a device acts on, for their changes.
CREATE INDEX tickets_customer ON tickets (customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX tasks_open_assignee ON tasks (assignee, version) WHERE status = 'open';
CREATE INDEX tasks_open_customer ON tasks (customer_id, assignee) WHERE status = 'open';

-- GET /api/customers?q=: the start of a name, or the last four digits of the contact.
CREATE INDEX customers_name ON customers (name);
CREATE INDEX customers_contact_end ON customers (substr(contact, -4));
