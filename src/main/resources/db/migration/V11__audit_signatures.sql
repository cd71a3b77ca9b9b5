-- Every entry is signed (Ed25519) under a key the control database does not hold, so that whoever
-- can write to this table cannot add or edit an entry unseen (docs/decisions/0017). Entries made
-- before signing began have none; after the first signed entry, one without is a forgery.
ALTER TABLE lethe.audit_entry ADD COLUMN key_id text, ADD COLUMN signature text;
