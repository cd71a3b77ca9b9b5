package dev.lethe.store.jdbc;

import static dev.lethe.store.jdbc.TableAccess.T;

import dev.lethe.store.Outbox;
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
  private final KeyBounds keys;

  /**
   * @param pseudonymiser present where the step pseudonymises rather than deletes
   */
  KeysetWindows(TableAccess access, Optional<Pseudonymiser> pseudonymiser) {
    this.access = access;
    this.pseudonymiser = pseudonymiser;
    this.deletion = new WindowDelete(access);
    this.keys = new KeyBounds(access);
  }

  /**
   * Purges up to {@code count} consecutive windows at once ({@value #WINDOWS_PER_LANE} times as
   * many in all, each starting as one before it ends), each in a transaction of its own on a
   * connection of its own. Each commits on its own as soon as its statement is done and {@code
   * beforeCommit} has seen it: no window waits, holding its locks, for another (an application
   * transaction locking rows in two windows' ranges in the crossing order would otherwise make a
   * cycle the database cannot see, docs/decisions/0002). The windows come back in window order; the
   * next call starts after the first window that failed or was vetoed (it and every window after it
   * that had not committed roll back; those after it that committed are returned marked so, and
   * done again, finding nothing more, from there on). A window that met a lock it could not get
   * within the lock timeout rolled back and is returned as waited, to be tried again later in the
   * run. Only the first window's failure is thrown.
   *
   * <p>Windows are purged in parallel only where no foreign key references the table: a referenced
   * row's delete waits for the rows referencing it, which may lie in another window's transaction.
   */
  List<WindowOutcome> purgeNext(
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize,
      int count,
      SparedSubjects spared,
      WindowCheck beforeCommit) {
    int lanes = pseudonymiser.isEmpty() && access.isReferenced() ? 1 : Math.max(1, count);
    // Several windows per lane: a lane that is done takes the next window at once rather than
    // waiting for the slowest of its chunk, and the chunk's own work (its trail entries, its
    // commit) comes once for them all.
    int windows = lanes == 1 ? 1 : lanes * WINDOWS_PER_LANE;
    var open = java.util.Collections.synchronizedList(new ArrayList<Connection>());
    var running = new ArrayList<CompletableFuture<Result>>();
    // the guards see one window at a time, in the order the windows finish; once one is vetoed,
    // every later check is too, so that nothing past the guard commits
    var checks = new Object();
    var vetoed = new java.util.concurrent.atomic.AtomicReference<RuntimeException>();
    // once a window failed, no window starts: the next call starts at the first that failed
    var failed = new java.util.concurrent.atomic.AtomicReference<RuntimeException>();
    var free = new java.util.concurrent.Semaphore(lanes);
    try {
      // Windows start in their order, each as soon as its bounds are known and a lane is free,
      // while the next one's bounds are read.
      var bounds = begin(open);
      var from = after;
      for (int i = 0; i < windows && failed.get() == null && vetoed.get() == null; i++) {
        var bound = keys.nextBound(bounds, from, last, windowSize);
        boolean isLast = bound.isEmpty() || bound.equals(last);
        var upTo = bound.isPresent() ? bound : last;
        var window = new Window(from, upTo, isLast, windowSize);
        free.acquireUninterruptibly();
        running.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    var stopped = failed.get() != null ? failed.get() : vetoed.get();
                    if (stopped != null) {
                      return new Result(null, stopped); // not started: done by the next call
                    }
                    var result = purgeAndCommit(window, open, spared, beforeCommit, checks, vetoed);
                    if (result.failure() != null) {
                      failed.compareAndSet(null, result.failure());
                    }
                    return result;
                  } finally {
                    free.release();
                  }
                },
                WORKERS));
        if (isLast) {
          break;
        }
        from = upTo;
        if (windows > 1 && i == windows - 1 && failed.get() == null && vetoed.get() == null) {
          // the next call's first bounds, read while this call's last windows work: its windows
          // then start at once
          keys.prefetch(bounds, from, last, windowSize, Math.min(lanes, windows));
        }
      }
      var outcomes = new ArrayList<WindowOutcome>();
      var past = new ArrayList<WindowOutcome>();
      RuntimeException failure = null;
      for (var future : running) {
        Result result;
        try {
          result = future.join();
        } catch (CompletionException e) {
          result = new Result(null, unwrap(e));
        }
        if (result.failure() != null) {
          failure = failure == null ? result.failure() : failure;
        } else if (failure == null) {
          outcomes.add(result.outcome());
        } else {
          past.add(result.outcome().pastAFailure());
        }
      }
      if (failure == null) {
        return outcomes;
      }
      if (failure instanceof CommitUnknown) {
        throw failure;
      }
      // windows that committed past the failure are counted and recorded now; the next call
      // starts at the failed window. Where it was the first and nothing past it changed a row,
      // its failure is the step's.
      if (outcomes.isEmpty() && past.stream().allMatch(o -> o.changed() == 0)) {
        throw failure;
      }
      outcomes.addAll(past);
      return outcomes;
    } catch (SQLException e) {
      throw failed(e);
    } finally {
      // no connection goes back to the pool while a window still works on it
      running.forEach(f -> f.exceptionally(e -> null).join());
      for (var connection : open) {
        rollBack(connection); // nothing where it committed
        try {
          connection.close();
        } catch (SQLException e) {
          // the pool discards a broken connection; the window's outcome stands
        }
      }
    }
  }

  /** A window's end: its outcome, where it committed or waited, or why it did not. */
  private record Result(WindowOutcome outcome, RuntimeException failure) {}

  /**
   * One window start to end: its statement, the check, its record written into its own transaction,
   * its commit. A lock it cannot get in time rolls it back as waited.
   */
  private Result purgeAndCommit(
      Window window,
      List<Connection> open,
      SparedSubjects spared,
      WindowCheck beforeCommit,
      Object checks,
      java.util.concurrent.atomic.AtomicReference<RuntimeException> vetoed) {
    Connection connection;
    try {
      connection = begin(open);
    } catch (SQLException e) {
      return new Result(null, failed(e));
    } catch (RuntimeException e) {
      return new Result(null, e);
    }
    try {
      var outcome = purge(connection, window, spared);
      beforeCommit.prepare(outcome); // its record made while other windows work
      synchronized (checks) {
        if (vetoed.get() != null) {
          // past the guard already: the veto is this window's failure too
          connection.rollback();
          return new Result(null, vetoed.get());
        }
        Outbox.Entry entry;
        try {
          entry = beforeCommit.check(outcome);
        } catch (RuntimeException veto) {
          vetoed.set(veto);
          connection.rollback();
          return new Result(null, veto);
        }
        if (entry != null) {
          // the window's audit record goes into its own transaction: its rows never leave
          // without it, whatever fails after the commit
          PostgresOutbox.write(connection, entry);
          outcome = outcome.withRecord(entry.id());
        }
      }
      Statements.checkDeferredNow(connection);
      try {
        beforeCommit.lastLook();
      } catch (RuntimeException veto) {
        vetoed.compareAndSet(null, veto);
        connection.rollback();
        return new Result(null, veto);
      }
      try {
        connection.commit();
      } catch (SQLException lost) {
        return afterAFailedCommit(outcome, lost);
      }
      return new Result(outcome, null);
    } catch (StoreException.LockWait wait) {
      rollBack(connection);
      return new Result(
          WindowOutcome.waited(
              window.upTo().orElse(List.of()),
              window.last(),
              new WindowOutcome.Waited(
                  window.after().orElse(List.of()), window.upTo().orElse(List.of()), wait.on())),
          null);
    } catch (SQLException e) {
      rollBack(connection);
      return new Result(null, failed(e));
    } catch (RuntimeException e) {
      rollBack(connection);
      return new Result(null, e);
    } finally {
      // back to the pool as soon as the window is done: a chunk has more windows than the pool
      // has connections
      rollBack(connection); // nothing where it committed
      open.remove(connection);
      try {
        connection.close();
      } catch (SQLException e) {
        // the pool discards a broken connection; the window's outcome stands
      }
    }
  }

  /**
   * A commit that failed may have happened all the same (the connection went after the server
   * committed, before its reply came): the window's record in the outbox tells. Where it is there,
   * the window is done; where it cannot be told, the step fails, and the run that restarts it takes
   * the record (if there is one) before it goes on.
   */
  private Result afterAFailedCommit(WindowOutcome outcome, SQLException lost) {
    if (outcome.record() == null) {
      return new Result(null, failed(lost)); // nothing changed, nothing to tell
    }
    try {
      if (PostgresOutbox.has(access.dataSource(), outcome.record())) {
        return new Result(outcome, null);
      }
      return new Result(null, failed(lost));
    } catch (SQLException unknown) {
      return new Result(null, new CommitUnknown(failed(lost)));
    }
  }

  /** A window whose commit may or may not have happened: nothing after it may be counted. */
  static final class CommitUnknown extends StoreException {
    CommitUnknown(StoreException cause) {
      super(
          cause.getMessage()
              + "; whether the window committed cannot be told now: its record, if any, is taken"
              + " by the restart",
          cause);
    }
  }

  private static void rollBack(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      // a broken connection has rolled back on the server
    }
  }

  /** Windows a chunk gives each lane. */
  static final int WINDOWS_PER_LANE = 2;

  /**
   * One window, done in a transaction of its own on a connection of its own: the keys after {@code
   * after} up to {@code upTo}, about {@code rows} rows.
   */
  private record Window(
      Optional<List<String>> after, Optional<List<String>> upTo, boolean last, int rows) {}

  private WindowOutcome purge(Connection connection, Window window, SparedSubjects spared) {
    try {
      return pseudonymiser.isPresent()
          ? pseudonymiser
              .get()
              .transform(
                  connection,
                  keys.window(window.after(), window.upTo()),
                  spared,
                  window.upTo().orElse(List.of()),
                  window.last())
          : deletion.delete(
              connection,
              keys.window(window.after(), window.upTo()),
              window.upTo().orElse(List.of()),
              spared,
              window.last(),
              window.rows());
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
    if (StoreErrors.isLockTimeout(e)) {
      return new StoreException.LockWait(
          StoreErrors.lockHolders(access.dataSource(), access.self().table()), e);
    }
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
   * The rows the window from {@code after} to {@code upTo} would take now: due, of subjects not
   * spared, not referenced. A plain read: it waits on no row's lock.
   */
  long due(Optional<List<String>> after, Optional<List<String>> upTo, SparedSubjects spared) {
    var where = Sql.and(List.of(keys.window(after, upTo), access.eligible(), access.free(spared)));
    var sql = where.wrap("SELECT count(*) FROM " + access.table() + " " + T + " WHERE ", "");
    return access.inConnection(c -> Statements.longs(c, sql))[0];
  }
}
