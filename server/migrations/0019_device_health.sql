-- Device health (issue 12): what each device last told the server, kept on its `devices`
-- row so the supervisors' list reads one small table and never visits or rejections.
--
-- `queued` is what the device last said was still waiting in its outbox (NULL: an app too
-- old to say), `queued_at` when it said so. `rejected` counts the device's rows in
-- `rejections`, kept by the push that stores a rejection.
ALTER TABLE devices ADD COLUMN last_push_at TEXT;
ALTER TABLE devices ADD COLUMN last_pull_at TEXT;
ALTER TABLE devices ADD COLUMN app_version TEXT;
ALTER TABLE devices ADD COLUMN queued INTEGER;
ALTER TABLE devices ADD COLUMN queued_at TEXT;
ALTER TABLE devices ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0;

-- Pushes before this migration left their trace in what they stored: the newest visit or
-- rejection of the device (each read through its (device_id, seq) key), else when the
-- device first pushed. Pulls left none.
UPDATE devices SET
    rejected = (SELECT count(*) FROM rejections WHERE rejections.device_id = devices.device_id),
    last_push_at = max(
        created_at,
        coalesce((SELECT max(received_at) FROM visits WHERE visits.device_id = devices.device_id), ''),
        coalesce((SELECT max(at) FROM rejections WHERE rejections.device_id = devices.device_id), ''));

-- The list filters by person (`?user=`); a centre has a few hundred devices, so the list
-- itself reads the whole table.
CREATE INDEX devices_user ON devices (user_id);

-- 机构设置: a device is silent after this many days without a push or pull.
ALTER TABLE settings ADD COLUMN device_silent_days INTEGER NOT NULL DEFAULT 3
    CHECK (device_silent_days BETWEEN 1 AND 90);
