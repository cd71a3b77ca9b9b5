package dev.lethe.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.retention.Validator;
import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every file in the policy and job folders is read or refused: a policy nobody reads is a retention
 * that never applies, so that its rows are deleted by a shorter policy or kept for ever.
 */
class DefinitionFolderTests extends LetheTests {

  @Autowired Validator validator;

  private Path policies;

  @BeforeEach
  void events() {
    Events.create(APP, schema, 1000, 50);
    policies = WORKSPACE.resolve("policies");
  }

  private void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void policiesInSubfoldersAreReadAndKeepingWinsWithThem() throws IOException {
    // a short policy at the top, the legal department's longer one in a subfolder
    policy("short", Events.policy("short", schema, "").replace("P1Y", "P30D"));
    write(
        policies.resolve("legal/long.yml"),
        Events.policy("long", schema, "").replace("P1Y", "P5Y"));
    write(
        policies.resolve("legal/deeper/other.YAML"),
        Events.policy("other", schema, "").replace("P1Y", "P6Y"));

    var result = validator.validate();

    assertThat(result.problems().errors()).isEmpty();
    assertThat(result.definitions().policies()).containsOnlyKeys("short", "long", "other");
    // the purge takes the longer retention: 970 events are due under P30D, none under P5Y
    job(jobName("purge"), Events.job(jobName("purge"), "all", "guards: {max-share: 1}"));
    var report = run(jobName("purge"));
    assertThat(report.status()).isEqualTo("COMPLETED");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(1000);
  }

  @Test
  void aFileLetheWouldNotReadIsAnErrorNamingIt() throws IOException {
    policy("events", Events.policy("events", schema, ""));
    write(policies.resolve("legal/b.yml.disabled"), Events.policy("b", schema, ""));
    write(policies.resolve("notes.txt"), "who owns what");
    write(policies.resolve("README.md"), "# our policies");
    write(policies.resolve(".gitkeep"), "");

    var errors = validator.validate().problems().errors();

    assertThat(errors)
        .extracting(p -> p.file().getFileName().toString())
        .containsExactlyInAnyOrder("b.yml.disabled", "notes.txt");
    assertThat(errors.get(0).message()).contains("not a .yml or .yaml file");
    assertThat(errors.get(0).fix()).contains("rename it to .yml");
  }

  @Test
  void aLinkBackToAParentFolderIsAnError() throws IOException {
    policy("events", Events.policy("events", schema, ""));
    Files.createDirectories(policies.resolve("legal"));
    Files.createSymbolicLink(policies.resolve("legal/loop"), policies);

    var errors = validator.validate().problems().errors();

    assertThat(errors).singleElement().satisfies(e -> assertThat(e.message()).contains("link"));
  }

  @Test
  void jobsAndStatisticsInSubfoldersAreReadToo() throws IOException {
    policy("events", Events.policy("events", schema, ""));
    write(
        WORKSPACE.resolve("jobs/weekly/purge.yml"),
        Events.job(jobName("weekly"), "events", "guards: {max-share: 1}"));

    var result = validator.validate();

    assertThat(result.problems().errors()).isEmpty();
    assertThat(result.definitions().jobs()).containsKey(jobName("weekly"));
  }
}
