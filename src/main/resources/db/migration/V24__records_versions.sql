-- The records people edit (docs/decisions/0004): each change bumps its row's version, so that of two
-- people who read a record and then change it, the second is told it changed meanwhile
-- (optimistic locking) rather than overwriting what the first did. The run's own updates of a
-- request (settled, partly done) bump it too.
ALTER TABLE lethe.legal_hold ADD COLUMN version bigint NOT NULL DEFAULT 0;
ALTER TABLE lethe.restriction ADD COLUMN version bigint NOT NULL DEFAULT 0;
ALTER TABLE lethe.objection ADD COLUMN version bigint NOT NULL DEFAULT 0;
ALTER TABLE lethe.subject_request ADD COLUMN version bigint NOT NULL DEFAULT 0;
