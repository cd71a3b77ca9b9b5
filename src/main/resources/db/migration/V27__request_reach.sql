-- What a request must reach, recorded when it is received: each store, and table where there is
-- one (by the catalog's name), that a policy covering the request governed then. A store or policy
-- removed from the configuration afterwards no longer lets an erasure or export be called done
-- without its rows (found by an outside attack). Null for requests received before: settled as
-- they were.
ALTER TABLE lethe.subject_request ADD COLUMN reach text[];
-- The same places by what their stores are (a database's identity, a log directory's real path),
-- beside each name: a store renamed in the configuration still reaches them. '' where a store could
-- not be asked.
ALTER TABLE lethe.subject_request ADD COLUMN reach_identity text[];
-- Where each policy's outcome was reached: a policy renamed or split, whose table a policy still
-- reaches, is superseded by that policy's outcome rather than left standing (held) forever; a table
-- no policy covers any more, whose outcome was final, was reached.
ALTER TABLE lethe.request_outcome ADD COLUMN place text;
