-- Each verification of the whole trail (lethe audit verify, the console's "verify now"): when, by
-- whom and what it found, so that the console's dashboard can say when the trail was last
-- verified and whether it was intact. A record of a check, not of a change: not in the trail.
CREATE TABLE lethe.audit_verification (
    id          bigserial   PRIMARY KEY,
    verified_at timestamptz NOT NULL,
    verified_by text        NOT NULL,
    entries     bigint      NOT NULL,
    intact      boolean     NOT NULL,
    breaks      integer     NOT NULL
);
