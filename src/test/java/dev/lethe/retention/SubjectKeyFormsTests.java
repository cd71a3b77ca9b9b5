package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hold's key, however written, keeps the rows of the subject a number column holds: {@code 08} is
 * subject 8, also where a stage made the subject column a token (made of "8").
 */
class SubjectKeyFormsTests extends LetheTests {

  @ParameterizedTest
  @ValueSource(strings = {"08", "+8", " 8 ", "0008"})
  void aHoldOnANumberWrittenOtherwiseKeepsItsTokenisedRows(String written) {
    Events.create(APP, schema, 1000, 50);
    APP.run("ALTER TABLE " + schema + ".event ADD COLUMN pseudonymised_at timestamptz");
    policy(
        "events",
        Events.policy("events", schema, "")
            .replace(
                "retain: P1Y\naction: delete",
                """
                marker: pseudonymised_at
                stages:
                  - after: P30D
                    action: pseudonymise
                    transform: {subject_id: hmac}
                  - after: P1Y
                    action: delete"""));
    var job = jobName("forms");
    job(job, Events.job(job, "events", ""));
    // the first run makes subject 8's month-old rows tokens
    runs.run(job, AS_OF, "test", ProgressListener.SILENT);
    var token = testTokens().number("8");
    long rows =
        APP.count(
            "SELECT count(*) FROM " + schema + ".event WHERE subject_id IN (8, " + token + ")");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event WHERE subject_id = " + token))
        .isPositive();
    holds.place(written, null, null, "LIT-F", "court", "dpo");

    // half a year on, the delete reaches the tokenised rows
    runs.run(job, AS_OF.plusMonths(6), "test", ProgressListener.SILENT);

    assertThat(
            APP.count(
                "SELECT count(*) FROM " + schema + ".event WHERE subject_id IN (8, " + token + ")"))
        .isEqualTo(rows);
  }

  @org.junit.jupiter.api.Test
  void aHoldKeepsTokenisedRowsAlsoOnceThePolicyThatMadeTheTokensIsGone() {
    Events.create(APP, schema, 1000, 50);
    APP.run("ALTER TABLE " + schema + ".event ADD COLUMN pseudonymised_at timestamptz");
    policy(
        "events",
        Events.policy("events", schema, "")
            .replace(
                "retain: P1Y\naction: delete",
                "marker: pseudonymised_at\nretain: P30D\naction: pseudonymise\n"
                    + "transform: {subject_id: hmac}"));
    var job = jobName("gone");
    job(job, Events.job(job, "events", ""));
    runs.run(job, AS_OF, "test", ProgressListener.SILENT);
    var token = testTokens().number("9");
    long rows =
        APP.count(
            "SELECT count(*) FROM " + schema + ".event WHERE subject_id IN (9, " + token + ")");
    // the tokenising policy is retired; a plain delete takes over the table
    policy("events", Events.policy("events", schema, ""));
    holds.place("9", null, null, "LIT-G", "court", "dpo");

    var later = jobName("later");
    job(later, Events.job(later, "events", ""));
    runs.run(later, AS_OF.plusMonths(6), "test", ProgressListener.SILENT);

    assertThat(
            APP.count(
                "SELECT count(*) FROM " + schema + ".event WHERE subject_id IN (9, " + token + ")"))
        .isEqualTo(rows);
  }
}
