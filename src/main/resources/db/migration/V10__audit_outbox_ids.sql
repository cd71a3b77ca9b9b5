-- Each purge window writes its audit record into its store, in the window's own transaction (the
-- store's outbox, docs/decisions/0016); the trail takes it from there. The record's id makes the
-- taking idempotent: an entry is appended once, whichever run takes it, however often.
ALTER TABLE lethe.audit_entry ADD COLUMN outbox_id uuid UNIQUE;
