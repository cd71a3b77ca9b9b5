package dev.lethe.store.mariadb;

import dev.lethe.policy.Policy;
import dev.lethe.policy.PolicyStep;
import dev.lethe.store.HoldCheck;
import dev.lethe.store.RequestKeepers;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.StoreException;
import dev.lethe.store.SubjectData;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A subject's rows under one policy on a MariaDB table: read for an export; on erasure, decided for
 * the whole table as on PostgreSQL: a hold on any policy of the table keeps them; a policy whose
 * {@code on-erasure} pseudonymises keeps them without the person; otherwise they are deleted, and
 * rows still referenced get the policy's {@code on-erasure} transform where it gives one.
 */
final class MariaSubjectData implements SubjectData {

  private final MariaDbStore store;
  private final Policy policy;
  private final MariaTable table;
  private final List<Policy> sameTable;
  private final Optional<MariaPseudonymiser> transforming;
  private final java.time.ZonedDateTime now;
  private final Optional<dev.lethe.transform.Tokens> subjectTokens;

  MariaSubjectData(MariaDbStore store, Policy policy, RetentionScope scope) {
    this.store = store;
    this.policy = policy;
    this.table = store.existing(policy);
    this.transforming =
        policy
            .onErasure()
            .transform()
            .map(
                stage ->
                    new MariaPseudonymiser(
                        table,
                        new PolicyStep(policy, stage),
                        new MariaSql(table, policy, List.of(), store::related),
                        scope.now(),
                        scope.tokens()));
    this.sameTable = scope.allPolicies().stream().filter(p -> store.isOn(p, table)).toList();
    this.now = scope.now();
    this.subjectTokens = store.subjectTokens(policy, table, scope);
  }

  @Override
  public boolean fits(String subject) {
    var column = table.columns().get(policy.subject());
    if (column.isWholeNumber()) {
      return dev.lethe.transform.Tokens.wholeNumber(subject).isPresent();
    }
    return subject.trim().length() <= 255;
  }

  @Override
  public String subjectColumn() {
    return table.displayName()
        + "."
        + policy.subject()
        + " ("
        + table.columns().get(policy.subject()).columnType()
        + ")";
  }

  @Override
  public String tableIdentity() {
    return table.qualified();
  }

  private String subjectSql() {
    return table.qualified() + "." + MariaTable.quote(policy.subject());
  }

