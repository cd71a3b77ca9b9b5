-- Every fire time lethe serve handled, on which node and with what outcome. The key makes "each
-- fire time runs once" a fact of the database, whatever the scheduler does.
CREATE TABLE lethe.scheduled_fire (
    job        text        NOT NULL,
    fire_time  timestamptz NOT NULL,
    node       text        NOT NULL,
    as_of      date        NOT NULL,
    handled_at timestamptz NOT NULL,
    outcome    text        NOT NULL,   -- started, skipped (still running), failed
    run_id     bigint,
    PRIMARY KEY (job, fire_time)
);
