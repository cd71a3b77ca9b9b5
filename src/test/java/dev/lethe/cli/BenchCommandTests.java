package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code lethe bench} on a small table, in its own databases on the embedded PostgreSQL: every case
 * runs, agrees with its raw SQL and prints its ratio.
 */
class BenchCommandTests {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int lethe(String... args) {
    return Lethe.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void everyCaseAgreesWithItsRawSqlAndPrintsItsRatio() {
    assertThat(
            lethe(
                "bench", "--rows", "20000", "--subjects", "2000", "--window", "7000", "--warm-up"))
        .as(err.toString())
        .isZero();
    var text = out.toString();
    assertThat(text).doesNotContain("MISMATCH");
    assertThat(Pattern.compile("ratio Lethe / raw SQL: \\d+\\.\\d\\d").matcher(text).results())
        .hasSize(4);
    // the delete case: the raw DELETE by hand in the same windows deleted as many rows
    var rows =
        Pattern.compile("(?m)^(Lethe \\(windows of 7,000 rows\\)|raw SQL \\([^)]*\\)) +([\\d,]+) ")
            .matcher(text.substring(text.indexOf("delete:"), text.indexOf("pseudonymise:")))
            .results()
            .map(m -> m.group(2))
            .toList();
    // and so did the DELETE ... RETURNING the subject, read by the client: equal work
    assertThat(rows).hasSize(4);
    assertThat(rows).containsOnly(rows.get(0));
    assertThat(rows.get(0)).isNotEqualTo("0");
    assertThat(text)
        .contains(
            "ratio Lethe / raw SQL in windows: ",
            "after a warm-up run",
            "ratio Lethe / DELETE ... RETURNING subject, every row read: ");
    // the partitions case: every row it deleted is in the trail with its subject
    var audited =
        Pattern.compile(
                "rows in the audit trail with their subjects: ([\\d,]+) of ([\\d,]+) deleted")
            .matcher(text);
    assertThat(audited.find()).isTrue();
    assertThat(audited.group(1)).isEqualTo(audited.group(2)).isNotEqualTo("0");
    assertThat(text).contains("the raw statement: DELETE FROM visits v WHERE v.occurred_at <");
    var tokens =
        Pattern.compile(
                "tokens equal to pgcrypto's hmac\\(\\) of the same value: ([\\d,]+) of ([\\d,]+)")
            .matcher(text);
    assertThat(tokens.find()).isTrue();
    assertThat(tokens.group(1)).isEqualTo(tokens.group(2)).isNotEqualTo("0");
    // after the warm-up, the measured run must compute every bucket again, not only the last day
    assertThat(text)
        .containsPattern("cells published: Lethe ([1-9][\\d,]*), the raw statement \\1\\n");
  }

  @Test
  void badOptionsAreRefusedBeforeAnythingIsMade() {
    assertThat(lethe("bench", "--case", "truncate")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains("--case truncate", "delete, pseudonymise, statistics, partitions");
    assertThat(lethe("bench", "--audit", "nothing")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("--audit nothing");
    assertThat(lethe("bench", "--rows", "10")).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("--rows must be at least 1000");
    assertThat(out.toString()).doesNotContain("generating");
  }
}
