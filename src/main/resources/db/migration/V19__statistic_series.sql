-- What each series of a statistic was: its dimensions' names, its measures' labels, its noise and
-- its minimum, as of the first bucket it stored. An earlier series (the definition changed since)
-- can then be exported under its own column names. Series stored before this table have no row;
-- their columns are exported by position.
CREATE TABLE lethe.statistic_series (
    statistic       text        NOT NULL,
    definition      text        NOT NULL,   -- the checksum that names the series
    description     jsonb       NOT NULL,
    first_stored_at timestamptz NOT NULL,
    PRIMARY KEY (statistic, definition)
);
INSERT INTO lethe.statistic_series (statistic, definition, description, first_stored_at)
SELECT statistic, definition, '{}'::jsonb, min(computed_at)
FROM lethe.statistic_bucket GROUP BY statistic, definition;

-- How far back each delete step reached: written before the step removes its first row, so that a
-- statistic never computes a bucket some of whose rows a purge may already have removed (a first
-- run, or 'lethe stats compute', starts after the latest cutoff on its table).
CREATE TABLE lethe.purge_reach (
    run_id      bigint      NOT NULL,
    step        text        NOT NULL,
    policy      text        NOT NULL,
    store       text,                    -- null: not known (the run's report had no definition)
    table_name  text,
    reached     text,                    -- the table's identity: database and partition root
                                         -- (null: compare store and table names)
    cutoff      timestamptz NOT NULL,    -- rows before this moment were due
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (run_id, step)
);
-- the delete steps of the runs reported so far that removed rows
INSERT INTO lethe.purge_reach (run_id, step, policy, store, table_name, cutoff, recorded_at)
SELECT r.job_execution_id, p ->> 'step', coalesce(p ->> 'policy', p ->> 'step'), p ->> 'store',
       p ->> 'table', coalesce((p ->> 'cutoff')::timestamptz, (r.as_of + 1)::timestamp AT TIME ZONE 'UTC'),
       coalesce(r.ended_at, r.started_at)
FROM lethe.run_report r, jsonb_array_elements(r.report -> 'policies') p
WHERE coalesce((p ->> 'deleted')::bigint, 0) > 0 AND p ->> 'step' IS NOT NULL
ON CONFLICT DO NOTHING;
-- runs that deleted rows and wrote no report (killed before this version, never restarted): the
-- trail has their entries; their cutoff lies before the day after their as-of day (in UTC: before
-- the as-of day's midnight in any zone), and their
-- table is the one a report names for the same policy (unknown, so every table, where none does)
INSERT INTO lethe.purge_reach (run_id, step, policy, store, table_name, cutoff, recorded_at)
SELECT e.run_id, 'trail:' || e.policy, e.policy, t.store, t.table_name,
       (p.parameter_value::date + 1)::timestamp AT TIME ZONE 'UTC', min(e.recorded_at)
FROM lethe.audit_entry e
JOIN batch_job_execution_params p
  ON p.job_execution_id = e.run_id AND p.parameter_name = 'asOf'
LEFT JOIN LATERAL (
  SELECT q ->> 'store' AS store, q ->> 'table' AS table_name
  FROM lethe.run_report r2, jsonb_array_elements(r2.report -> 'policies') q
  WHERE q ->> 'policy' = e.policy AND q ->> 'store' IS NOT NULL
  ORDER BY r2.job_execution_id DESC LIMIT 1) t ON true
WHERE e.kind = 'purge' AND e.action = 'deleted' AND e.policy IS NOT NULL AND e.total_rows > 0
  AND NOT EXISTS (SELECT 1 FROM lethe.run_report r WHERE r.job_execution_id = e.run_id)
GROUP BY e.run_id, e.policy, t.store, t.table_name, p.parameter_value
ON CONFLICT DO NOTHING;
