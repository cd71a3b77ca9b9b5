package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
