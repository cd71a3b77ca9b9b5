-- The statistics case's raw side, after ../shared/bench/sql/E_agg.sql: one GROUP BY day and
-- country over the same rows (restricted subjects left out), publishing the cells of at least 10
-- distinct subjects. Returns the number of cells published.
SELECT count(*) FROM (
  SELECT date_trunc('day', e.occurred_at) AS day, e.country,
         count(*) AS events, count(DISTINCT e.subject_id) AS subjects
  FROM events e
  WHERE NOT EXISTS (SELECT 1 FROM restrictions r WHERE r.subject_id = e.subject_id)
  GROUP BY 1, 2
  HAVING count(DISTINCT e.subject_id) >= 10) cells
