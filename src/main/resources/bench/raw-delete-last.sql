-- Where the windows of raw-delete-window.sql stop: the last expired id, as ../shared/bench/sql/
-- B_jobstart.sql finds it (OFFSET 0 keeps the planner on the occurred_at index).
SELECT coalesce(max(id), 0)
FROM (SELECT id FROM events WHERE occurred_at < timestamptz '2024-11-01 00:00:00+00' OFFSET 0) s
