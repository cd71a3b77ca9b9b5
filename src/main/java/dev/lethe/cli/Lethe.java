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
    // no colours: the error stream escapes control characters (TerminalSafeWriter)
    commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    commandLine.setErr(new PrintWriter(new TerminalSafeWriter(err), true));
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
          var portTaken = find(e, org.springframework.boot.web.server.PortInUseException.class);
          if (portTaken != null) {
            cmd.getErr()
                .println(
                    "port "
                        + portTaken.getPort()
                        + " is in use by another program: lethe.console.port or --metrics-port"
                        + " names it. Fix: give a free port, or stop what listens there");
            return BAD_INPUT;
          }
          var mismatch = controlDatabaseMismatch(e);
          if (mismatch != null) {
            cmd.getErr().println(mismatch);
            return BAD_INPUT;
          }
          var unreachable = controlDatabaseAtStart(e);
          if (unreachable != null) {
            cmd.getErr().println(unreachable);
            return BAD_INPUT;
          }
          var running = find(e, RunLock.JobAlreadyRunningException.class);
          cmd.getErr().println("lethe: " + (running != null ? running.getMessage() : describe(e)));
          return FAILED;
        });
    return commandLine.execute(args);
  }

  /**
   * Where Lethe could not start because its control database cannot be reached as configured (a URL
   * of no driver, a port where nothing listens, a database that does not exist, a login refused):
   * bad configuration, named, rather than a driver's sentence with exit 1. Null where the failure
   * is another.
   */
  static String controlDatabaseAtStart(Throwable e) {
    if (find(e, dev.lethe.store.StoreException.class) != null) {
      return null; // a store's, told by its own words
    }
    // only while Lethe starts: a run that loses the control database says so itself (exit 1)
    if (find(e, org.springframework.beans.factory.BeanCreationException.class) == null
        && find(e, org.springframework.context.ApplicationContextException.class) == null) {
      return null;
    }
    java.sql.SQLException sql = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException found) {
        sql = found;
      }
    }
    if (sql == null) {
      return null;
    }
    var state = sql.getSQLState() == null ? "" : sql.getSQLState();
    if (!(state.startsWith("08") || state.startsWith("28") || state.equals("3D000"))) {
      return null;
    }
    return "configuration: lethe.control-database cannot be reached: "
        + sql.getMessage()
        + " (SQLSTATE "
        + state
        + "). Fix: check lethe.control-database.url (jdbc:postgresql://HOST:PORT/DATABASE),"
        + " username and password, and that the server runs";
  }

  /**
   * Where the control database's own tables are not what this Lethe made them: migrated by a newer
   * Lethe (Flyway's history names a migration this one does not have, or one it has differently),
   * or changed by hand so that the records' entities no longer match them. Bad input, named, with
   * what to do; null where the failure is another.
   */
  static String controlDatabaseMismatch(Throwable e) {
    var migrations = find(e, org.flywaydb.core.api.exception.FlywayValidateException.class);
    if (migrations != null) {
      return "configuration: lethe.control-database was migrated by another version of Lethe"
          + " (Flyway: "
          + migrations.getMessage().replaceAll("\\s+", " ").strip()
          + "). Fix: run the Lethe version that migrated it, or a newer one; never change its"
          + " flyway_schema_history by hand";
    }
    var tables = find(e, org.hibernate.tool.schema.spi.SchemaManagementException.class);
    if (tables != null) {
      return "configuration: lethe.control-database's tables do not match this Lethe ("
          + tables.getMessage()
          + "). Fix: the lethe schema is Lethe's own: undo the change made to it by hand, or"
          + " run the Lethe version that migrated it";
    }
    return null;
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
