-- The fingerprint of the key each key id was first used with: an HMAC of a fixed label under the
-- key, never the key. A different key under a known id is refused before it makes tokens that no
-- hold, request or trail lookup would recognise (docs/decisions/0015). Key ids used before this
-- table existed get theirs at their next use.
CREATE TABLE lethe.key_fingerprint (
    key_id        text        PRIMARY KEY,
    fingerprint   text        NOT NULL,
    first_used_at timestamptz NOT NULL
);
