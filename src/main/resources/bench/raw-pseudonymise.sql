-- The pseudonymise case's raw side: one UPDATE that computes the same HMAC-SHA256 token in the
-- database with pgcrypto, on the rows Lethe's policy takes. :key is replaced before it runs.
UPDATE events e
SET email = encode(hmac(e.email, :key, 'sha256'), 'hex'),
    pseudonymised_at = timestamptz '2026-11-01 00:00:00+00'
WHERE e.occurred_at < timestamptz '2024-11-01 00:00:00+00'
  AND e.pseudonymised_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM legal_holds  h WHERE h.subject_id = e.subject_id)
  AND NOT EXISTS (SELECT 1 FROM restrictions r WHERE r.subject_id = e.subject_id)
