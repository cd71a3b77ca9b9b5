package dev.lethe.cli;

import dev.lethe.retention.RunLock;
import dev.lethe.system.BadInputException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The command line. Exit codes: 0 done, 1 run failed, 2 bad input (with every problem named on
 * standard error, and nothing changed).
 */
public final class Lethe {

  public static final int DONE = 0;
  public static final int FAILED = 1;
  public static final int BAD_INPUT = 2;

  private Lethe() {}

  public static void main(String[] args) {
    var out = new PrintWriter(System.out, true);
    var err = new PrintWriter(System.err, true);
    int code = execute(args, out, err);
    out.flush();
    err.flush();
    System.exit(code);
  }

  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    var commandLine = new CommandLine(new LetheCommand());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          var configuration =
              ConfigurationErrors.describe(e, LetheCommand.options(parsed.commandSpec()).config);
          if (!configuration.isEmpty()) {
            configuration.forEach(cmd.getErr()::println);
            return BAD_INPUT;
          }
          var bad = find(e, BadInputException.class);
          if (bad != null) {
            bad.problems().forEach(cmd.getErr()::println);
            return BAD_INPUT;
          }
          var running = find(e, RunLock.JobAlreadyRunningException.class);
          cmd.getErr().println("lethe: " + (running != null ? running.getMessage() : describe(e)));
          return FAILED;
        });
    return commandLine.execute(args);
  }

  /**
   * The message that explains a failure: Lethe's own where it wrote one (a store's refusal, in
   * words that quote no row), else the root cause's, except a database's, whose text may quote
   * rows: of that only its kind and SQLSTATE.
   */
  static String describe(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof dev.lethe.system.ExplainedFailure)) {
      cause = cause.getCause();
    }
    if (cause instanceof java.sql.SQLException sql) {
      return "a database statement failed: "
          + sql.getClass().getSimpleName()
          + " (SQLSTATE "
          + sql.getSQLState()
          + ")"
          + (sql.getSQLState() != null && sql.getSQLState().startsWith("08")
              ? ": "
                  + sql.getMessage()
                  + ". Fix: check the connection settings (lethe.control-database, lethe.stores)"
                  + " and that the server runs"
              : "");
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }

  static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
