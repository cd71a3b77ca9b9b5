-- What a request must reach, recorded when it is received: each store, and table where there is
-- one, that a policy covering the request governed then. A store or policy removed from the
-- configuration afterwards no longer lets an erasure or export be called done without its rows
-- (found by an outside attack). Null for requests received before: settled as they were.
ALTER TABLE lethe.subject_request ADD COLUMN reach text[];
