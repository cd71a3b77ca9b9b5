-- The partitions case (issue 20): visits over the twelve months before the bench's as-of day
-- (2025-11 to 2026-10), :rows of them spread evenly over time, :subjects subjects, 30 of them held.
-- Deterministic: fixed seeds, a fixed anchor. :rows and :subjects are replaced before it runs.
SET max_parallel_workers_per_gather = 0;
SET work_mem = '512MB';
SET TimeZone = 'UTC';
DROP TABLE IF EXISTS visits, visits_pristine, partition_holds;
SELECT setseed(0.2020);
CREATE TABLE partition_holds AS
  SELECT DISTINCT (1 + floor(random() * (:subjects)))::bigint AS subject_id
  FROM generate_series(1, 30);
ALTER TABLE partition_holds ADD PRIMARY KEY (subject_id);
SELECT setseed(0.31);
CREATE TABLE visits_pristine AS
SELECT i::bigint AS id,
       1 + floor(random() * (:subjects))::bigint AS subject_id,
       timestamptz '2025-11-01 00:00:00+00'
         + ((i - 1)::double precision / (:rows))
           * (timestamptz '2026-11-01 00:00:00+00' - timestamptz '2025-11-01 00:00:00+00')
           AS occurred_at,
       '/products/' || floor(random() * 100000)::int AS page,
       (ARRAY['BE','BE','BE','NL','NL','FR','DE','LU'])[1 + floor(random() * 8)::int] AS country
FROM generate_series(1, :rows) i;
VACUUM (FREEZE, ANALYZE) partition_holds, visits_pristine;
-- the table as every case's validation sees it; each measured run gets a fresh copy of it
DROP TABLE IF EXISTS visits;
CREATE TABLE visits (LIKE visits_pristine) PARTITION BY RANGE (occurred_at);
ALTER TABLE visits ADD PRIMARY KEY (id, occurred_at);
