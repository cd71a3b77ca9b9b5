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

    var lines = screen.toString().split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0])
        .endsWith(
            "\rstep 1/2 page-views                          200,000 rows due,      190,000"
                + " done,    100,000 rows/s");
    assertThat(lines[1]).contains("step 2/2 payments").endsWith("50,000 rows/s");
  }
}
