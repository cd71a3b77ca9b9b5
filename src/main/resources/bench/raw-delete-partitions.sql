DELETE FROM visits v
WHERE v.occurred_at < timestamptz '2026-05-01 00:00:00+00'
  AND NOT EXISTS (SELECT 1 FROM partition_holds h WHERE h.subject_id = v.subject_id)
