-- The analytics database of the demo: page views over two years, partitioned by quarter, with
-- anonymous visitors (no account) among them. Deterministic: fixed seed, no now().
SET max_parallel_workers_per_gather = 0;
CREATE SCHEMA web;

CREATE TABLE web.page_view (
    id          bigint      NOT NULL,
    account_id  bigint,
    viewed_at   timestamptz NOT NULL,
    ip_address  inet        NOT NULL,
    user_agent  text        NOT NULL,
    url         text        NOT NULL,
    country     text        NOT NULL,
    pseudonymised_at timestamptz,       -- set by Lethe when it cuts the IP address and browser
    PRIMARY KEY (viewed_at, id)
) PARTITION BY RANGE (viewed_at);

CREATE TABLE web.page_view_2024q4 PARTITION OF web.page_view FOR VALUES FROM ('2024-10-01') TO ('2025-01-01');
CREATE TABLE web.page_view_2025h1 PARTITION OF web.page_view FOR VALUES FROM ('2025-01-01') TO ('2025-07-01');
CREATE TABLE web.page_view_2025h2 PARTITION OF web.page_view FOR VALUES FROM ('2025-07-01') TO ('2026-01-01');
CREATE TABLE web.page_view_2026 PARTITION OF web.page_view FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

SELECT setseed(0.21);
INSERT INTO web.page_view
SELECT g,
       CASE WHEN random() < 0.8 THEN 1 + floor(random() * 3000)::bigint END,
       timestamptz '2024-11-01 00:00:00+00' + random() * interval '730 days',
       ('10.0.0.0'::inet + floor(random() * 16777216)::bigint),
       (ARRAY['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
              'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
              'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'])[1 + floor(random() * 3)::int],
       '/' || (ARRAY['products','blog','pricing','support','account'])[1 + floor(random() * 5)::int] || '/' || floor(random() * 500)::int,
       (ARRAY['BE','BE','BE','NL','NL','FR','DE','LU'])[1 + floor(random() * 8)::int],
       NULL
FROM generate_series(1, 200000) g;

ANALYZE;
