-- The back-end database of the demo: accounts and what hangs off them, a few years of history up
-- to the demo's as-of date (2026-11-01). Deterministic: fixed seeds, no now().
SET max_parallel_workers_per_gather = 0;
CREATE SCHEMA accounts;
CREATE SCHEMA billing;
CREATE SCHEMA support;
CREATE SCHEMA marketing;
CREATE SCHEMA surveys;
CREATE SCHEMA social;

CREATE TABLE accounts.account (
    id          bigint PRIMARY KEY,
    email       text        NOT NULL,
    full_name   text        NOT NULL,
    birth_date  date,
    phone       text,
    created_at  timestamptz NOT NULL,
    closed_at   timestamptz,
    country     text        NOT NULL,
    sector      text        NOT NULL,
    pseudonymised_at timestamptz,         -- set by Lethe when an erasure keeps the account
    -- an account closes after it opens: the weekly sign-ups (by created_at) may then start at the
    -- cutoff of the closed accounts' delete (by closed_at), and Lethe can prove it
    CHECK (created_at <= closed_at)
);

CREATE TABLE billing.payment (
    id           bigint PRIMARY KEY,
    account_id   bigint        NOT NULL REFERENCES accounts.account (id),
    amount       numeric(10,2) NOT NULL,
    card_number  text,
    status       text          NOT NULL,
    paid_at      timestamptz   NOT NULL,
    card_masked_at timestamptz             -- set by Lethe when it masks the card number
);

CREATE TABLE billing.invoice (
    id               bigint PRIMARY KEY,
    account_id       bigint        NOT NULL REFERENCES accounts.account (id),
    customer_name    text,
    customer_email   text,
    billing_address  text          NOT NULL,
    amount           numeric(10,2) NOT NULL,
    issued_at        timestamptz   NOT NULL,
    pseudonymised_at timestamptz             -- set by Lethe when it removes the customer's identity
);

CREATE TABLE support.ticket (
    id          bigint PRIMARY KEY,
    account_id  bigint      REFERENCES accounts.account (id),
    email       text        NOT NULL,
    subject     text        NOT NULL,
    body        text        NOT NULL,
    opened_at   timestamptz NOT NULL,
    closed_at   timestamptz,
    CHECK (opened_at <= closed_at)      -- see accounts.account
);

CREATE TABLE marketing.contact (
    id            bigint PRIMARY KEY,
    account_id    bigint      REFERENCES accounts.account (id),
    email         text        NOT NULL,
    channel       text        NOT NULL,
    consented_at  timestamptz NOT NULL,
    withdrawn_at  timestamptz
);

CREATE TABLE surveys.response (
    id            bigint PRIMARY KEY,
    account_id    bigint      REFERENCES accounts.account (id),
    answers       text        NOT NULL,
    submitted_at  timestamptz NOT NULL
);

CREATE TABLE social.login (
    id                bigint PRIMARY KEY,
    account_id        bigint      NOT NULL REFERENCES accounts.account (id),
    provider          text        NOT NULL,
    provider_user_id  text        NOT NULL,
    display_name      text,
    last_used_at      timestamptz NOT NULL
);

SELECT setseed(0.11);
-- 3,000 accounts opened over 9 years; one in four closed since.
INSERT INTO accounts.account
SELECT g,
       'user' || g || '@example.be',
       (ARRAY['An','Bram','Charlotte','Dries','Emma','Finn','Griet','Hanne','Jens','Lotte'])[1 + g % 10]
         || ' ' || (ARRAY['Peeters','Janssens','Maes','Jacobs','Mertens','Willems','Claes','Goossens'])[1 + g % 8],
       -- one account in 97 belongs to a child, whom the privacy policy sends no marketing
       CASE WHEN g % 97 = 0 THEN date '2009-06-01' + (g % 1500) ELSE date '1950-01-01' + floor(random() * 20000)::int END,
       '+32 4' || lpad((floor(random() * 100000000))::text, 8, '0'),
       timestamptz '2017-11-01 00:00:00+00' + random() * interval '3240 days',
       NULL,
       (ARRAY['BE','BE','BE','NL','NL','FR','DE','LU'])[1 + g % 8],
       (ARRAY['retail','health','education','public','industry'])[1 + (g * 7) % 5]
