-- Lethe never deletes a legal hold or a restriction, and ends each once, with its trail entry
-- (lethe hold release, lethe restrict lift). A hold deleted by SQL, released again, or moved to
-- another subject would let the next purge take what it kept. These triggers refuse that to the
-- runtime role, which does not own the tables (V12) and so cannot disable them; it loses DELETE too.
CREATE FUNCTION lethe.hold_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'lethe.legal_hold keeps every hold: % refused (release a hold with lethe hold release)', TG_OP
            USING ERRCODE = '42501';
    END IF;
    IF OLD.released_at IS NOT NULL OR NEW.released_at IS NULL
       OR (NEW.id, NEW.subject, NEW.policy, NEW.category, NEW.case_reference, NEW.reason,
           NEW.placed_by, NEW.placed_at)
          IS DISTINCT FROM
          (OLD.id, OLD.subject, OLD.policy, OLD.category, OLD.case_reference, OLD.reason,
           OLD.placed_by, OLD.placed_at) THEN
        RAISE EXCEPTION 'hold %: a hold is released once and not otherwise changed (lethe hold release)', OLD.id
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER legal_hold_kept BEFORE UPDATE OR DELETE ON lethe.legal_hold
    FOR EACH ROW EXECUTE FUNCTION lethe.hold_kept();
CREATE TRIGGER legal_hold_no_truncate BEFORE TRUNCATE ON lethe.legal_hold
    FOR EACH STATEMENT EXECUTE FUNCTION lethe.hold_kept();

CREATE FUNCTION lethe.restriction_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'lethe.restriction keeps every restriction: % refused (lift one with lethe restrict lift)', TG_OP
            USING ERRCODE = '42501';
    END IF;
    IF OLD.lifted_at IS NOT NULL OR NEW.lifted_at IS NULL
       OR (NEW.id, NEW.subject, NEW.grounds, NEW.placed_by, NEW.placed_at)
          IS DISTINCT FROM
          (OLD.id, OLD.subject, OLD.grounds, OLD.placed_by, OLD.placed_at) THEN
        RAISE EXCEPTION 'restriction %: a restriction is lifted once and not otherwise changed', OLD.id
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER restriction_kept BEFORE UPDATE OR DELETE ON lethe.restriction
    FOR EACH ROW EXECUTE FUNCTION lethe.restriction_kept();
CREATE TRIGGER restriction_no_truncate BEFORE TRUNCATE ON lethe.restriction
    FOR EACH STATEMENT EXECUTE FUNCTION lethe.restriction_kept();

DO $grants$
DECLARE
    runtime text := '${runtimeRole}';
BEGIN
    IF runtime = '' OR runtime = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('REVOKE DELETE, TRUNCATE ON lethe.legal_hold, lethe.restriction FROM %I', runtime);
END
$grants$;
