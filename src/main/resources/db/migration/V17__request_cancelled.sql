-- A request withdrawn by its subject, or refused (identity not confirmed), is cancelled: closed
-- like a done one, with who cancelled it and why; the trail records it too.
ALTER TABLE lethe.subject_request DROP CONSTRAINT subject_request_status_check;
ALTER TABLE lethe.subject_request
    ADD CONSTRAINT subject_request_status_check
    CHECK (status IN ('open', 'partly-done', 'done', 'cancelled'));
ALTER TABLE lethe.subject_request ADD COLUMN closed_by text, ADD COLUMN closed_reason text;
DROP INDEX lethe.subject_request_one_open;
CREATE UNIQUE INDEX subject_request_one_open
    ON lethe.subject_request (subject, kind, coalesce(purpose, ''))
    WHERE status NOT IN ('done', 'cancelled');
