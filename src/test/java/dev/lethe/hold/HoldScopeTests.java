package dev.lethe.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.retention.ProgressListener;
import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import dev.lethe.system.BadInputException;
import org.junit.jupiter.api.Test;

/**
 * A hold placed on one policy (or category) covers that name: renamed or removed, the hold named
 * nothing, and the rows it kept went under the policy's new name with no hold in the way (found by
 * an outside attack). Runs and plans refuse until the hold is placed again or the name is back.
 */
class HoldScopeTests extends LetheTests {

  private String everyEventDue(String policy, String category) {
    policy(
        policy,
        Events.policy(policy, schema, "")
            .replace("category: usage-data", "category: " + category)
            .replace("retain: P1Y\naction: delete", "stages:\n  - after: P0D\n    action: delete"));
    var job = jobName("scope");
    job(job, Events.job(job, policy, "guards: {max-share: 1}"));
    return job;
  }

  private void removePolicy(String name) {
    try {
      java.nio.file.Files.delete(WORKSPACE.resolve("policies").resolve(name + ".yml"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aHoldOnARenamedPolicyStopsTheRunsUntilItIsPlacedAgain() {
    Events.create(APP, schema, 100, 10);
    var job = everyEventDue("events", "usage-data");
    var hold = holds.place("7", "events", null, "LIT-SCOPE", "a claim", "dpo");
    long rows = APP.count("SELECT count(*) FROM " + schema + ".event");

    removePolicy("events");
    everyEventDue("events-renamed", "usage-data");

    assertThatThrownBy(() -> plans.plan(job, AS_OF))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("1 hold(s) on policy 'events' (case LIT-SCOPE)");
    assertThatThrownBy(() -> runs.run(job, AS_OF, "test", ProgressListener.SILENT))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("legal holds in force cover what no policy is now")
        .hasMessageContaining("Fix: define the policy or category again");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(rows);

    // placed again under the new name, the old one released: the run keeps subject 7's rows
    holds.place("7", "events-renamed", null, "LIT-SCOPE", "a claim", "dpo");
    holds.release(hold.id(), "placed again under events-renamed", "dpo");
    var report = runs.run(job, AS_OF, "test", ProgressListener.SILENT).report();
    assertThat(report.status()).isEqualTo("COMPLETED");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event WHERE subject_id = 7"))
        .isPositive();
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event WHERE subject_id <> 7"))
        .isZero();
  }

  @Test
  void aHoldOnACategoryNoPolicyHasAnyMoreStopsTheRuns() {
    Events.create(APP, schema, 100, 10);
    var job = everyEventDue("events", "usage-data");
    holds.place("7", null, "usage-data", "LIT-CAT", "a claim", "dpo");

    everyEventDue("events", "web-usage");

    assertThatThrownBy(() -> runs.run(job, AS_OF, "test", ProgressListener.SILENT))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("1 hold(s) on category 'usage-data' (case LIT-CAT)");
  }
}
