-- Huifang schema v4: a login attempt is counted before its password is checked, in the same
-- transaction that checks the limit, so parallel attempts cannot get past it. While argon2
-- runs the row carries the attempt's id; a wrong password clears the id (the row stays as
-- a failure), a right one deletes the attempt's rows. A row whose server died mid-check
-- keeps its id and counts as a failure until it leaves the window.
ALTER TABLE login_failures ADD COLUMN attempt TEXT;
