-- The audit trail: every change Lethe makes, appended in order, each entry chained to the one
-- before it by SHA-256 (docs/decisions/0010). Subjects appear only as their keyed tokens.
CREATE TABLE lethe.audit_entry (
    seq         bigint      PRIMARY KEY,   -- 1, 2, 3, ... : a gap is a deleted entry
    recorded_at timestamptz NOT NULL,
    kind        text        NOT NULL,      -- purge, request, hold, restriction, objection, key, report
    action      text        NOT NULL,      -- deleted, pseudonymised, placed, released, received, ...
    run_id      bigint,
    policy      text,
    stage       text,
    subjects    bytea       NOT NULL,      -- the subjects: the first 8 bytes of each one's HMAC
                                           -- token, ascending, packed (8 bytes per subject)
    rows        bytea       NOT NULL,      -- rows affected per subject, in the same order (4 bytes each)
    total_rows  bigint      NOT NULL,      -- all rows affected, with those of no subject
    detail      text,                      -- case reference, request id, key id, checksums
    prev_hash   text        NOT NULL,
    hash        text        NOT NULL UNIQUE
);
-- Tokens do not compress: do not try. A subject's entries are found by a scan of this column
-- (lethe audit subject, a rare question); an index of every subject of every window would cost
-- each purge more than its delete.
ALTER TABLE lethe.audit_entry ALTER COLUMN subjects SET STORAGE EXTERNAL;
CREATE INDEX audit_entry_run ON lethe.audit_entry (run_id, seq);

-- Append-only for Lethe's own role and anyone without the right to drop triggers; the hash chain
-- detects what someone with that right does all the same.
CREATE FUNCTION lethe.audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP;
END $$;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON lethe.audit_entry
    FOR EACH ROW EXECUTE FUNCTION lethe.audit_entry_append_only();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON lethe.audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION lethe.audit_entry_append_only();
