-- Requests of data subjects (GDPR art. 15, 17, 20, 7.3): what was asked, by when it is due, and
-- what was done under each policy. The subject key is kept here, as it is for holds: compliance
-- must be able to show what was done for whom. Reports show only its token.
CREATE TABLE lethe.subject_request (
    id           bigserial PRIMARY KEY,
    kind         text        NOT NULL CHECK (kind IN ('erase', 'export', 'withdraw-consent')),
    subject      text        NOT NULL,
    purpose      text,                       -- what consent is withdrawn for
    reference    text,                       -- the case or ticket it came with
    received_by  text        NOT NULL,
    received_at  timestamptz NOT NULL,
    deadline     date        NOT NULL,
    status       text        NOT NULL CHECK (status IN ('open', 'partly-done', 'done')),
    completed_at timestamptz,
    export_file  text,
    CONSTRAINT purpose_with_consent CHECK ((kind = 'withdraw-consent') = (purpose IS NOT NULL))
);
-- one open request per subject, kind and purpose
CREATE UNIQUE INDEX subject_request_one_open
    ON lethe.subject_request (subject, kind, coalesce(purpose, '')) WHERE status <> 'done';

-- What a request did under each policy. A policy whose outcome is final is not done again, so a
-- restarted or repeated run never applies a request twice.
CREATE TABLE lethe.request_outcome (
    request_id    bigint      NOT NULL REFERENCES lethe.subject_request,
    policy        text        NOT NULL,
    store         text        NOT NULL,
    final         boolean     NOT NULL,
    outcome       text        NOT NULL,      -- in operators' words: "deleted 3 rows", "held: LIT-1"
    deleted       bigint      NOT NULL DEFAULT 0,
    pseudonymised bigint      NOT NULL DEFAULT 0,
    exported      bigint      NOT NULL DEFAULT 0,
    referenced    bigint      NOT NULL DEFAULT 0,
    held_by       text,                      -- case references of the holds in the way
    run_id        bigint,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (request_id, policy)
);

-- Addresses whose owner withdrew consent: only their keyed token, never the address, so that an
-- address that comes back (an import, a new sign-up form) can be recognised and left alone.
CREATE TABLE lethe.suppression (
    purpose       text        NOT NULL,
    key_id        text        NOT NULL,      -- the key the token was made with
    token         text        NOT NULL,
    request_id    bigint      REFERENCES lethe.subject_request,
    suppressed_at timestamptz NOT NULL,
    PRIMARY KEY (purpose, key_id, token)
);
