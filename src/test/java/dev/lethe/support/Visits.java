package dev.lethe.support;

/**
 * A table of visits for pseudonymise tests, with a column of every type a transform accepts: row
 * {@code i} happened {@code i} days before the tests' as-of date (2026-01-01) and belongs to
 * subject {@code i % 20}; its e-mail and other personal values follow from the subject.
 */
public final class Visits {

  private Visits() {}

  public static void create(Sql db, String schema, String table, int rows) {
    db.run(
        ("CREATE TABLE %1$s.%2$s (id bigint PRIMARY KEY, subject_id bigint, seen_at timestamptz NOT NULL,"
                + " email text, account_ref bigint, external_id uuid, ip inet, ip_text text,"
                + " user_agent text, birth_date date, postal_code varchar(10), card varchar(19),"
                + " latitude numeric(9,6), age int, age_text text, note text NOT NULL, nickname text,"
                + " done_at timestamptz);"
                + " INSERT INTO %1$s.%2$s SELECT i, i %% 20,"
                + " timestamptz '2026-01-01 00:00:00+00' - i * interval '1 day',"
                + " 'user' || (i %% 20) || '@example.org', 1000 + i %% 20,"
                + " md5((i %% 20)::text)::uuid, ('192.168.' || (i %% 250) || '.' || (i %% 200 + 1))::inet,"
                + " '10.1.2.' || (i %% 200 + 1),"
                + " 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',"
                + " date '1980-05-17', '9000AB', '4111111111111111', 51.054342, 37, '37',"
                + " 'secret note', 'nick', NULL"
                + " FROM generate_series(1, %3$d) i")
            .formatted(schema, table, rows));
  }

  /** A pseudonymise policy on the visits with {@code transform} (YAML lines, indented by 2). */
  public static String policy(String name, String schema, String table, String stages) {
    return """
        policy: %s
        description: visits of the test
        category: usage-data
        legal-basis: legitimate-interest
        store: app
        table: %s.%s
        key: id
        subject: subject_id
        clock: seen_at
        marker: done_at
        %s
        """
        .formatted(name, schema, table, stages);
  }

  /** Every transform once, after 30 days. */
  public static final String EVERY_TRANSFORM =
      """
      retain: P30D
      action: pseudonymise
      transform:
        email: hmac
        account_ref: hmac
        external_id: hmac
        ip: ip-prefix
        ip_text: ip-prefix
        user_agent: browser-family
        birth_date: year
        postal_code: {keep-first: 2}
        card: {keep-last: 4}
        latitude: {round: 2}
        age: {band: 10}
        age_text: {band: 10}
        note: {constant: "(removed)"}
        nickname: null
      """;
}
