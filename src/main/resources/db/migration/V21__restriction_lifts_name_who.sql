-- A restriction is lifted only with a trail entry naming who lifted it, as a hold is released (V20).
CREATE OR REPLACE FUNCTION lethe.restriction_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'lethe.restriction keeps every restriction: % refused (lift one with lethe restrict lift)', TG_OP
            USING ERRCODE = '42501';
    END IF;
    IF OLD.lifted_at IS NOT NULL OR NEW.lifted_at IS NULL OR NEW.lifted_by IS NULL
       OR (NEW.id, NEW.subject, NEW.grounds, NEW.placed_by, NEW.placed_at)
          IS DISTINCT FROM
          (OLD.id, OLD.subject, OLD.grounds, OLD.placed_by, OLD.placed_at) THEN
        RAISE EXCEPTION 'restriction %: a restriction is lifted once, by someone, and not otherwise changed', OLD.id
            USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM lethe.audit_entry
                    WHERE kind = 'restriction' AND action = 'lifted'
                      AND detail = 'restriction ' || OLD.id || ', by ' || NEW.lifted_by) THEN
        RAISE EXCEPTION 'restriction %: lifted without its entry in the audit trail (lethe restrict lift)', OLD.id
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
