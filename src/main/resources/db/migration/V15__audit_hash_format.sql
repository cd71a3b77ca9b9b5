-- Hash format 2 (docs/decisions/0017): each field of an entry is hashed with its length, and the
-- outbox id with them, so that no two entries hash alike; format 1 joined fields with newlines and
-- let bytes move from one field to the next unseen. Entries before this migration keep format 1.
ALTER TABLE lethe.audit_entry ADD COLUMN hash_format smallint NOT NULL DEFAULT 1;
ALTER TABLE lethe.audit_entry ALTER COLUMN hash_format SET DEFAULT 2;
-- An entry has a place in the chain: 1, 2, 3, ... An entry at 0 or below is no entry.
ALTER TABLE lethe.audit_entry ADD CONSTRAINT audit_entry_in_the_chain CHECK (seq > 0);
ALTER TABLE lethe.audit_entry ADD CONSTRAINT audit_entry_known_format CHECK (hash_format IN (1, 2));
