-- People managed in the app (issue 11): disabled accounts, one-time passwords that must be
-- changed at the next login, and when each account last logged in.

-- Set while the account is disabled: its sessions stay (so their devices hear
-- `account_disabled`, not `unauthorized`) but are refused, and so are its logins.
ALTER TABLE users ADD COLUMN disabled_at TEXT;
-- 1 after an admin set the password (a new account, a reset): until the person sets their own,
-- only the password change, `/api/me` and logout answer.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
    CHECK (must_change_password IN (0, 1));
ALTER TABLE users ADD COLUMN password_changed_at TEXT;
ALTER TABLE users ADD COLUMN last_login_at TEXT;

-- The People list, in the order it shows.
CREATE INDEX users_display_name ON users (display_name, username);
-- "Is there another enabled admin?" before a demotion or a disable.
CREATE INDEX users_enabled_role ON users (role) WHERE disabled_at IS NULL;
