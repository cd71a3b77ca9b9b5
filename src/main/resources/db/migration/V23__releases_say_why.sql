-- A hold's release entry says why, as a request's cancellation does ("hold 12, case LIT-1, by dpo:
-- case settled"): the release is taken only with an entry naming who released it and why, so the
-- reason a hold stopped keeping data is in the trail, not only in the table (an outside attack).
CREATE OR REPLACE FUNCTION lethe.hold_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'lethe.legal_hold keeps every hold: % refused (release a hold with lethe hold release)', TG_OP
            USING ERRCODE = '42501';
    END IF;
    IF OLD.released_at IS NOT NULL OR NEW.released_at IS NULL OR NEW.released_by IS NULL
       OR NEW.release_reason IS NULL
       OR (NEW.id, NEW.subject, NEW.policy, NEW.category, NEW.case_reference, NEW.reason,
           NEW.placed_by, NEW.placed_at)
          IS DISTINCT FROM
          (OLD.id, OLD.subject, OLD.policy, OLD.category, OLD.case_reference, OLD.reason,
           OLD.placed_by, OLD.placed_at) THEN
        RAISE EXCEPTION 'hold %: a hold is released once, by someone, and not otherwise changed (lethe hold release)', OLD.id
            USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM lethe.audit_entry
                    WHERE kind = 'hold' AND action = 'released'
                      AND detail = 'hold ' || OLD.id || ', case ' || OLD.case_reference
                                   || ', by ' || NEW.released_by || ': ' || NEW.release_reason) THEN
        RAISE EXCEPTION 'hold %: released without its entry in the audit trail (lethe hold release)', OLD.id
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
