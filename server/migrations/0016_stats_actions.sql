-- Huifang schema v16 (issue 12): 建议措施, the suggested action a supervisor writes for a row of
-- the feedback statistics table, kept per period (`huifang_domain::period::Period::key`) and
-- sub-problem. An open one shows in the following periods until one is written there.
CREATE TABLE stats_actions (
    period_key  TEXT NOT NULL,
    sub_problem TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('script', 'process', 'product')),
    text        TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('open', 'done')),
    -- The period key it was first written in (an earlier one when carried over).
    since       TEXT NOT NULL,
    by_user     TEXT NOT NULL REFERENCES users (id),
    at          TEXT NOT NULL,
    -- 1 for the first save in this period, one more for each save after.
    version     INTEGER NOT NULL,
    PRIMARY KEY (period_key, sub_problem)
) STRICT, WITHOUT ROWID;
