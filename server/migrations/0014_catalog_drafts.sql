-- Issue 11: call scripts and surveys are written in the console. An admin's working copy (the
-- draft) lives apart from the published versions in `scripts` / `surveys`, which devices pull
-- and records name; publishing copies the draft into a new version there.
CREATE TABLE catalog_drafts (
    kind          TEXT NOT NULL CHECK (kind IN ('script', 'survey')),
    id            TEXT NOT NULL,
    title         TEXT NOT NULL,
    visit_type    TEXT,
    -- The `Script` / `Survey` being edited, as JSON (its `id` and `version` are the server's).
    body          TEXT NOT NULL,
    -- Grows with every save; a save names the revision it started from, so a second admin's
    -- save over a newer one is refused instead of silently losing the first admin's text.
    draft_rev     INTEGER NOT NULL CHECK (draft_rev > 0),
    -- The revision last published; the draft has unpublished changes while it is behind.
    published_rev INTEGER NOT NULL DEFAULT 0,
    saved_by      TEXT,
    saved_at      TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) STRICT;

-- A retired script or survey is offered for no new visit; its newest version carries the mark
-- (with a fresh `server_version`, so devices pull the change) and old records still name it.
ALTER TABLE scripts ADD COLUMN retired_at TEXT;
ALTER TABLE surveys ADD COLUMN retired_at TEXT;
-- Who published a version (a user id), listed with the versions in the editor.
ALTER TABLE scripts ADD COLUMN published_by TEXT;
ALTER TABLE surveys ADD COLUMN published_by TEXT;
