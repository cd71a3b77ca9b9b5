package dev.lethe.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The JSON Schemas in schema/ are what editors check policy and job files with. */
class PublishedSchemaTests {

  private static Schema schema(String file) throws IOException {
    try (var in = Files.newInputStream(Path.of("schema", file))) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    }
  }

  private static Stream<Path> yaml(String folder) throws IOException {
    return Files.list(Path.of(folder)).filter(f -> f.toString().endsWith(".yml")).sorted();
  }

  @Test
  void theWorkedExampleFollowsThePublishedSchemas() throws IOException {
    var policy = schema("policy.schema.json");
    var job = schema("job.schema.json");
    var statistic = schema("statistic.schema.json");
    try (var policies = yaml("retention-policies");
        var jobs = yaml("jobs")) {
      for (var file : policies.toList()) {
        assertThat(policy.validate(Files.readString(file), InputFormat.YAML))
            .as(file.toString())
            .isEmpty();
      }
      int statistics = 0;
      for (var file : jobs.toList()) {
        var text = Files.readString(file);
        // the jobs folder holds jobs and the statistics they compute
        boolean isStatistic = text.lines().anyMatch(l -> l.startsWith("statistic:"));
        statistics += isStatistic ? 1 : 0;
        assertThat((isStatistic ? statistic : job).validate(text, InputFormat.YAML))
            .as(file.toString())
            .isEmpty();
      }
      assertThat(statistics).isEqualTo(4);
    }
  }

  @Test
  void theSchemaRefusesWhatTheLoaderRefuses() throws IOException {
    var policy = schema("policy.schema.json");
    var valid = Files.readString(Path.of("retention-policies", "invoices.yml"));
    var staged = Files.readString(Path.of("retention-policies", "page-views.yml"));

    assertThat(policy.validate(valid.replace("retain:", "retian:"), InputFormat.YAML)).isNotEmpty();
    var onLogs =
        """
        policy: access-logs
        category: usage-data
        legal-basis: legitimate-interest
        store: weblogs
        subject: ip
        clock: time
        unparsable: remove
        stages:
          - {after: P7D, action: pseudonymise, transform: {ip: ip-prefix, user: hmac}}
          - {after: P90D, action: delete}
        """;
    assertThat(policy.validate(onLogs, InputFormat.YAML)).as("a policy on log files").isEmpty();
    assertThat(policy.validate(onLogs.replace("remove", "shred"), InputFormat.YAML)).isNotEmpty();
    assertThat(policy.validate(valid.replace("P7Y", "7 years"), InputFormat.YAML)).isNotEmpty();
    assertThat(policy.validate(staged.replace("P13M", "13 months"), InputFormat.YAML)).isNotEmpty();
    assertThat(policy.validate(staged.replace("ip-prefix ", "ip-prefx "), InputFormat.YAML))
        .isNotEmpty();
    assertThat(policy.validate(staged + "retain: P1Y\n", InputFormat.YAML)).isNotEmpty();
    assertThat(
            policy.validate(
                valid.replace("action: delete", "action: pseudonymise"), InputFormat.YAML))
        .as("pseudonymise without a transform")
        .isNotEmpty();
    assertThat(policy.validate(valid.replaceAll("(?m)^marker:.*\n", ""), InputFormat.YAML))
        .as("an on-erasure transform without a marker")
        .isNotEmpty();
    assertThat(
            policy.validate(
                valid.replace("  action: pseudonymise\n", "  action: delete\n"), InputFormat.YAML))
        .as("an erasure that deletes with a transform")
        .isNotEmpty();
    assertThat(
            policy.validate(
                valid.replace("billing.invoice", "billing.invoice; DROP TABLE x"),
                InputFormat.YAML))
        .isNotEmpty();
    assertThat(policy.validate(valid.replace("legal-obligation", "because"), InputFormat.YAML))
        .isNotEmpty();
    assertThat(policy.validate(valid + "where:\n  - column: status\n", InputFormat.YAML))
        .isNotEmpty();
  }

  @Test
  void theStatisticSchemaRefusesWhatTheLoaderRefuses() throws IOException {
    var statistic = schema("statistic.schema.json");
    var valid = Files.readString(Path.of("jobs", "monthly-payments.yml"));
    assertThat(statistic.validate(valid, InputFormat.YAML)).isEmpty();
    assertThat(statistic.validate(valid.replace("bucket: month", "bucket: year"), InputFormat.YAML))
        .isNotEmpty();
    assertThat(statistic.validate(valid.replace(", bounds: [0, 500]", ""), InputFormat.YAML))
        .isNotEmpty();
    assertThat(statistic.validate(valid.replace("minimum-subjects: 10", ""), InputFormat.YAML))
        .isNotEmpty();
    assertThat(statistic.validate(valid.replace("epsilon: 1.0", "epsilon: -1"), InputFormat.YAML))
        .isNotEmpty();
  }
}
