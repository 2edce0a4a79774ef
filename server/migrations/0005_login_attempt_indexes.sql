-- Huifang schema v5: settling or forgetting one login attempt (`WHERE attempt = ?`) and the
-- window prune (`WHERE at < ?`) run on every login; without these they scan the window's
-- failures, which a flood of wrong passwords makes large.
CREATE INDEX login_failures_attempt ON login_failures (attempt) WHERE attempt IS NOT NULL;
CREATE INDEX login_failures_at ON login_failures (at);
