-- Huifang schema (issue 12, exports): the 客户沟通记录表 of a period lists the visits by the
-- time of the contact, and the ticket export the tickets by creation time. Each export walks
-- its period in pages along one of these indexes (keyset: time, then id), never sorting a
-- period's rows.
CREATE INDEX visits_contacted ON visits (contacted_at, id);
CREATE INDEX tickets_created ON tickets (created_at, id);
