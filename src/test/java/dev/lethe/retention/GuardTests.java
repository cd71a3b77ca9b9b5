package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.report.RunReport;
import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import dev.lethe.system.BadInputException;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class GuardTests extends LetheTests {

  @Test
  void maxRowsStopsARunawayPolicyBeforeItDeletesPastTheGuard() {
    // given 635 expired rows and a guard of 250 rows, with windows of 100 rows
    eventsPurge("guards: {max-rows: 250}");

    // when
    var report = run(jobName("purge"));

    // then the window that would cross 250 was rolled back, and the run failed saying why
    assertThat(report.status()).isEqualTo("FAILED");
    long deleted = 1000 - APP.count("SELECT count(*) FROM " + schema + ".event");
    assertThat(deleted).isLessThanOrEqualTo(250).isEqualTo(outcome(report, "events").deleted());
    assertThat(outcome(report, "events").error())
        .contains("guard max-rows tripped", "'events'", "250", "raise guards.max-rows");
    // its counts are of the windows it did, and the report says so where a reviewer reads them
    // (a stopped step's "held 0", its due equal to its deleted, read as the table's)
    assertThat(outcome(report, "events").partialText()).contains("only the windows it did");
    assertThat(dev.lethe.report.ReportText.render(report))
        .contains("the step stopped before its last window");
    assertThat(dev.lethe.report.ReportHtml.render(report, java.util.List.of()))
        .contains("data-field=\"partial\"", "the step stopped before its last window");
  }

  @Test
  void maxShareStopsAPolicyThatWouldEmptyTheTable() {
    eventsPurge("guards: {max-share: 0.3}");

    var report = run(jobName("purge"));

    assertThat(report.status()).isEqualTo("FAILED");
    long deleted = 1000 - APP.count("SELECT count(*) FROM " + schema + ".event");
    assertThat(deleted).isLessThanOrEqualTo(300);
    assertThat(outcome(report, "events").error()).contains("guard max-share tripped", "30.0%");
  }

  @Test
  void guardsThatHoldLetTheRunComplete() {
    eventsPurge("guards: {max-rows: 635, max-share: 0.7}");

    var report = run(jobName("purge"));

    assertThat(report.status()).isEqualTo("COMPLETED");
    assertThat(outcome(report, "events").deleted()).isEqualTo(635);
    assertThat(outcome(report, "events").partialText()).isNull();
    assertThat(dev.lethe.report.ReportText.render(report)).doesNotContain("stopped before");
  }

  @Test
  void aRunMayNotTreatAFutureDayAsToday() {
    eventsPurge("");

    assertThatThrownBy(
            () ->
                runs.run(
                    jobName("purge"), LocalDate.now().plusDays(2), "test", ProgressListener.SILENT))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("is after today");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(1000);
  }

  @Test
  void aJobThatNamesNoGuardsMayNotEmptyATable() {
    // a policy due at once, and a job that says nothing of guards
    Events.create(APP, schema, 1000, 50);
    policy("events", dueAtOnce());
    job(jobName("purge"), "job: " + jobName("purge") + "\npolicies: [events]\n");

    var report = run(jobName("purge"));

    assertThat(report.status()).isEqualTo("FAILED");
    assertThat(outcome(report, "events").error()).contains("guard max-share tripped", "50.0%");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isGreaterThanOrEqualTo(500);
  }

  @Test
  void emptyingATableTakesAnExplicitGuard() {
    Events.create(APP, schema, 1000, 50);
    policy("events", dueAtOnce());
    job(jobName("purge"), Events.job(jobName("purge"), "events", "guards: {max-share: 1}"));

    var report = run(jobName("purge"));

    assertThat(report.status()).isEqualTo("COMPLETED");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isZero();
  }

  @Test
  void thePlanSaysWhichGuardTripsAndTheRunDoesWhatItSays() {
    // 635 rows due of 1000; a guard of 30%; a second policy after the one that trips
    Events.create(APP, schema, 1000, 50);
    APP.run("ANALYZE " + schema + ".event");
    policy("events", Events.policy("events", schema, ""));
    policy("later", Events.policy("later", schema, ""));
    job(
        jobName("purge"),
        Events.job(jobName("purge"), "events, later", "guards: {max-share: 0.3}"));

    var plan = plans.plan(jobName("purge"), AS_OF);

    assertThat(plan.trip()).as(plan.render()).isNotNull();
    assertThat(plan.trip().step()).isEqualTo("events");
    assertThat(plan.trip().guard()).isEqualTo("max-share");
    assertThat(plan.trip().most()).isEqualTo(300);
    assertThat(plan.policies())
        .extracting(Plan.PolicyPlan::step, Plan.PolicyPlan::guard)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("events", "trips max-share"),
            org.assertj.core.groups.Tuple.tuple("later", Plan.NOT_RUN));
    assertThat(plan.render()).contains("Guard max-share 30.0% (300 of 1,000 rows) trips");

    var report = run(jobName("purge"));

    assertThat(report.status()).isEqualTo("FAILED");
    long deleted = 1000 - APP.count("SELECT count(*) FROM " + schema + ".event");
    assertThat(deleted).isLessThanOrEqualTo(plan.trip().most());
    assertThat(report.policies()).extracting(RunReport.PolicyReport::step).doesNotContain("later");
  }

  @Test
  void aPlanWithinTheGuardsSaysTheyHold() {
    eventsPurge("guards: {max-rows: 635, max-share: 0.7}");

    var plan = plans.plan(jobName("purge"), AS_OF);

    assertThat(plan.trip()).isNull();
    assertThat(plan.policies()).extracting(Plan.PolicyPlan::guard).containsExactly("ok");
  }

  /** The events policy with a delete stage due at once, as a children's-data rule has. */
  private String dueAtOnce() {
    return Events.policy("events", schema, "")
        .replace("retain: P1Y\naction: delete", "stages:\n  - after: P0D\n    action: delete");
  }
}
