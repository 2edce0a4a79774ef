-- Issue 10: a record kept whole in its own row (a visit's record_json) is audited by the
-- SHA-256 (hex) of that stored text instead of a second full copy in `after`; an auditor
-- recomputes the hash from the row. Older audit rows keep their copy and NULL here.
ALTER TABLE audit_log ADD COLUMN content_sha256 TEXT;
