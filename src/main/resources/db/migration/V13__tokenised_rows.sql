-- The tables whose subject column a stage has made tokens of, by the identity of their rows
-- (Store.rowsIdentity): a hold, a restriction or a request must look for a subject's token there
-- for ever, also once the policy that made the tokens is gone from the folder.
CREATE TABLE lethe.tokenised_rows (
    rows_identity text        PRIMARY KEY,
    first_at      timestamptz NOT NULL
);
