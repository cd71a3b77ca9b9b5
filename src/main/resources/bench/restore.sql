-- A fresh copy of the pristine events with the usual indexes, settled and checkpointed.
DROP TABLE IF EXISTS events;
CREATE TABLE events AS SELECT * FROM events_pristine ORDER BY id;
ALTER TABLE events ADD PRIMARY KEY (id);
CREATE INDEX events_occurred_at_idx ON events (occurred_at);
CREATE INDEX events_subject_id_idx ON events (subject_id);
VACUUM (FREEZE, ANALYZE) events;
CHECKPOINT;
