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
    Files.writeString(config, "lethe:\n  reports: " + folder.resolve("reports") + "\n");
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
    var planned = column(text.substring(0, text.indexOf("Run ")), 4);
    var deleted = column(text.substring(text.indexOf("Run ")), 4);
    assertThat(planned).hasSize(7).isEqualTo(deleted);
    assertThat(deleted.get("page-views")).isPositive();

    // and no e-mail address, name, phone or card number of the demo's data is anywhere in its
    // output, its logs or its reports
    var written =
        new ArrayList<String>(List.of(text, err.toString(), logs.toString(StandardCharsets.UTF_8)));
    try (Stream<Path> reports = Files.list(folder.resolve("reports"))) {
      for (var report : reports.toList()) {
        written.add(Files.readString(report));
      }
    }
    assertThat(written).hasSizeGreaterThan(4);
    var everything = String.join("\n", written);
    for (var value : personalValues()) {
      assertThat(everything).as("demo output").doesNotContain(value);
    }
  }

  /** Column {@code index} of each policy's line in a plan or report table, by policy. */
  private static Map<String, Long> column(String table, int index) {
    var values = new HashMap<String, Long>();
    for (var line : table.lines().toList()) {
      var cells = line.trim().split("\\s+");
      if (cells.length == 8
          && cells[cells.length - 1].matches("\\d+")
          && !cells[0].equals("policy")) {
        values.put(cells[0], Long.parseLong(cells[index]));
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
            "SELECT string_agg(card_number, '|') FROM billing.payment")) {
      values.addAll(List.of(db.text(query).split("\\|")));
    }
    assertThat(values).hasSizeGreaterThan(20_000);
    return values;
  }
}
