package dev.lethe.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import org.junit.jupiter.api.Test;

/**
 * Each step of a report says what made a row due (its cutoff and its conditions, in words) and the
 * guards it ran under with how close it came: what a reviewer signs off on.
 */
class StepWordsTests extends LetheTests {

  @Test
  void aStepSaysItsCutoffItsConditionsAndHowCloseItCameToItsGuards() {
    Events.create(APP, schema, 1000, 50);
    APP.run("UPDATE " + schema + ".event SET status = 'open' WHERE id % 2 = 0");
    policy(
        "events",
        Events.policy("events", schema, "where:\n  - column: status\n    in: [done, closed]"));
    var job = jobName("words");
    job(job, Events.job(job, "events", "guards: {max-share: 0.5, max-rows: 400}"));

    var report = run(job);

    assertThat(report.status()).isEqualTo("COMPLETED");
    var step = outcome(report, "events");
    assertThat(step.deleted()).isEqualTo(317);
    assertThat(step.cutoff()).isEqualTo("2025-01-01T00:00:00Z");
    assertThat(step.conditions()).containsExactly("status is one of done, closed");
    assertThat(step.guard())
        .isEqualTo("max-rows 400: deleted 317; max-share 50.0%: deleted 31.7% of 1,000 rows");
    assertThat(ReportText.render(report))
        .contains(
            "due: before 2025-01-01T00:00:00Z (P1Y); where status is one of done, closed; guards:"
                + " max-rows 400: deleted 317; max-share 50.0%");
  }

  /**
   * A report names only the cases whose holds kept rows in the step, each with its rows: a hold on
   * a subject with no due rows there kept nothing.
   */
  @Test
  void aStepNamesOnlyTheCasesWhoseHoldsKeptRowsWithTheirCounts() {
    Events.create(APP, schema, 1000, 50);
    policy("events", Events.policy("events", schema, ""));
    var job = jobName("cases");
    job(job, Events.job(job, "events", ""));
    holds.place("3", null, null, "LIT-A", "court", "dpo");
    holds.place("4", null, null, "LIT-B", "court", "dpo");
    holds.place("999", null, null, "X-1", "court", "dpo"); // no rows of subject 999
    long three =
        APP.count("SELECT count(*) FROM " + schema + ".event WHERE id >= 366 AND subject_id = 3");
    long four =
        APP.count("SELECT count(*) FROM " + schema + ".event WHERE id >= 366 AND subject_id = 4");

    var report = run(job);

    var step = outcome(report, "events");
    assertThat(step.heldByHolds()).isEqualTo(three + four);
    assertThat(step.holdCases()).containsExactly("LIT-A (" + three + ")", "LIT-B (" + four + ")");
    assertThat(ReportText.render(report))
        .contains("held by holds of LIT-A (" + three + "), LIT-B (" + four + ")")
        .doesNotContain("X-1");
  }
}
