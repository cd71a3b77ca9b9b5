-- Lethe's own records: legal holds, restriction flags and run reports.
CREATE SCHEMA IF NOT EXISTS lethe;

CREATE TABLE lethe.legal_hold (
    id             bigserial PRIMARY KEY,
    subject        text        NOT NULL,
    policy         text,
    category       text,
    case_reference text        NOT NULL,
    reason         text        NOT NULL,
    placed_by      text        NOT NULL,
    placed_at      timestamptz NOT NULL,
    released_by    text,
    released_at    timestamptz,
    release_reason text,
    CONSTRAINT hold_narrowed_once CHECK (policy IS NULL OR category IS NULL),
    CONSTRAINT release_is_whole CHECK ((released_at IS NULL) = (released_by IS NULL))
);
CREATE INDEX legal_hold_active ON lethe.legal_hold (subject) WHERE released_at IS NULL;

CREATE TABLE lethe.restriction (
    id         bigserial PRIMARY KEY,
    subject    text        NOT NULL,
    grounds    text        NOT NULL,
    placed_by  text        NOT NULL,
    placed_at  timestamptz NOT NULL,
    lifted_by  text,
    lifted_at  timestamptz
);
CREATE UNIQUE INDEX restriction_one_active ON lethe.restriction (subject) WHERE lifted_at IS NULL;

-- Bumped in the same transaction as every change to holds or restrictions, so that a running
-- purge can tell with one cheap read whether it must reload the subjects it has to spare.
CREATE TABLE lethe.subject_flags_version (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version  bigint  NOT NULL
);
INSERT INTO lethe.subject_flags_version (version) VALUES (0);

CREATE TABLE lethe.run_report (
    job_execution_id bigint PRIMARY KEY,
    job              text        NOT NULL,
    as_of            date        NOT NULL,
    status           text        NOT NULL,
    started_at       timestamptz NOT NULL,
    ended_at         timestamptz,
    report           jsonb       NOT NULL
);
CREATE INDEX run_report_job ON lethe.run_report (job, job_execution_id DESC);
