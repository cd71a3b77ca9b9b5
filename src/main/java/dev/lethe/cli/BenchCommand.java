package dev.lethe.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure the purge against raw SQL.")
class BenchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
