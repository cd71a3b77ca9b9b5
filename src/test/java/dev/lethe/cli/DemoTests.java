package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.demo.DemoData;
import dev.lethe.support.Sql;
import dev.lethe.system.EmbeddedPostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lethe demo} as a newcomer runs it: the worked example end to end, leaking nothing. */
class DemoTests {

  @TempDir Path folder;

  @Test
  void theDemoPlansAndRunsTheWorkedExampleAndItsOutputHoldsNoPersonalData() throws Exception {
    // given a configuration that sends the demo's reports to a folder of the test's own
    var config = folder.resolve("lethe.yml");
    Files.writeString(
        config,
        "lethe:\n  reports: "
            + folder.resolve("reports")
            + "\n  requests:\n    exports: "
            + folder.resolve("exports")
            + "\n");
    var out = new StringWriter();
    var err = new StringWriter();
    var logs = new ByteArrayOutputStream();
    var console = System.err;

    // when
    int code;
    System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
    try {
      code =
          Lethe.execute(
              new String[] {"--config", config.toString(), "demo"},
              new PrintWriter(out, true),
              new PrintWriter(err, true));
    } finally {
      System.setErr(console);
    }

    // then the run completed and did what the dry-run said, policy by policy
    assertThat(code).as(err.toString()).isZero();
    var text = out.toString();
    assertThat(text).contains("as of 2026-11-01: COMPLETED", "closed-accounts", "page-views");
    assertThat(text).containsPattern("Audit trail: [1-9][0-9]* entries, intact");
    // the plan says the requests come first
    assertThat(text).contains("The run first carries out 3 data-subject request(s) not yet done");
    var planned = planned(text.substring(0, text.indexOf("Run ")));
    var done = done(text.substring(text.indexOf("Run ")));
    assertThat(planned).hasSize(12).isEqualTo(done);
    assertThat(done.get("page-views:delete")).isPositive();
    assertThat(done.get("page-views:pseudonymise")).isPositive();
    assertThat(done.get("invoice-names")).isPositive();
    assertThat(done.get("children")).isPositive();
    // and the requests were carried out first: the erasure of a held subject is partly done, with
    // the hold's case reference; the export is written
    assertThat(text)
        .containsPattern("erase\\s+partly-done.*held by LIT-2026-014")
        .containsPattern("export\\s+done")
        .containsPattern("withdraw-consent\\s+done");
    try (Stream<Path> exports = Files.list(folder.resolve("exports"))) {
      // the JSON, and its rendering for the person beside it
      var names = exports.map(f -> f.getFileName().toString()).sorted().toList();
      assertThat(names).hasSize(2);
      assertThat(names.get(0)).matches("request-\\d+\\.json");
      assertThat(names.get(1)).isEqualTo(names.get(0).replace(".json", ".txt"));
    }
    // and the statistics were computed first, each with buckets stored
    for (var statistic :
        List.of(
            "daily-page-views",
            "weekly-sign-ups",
            "monthly-payments",
            "support-requests-by-category")) {
      assertThat(text).containsPattern(statistic + "\\s+COMPLETED\\s+[1-9][0-9]*\\s+[1-9]");
    }

    // and no e-mail address, name, phone or card number of the demo's data is anywhere in its
    // output, its logs or its reports
    var written =
        new ArrayList<String>(List.of(text, err.toString(), logs.toString(StandardCharsets.UTF_8)));
    // the reports, and the trail's signed checkpoints beside them
    try (Stream<Path> reports =
        Files.walk(folder.resolve("reports")).filter(Files::isRegularFile)) {
      for (var report : reports.toList()) {
        var content = Files.readString(report);
        written.add(content);
        if (report.toString().endsWith(".json")
            && !report.toString().contains("-plan-")
            && !report.getFileName().toString().startsWith("checkpoint-")) {
          assertThat(dev.lethe.report.PublishedReportSchema.errors(content))
              .as(report.toString())
              .isEmpty();
        }
      }
    }
    assertThat(written).hasSizeGreaterThan(4);
    var everything = String.join("\n", written);
    for (var value : personalValues()) {
      assertThat(everything).as("demo output").doesNotContain(value);
    }
  }

  /** The plan's rows: step to the rows it would change (its action's column). */
  private static Map<String, Long> planned(String table) {
    var values = new HashMap<String, Long>();
    for (var line : table.lines().toList()) {
      var cells = line.trim().split("\\s+");
      if (cells.length == 11 && cells[5].matches("\\d+") && cells[10].equals("ok")) {
        values.put(cells[0], Long.parseLong(cells[5]));
      }
    }
    return values;
  }

  /** The report's rows: step to the rows it deleted or pseudonymised. */
  private static Map<String, Long> done(String table) {
    var values = new HashMap<String, Long>();
    for (var line : table.lines().toList()) {
      var cells = line.trim().split("\\s+");
      if (cells.length == 10 && cells[4].matches("\\d+")) {
        values.put(cells[0], Long.parseLong(cells[4]) + Long.parseLong(cells[5]));
      }
    }
    return values;
  }

  /** The demo's personal values, from a copy of its back-end data made for the scan. */
  private static List<String> personalValues() throws IOException {
    var url = EmbeddedPostgresServer.freshUrlFor("demo_scan");
    DemoData.loadApp(url);
    var db = new Sql(url);
    var values = new ArrayList<String>();
    for (var query :
        List.of(
            "SELECT string_agg(email, '|') FROM accounts.account",
            "SELECT string_agg(full_name, '|') FROM (SELECT DISTINCT full_name FROM accounts.account) n",
            "SELECT string_agg(phone, '|') FROM accounts.account",
            "SELECT string_agg(card_number, '|') FROM billing.payment",
            "SELECT string_agg(billing_address, '|') FROM billing.invoice")) {
      values.addAll(List.of(db.text(query).split("\\|")));
    }
    values.add(DemoData.NOT_SECRET_KEY);
    assertThat(values).hasSizeGreaterThan(20_000);
    return values;
  }
}
