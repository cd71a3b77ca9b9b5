-- A hold is released, and a restriction lifted, only together with its trail entry, written first
-- in the same transaction (HoldService.release, RestrictionService.lift): an UPDATE by SQL alone,
-- with the runtime role's rights, let the next purge take what a hold kept with nothing in the
-- trail (an outside attack). Whoever forges the entry too leaves an entry without Lethe's
-- signature, which 'lethe audit verify' names.
CREATE INDEX audit_entry_flag_ends ON lethe.audit_entry (detail)
    WHERE kind IN ('hold', 'restriction') AND action IN ('released', 'lifted');

CREATE OR REPLACE FUNCTION lethe.hold_kept() RETURNS trigger LANGUAGE plpgsql AS $$
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
    IF NOT EXISTS (SELECT 1 FROM lethe.audit_entry
                    WHERE kind = 'hold' AND action = 'released'
                      AND detail = 'hold ' || OLD.id || ', case ' || OLD.case_reference) THEN
        RAISE EXCEPTION 'hold %: released without its entry in the audit trail (lethe hold release)', OLD.id
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;

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
                      AND detail = 'restriction ' || OLD.id) THEN
        RAISE EXCEPTION 'restriction %: lifted without its entry in the audit trail (lethe restrict lift)', OLD.id
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