FROM generate_series(1, 3000) g;
UPDATE accounts.account
SET closed_at = created_at + (timestamptz '2026-11-01 00:00:00+00' - created_at) * random()
WHERE random() < 0.25;

SELECT setseed(0.12);
INSERT INTO billing.payment
SELECT g, a.id, round((5 + random() * 195)::numeric, 2),
       '4' || lpad((floor(random() * 1e15))::bigint::text, 15, '0'),
       CASE WHEN random() < 0.97 THEN 'settled' ELSE 'disputed' END,
       a.created_at + (coalesce(a.closed_at, timestamptz '2026-11-01 00:00:00+00') - a.created_at) * random()
FROM generate_series(1, 20000) g
JOIN accounts.account a ON a.id = 1 + (g * 7919) % 3000;

SELECT setseed(0.17);
-- an invoice per quarter of an account's life, at most the last four years of it
INSERT INTO billing.invoice
SELECT row_number() OVER (ORDER BY a.id, q.issued_at), a.id, a.full_name, a.email,
       'Kerkstraat ' || (a.id % 120 + 1) || ', ' || (ARRAY['1000 Brussel','2000 Antwerpen','9000 Gent','3000 Leuven'])[1 + a.id % 4],
       round((20 + random() * 480)::numeric, 2),
       q.issued_at, NULL
FROM accounts.account a
CROSS JOIN LATERAL generate_series(greatest(a.created_at, timestamptz '2022-11-01 00:00:00+00'),
                                   coalesce(a.closed_at, timestamptz '2026-11-01 00:00:00+00'),
                                   interval '3 months') AS q(issued_at)
WHERE a.id % 4 = 0;

SELECT setseed(0.13);
INSERT INTO support.ticket
SELECT g, a.id, a.email,
       (ARRAY['Cannot log in','Invoice question','Refund','Bug report','Change my address'])[1 + g % 5],
       'Hello, this is ' || a.full_name || '. ' || repeat('Details of the problem. ', 3),
       t.opened_at,
       CASE WHEN t.opened_at < timestamptz '2026-10-20 00:00:00+00' THEN t.opened_at + interval '3 days' END
FROM generate_series(1, 4000) g
JOIN accounts.account a ON a.id = 1 + (g::bigint * 104729) % 3000
CROSS JOIN LATERAL (SELECT b.lower + (b.upper - b.lower) * random() AS opened_at
  FROM (SELECT least(greatest(a.created_at, timestamptz '2023-05-01 00:00:00+00'), coalesce(a.closed_at, timestamptz '2026-11-01 00:00:00+00')) AS lower,
               coalesce(a.closed_at, timestamptz '2026-11-01 00:00:00+00') AS upper) b) t;

SELECT setseed(0.14);
INSERT INTO marketing.contact
SELECT a.id, a.id, a.email,
       CASE WHEN a.id % 3 = 0 THEN 'sms' ELSE 'email' END,
       a.created_at,
       -- closing an account withdraws its marketing consent
       coalesce(a.closed_at, CASE WHEN random() < 0.3 THEN a.created_at + (timestamptz '2026-11-01 00:00:00+00' - a.created_at) * random() END)
FROM accounts.account a
WHERE a.id % 2 = 0;

SELECT setseed(0.15);
INSERT INTO surveys.response
SELECT g, a.id, '{"nps": ' || floor(random() * 11) || ', "comment": "' || a.full_name || ' likes it"}',
       b.lower + (b.upper - b.lower) * random()
FROM generate_series(1, 2500) g
JOIN accounts.account a ON a.id = 1 + (g::bigint * 15485863) % 3000
CROSS JOIN LATERAL (SELECT least(greatest(a.created_at, timestamptz '2023-11-01 00:00:00+00'), coalesce(a.closed_at, timestamptz '2026-11-01 00:00:00+00')) AS lower,
                           coalesce(a.closed_at, timestamptz '2026-11-01 00:00:00+00') AS upper) b;

SELECT setseed(0.16);
INSERT INTO social.login
SELECT a.id, a.id, CASE WHEN a.id % 2 = 0 THEN 'google' ELSE 'facebook' END,
       md5(a.email), a.full_name,
       coalesce(a.closed_at, timestamptz '2026-11-01 00:00:00+00' - random() * interval '400 days')
FROM accounts.account a
WHERE a.id % 5 = 0;

ANALYZE;
