package dev.lethe.store.jdbc;

import static dev.lethe.store.jdbc.TableAccess.T;

import dev.lethe.store.RetentionTarget.WindowCheck;
import dev.lethe.store.SparedSubjects;
import dev.lethe.store.StoreException;
import dev.lethe.store.WindowOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * Purges a table in windows of its key: {@code key > after AND key <= upTo}, where {@code upTo} is
 * the key of the N-th row after {@code after}. One transaction and one statement per window ({@link
 * WindowDelete}, or the {@link Pseudonymiser}'s), a few windows side by side; no row travels to
 * Lethe but the subjects the audit trail records.
 */
final class KeysetWindows {

  private final TableAccess access;
  private final Optional<Pseudonymiser> pseudonymiser;
  private final WindowDelete deletion;

  /**
   * @param pseudonymiser present where the step pseudonymises rather than deletes
   */
  KeysetWindows(TableAccess access, Optional<Pseudonymiser> pseudonymiser) {
    this.access = access;
    this.pseudonymiser = pseudonymiser;
    this.deletion = new WindowDelete(access);
  }

  /**
   * Purges up to {@code count} consecutive windows at once, each in a transaction of its own on a
   * connection of its own, and commits them only once all are done and {@code beforeCommit} has
   * seen each in order. Where one fails or is vetoed, the windows before it commit and are
   * returned, and it and those after it roll back: the next call starts again at it. Only the first
   * window's failure is thrown.
   *
   * <p>Windows are purged in parallel only where no foreign key references the table: a referenced
   * row's delete waits for the rows referencing it, which may lie in another window's transaction,
   * held open until all are done.
   */
  List<WindowOutcome> purgeNext(
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize,
      int count,
      SparedSubjects spared,
      WindowCheck beforeCommit) {
    int parallel = pseudonymiser.isEmpty() && access.isReferenced() ? 1 : Math.max(1, count);
    var open = new ArrayList<Connection>();
    var running = new ArrayList<CompletableFuture<WindowOutcome>>();
    try {
      // Each window starts as soon as its bounds are known, while the next one's are read.
      var bounds = begin(open);
      var windows = new ArrayList<Window>();
      var from = after;
      for (int i = 0; i < parallel; i++) {
        var bound = upperBound(bounds, from, last, windowSize);
        boolean isLast = bound.isEmpty() || bound.equals(last);
        var upTo = bound.isPresent() ? bound : last;
        var window = new Window(begin(open), from, upTo, isLast);
        windows.add(window);
        running.add(CompletableFuture.supplyAsync(() -> purge(window, spared), WORKERS));
        if (isLast) {
          break;
        }
        from = upTo;
      }
      var outcomes = new ArrayList<WindowOutcome>();
      RuntimeException failure = null;
      for (int i = 0; i < running.size(); i++) {
        try {
          var outcome = running.get(i).join();
          if (failure == null) {
            // the window's audit record goes into its own transaction: its rows never leave
            // without it, whatever fails after the commit
            var entry = beforeCommit.check(outcome);
            if (entry != null) {
              PostgresOutbox.write(windows.get(i).connection(), entry);
            }
            outcomes.add(outcome);
          }
        } catch (CompletionException e) {
          failure = failure == null ? unwrap(e) : failure;
        } catch (SQLException e) {
          failure = failure == null ? failed(e) : failure;
        } catch (RuntimeException e) {
          failure = failure == null ? e : failure;
        }
      }
      // commit what came before the first failure, in window order; the rest rolls back (finally)
      for (int i = 0; i < outcomes.size(); i++) {
        try {
          windows.get(i).connection().commit();
        } catch (SQLException e) {
          if (i == 0) {
            throw e;
          }
          // the windows before it committed: they are what this call did
          return List.copyOf(outcomes.subList(0, i));
        }
      }
      if (outcomes.isEmpty() && failure != null) {
        throw failure;
      }
      return outcomes;
    } catch (SQLException e) {
      throw failed(e);
    } finally {
      // no connection goes back to the pool while a window still works on it
      running.forEach(f -> f.exceptionally(e -> null).join());
      for (var connection : open) {
        try {
          connection.rollback(); // nothing where it committed
          connection.close();
        } catch (SQLException e) {
          // the pool discards a broken connection; the window's outcome stands
        }
      }
    }
  }

  /**
   * One window: its own connection and transaction, the keys after {@code after} up to {@code
   * upTo}.
   */
  private record Window(
      Connection connection,
      Optional<List<String>> after,
      Optional<List<String>> upTo,
      boolean last) {}

  private WindowOutcome purge(Window window, SparedSubjects spared) {
    try {
      return pseudonymiser.isPresent()
          ? pseudonymiser
              .get()
              .transform(
                  window.connection(),
                  window(window.after(), window.upTo()),
                  spared,
                  window.upTo().orElse(List.of()),
                  window.last())
          : deletion.delete(
              window.connection(),
              window(window.after(), window.upTo()),
              window.upTo().orElse(List.of()),
              spared,
              window.last());
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  private Connection begin(List<Connection> open) throws SQLException {
    var connection = access.dataSource().getConnection();
    open.add(connection);
    connection.setAutoCommit(false);
    return connection;
  }

  private StoreException failed(SQLException e) {
    return new StoreException(
        access.self().step().action().yamlName()
            + " of "
            + access.self().table().displayName()
            + " failed: "
            + StoreErrors.describe(e),
        e);
  }

  private static RuntimeException unwrap(CompletionException e) {
    if (e.getCause() instanceof Error error) {
      throw error;
    }
    return e.getCause() instanceof RuntimeException r ? r : e;
  }

  /** Threads for the windows; daemons, so that they never keep Lethe up. */
  private static final Executor WORKERS =
      Executors.newCachedThreadPool(
          task -> {
            var thread = new Thread(task, "lethe-window");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * The key of the {@code windowSize}-th row after {@code after} (up to {@code last} when known),
   * read from the key's index alone.
   */
  private Optional<List<String>> upperBound(
      Connection connection,
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize)
      throws SQLException {
    var key = access.key();
    var select =
        String.join(", ", key.stream().map(k -> T + "." + Sql.quote(k) + "::text").toList());
    var order = String.join(", ", key.stream().map(k -> T + "." + Sql.quote(k)).toList());
    var sql =
        window(after, last)
            .wrap(
                "SELECT " + select + " FROM " + access.table() + " " + T + " WHERE ",
                " ORDER BY " + order + " OFFSET ? LIMIT 1")
            .then("", new Sql("", List.of(windowSize - 1)));
    return Statements.firstRow(connection, sql);
  }

  /** Rows with a key after {@code after} and up to {@code upTo}, where these are given. */
  private Sql window(Optional<List<String>> after, Optional<List<String>> upTo) {
    var parts = new ArrayList<Sql>();
    after.ifPresent(a -> parts.add(keyCompare(">", a)));
    upTo.ifPresent(u -> parts.add(keyCompare("<=", u)));
    return Sql.and(parts);
  }

  private Sql keyCompare(String operator, List<String> values) {
    var columns = new ArrayList<String>();
    var casts = new ArrayList<String>();
    for (var k : access.key()) {
      columns.add(T + "." + Sql.quote(k));
      casts.add("CAST(? AS " + access.self().table().columns().get(k).sqlType() + ")");
    }
    return new Sql(
        "(" + String.join(", ", columns) + ") " + operator + " (" + String.join(", ", casts) + ")",
        List.copyOf(values));
  }
}
