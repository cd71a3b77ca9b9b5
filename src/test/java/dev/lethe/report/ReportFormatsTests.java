package dev.lethe.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import dev.lethe.support.Visits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A run's report in its three forms: the JSON follows its published schema, and the HTML page,
 * rendered by a real browser, shows the JSON's numbers.
 */
class ReportFormatsTests extends LetheTests {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Pattern STEP_ROW =
      Pattern.compile("<tr data-step=\"([^\"]+)\">(.*?)</tr>", Pattern.DOTALL);
  private static final Pattern FIELD =
      Pattern.compile("<td data-field=\"([a-zA-Z]+)\">([0-9]+)</td>");

  @Autowired ReportService reports;

  private RunReport runWithStagesAndAFailure() {
    Visits.create(APP, schema, "visit", 200);
    policy(
        "visits",
        Visits.policy(
            "visits",
            schema,
            "visit",
            """
            stages:
              - after: P30D
                action: pseudonymise
                transform: {email: hmac}
              - after: P150D
                action: delete
            """));
    Events.create(APP, schema, 1000, 50);
    // a failure whose message carries markup: the page must show it, not run it
    APP.run(
        "CREATE FUNCTION "
            + schema
            + ".refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION"
            + " '<script>alert(1)</script> & more'; END $$; CREATE TRIGGER refuse BEFORE DELETE ON "
            + schema
            + ".event FOR EACH ROW WHEN (OLD.id = 900) EXECUTE FUNCTION "
            + schema
            + ".refuse()");
    policy("events", Events.policy("events", schema, ""));
    job(
        "daily-visits-" + schema,
        """
        statistic: daily-visits-%s
        store: app
        table: %s.visit
        time: seen_at
        bucket: day
        measures: [rows]
        subject: subject_id
        minimum-subjects: 1
        """
            .formatted(schema, schema));
    var job = jobName("forms");
    job(
        job,
        "job: "
            + job
            + "\nstatistics: [daily-visits-"
            + schema
            + "]\npolicies: [visits, events]\nguards: {max-share: 1}\n");
    holds.place("3", null, null, "LIT-9", "claim", "test");
    return run(job);
  }

  private Path written(RunReport report, String extension) {
    return WORKSPACE
        .resolve("reports")
        .resolve(report.job() + "-" + report.asOf() + "-run" + report.run() + "." + extension);
  }

  @Test
  void theJsonFollowsItsPublishedSchemaAndNamesTheFilesItUsedWithTheirChecksums()
      throws IOException {
    var report = runWithStagesAndAFailure();
    assertThat(report.status()).isEqualTo("FAILED");

    var json = Files.readString(written(report, "json"));
    assertThat(PublishedReportSchema.errors(json)).isEmpty();

    var files = new HashMap<String, String>();
    report.definitionFiles().forEach(f -> files.put(f.file(), f.sha256()));
    assertThat(files)
        .containsOnlyKeys(
            report.job() + ".yml", "daily-visits-" + schema + ".yml", "visits.yml", "events.yml");
    assertThat(files.get("visits.yml"))
        .isEqualTo(
            DigestUtils.sha256Hex(Files.readAllBytes(WORKSPACE.resolve("policies/visits.yml"))));
  }

  @Test
  void theHtmlPageRendersInABrowserWithTheJsonsNumbersAndRunsNothing() throws Exception {
    // .ci/run installs chromium and sets LETHE_REQUIRE_CHROMIUM: there the test must run
    if ("1".equals(System.getenv("LETHE_REQUIRE_CHROMIUM"))) {
      assertThat(CHROMIUM)
          .as("LETHE_REQUIRE_CHROMIUM is set: the browser test must run")
          .isExecutable();
    }
    assumeTrue(
        Files.isExecutable(CHROMIUM), "Debian's chromium is not installed (.ci/run installs it)");
    var first = runWithStagesAndAFailure();
    APP.run("DROP TRIGGER refuse ON " + schema + ".event");
    var report = run(jobName("forms")); // the restart: a trend of two runs
    var page = written(report, "html");
    var html = Files.readString(page);

    // nothing that runs or fetches: no script, no link to anywhere
    assertThat(html.toLowerCase()).doesNotContain("<script", "src=", "href=", "@import", "url(");
    var dom = render(page);

    assertThat(dom).contains("<svg id=\"steps-chart\"", "<svg id=\"trend-chart\"");
    // the statistic's trend, drawn from its stored buckets: one point per day
    assertThat(dom).contains("<svg class=\"trend\" data-statistic=\"daily-visits-" + schema + "\"");
    assertThat(report.statistics().get(0).trend()).hasSize(60);
    assertThat(dom)
        .contains("data-run=\"" + first.run() + "\"", "data-run=\"" + report.run() + "\"");
    // the trend's axes and names: the runs in the order they ran, each by its id
    assertThat(dom).contains("runs, oldest on the left", ">run " + first.run() + "<", ">rows<");
    assertThat(dom.indexOf("data-run=\"" + first.run() + "\""))
        .isLessThan(dom.indexOf("data-run=\"" + report.run() + "\""));
    // each step says what made its rows due
    assertThat(dom).contains("data-field=\"due\">due: before ");
    var shown = new HashMap<String, Map<String, Long>>();
    var rows = STEP_ROW.matcher(dom);
    while (rows.find()) {
      var fields = new HashMap<String, Long>();
      var cells = FIELD.matcher(rows.group(2));
      while (cells.find()) {
        fields.put(cells.group(1), Long.parseLong(cells.group(2)));
      }
      shown.put(rows.group(1), fields);
    }
    assertThat(shown).containsOnlyKeys("visits:delete", "visits:pseudonymise", "events");
    for (var step : report.policies()) {
      var numbers = shown.get(step.step());
      assertThat(numbers.get("examined")).as(step.step()).isEqualTo(step.examined());
      assertThat(numbers.get("deleted")).as(step.step()).isEqualTo(step.deleted());
      assertThat(numbers.get("pseudonymised")).as(step.step()).isEqualTo(step.pseudonymised());
      assertThat(numbers.get("heldByHolds")).as(step.step()).isEqualTo(step.heldByHolds());
      assertThat(numbers.get("heldByRestrictions")).isEqualTo(step.heldByRestrictions());
      assertThat(numbers.get("referenced")).isEqualTo(step.referenced());
    }
    assertThat(dom).contains("data-field=\"deleted\">" + report.deleted() + "<");

    // the first run's failure, told by its condition and function: the trigger's own words (here
    // markup) are the database's, which may quote rows, and reach no page
    var failedPage = Files.readString(written(first, "html"));
    assertThat(failedPage).contains("SQLSTATE P0001", "refuse").doesNotContain("alert(1)");
  }

  /** The page as Chromium built it: headless, no sandbox (root), no network of its own. */
  private static String render(Path page) throws IOException, InterruptedException {
    var process =
        new ProcessBuilder(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--dump-dom",
                page.toUri().toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    var dom = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(dom).as("the DOM Chromium printed").contains("</html>");
    return dom;
  }
}
