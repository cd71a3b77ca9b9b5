-- A fresh partitioned copy of the pristine visits: one partition per month, the key and an index
-- on the subject in each, settled and checkpointed.
SET TimeZone = 'UTC';
SET max_parallel_workers_per_gather = 0;
SET maintenance_work_mem = '512MB';
DROP TABLE IF EXISTS visits;
CREATE TABLE visits (LIKE visits_pristine) PARTITION BY RANGE (occurred_at);
-- one line: the script is split at a semicolon that ends a line
DO $$ BEGIN FOR m IN 0..11 LOOP EXECUTE format('CREATE TABLE visits_%s PARTITION OF visits FOR VALUES FROM (%L) TO (%L)', to_char(timestamptz '2025-11-01 00:00:00+00' + m * interval '1 month', 'YYYY_MM'), timestamptz '2025-11-01 00:00:00+00' + m * interval '1 month', timestamptz '2025-11-01 00:00:00+00' + (m + 1) * interval '1 month'); END LOOP; END $$;
INSERT INTO visits SELECT * FROM visits_pristine ORDER BY id;
ALTER TABLE visits ADD PRIMARY KEY (id, occurred_at);
CREATE INDEX visits_subject_id_idx ON visits (subject_id);
VACUUM (FREEZE, ANALYZE) visits;
CHECKPOINT;
