-- Anonymised trend statistics: buckets computed once, when they close, and kept after the raw
-- rows are purged. Cells below the minimum number of distinct subjects are never stored.
CREATE TABLE lethe.statistic_bucket (
    statistic        text        NOT NULL,
    definition       text        NOT NULL,   -- checksum of the definition: a changed one is a new series
    bucket           date        NOT NULL,   -- the first day of the day, ISO week or month
    bucket_end       date        NOT NULL,
    run_id           bigint,
    computed_at      timestamptz NOT NULL,
    cells            integer     NOT NULL,   -- cells published
    suppressed_cells integer     NOT NULL,
    suppressed_rows  bigint      NOT NULL,
    total_withheld   boolean     NOT NULL,
    epsilon          numeric,                -- privacy budget spent on the bucket; null: no noise
    PRIMARY KEY (statistic, definition, bucket)
);

CREATE TABLE lethe.statistic_cell (
    statistic  text    NOT NULL,
    definition text    NOT NULL,
    bucket     date    NOT NULL,
    kind       text    NOT NULL CHECK (kind IN ('cell', 'other', 'total')),
    dimensions text[]  NOT NULL,
    measures   numeric[] NOT NULL,           -- in the order the definition lists them
    FOREIGN KEY (statistic, definition, bucket) REFERENCES lethe.statistic_bucket
);
CREATE INDEX statistic_cell_bucket ON lethe.statistic_cell (statistic, definition, bucket);

-- Objections to processing for a purpose (GDPR art. 21): an objection to analytics leaves the
-- subject out of every statistic.
CREATE TABLE lethe.objection (
    id        bigserial PRIMARY KEY,
    subject   text        NOT NULL,
    purpose   text        NOT NULL CHECK (purpose IN ('analytics', 'marketing')),
    placed_by text        NOT NULL,
    placed_at timestamptz NOT NULL,
    lifted_by text,
    lifted_at timestamptz
);
CREATE UNIQUE INDEX objection_one_active ON lethe.objection (subject, purpose) WHERE lifted_at IS NULL;
