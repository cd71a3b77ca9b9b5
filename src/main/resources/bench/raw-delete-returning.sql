DELETE FROM events e
WHERE e.occurred_at < timestamptz '2024-11-01 00:00:00+00'
  AND NOT EXISTS (SELECT 1 FROM legal_holds  h WHERE h.subject_id = e.subject_id)
  AND NOT EXISTS (SELECT 1 FROM restrictions r WHERE r.subject_id = e.subject_id)
RETURNING e.subject_id