  @Override
  public List<Map<String, Object>> rows(String subject) {
    return inConnection(
        "reading",
        c -> {
          var rows = new ArrayList<Map<String, Object>>();
          try (var ps =
              subjectRows(subject)
                  .prepare(c, "SELECT * FROM " + table.qualified() + " WHERE ", "")) {
            try (var rs = ps.executeQuery()) {
              var meta = rs.getMetaData();
              while (rs.next()) {
                var row = new LinkedHashMap<String, Object>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                  var value = rs.getObject(i);
                  row.put(
                      meta.getColumnLabel(i),
                      value instanceof Number || value instanceof Boolean || value == null
                          ? value
                          : rs.getString(i));
                }
                rows.add(row);
              }
            }
          }
          return rows;
        });
  }

  /**
   * The subject's rows the request reaches: all of them, or, for a withdrawal on a table that other
   * purposes share, those the ended policies cover.
   */
  private MariaSql.Part reached(String subject, RequestKeepers keepers) {
    var rows = subjectRows(subject);
    if (keepers.reachesAll(sameTable)) {
      return rows;
    }
    var sql = new MariaSql(table, policy, List.of(), store::related);
    var covered = new ArrayList<MariaSql.Part>();
    for (var p : sameTable) {
      if (!keepers.keeps(p)) {
        var covers = sql.covers(p, now);
        covered.add(new MariaSql.Part("COALESCE((" + covers.text() + "), FALSE)", covers.values()));
      }
    }
    return rows.and(MariaSql.Part.anyOf(covered));
  }

  /** The subject's addresses in the policy's {@code contact} column, for the suppression list. */
  @Override
  public List<String> contacts(String subject, RequestKeepers keepers) {
    var contact = policy.contact();
    if (contact == null) {
      return List.of();
    }
    var column = table.qualified() + "." + MariaTable.quote(contact);
    return inConnection(
        "reading",
        c -> {
          var values = new ArrayList<String>();
          try (var ps =
                  reached(subject, keepers)
                      .prepare(
                          c,
                          "SELECT DISTINCT CAST("
                              + column
                              + " AS CHAR) FROM "
                              + table.qualified()
                              + " WHERE ",
                          " AND " + column + " IS NOT NULL");
              var rs = ps.executeQuery()) {
            while (rs.next()) {
              values.add(rs.getString(1));
            }
          }
          return values;
        });
  }

  @Override
  public ErasureOutcome erase(
      String subject, HoldCheck holds, RequestKeepers keepers, Recorder recorder) {
    var heldPolicies = holds.heldPolicies();
    var held =
        sameTable.stream().map(Policy::name).filter(heldPolicies::contains).sorted().toList();
    if (!held.isEmpty()) {
      // a hold on any policy of the table keeps the subject's rows there as they are; where the
      // table holds none, the hold keeps nothing here (a response said "held" of data not there)
      long rows = inConnection("counting a subject's rows in", c -> count(c, subjectRows(subject)));
      return rows == 0 ? ErasureOutcome.none() : ErasureOutcome.held(String.join(", ", held));
    }
    var sql = new MariaSql(table, policy, List.of(), store::related);
    var keeping = new LinkedHashMap<String, MariaSql.Part>();
    for (var p : sameTable) {
      if (keepers.keeps(p)) {
        keeping.put(
            p.name(),
            keepers.unlessReleased()
                ? sql.released(p, now).not()
                : sql.keeps(p, now).parenthesised());
      }
    }
    var kept = MariaSql.Part.anyOf(keeping.values());
    // a key is the subject's byte for byte here, but a hold keeps what the column's collation
    // takes for its key (the purge spares it so): an erasure of ALICE must not take what a hold on
    // alice keeps (found by an outside attack)
    var heldOthers =
        table.columns().get(policy.subject()).isText() ? holds.heldSubjects() : Set.<String>of();
    return inConnection(
        "erasing a subject's rows in",
        c -> {
          c.setAutoCommit(false);
          try {
            var heldElse = MariaSql.Part.of("FALSE");
            if (!heldOthers.isEmpty()) {
              SparedTable.load(
                  c,
                  new dev.lethe.store.SparedSubjects(0, heldOthers, Set.of(), Set.of()),
                  subjectTokens,
                  sql.sparedCollation());
              heldElse = MariaSql.Part.of("NOT " + sql.notSpared().text());
            }
            var outcome =
                erase(c, sql, reached(subject, keepers), kept, heldElse, keeping, keepers)
                    .withRemaining(count(c, subjectRows(subject)));
            // the last look before the commit: a hold placed while the change waited keeps it
            var heldNow =
                sameTable.stream()
                    .map(Policy::name)
                    .filter(holds.heldBeforeCommit()::contains)
                    .sorted()
                    .toList();
            if (!heldNow.isEmpty()) {
              c.rollback();
              return ErasureOutcome.held(String.join(", ", heldNow));
            }
            // the change's record in its own transaction: its rows never leave without it
            var record = recorder.recordOf(outcome);
            if (record != null) {
              MariaOutbox.write(c, record);
            }
            c.commit();
            return outcome;
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
          }
        });
  }

  /**
   * Deletes the rows no keeper keeps and nothing references; transforms what this policy's {@code
   * on-erasure} says (the rows it keeps, or the rows still referenced); counts what is left of the
   * person, and why.
   */
  private ErasureOutcome erase(
      Connection c,
      MariaSql sql,
      MariaSql.Part rows,
      MariaSql.Part kept,
      MariaSql.Part heldElse,
      Map<String, MariaSql.Part> keeping,
      RequestKeepers keepers)
      throws SQLException {
    long held = count(c, rows.and(heldElse));
    if (held > 0) {
      rows = rows.and(heldElse.not()); // the held rows stay as they are
    }
    var notKept = kept.not();
    long deleted;
    try (var ps =
        rows.and(notKept)
            .and(MariaSql.Part.of("NOT " + sql.referenced().text()))
            .prepare(c, "DELETE FROM " + table.qualified() + " WHERE ", "")) {
      deleted = ps.executeLargeUpdate();
    }
    long pseudonymised = 0;
    var left = rows.and(notKept);
    if (transforming.isPresent()) {
      if (policy.onErasure().keepsRows()) {
        // a keeper that pseudonymises: the person goes from the rows it keeps
        var own = keeping.get(policy.name());
        if (own != null) {
          pseudonymised = transform(c, rows.and(own));
        }
      } else {
        // on-erasure.if-referenced: the rows that must stay because others point at them
        pseudonymised = transform(c, left);
        left = left.and(transforming.get().notYetTransformed());
      }
    }
    long referenced = count(c, left);
    long keptRows = keeping.isEmpty() ? 0 : count(c, rows.and(kept));
    String keptBy = null;
    if (keptRows > 0) {
      var by = new ArrayList<String>();
      for (var keeper : keeping.entrySet()) {
        long n = count(c, rows.and(keeper.getValue()));
        if (n > 0) {
          by.add(keepers.describe(keeper.getKey()) + ": " + n);
        }
      }
      keptBy = String.join(", ", by);
    }
    return ErasureOutcome.changed(deleted, pseudonymised, referenced, keptRows, keptBy, held);
  }

  /** Transforms the given rows not transformed yet; the marker keeps a rerun from it. */
  private long transform(Connection c, MariaSql.Part those) throws SQLException {
    var pseudonymiser = transforming.orElseThrow();
    return pseudonymiser.transform(c, those.and(pseudonymiser.notYetTransformed())).rows();
  }

  /** The subject's rows: under its key, or its token where a stage made the column tokens. */
  private MariaSql.Part subjectRows(String subject) {
    // of the column's kind only: MariaDB would compare a number column with a text token as 0
    boolean number = table.columns().get(policy.subject()).isWholeNumber();
    var forms = new ArrayList<Object>();
    if (!number) {
      forms.add(subject.trim());
    } else {
      // a key that is no number is no key of a number column: as text, MariaDB would take it as 0
      dev.lethe.transform.Tokens.wholeNumber(subject).ifPresent(forms::add);
    }
    var key =
        number
            ? dev.lethe.transform.Tokens.wholeNumber(subject)
                .map(n -> Long.toString(n))
                .orElse(subject.trim())
            : subject.trim();
    subjectTokens.ifPresent(
        tokens ->
            tokens
                .everyKey()
                .forEach(under -> forms.add(number ? under.number(key) : under.text(key))));
    if (forms.isEmpty()) {
      return MariaSql.Part.of("FALSE");
    }
    var marks = "(" + String.join(", ", java.util.Collections.nCopies(forms.size(), "?")) + ")";
    if (number) {
      return new MariaSql.Part(subjectSql() + " IN " + marks, List.copyOf(forms));
    }
    // a text key with blanks around it is the subject's too, as a hold takes it (MariaSql.keyOf);
    // compared byte for byte: under a case-insensitive collation X1's rows went with x1's (found
    // by an outside attack); the plain IN lets the column's index find the candidates
    var thrice = new ArrayList<Object>(forms);
    thrice.addAll(forms);
    thrice.addAll(forms);
    return new MariaSql.Part(
        "(("
            + subjectSql()
            + " IN "
            + marks
            + " AND BINARY "
            + subjectSql()
            + " IN "
            + marks
            + ") OR BINARY "
            + MariaSql.keyOf(subjectSql())
            + " IN "
            + marks
            + ")",
        List.copyOf(thrice));
  }

  private long count(Connection c, MariaSql.Part rows) throws SQLException {
    try (var ps = rows.prepare(c, "SELECT count(*) FROM " + table.qualified() + " WHERE ", "");
        var rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private interface Work<R> {
    R apply(Connection c) throws SQLException;
  }

  private <R> R inConnection(String doing, Work<R> work) {
    try (var c = store.dataSource().getConnection()) {
      return work.apply(c);
    } catch (SQLException e) {
      if (e.getErrorCode() == 1205) {
        throw new StoreException.LockWait(
            MariaErrors.lockHolders(store.dataSource(), policy.table()), e);
      }
      throw new StoreException(
          doing + " " + policy.table() + " failed: " + MariaErrors.describe(e), e);
    }
  }
}
