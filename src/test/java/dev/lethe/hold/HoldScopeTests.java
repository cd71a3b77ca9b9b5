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
  void validateSaysWhatTheRunsWouldRefuseAndWarnsWhereItCannotReadTheHolds() throws Exception {
    Events.create(APP, schema, 100, 10);
    everyEventDue("events", "usage-data");
    var hold = holds.place("7", "events", null, "LIT-VALIDATE", "a claim", "dpo");
    var config = configFile("validate-" + schema);
    assertThat(validate(config).code()).isZero();

    removePolicy("events");
    everyEventDue("events-renamed", "usage-data");
    var refused = validate(config);
    assertThat(refused.code()).isEqualTo(dev.lethe.cli.Lethe.BAD_INPUT);
    assertThat(refused.err())
        .contains("1 hold(s) on policy 'events' (case LIT-VALIDATE)", "Fix:", "nothing was run");

    holds.place("7", "events-renamed", null, "LIT-VALIDATE", "a claim", "dpo");
    holds.release(hold.id(), "placed again under events-renamed", "dpo");
    var fixed = validate(config);
    assertThat(fixed.code()).isZero();
    assertThat(fixed.out()).contains("ok: ").doesNotContain("warning");

    // a control database that cannot be read: the holds were not checked, and validate says so
    var unreachable = unreachableControlDatabase();
    java.nio.file.Files.writeString(
        config,
        java.nio.file.Files.readString(config)
            .replace(dev.lethe.support.TestDatabases.url("control"), unreachable));
    var unchecked = validate(config);
    assertThat(unchecked.code()).isZero();
    assertThat(unchecked.out()).contains("warning: the legal holds in force were not checked");

    // a database no command has used as a control database (here the app's): said, not passed
    java.nio.file.Files.writeString(
        config,
        java.nio.file.Files.readString(config)
            .replace(unreachable, dev.lethe.support.TestDatabases.url("app")));
    var unused = validate(config);
    assertThat(unused.code()).isZero();
    assertThat(unused.out()).contains("warning: the control database holds no Lethe records yet");
  }

  private static String unreachableControlDatabase() {
    try (var socket = new java.net.ServerSocket(0)) {
      // a port that was free a moment ago: nothing listens there
      return "jdbc:postgresql://127.0.0.1:" + socket.getLocalPort() + "/nothing";
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private record Outcome(int code, String out, String err) {}

  private static Outcome validate(java.nio.file.Path config) {
    var out = new java.io.StringWriter();
    var err = new java.io.StringWriter();
    int code =
        dev.lethe.cli.Lethe.execute(
            new String[] {"--config", config.toString(), "validate"},
            new java.io.PrintWriter(out, true),
            new java.io.PrintWriter(err, true));
    return new Outcome(code, out.toString(), err.toString());
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
