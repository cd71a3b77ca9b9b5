package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import org.junit.jupiter.api.Test;

class PurgeTests extends LetheTests {

  @Test
  void deletesExpiredRowsAndOnlyThem() {
    // given 1,000 events of which rows 366..1000 are older than a year
    eventsPurge("");

    // when
    var report = run(jobName("purge"));

    // then
    assertThat(report.status()).isEqualTo("COMPLETED");
    assertThat(APP.longs("SELECT id FROM " + schema + ".event ORDER BY id"))
        .hasSize(365)
        .allMatch(id -> id <= 365);
    var events = outcome(report, "events");
    assertThat(events.deleted()).isEqualTo(635);
    assertThat(events.examined()).isEqualTo(635);
    assertThat(events.windows()).isGreaterThan(1);
  }

  @Test
  void keepsRowsThatFailTheWhereConditionsAndRowsWithoutClock() {
    Events.create(APP, schema, 1000, 50);
    APP.run("UPDATE " + schema + ".event SET status = 'open' WHERE id % 10 = 0");
    APP.run("UPDATE " + schema + ".event SET occurred_at = NULL WHERE id % 10 = 1");
    policy(
        "events", Events.policy("events", schema, "where:\n  - column: status\n    equals: done"));
    job(jobName("purge"), Events.job(jobName("purge"), "events", ""));

    var report = run(jobName("purge"));

    assertThat(
            APP.count(
                "SELECT count(*) FROM "
                    + schema
                    + ".event WHERE id > 365 AND id % 10 NOT IN (0, 1)"))
        .isZero();
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event WHERE id > 365"))
        .isEqualTo(127);
    assertThat(outcome(report, "events").deleted()).isEqualTo(635 - 127);
  }

  @Test
  void sparesHeldAndRestrictedSubjects() {
    eventsPurge("");
    holds.place("7", null, null, "LIT-1", "court case", "test");
    restrictions.place("8", "accuracy contested", "test");

    var report = run(jobName("purge"));

    assertThat(
            APP.longs(
                "SELECT DISTINCT subject_id FROM " + schema + ".event WHERE id > 365 ORDER BY 1"))
        .containsExactly(7L, 8L);
    var events = outcome(report, "events");
    long heldRows =
        APP.count("SELECT count(*) FROM " + schema + ".event WHERE id > 365 AND subject_id = 7");
    long restrictedRows =
        APP.count("SELECT count(*) FROM " + schema + ".event WHERE id > 365 AND subject_id = 8");
    assertThat(events.heldByHolds()).isEqualTo(heldRows).isPositive();
    assertThat(events.heldByRestrictions()).isEqualTo(restrictedRows).isPositive();
    assertThat(events.deleted()).isEqualTo(635 - heldRows - restrictedRows);
  }

  @Test
  void holdNarrowedToAnotherCategoryOrPolicyDoesNotSpare() {
    eventsPurge("");
    // the other policy and category, on a table of their own (a hold naming none stops the runs)
    APP.run(
        "CREATE TABLE "
            + schema
            + ".receipt (id bigint PRIMARY KEY, subject_id bigint, paid_at timestamptz)");
    policy(
        "other-policy",
        Events.policy("other-policy", schema, "")
            .replace("category: usage-data", "category: payment-data")
            .replace(".event", ".receipt")
            .replace("occurred_at", "paid_at"));
    holds.place("7", null, "payment-data", "TAX-1", "audit", "test");
    holds.place("9", "events", null, "LIT-2", "court case", "test");
    holds.place("11", "other-policy", null, "LIT-3", "court case", "test");

    run(jobName("purge"));

    assertThat(APP.longs("SELECT DISTINCT subject_id FROM " + schema + ".event WHERE id > 365"))
        .containsExactly(9L);
  }

  @Test
  void releasedHoldNoLongerSpares() {
    eventsPurge("");
    var hold = holds.place("7", null, null, "LIT-1", "court case", "test");
    holds.release(hold.id(), "case closed", "test");

    run(jobName("purge"));

    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event WHERE id > 365")).isZero();
  }

  @Test
  void holdPlacedDuringARunIsHonouredFromTheNextWindow() {
    eventsPurge("");
    // windows hold 100 rows each; subject 20 has an expired row (370) in the fourth window
    ProgressListener placeHoldAfterFourthWindow =
        (policy, step, steps, progress) -> {
          if (progress.windows() == 4) {
            holds.place("20", null, null, "LIT-9", "urgent court order", "test");
          }
        };

    var report = runs.run(jobName("purge"), AS_OF, "test", placeHoldAfterFourthWindow).report();

    assertThat(APP.longs("SELECT id FROM " + schema + ".event WHERE id > 365 ORDER BY id"))
        .containsExactly(420L, 470L, 520L, 570L, 620L, 670L, 720L, 770L, 820L, 870L, 920L, 970L);
    assertThat(outcome(report, "events").heldByHolds()).isEqualTo(12);
    assertThat(outcome(report, "events").deleted()).isEqualTo(635 - 12);
  }

  @Test
  void rowsKeptByAHoldReleasedDuringTheRunAreCountedAsHeld() {
    eventsPurge("");
    var hold = holds.place("20", null, null, "LIT-9", "court order", "test");
    // the hold covers row 370 in the fourth window and is released after it
    ProgressListener releaseAfterFourthWindow =
        (policy, step, steps, progress) -> {
          if (progress.windows() == 4) {
            holds.release(hold.id(), "case settled", "test");
          }
        };

    var report = runs.run(jobName("purge"), AS_OF, "test", releaseAfterFourthWindow).report();

    assertThat(APP.longs("SELECT id FROM " + schema + ".event WHERE id > 365"))
        .containsExactly(370L);
    assertThat(outcome(report, "events").heldByHolds()).isEqualTo(1);
    assertThat(outcome(report, "events").deleted()).isEqualTo(634);
    assertThat(outcome(report, "events").examined()).isEqualTo(635);
  }
}
