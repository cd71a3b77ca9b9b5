package dev.lethe.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.system.LetheProperties;
import dev.lethe.transform.Transform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyParserTests {

  @TempDir Path dir;

  private static final String VALID =
      """
      policy: page-views
      description: Pages visited
      category: usage-data
      legal-basis: legitimate-interest
      store: analytics
      table: web.page_view
      key: id
      subject: account_id
      clock: viewed_at
      retain: P13M
      action: delete
      """;

  private List<Problem> errorsOf(String yaml) throws IOException {
    Files.createDirectories(dir.resolve("policies"));
    Files.createDirectories(dir.resolve("jobs"));
    Files.writeString(dir.resolve("policies/p.yml"), yaml);
    var problems = new Problems();
    catalogue().read(problems);
    return problems.errors();
  }

  private PolicyCatalogue catalogue() {
    return new PolicyCatalogue(
        new LetheProperties(
            null,
            Map.of(),
            dir.resolve("policies"),
            dir.resolve("jobs"),
            dir.resolve("reports"),
            ZoneId.of("UTC"),
            100,
            1,
            new LetheProperties.Pseudonymisation(null, null, null),
            new LetheProperties.Requests(java.time.Period.ofMonths(1), dir.resolve("exports")),
            new LetheProperties.Audit(null, null, java.util.List.of()),
            java.time.Duration.ofSeconds(10),
            java.time.Duration.ofMinutes(2),
            false,
            java.time.Duration.ofSeconds(10),
            new LetheProperties.Console(
                0, "127.0.0.1", Map.of(), java.time.Duration.ofMinutes(30), false, null)));
  }

  @Test
  void readsAValidPolicy() throws IOException {
    assertThat(errorsOf(VALID)).isEmpty();
    var definitions = catalogue().read(new Problems());
    var policy = definitions.policy("page-views");
    assertThat(policy.key()).containsExactly("id");
    assertThat(policy.stages().get(0).after().period().toTotalMonths()).isEqualTo(13);
    assertThat(policy.legalBasis()).isEqualTo(LegalBasis.LEGITIMATE_INTEREST);
  }

  @Test
  void aTypoInAFieldNameIsAnErrorWithTheLineAndTheLikelyFix() throws IOException {
    var errors = errorsOf(VALID.replace("retain: P13M", "retian: P13M"));

    assertThat(errors)
        .extracting(Problem::toString)
        .anySatisfy(
            e ->
                assertThat(e)
                    .contains(
                        "p.yml:10", "field 'retian'", "unknown field", "did you mean 'retain'?"))
        .anySatisfy(e -> assertThat(e).contains("field 'retain'", "is missing"));
  }

  @Test
  void anUnparseablePeriodNamesTheLineAndTheForm() throws IOException {
    var errors = errorsOf(VALID.replace("P13M", "13 months"));

    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.line()).isEqualTo(10);
              assertThat(e.field()).isEqualTo("retain");
              assertThat(e.fix()).contains("P13M");
            });
  }

  @Test
  void anUnknownLegalBasisListsTheKnownOnes() throws IOException {
    var errors = errorsOf(VALID.replace("legitimate-interest", "because"));

    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.line()).isEqualTo(4);
              assertThat(e.fix()).contains("contract", "legal-obligation", "consent");
            });
  }

  @Test
  void identifiersThatCouldCarrySqlAreRefused() throws IOException {
    var errors =
        errorsOf(
            VALID
                .replace("web.page_view", "\"web.page_view; DROP TABLE x\"")
                .replace("clock: viewed_at", "clock: viewed_at--"));

    assertThat(errors).extracting(Problem::field).contains("table", "clock");
    assertThat(errors).allSatisfy(e -> assertThat(e.message()).contains("not a plain identifier"));
  }

  @Test
  void everyErrorOfAFileIsReportedAtOnce() throws IOException {
    var errors =
        errorsOf(
            VALID
                .replace("P13M", "P-1M")
                .replace("delete", "shred")
                .replace("category: usage-data\n", ""));

    assertThat(errors)
        .extracting(Problem::field)
        .containsExactlyInAnyOrder("retain", "action", "category");
  }

  @Test
  void whereConditionsAreCheckedOneByOne() throws IOException {
    var errors =
        errorsOf(
            VALID
                + "where:\n  - column: status\n    equals: settled\n  - column: kind\n  - colum: x\n    in: a\n");

    assertThat(errors)
        .extracting(Problem::toString)
        .anySatisfy(e -> assertThat(e).contains("p.yml:15", "needs an operator"))
        .anySatisfy(e -> assertThat(e).contains("p.yml:16", "'colum'", "did you mean 'column'?"))
        .anySatisfy(e -> assertThat(e).contains("p.yml:17", "field 'in'", "list of values"));
  }

  @Test
  void invalidYamlNamesTheLine() throws IOException {
    var errors = errorsOf("policy: x\n  key: [a\n");

    assertThat(errors)
        .singleElement()
        .satisfies(e -> assertThat(e.toString()).contains("p.yml:", "not valid YAML"));
  }

  @Test
  void duplicatePolicyNamesAreRefused() throws IOException {
    Files.createDirectories(dir.resolve("policies"));
    Files.writeString(dir.resolve("policies/a.yml"), VALID);
    var errors = errorsOf(VALID);

    assertThat(errors)
        .singleElement()
        .satisfies(e -> assertThat(e.toString()).contains("already used by", "a.yml"));
  }

  @Test
  void aJobNamingAnUnknownOrRepeatedPolicyIsAnError() throws IOException {
    Files.createDirectories(dir.resolve("jobs"));
    Files.writeString(
        dir.resolve("jobs/nightly.yml"),
        "job: nightly\npolicies: [page-view, page-views, page-views]\nguards: {max-rows: lots}\n");
    var errors = errorsOf(VALID);

    assertThat(errors)
        .extracting(Problem::toString)
        .anySatisfy(
            e ->
                assertThat(e)
                    .contains(
                        "nightly.yml:2",
                        "no policy named 'page-view'",
                        "did you mean 'page-views'?"))
        .anySatisfy(e -> assertThat(e).contains("nightly.yml:2", "'page-views' is named twice"))
        .anySatisfy(e -> assertThat(e).contains("nightly.yml:3", "max-rows", "whole number"));
  }

  @Test
  void onErasureIsReadAndItsMistakesAreErrorsWithLineAndFix() throws IOException {
    var keeping =
        VALID
            + "marker: pseudonymised_at\n"
            + "on-erasure:\n  action: pseudonymise\n  transform: {ip_address: ip-prefix}\n";
    assertThat(errorsOf(keeping)).isEmpty();
    var policy = catalogue().read(new Problems()).policy("page-views");
    assertThat(policy.onErasure().keepsRows()).isTrue();
    assertThat(policy.transformingStages()).hasSize(1);

    assertThat(errorsOf(VALID + "on-erasure: {action: forget}\n"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.line()).isEqualTo(12);
              assertThat(e.field()).isEqualTo("on-erasure.action");
              assertThat(e.fix()).contains("'delete'", "'pseudonymise'");
            });
    assertThat(errorsOf(VALID + "on-erasure: {action: pseudonymise}\n"))
        .extracting(Problem::toString)
        .anySatisfy(e -> assertThat(e).contains("p.yml:12", "what happens to which column"));
    assertThat(
            errorsOf(
                VALID
                    + "marker: m\n"
                    + "on-erasure: {action: delete, if-referenced: {ip_address: ip-prefix}}\n"))
        .isEmpty();
    assertThat(errorsOf(VALID + "on-erasure: {action: delete, transform: {ip_address: null}}\n"))
        .extracting(Problem::toString)
        .anySatisfy(e -> assertThat(e).contains("on-erasure.transform", "if-referenced"));
  }

  @Test
  void aJobMayCarryOutRequestsAndNoJobFileMayTakeTheBuiltInJobsName() throws IOException {
    Files.createDirectories(dir.resolve("jobs"));
    Files.writeString(dir.resolve("jobs/a.yml"), "job: nightly\nrequests: true\n");
    Files.writeString(dir.resolve("jobs/b.yml"), "job: requests\npolicies: [page-views]\n");
    Files.writeString(dir.resolve("jobs/c.yml"), "job: other\nrequests: sometimes\n");

    var errors = errorsOf(VALID);

    assertThat(errors)
        .extracting(Problem::toString)
        .anySatisfy(e -> assertThat(e).contains("b.yml:1", "Lethe's own job", "requests: true"))
        .anySatisfy(e -> assertThat(e).contains("c.yml:2", "'sometimes' is not true or false"))
        .noneSatisfy(e -> assertThat(e).contains("a.yml"));
    var definitions = catalogue().read(new Problems());
    assertThat(definitions.job("nightly").requests()).isTrue();
    Files.delete(dir.resolve("jobs/b.yml"));
    var builtIn = catalogue().read(new Problems()).job("requests");
    assertThat(builtIn.requests()).isTrue();
    assertThat(builtIn.policies()).isEmpty();
  }

  @Test
  void theAuditFieldTakesSubjectsOrCounts() throws IOException {
    assertThat(errorsOf(VALID + "audit: counts\n")).isEmpty();
    assertThat(catalogue().read(new Problems()).policy("page-views").auditsSubjects()).isFalse();
    assertThat(errorsOf(VALID + "audit: everything\n"))
        .singleElement()
        .satisfies(e -> assertThat(e.toString()).contains("p.yml:12", "'subjects'", "'counts'"));
  }

  @Test
  void spellingDistanceCountsASwapAsOne() {
    assertThat(Spelling.distance("retian", "retain")).isEqualTo(1);
    assertThat(Spelling.nearest("retian", List.of("retain", "store", "table"))).contains("retain");
    assertThat(Spelling.nearest("zzz", List.of("retain", "store"))).isEmpty();
  }

  @Test
  void allMeansEveryPolicyInFileNameOrder() throws IOException {
    Files.createDirectories(dir.resolve("policies"));
    Files.createDirectories(dir.resolve("jobs"));
    for (var name : List.of("c-third", "a-first", "b-second")) {
      Files.writeString(
          dir.resolve("policies/" + name + ".yml"), VALID.replace("page-views", name));
    }
    Files.writeString(dir.resolve("jobs/all.yml"), "job: everything\npolicies: all\n");
    var problems = new Problems();

    var definitions = catalogue().read(problems);

    assertThat(problems.errors()).isEmpty();
    assertThat(definitions.policiesOf(definitions.job("everything")))
        .extracting(Policy::name)
        .containsExactly("a-first", "b-second", "c-third");
  }

  private static String staged(String stages) {
    return VALID.replace("retain: P13M\naction: delete\n", "marker: done_at\n" + stages);
  }

  @Test
  void stagesAreReadInOrderWithTheirTransforms() throws IOException {
    var yaml =
        staged(
            """
            stages:
              - after: P30D
                action: pseudonymise
                transform:
                  ip_address: {ip-prefix: {v4: 16}}
                  email: hmac
                  full_name: null
                  card: {keep-last: 4}
              - after: P13M
                action: delete
            """);
    assertThat(errorsOf(yaml)).isEmpty();

    var policy = catalogue().read(new Problems()).policy("page-views");
    assertThat(policy.steps())
        .extracting(PolicyStep::name)
        .containsExactly("page-views:delete", "page-views:pseudonymise");
    assertThat(policy.pseudonymiseStage().orElseThrow().transforms())
        .containsExactly(
            Map.entry("ip_address", new Transform.IpPrefix(16, 48)),
            Map.entry("email", new Transform.Hmac()),
            Map.entry("full_name", new Transform.Nullify()),
            Map.entry("card", new Transform.KeepLast(4)));
    assertThat(policy.marker()).isEqualTo("done_at");
  }

  @Test
  void stagesMustBeInOrderAtEveryDateNotAtOne() throws IOException {
    // P1M is longer than P30D after a 31-day month and shorter after February: neither order holds
    for (var pair :
        List.of(
            List.of("P30D", "P1M"),
            List.of("P1M", "P30D"),
            List.of("P1D", "PT24H"),
            // where summer time moves the clock by two hours (Troll), P1D is 22 hours once a year
            List.of("PT22H30M", "P1D"))) {
      var errors =
          errorsOf(
              staged(
                  """
                  stages:
                    - after: %s
                      action: pseudonymise
                      transform: {email: hmac}
                    - after: %s
                      action: delete
                  """
                      .formatted(pair.get(0), pair.get(1))));
      assertThat(errors)
          .as(pair.toString())
          .extracting(Problem::message)
          .anySatisfy(m -> assertThat(m).contains("does not come after", "at every date", "as of"));
    }
    // a month's margin holds at every date, the days of a 28-day and of a 31-day month alike
    for (var pair :
        List.of(List.of("P28D", "P1M"), List.of("P1M", "P31D"), List.of("PT21H", "P1D"))) {
      var errors =
          errorsOf(
              staged(
                  """
                  stages:
                    - after: %s
                      action: pseudonymise
                      transform: {email: hmac}
                    - after: %s
                      action: delete
                  """
                      .formatted(pair.get(0), pair.get(1))));
      assertThat(errors).as(pair.toString()).isEmpty();
    }
  }

  @Test
  void stagesOutOfOrderOrAfterADeleteAreErrors() throws IOException {
    var errors =
        errorsOf(
            staged(
                """
                stages:
                  - after: P13M
                    action: delete
                  - after: P30D
                    action: pseudonymise
                    transform: {email: hmac}
                """));

    assertThat(errors)
        .extracting(Problem::message)
        .anySatisfy(m -> assertThat(m).contains("does not come after the stage before it"))
        .anySatisfy(m -> assertThat(m).contains("a stage after the delete stage"));
  }

  @Test
  void aPolicyPseudonymisesInOneStageAndNeedsAMarker() throws IOException {
    var twice =
        staged(
            """
            stages:
              - after: P30D
                action: pseudonymise
                transform: {email: hmac}
              - after: P60D
                action: pseudonymise
                transform: {email: hmac}
            """);
    assertThat(errorsOf(twice))
        .extracting(Problem::message)
        .anySatisfy(m -> assertThat(m).contains("has 2 pseudonymise stages"));
  }

  @Test
  void anUnknownTransformSuggestsTheNearestAndAMissingOneIsNamed() throws IOException {
    var errors =
        errorsOf(
            VALID.replace(
                "action: delete",
                "action: pseudonymise\nmarker: done_at\ntransform:\n  ip: ip-prefx\n  age: {band: -3}"));

    assertThat(errors)
        .extracting(Problem::toString)
        .anySatisfy(
            e ->
                assertThat(e)
                    .contains(
                        "p.yml:14", "unknown transform 'ip-prefx'", "did you mean 'ip-prefix'?"))
        .anySatisfy(e -> assertThat(e).contains("p.yml:15", "field 'age'", "whole number from 1"));
    assertThat(errorsOf(VALID.replace("action: delete", "action: pseudonymise\nmarker: done_at")))
        .extracting(Problem::field)
        .containsExactly("transform");
  }

  @Test
  void retainAndStagesDoNotMix() throws IOException {
    var errors = errorsOf(VALID + "stages:\n  - after: P1Y\n    action: delete\n");

    assertThat(errors).extracting(Problem::field).contains("retain", "action");
  }

  @Test
  void aRelatedClockAndConditionAreReadWithTheirVia() throws IOException {
    var yaml =
        VALID.replace(
                "clock: viewed_at", "clock:\n  from: accounts.account.closed_at\n  via: account_id")
            + "where:\n  - column: account.birth_date\n    via: account_id\n    newer-than: P18Y\n";
    assertThat(errorsOf(yaml)).isEmpty();
    var policy = catalogue().read(new Problems()).policy("page-views");
    assertThat(policy.clock())
        .isEqualTo(new PolicyClock("closed_at", "accounts.account", "account_id"));
    assertThat(policy.where().get(0))
        .extracting(Condition::table, Condition::column, Condition::via, Condition::operator)
        .containsExactly("account", "birth_date", "account_id", Condition.Operator.NEWER_THAN);

    var noVia = VALID + "where:\n  - column: account.birth_date\n    newer-than: P18Y\n";
    assertThat(errorsOf(noVia)).extracting(Problem::field).containsExactly("via");
    var notAPeriod = VALID + "where:\n  - column: viewed_at\n    older-than: 18 years\n";
    assertThat(errorsOf(notAPeriod)).extracting(Problem::field).containsExactly("older-than");
  }
}
