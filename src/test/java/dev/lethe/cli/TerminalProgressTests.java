package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.retention.PolicyProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TerminalProgressTests {

  @Test
  void showsThePolicyOfHowManyItsRowsAndItsOwnRate() {
    var screen = new StringWriter();
    var clock = new AtomicLong();
    var progress = new TerminalProgress(new PrintWriter(screen, true), clock::get);

    progress.windowDone("page-views", 1, 2, new PolicyProgress(0, 0, 0, 0, 0, 0, 0));
    clock.addAndGet(2_000_000_000L);
    progress.windowDone(
        "page-views", 1, 2, new PolicyProgress(200_000, 190_000, 10_000, 0, 0, 0, 2));
    clock.addAndGet(5_000_000_000L);
    progress.windowDone("payments", 2, 2, new PolicyProgress(0, 0, 0, 0, 0, 0, 0));
    clock.addAndGet(1_000_000_000L);
    progress.windowDone("payments", 2, 2, new PolicyProgress(50_000, 50_000, 0, 0, 0, 0, 1));

    progress.runEnded();

    var lines = screen.toString().split("\n", -1);
    assertThat(lines).hasSize(3);
    // no rate from a window over no time; then the rows changed over the time since it began
    assertThat(lines[0])
        .contains(
            "\rstep 1/2 page-views                                0 rows due,            0 done,          - rows/s")
        .endsWith(
            "\rstep 1/2 page-views                          200,000 rows due,      190,000"
                + " done,     95,000 rows/s");
    // the second policy's time runs from the end of the first: 50,000 in 6 s
    assertThat(lines[1]).contains("step 2/2 payments").endsWith("8,333 rows/s");
    // and the summary begins on a line of its own
    assertThat(lines[2]).isEmpty();
  }

  /** A first window that took no time at all gives no absurd rate. */
  @Test
  void aPolicyWhoseFirstWindowTookNoTimeShowsNoRate() {
    var screen = new StringWriter();
    var clock = new AtomicLong();
    var progress = new TerminalProgress(new PrintWriter(screen, true), clock::get);
    clock.addAndGet(1_000_000L);

    progress.windowDone("page-views", 1, 1, new PolicyProgress(300, 0, 0, 0, 0, 0, 1));
    progress.runEnded();

    assertThat(screen.toString()).contains("300 rows due,            0 done,          - rows/s\n");
  }
}
