-- Issue 12: the tamper-evident audit trail. `chain` is the hex SHA-256 of the previous row's
-- chain and this row's content (encoding in docs/architecture.md), set by the server on
-- insert; rows written before this migration are chained once at start-up, in Rust, right
-- after the migrations (SQL cannot hash). The newest row is found by the rowid.
ALTER TABLE audit_log ADD COLUMN chain TEXT;
