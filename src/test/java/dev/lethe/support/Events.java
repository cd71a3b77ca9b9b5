package dev.lethe.support;

/**
 * A table of events for purge tests: row {@code i} happened {@code i} days before the tests' as-of
 * date (2026-01-01) and belongs to subject {@code i % subjects}; so with a one-year retention, rows
 * 366 and up have expired.
 */
public final class Events {

  private Events() {}

  public static void create(Sql db, String schema, int rows, int subjects) {
    db.run(
        "CREATE TABLE "
            + schema
            + ".event (id bigint PRIMARY KEY, subject_id bigint, occurred_at timestamptz,"
            + " status text NOT NULL DEFAULT 'done');"
            + " INSERT INTO "
            + schema
            + ".event SELECT i, i % "
            + subjects
            + ", timestamptz '2026-01-01 00:00:00+00' - i * interval '1 day' FROM"
            + " generate_series(1, "
            + rows
            + ") i");
  }

  public static String policy(String name, String schema, String extra) {
    return """
        policy: %s
        description: events of the test
        category: usage-data
        legal-basis: legitimate-interest
        store: app
        table: %s.event
        key: id
        subject: subject_id
        clock: occurred_at
        retain: P1Y
        action: delete
        %s
        """
        .formatted(name, schema, extra);
  }

  /**
   * A job running {@code policies}. Without {@code guards} (blank) it may empty the table, as the
   * tests of other things than guards need: {@code max-share: 1}.
   */
  public static String job(String name, String policies, String guards) {
    var guarded = guards.isBlank() ? "guards: {max-share: 1}" : guards;
    return "job: " + name + "\npolicies: [" + policies + "]\n" + guarded + "\n";
  }
}
