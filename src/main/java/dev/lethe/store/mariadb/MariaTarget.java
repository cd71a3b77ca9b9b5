package dev.lethe.store.mariadb;

import dev.lethe.policy.Policy;
import dev.lethe.policy.PolicyStep;
import dev.lethe.store.HeldBack;
import dev.lethe.store.PlanCounts;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.RetentionTarget;
import dev.lethe.store.SparedSubjects;
import dev.lethe.store.StoreException;
import dev.lethe.store.WindowOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One delete or pseudonymise stage on one MariaDB table, in keyset windows of its key, each window
 * one transaction that counts what it holds back and deletes the rest, returning each deleted row's
 * subject for the audit trail.
 */
final class MariaTarget implements RetentionTarget {

  private final MariaDbStore store;
  private final PolicyStep step;
  private final MariaTable table;
  private final MariaSql sql;
  private final Optional<MariaPseudonymiser> pseudonymiser;
  private final List<MariaSql> goneFirst;
  private final Optional<dev.lethe.transform.Tokens> subjectTokens;

  MariaTarget(MariaDbStore store, PolicyStep step, RetentionScope scope) {
    this.store = store;
    this.step = step;
    this.table = store.existing(step.policy());
    this.subjectTokens = store.subjectTokens(step.policy(), table, scope);
    this.sql =
        step.action() == Policy.Action.DELETE
            ? MariaSql.deleting(store, table, step.policy(), scope)
            : new MariaSql(
                table,
                step.policy(),
                List.of(MariaSql.Cutoff.of(step.policy(), step.stage().after(), scope.now())),
                store::related);
    // what the job's earlier delete steps on this table take first, for the plan
    this.goneFirst =
        scope.earlierInJob().stream()
            .filter(e -> e.action() == Policy.Action.DELETE && store.isOn(e.policy(), table))
            .map(e -> MariaSql.deleting(store, table, e.policy(), scope))
            .toList();
    this.pseudonymiser =
        step.action() == Policy.Action.PSEUDONYMISE
            ? Optional.of(new MariaPseudonymiser(table, step, sql, scope.now(), scope.tokens()))
            : Optional.empty();
  }

  /**
   * The rows whose stage has come: expired, and for a pseudonymise stage not transformed before.
   */
  private MariaSql.Part eligible() {
    return pseudonymiser.map(p -> sql.expired().and(p.notYetTransformed())).orElse(sql.expired());
  }

  private interface Work<R> {
    R apply(Connection c) throws SQLException;
  }

  private <R> R inConnection(String doing, Work<R> work) {
    try (var c = store.dataSource().getConnection()) {
      return work.apply(c);
    } catch (SQLException e) {
      if (e.getErrorCode() == 1205) {
        // innodb_lock_wait_timeout: another session holds the rows
        throw new StoreException.LockWait(
            MariaErrors.lockHolders(store.dataSource(), table.displayName()), e);
      }
      throw new StoreException(
          doing + " " + step.policy().table() + " failed: " + MariaErrors.describe(e), e);
    }
  }

