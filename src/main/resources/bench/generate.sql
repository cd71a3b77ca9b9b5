-- Bench data, after ../shared/bench/sql/gen.sql: events over four years ordered by time (the id
-- follows time, as in an append-only log), :subjects subjects (rows / 2 by default), 1% of them
-- held, 0.5% restricted. Deterministic: fixed seeds, a fixed anchor. :rows and :subjects are
-- replaced before it runs.
SET max_parallel_workers_per_gather = 0;
SET work_mem = '512MB';
-- pgcrypto's hmac() is the raw side of the pseudonymise case
CREATE EXTENSION IF NOT EXISTS pgcrypto;
DROP TABLE IF EXISTS events, events_pristine, legal_holds, restrictions;
SELECT setseed(0.4242);
CREATE TABLE legal_holds AS
  SELECT DISTINCT (1 + floor(random() * (:subjects)))::bigint AS subject_id
  FROM generate_series(1, :subjects / 100);
ALTER TABLE legal_holds ADD PRIMARY KEY (subject_id);
SELECT setseed(0.4243);
CREATE TABLE restrictions AS
  SELECT DISTINCT (1 + floor(random() * (:subjects)))::bigint AS subject_id
  FROM generate_series(1, :subjects / 200);
DELETE FROM restrictions r USING legal_holds h WHERE h.subject_id = r.subject_id;
ALTER TABLE restrictions ADD PRIMARY KEY (subject_id);
SELECT setseed(0.17);
CREATE TABLE events_pristine AS
SELECT row_number() OVER (ORDER BY occurred_at)::bigint AS id, *,
       'user' || subject_id || '@example.org' AS email,
       NULL::timestamptz AS pseudonymised_at
FROM (
  SELECT 1 + floor(random() * (:subjects))::bigint AS subject_id,
         timestamptz '2026-11-01 00:00:00+00' - random() * interval '4 years' AS occurred_at,
         ('0.0.0.0'::inet + floor(random() * 4294967296)::bigint) AS ip,
         'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/'
           || (100 + floor(random() * 30)::int) || '.0.0.0 Safari/537.36' AS user_agent,
         '/products/' || floor(random() * 100000)::int AS page,
         (ARRAY['BE','BE','BE','NL','NL','FR','DE','LU'])[1 + floor(random() * 8)::int] AS country
  FROM generate_series(1, :rows)) s;
VACUUM (FREEZE, ANALYZE) legal_holds, restrictions, events_pristine;
