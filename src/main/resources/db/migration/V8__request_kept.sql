-- What a request left because another policy still keeps it (a legal obligation against an
-- erasure, another purpose against a withdrawal of consent): an outcome never states less data
-- than exists.
ALTER TABLE lethe.request_outcome ADD COLUMN kept bigint NOT NULL DEFAULT 0;