  @Override
  public long totalRows() {
    return inConnection(
        "counting",
        c -> {
          try (var s = c.createStatement();
              var rs = s.executeQuery("SELECT count(*) FROM " + table.qualified())) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  @Override
  public long dueBetween(
      Optional<List<String>> after, Optional<List<String>> upTo, SparedSubjects spared) {
    try {
      return inConnection(
          "counting what a window left in",
          c -> {
            SparedTable.load(c, spared, subjectTokens, sql.sparedCollation());
            var free = MariaSql.window(sql.key(), after, upTo).and(eligible()).and(sql.notSpared());
            // a consistent read: it waits on no row's lock. A delete leaves referenced rows; a
            // pseudonymisation changes them too
            return count(
                c,
                pseudonymiser.isPresent()
                    ? free
                    : free.and(MariaSql.Part.of("NOT " + sql.referenced().text())));
          });
    } catch (RuntimeException e) {
      return -1; // the report says the rows were not counted; they are still due next run
    }
  }

  @Override
  public Survey survey(SparedSubjects spared) {
    return inConnection(
        "surveying",
        c -> {
          // one column: MAX reads the eligible rows once; several: the last in key order
          var select =
              sql.key().size() == 1
                  ? "SELECT CAST(MAX(" + sql.key().get(0) + ") AS CHAR) FROM "
                  : "SELECT " + sql.keyList(true, "") + " FROM ";
          var order =
              sql.key().size() == 1 ? "" : " ORDER BY " + sql.keyList(false, " DESC") + " LIMIT 1";
          try (var ps = eligible().prepare(c, select + table.qualified() + " WHERE ", order);
              var rs = ps.executeQuery()) {
            if (!rs.next() || rs.getString(1) == null) {
              return new Survey(Optional.empty(), HeldBack.NONE);
            }
            var last = new ArrayList<String>();
            for (int i = 1; i <= sql.key().size(); i++) {
              last.add(rs.getString(i));
            }
            return new Survey(Optional.of(List.copyOf(last)), HeldBack.NONE);
          }
        });
  }

  @Override
  public WindowOutcome purgeNextWindow(
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize,
      SparedSubjects spared,
      WindowCheck beforeCommit) {
    var window = new Optional<?>[1];
    var windowIsLast = new boolean[1];
    try {
      return purge(after, last, windowSize, spared, beforeCommit, window, windowIsLast);
    } catch (StoreException.LockWait wait) {
      // rolled back: tried again later in the run
      @SuppressWarnings("unchecked")
      var upTo = (Optional<List<String>>) window[0];
      return WindowOutcome.waited(
          upTo == null ? List.of() : upTo.orElse(List.of()),
          windowIsLast[0],
          new WindowOutcome.Waited(
              after.orElse(List.of()),
              upTo == null ? List.of() : upTo.orElse(List.of()),
              wait.on()));
    }
  }

  private WindowOutcome purge(
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize,
      SparedSubjects spared,
      WindowCheck beforeCommit,
      Optional<?>[] window,
      boolean[] windowIsLast) {
    return inConnection(
        pseudonymiser.isPresent() ? "pseudonymising rows of" : "deleting from",
        c -> {
          c.setAutoCommit(false);
          try {
            var bound = upperBound(c, after, last, windowSize);
            boolean isLast = bound.isEmpty() || bound.equals(last);
            var upTo = bound.isPresent() ? bound : last;
            window[0] = upTo;
            windowIsLast[0] = isLast;
            var scope = MariaSql.window(sql.key(), after, upTo).and(eligible());
            SparedTable.load(c, spared, subjectTokens, sql.sparedCollation());
            var held = heldByReason(c, scope);
            var free = scope.and(sql.notSpared());
            if (pseudonymiser.isPresent()) {
              var changed = pseudonymiser.get().transform(c, free);
              var outcome =
                  new WindowOutcome(
                      upTo.orElse(List.of()),
                      isLast,
                      changed.rows() + held[1] + held[2] + held[3],
                      changed.rows(),
                      held[1],
                      held[2],
                      held[3],
                      0,
                      changed.bySubject());
              var entry = beforeCommit.check(outcome);
              record(c, entry);
              beforeCommit.lastLook();
              c.commit();
              return entry == null ? outcome : outcome.withRecord(entry.id());
            }
            long referenced = count(c, free.and(sql.referenced()));
            var bySubject = new HashMap<String, Long>();
            long deleted = 0;
            var delete = free.and(MariaSql.Part.of("NOT " + sql.referenced().text()));
            try (var ps =
                    delete.prepare(
                        c,
                        "DELETE FROM " + table.qualified() + " WHERE ",
                        " RETURNING " + sql.subjectText());
                var rs = ps.executeQuery()) {
              while (rs.next()) {
                deleted++;
                var subject = rs.getString(1);
                if (subject != null) {
                  bySubject.merge(subject, 1L, Long::sum);
                }
              }
            }
            var outcome =
                new WindowOutcome(
                    upTo.orElse(List.of()),
                    isLast,
                    deleted + held[1] + held[2] + held[3] + referenced,
                    deleted,
                    held[1],
                    held[2],
                    held[3],
                    referenced,
                    bySubject);
            var entry = beforeCommit.check(outcome);
            record(c, entry);
            beforeCommit.lastLook();
            c.commit();
            return entry == null ? outcome : outcome.withRecord(entry.id());
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
          }
        });
  }

  private Optional<List<String>> upperBound(
      Connection c, Optional<List<String>> after, Optional<List<String>> last, int windowSize)
      throws SQLException {
    var window = MariaSql.window(sql.key(), after, last);
    var where = window.text().isEmpty() ? MariaSql.Part.of("TRUE") : window;
    try (var ps =
        where.prepare(
            c,
            "SELECT " + sql.keyList(true, "") + " FROM " + table.qualified() + " WHERE ",
            " ORDER BY " + sql.keyList(false, "") + " LIMIT 1 OFFSET " + (windowSize - 1))) {
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        var key = new ArrayList<String>();
        for (int i = 1; i <= sql.key().size(); i++) {
          key.add(rs.getString(i));
        }
        return Optional.of(List.copyOf(key));
      }
    }
  }

  @Override
  public PlanCounts plan(Function<String, SparedSubjects> sparedFor) {
    var spared = sparedFor.apply(step.policy().name());
    return inConnection(
        "planning",
        c -> {
          SparedTable.load(c, spared, subjectTokens, sql.sparedCollation());
          long total = totalRows();
          // rows the job's earlier delete steps take first are not there for this one (their
          // spared subjects are taken to be this step's: the same policy's, as a rule)
          var rows = eligible();
          for (var earlier : goneFirst) {
            var gone =
                earlier
                    .expired()
                    .and(earlier.notSpared())
                    .and(MariaSql.Part.of("NOT " + earlier.referenced().text()));
            rows = rows.and(new MariaSql.Part("NOT (" + gone.text() + ")", gone.values()));
          }
          long expired = count(c, rows);
          var held = heldByReason(c, rows);
          long referenced =
              pseudonymiser.isPresent()
                  ? 0
                  : count(c, rows.and(sql.notSpared()).and(sql.referenced()));
          long wouldChange = expired - held[1] - held[2] - held[3] - referenced;
          return new PlanCounts(total, expired, wouldChange, held[1], held[2], held[3], referenced);
        });
  }

  /** The rows of {@code rows} spared, by reason: [1] held, [2] requested, [3] restricted. */
  private long[] heldByReason(Connection c, MariaSql.Part rows) throws SQLException {
    var held = new long[4];
    try (var ps =
            rows.prepare(
                c,
                // the key as the windows spare it (MariaSql.notSpared): the plan counted a row
                // held under its raw text, the run under its key, and the two differed (found by
                // an outside attack)
                "SELECT lethe_spared.reason, count(*) FROM "
                    + table.qualified()
                    + " JOIN "
                    + sql.sparedTable()
                    + " lethe_spared ON lethe_spared.subject = "
                    + sql.sparedKey()
                    + " WHERE ",
                " GROUP BY lethe_spared.reason");
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        held[rs.getInt(1)] = rs.getLong(2);
      }
    }
    return held;
  }

  private long count(Connection c, MariaSql.Part rows) throws SQLException {
    try (var ps = rows.prepare(c, "SELECT count(*) FROM " + table.qualified() + " WHERE ", "");
        var rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The window's audit record, in the window's own transaction (none: nothing changed). */
  private static void record(Connection c, dev.lethe.store.Outbox.Entry entry) throws SQLException {
    if (entry != null) {
      MariaOutbox.write(c, entry);
    }
  }

  @Override
  public boolean countsAsItGoes() {
    return true;
  }

  @Override
  public HeldBack heldBack(SparedSubjects sparedDuringRun) {
    return HeldBack.NONE;
  }
}
