-- When a key id last made tokens (a run or a request began with it). A key id whose fingerprint was
-- recorded but that never made a token (a run refused before it began) need not stay in the ring.
ALTER TABLE lethe.key_fingerprint ADD COLUMN used_at timestamptz;
UPDATE lethe.key_fingerprint SET used_at = first_used_at;
