-- The column mapping of the last customer import (issue 11) per header row, so the next
-- export of the same CRM report is mapped the same way without asking.
CREATE TABLE import_mappings (
    -- SHA-256 (hex) of the header row as JSON, each header trimmed.
    header_key TEXT PRIMARY KEY,
    headers    TEXT NOT NULL,
    -- `ImportMapping` as JSON.
    mapping    TEXT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users (id),
    updated_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
