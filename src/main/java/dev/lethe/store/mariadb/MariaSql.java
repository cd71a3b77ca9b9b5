package dev.lethe.store.mariadb;

import dev.lethe.policy.Policy;
import dev.lethe.policy.Retention;
import dev.lethe.store.RetentionScope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of one delete stage on one MariaDB table, built from catalog identifiers with every value
 * bound: which rows have expired (for this policy and every other delete policy on the table, so
 * that keeping wins), which are spared (subjects in a temporary table of the session), which are
 * still referenced.
 */
final class MariaSql {

  /** A piece of SQL and its values. */
  record Part(String text, List<Object> values) {

    static Part of(String text, Object... values) {
      return new Part(text, List.of(values));
    }

    Part and(Part other) {
      if (text.isEmpty()) {
        return other;
      }
      if (other.text.isEmpty()) {
        return this;
      }
      var all = new ArrayList<>(values);
      all.addAll(other.values);
      return new Part(text + " AND " + other.text, all);
    }

    Part not() {
      return new Part("NOT (" + text + ")", values);
    }

    Part parenthesised() {
      return new Part("(" + text + ")", values);
    }

    /** Any of the parts holds (none: FALSE). */
    static Part anyOf(java.util.Collection<Part> parts) {
      if (parts.isEmpty()) {
        return of("FALSE");
      }
      var values = new ArrayList<Object>();
      var texts = new ArrayList<String>();
      for (var part : parts) {
        texts.add("(" + part.text + ")");
        values.addAll(part.values);
      }
      return new Part("(" + String.join(" OR ", texts) + ")", values);
    }

    PreparedStatement prepare(Connection c, String before, String after) throws SQLException {
      var ps = c.prepareStatement(before + text + after);
      for (int i = 0; i < values.size(); i++) {
        ps.setObject(i + 1, values.get(i));
      }
      return ps;
    }
  }

  private final MariaTable table;
  private final Policy policy;
  private final Related related;
  private final Part expired;

  /** The other tables that clocks and conditions name, by the name written. */
  @FunctionalInterface
  interface Related {
    MariaTable table(String name);
  }

  /**
   * @param cutoffs the delete cutoff of this policy first, then of every other delete policy on the
   *     table
   */
  MariaSql(MariaTable table, Policy policy, List<Cutoff> cutoffs, Related related) {
    this.table = table;
    this.policy = policy;
    this.related = related;
    var expired = Part.of("");
    for (int i = 0; i < cutoffs.size(); i++) {
      var cutoff = cutoffs.get(i);
      var before = covers(cutoff.policy(), cutoff.now()).and(clockBefore(cutoff));
      if (i == 0) {
        expired = expired.and(before);
      } else {
        // another delete policy on the table keeps what it covers and has not let go yet
        var covers = covers(cutoff.policy(), cutoff.now());
        var let = clockBefore(cutoff);
        var values = new ArrayList<>(covers.values());
        values.addAll(let.values());
        var keeps =
            new Part(
                "(COALESCE(("
                    + covers.text()
                    + "), FALSE) AND COALESCE(NOT ("
                    + let.text()
                    + "), TRUE))",
                values);
        expired = expired.and(new Part("NOT " + keeps.text(), keeps.values()));
      }
    }
    this.expired = expired;
  }

  /**
   * The row's clock lies before the cutoff: its own column, or the column of the row of another
   * table its {@code via} column points at (no such row: it has not started to age).
   */
  private Part clockBefore(Cutoff cutoff) {
    var clock = cutoff.policy().clock();
    if (!clock.related()) {
      return Part.of(col(clock.column()) + " < ?", point(clock.column(), cutoff.at()));
    }
    var other = related.table(clock.table());
    return Part.of(
        relatedRow(other, "r_c", col(clock.via()))
            + " AND r_c."
            + MariaTable.quote(clock.column())
            + " < ?)",
        MariaConditions.point(other, clock.column(), cutoff.at()));
  }

  /** {@code EXISTS (SELECT 1 FROM other r WHERE r.key = via}, left open for more. */
  private static String relatedRow(MariaTable other, String alias, String via) {
    return "EXISTS (SELECT 1 FROM "
        + other.qualified()
        + " "
        + alias
        + " WHERE "
        + alias
        + "."
        + MariaTable.quote(other.singleKey().orElseThrow())
        + " = "
        + via;
  }

  private static List<Object> concat(List<Object> values, Object more) {
    var all = new ArrayList<>(values);
    all.add(more);
    return all;
  }

  private Object point(String column, ZonedDateTime at) {
    return MariaConditions.point(table, column, at);
  }

  /** The rows a policy covers: its {@code where}, every condition bound. */
  Part covers(Policy covered, ZonedDateTime now) {
    var part = Part.of("");
    for (var c : covered.where()) {
      if (!c.related()) {
        part = part.and(MariaConditions.of(table, this::col, List.of(c), now));
      } else {
        var other = related.table(c.table());
        var compared =
            MariaConditions.of(other, column -> "r_w." + MariaTable.quote(column), List.of(c), now);
        part =
            part.and(
                new Part(
                    relatedRow(other, "r_w", col(c.via())) + " AND " + compared.text() + ")",
                    compared.values()));
      }
    }
    return part.text().isEmpty() ? Part.of("TRUE") : part;
  }

  /**
   * Rows {@code other} (a policy on this table) has let go: covered and past its delete stage. A
   * policy that never deletes lets none go.
   */
  Part released(Policy other, ZonedDateTime now) {
    if (other.deleteStage().isEmpty()) {
      return Part.of("FALSE");
    }
    var covers = covers(other, now);
    var let = clockBefore(Cutoff.of(other, other.deleteStage().get().after(), now));
    var values = new ArrayList<>(covers.values());
    values.addAll(let.values());
    return new Part("COALESCE((" + covers.text() + ") AND (" + let.text() + "), FALSE)", values);
  }

  /**
   * Rows {@code other} keeps now, as in a purge: covered and not past its delete stage (a policy
   * that never deletes keeps none).
   */
  Part keeps(Policy other, ZonedDateTime now) {
    if (other.deleteStage().isEmpty()) {
      return Part.of("FALSE");
    }
    var covers = covers(other, now);
    var let = clockBefore(Cutoff.of(other, other.deleteStage().get().after(), now));
    var values = new ArrayList<>(covers.values());
    values.addAll(let.values());
    return new Part(
        "(COALESCE((" + covers.text() + "), FALSE) AND COALESCE(NOT (" + let.text() + "), TRUE))",
        values);
  }

  /** A cutoff of a policy: its rows whose clock lies before {@code at} have expired. */
  record Cutoff(Policy policy, ZonedDateTime at, ZonedDateTime now) {

    static Cutoff of(Policy policy, Retention after, ZonedDateTime now) {
      return new Cutoff(policy, after.cutoff(now), now);
    }
  }

  String col(String column) {
    return table.qualified() + "." + MariaTable.quote(column);
  }

  /** The key's columns, qualified, in the key's order. */
  List<String> key() {
    return policy.key().stream().map(this::col).toList();
  }

  /** The key's columns as a list for SELECT and ORDER BY, each as text where {@code asText}. */
  String keyList(boolean asText, String suffix) {
    return String.join(
        ", ", key().stream().map(k -> (asText ? "CAST(" + k + " AS CHAR)" : k) + suffix).toList());
  }

  String subjectText() {
    return "CAST(" + col(policy.subject()) + " AS CHAR)";
  }

  Part expired() {
    return expired;
  }

  /**
   * Rows with a key after {@code after} and up to {@code upTo}, where these are given. A key of
   * several columns is compared column by column ({@code a > ? OR (a = ? AND b > ?)}), a form
   * MariaDB reads as ranges of the key's index, which a row comparison is not everywhere.
   */
  static Part window(List<String> key, Optional<List<String>> after, Optional<List<String>> upTo) {
    var part = Part.of("");
    if (after.isPresent()) {
      part = part.and(keyCompare(key, ">", after.get()));
    }
    if (upTo.isPresent()) {
      part = part.and(keyCompare(key, "<=", upTo.get()));
    }
    return part;
  }

  private static Part keyCompare(List<String> key, String operator, List<String> values) {
    var strict = operator.substring(0, 1);
    var alternatives = new ArrayList<String>();
    var bound = new ArrayList<Object>();
    for (int i = 0; i < key.size(); i++) {
      var terms = new ArrayList<String>();
      for (int j = 0; j < i; j++) {
        terms.add(key.get(j) + " = ?");
        bound.add(values.get(j));
      }
      terms.add(key.get(i) + " " + (i == key.size() - 1 ? operator : strict) + " ?");
      bound.add(values.get(i));
      alternatives.add("(" + String.join(" AND ", terms) + ")");
    }
    return new Part("(" + String.join(" OR ", alternatives) + ")", bound);
  }

  Part notSpared() {
    return Part.of(
        "NOT EXISTS (SELECT 1 FROM "
            + sparedTable()
            // an alias no table of a policy is likely to have ("s" clashed with a table named s)
            + " lethe_spared WHERE lethe_spared.subject = "
            + sparedKey()
            + ")");
  }

  /** The collation the subject column's keys compare under ({@link SparedTable#collationOf}). */
  String sparedCollation() {
    return SparedTable.collationOf(table.columns().get(policy.subject()));
  }

  /** The session's table of spared subjects for this policy's subject column. */
  String sparedTable() {
    return SparedTable.name(sparedCollation());
  }

  /** A row's subject as a key of {@link #sparedTable}. */
  String sparedKey() {
    return SparedTable.keyOf(col(policy.subject()), sparedCollation());
  }

  /**
   * A subject value as a key: without the blanks and control characters around it, as holds,
   * requests and the spared subjects take a key (" x1" is x1's row: on PostgreSQL a hold spared it
   * and a statistic counted it as x1, here neither did).
   */
  static String keyOf(String text) {
    return "REGEXP_REPLACE(" + text + ", '^[[:cntrl:] ]+|[[:cntrl:] ]+$', '')";
  }

  /** The row is still referenced by a row of another table (empty: nothing references it). */
  Part referenced() {
    var parts = new ArrayList<String>();
    for (var ref : table.referencedBy()) {
      parts.add(
          "EXISTS (SELECT 1 FROM "
              + MariaTable.quote(ref.schema())
              + "."
              + MariaTable.quote(ref.table())
              + " c WHERE c."
              + MariaTable.quote(ref.column())
              + " = "
              + col(ref.parentColumn())
              + ")");
    }
    return parts.isEmpty() ? Part.of("FALSE") : Part.of("(" + String.join(" OR ", parts) + ")");
  }

  /**
   * What a subject's column may hold for it: its key, and where the column may hold tokens, its
   * token as text and as a number under every key of the ring.
   */
  static List<String> forms(String subject, Optional<dev.lethe.transform.Tokens> subjectTokens) {
    if (subjectTokens.isEmpty()) {
      // 08 is 8 in a number column, compared as text here
      return dev.lethe.transform.Tokens.keyForms(subject);
    }
    var forms = new ArrayList<String>(dev.lethe.transform.Tokens.keyForms(subject));
    for (var key : dev.lethe.transform.Tokens.keyForms(subject)) {
      for (var under : subjectTokens.get().everyKey()) {
        forms.add(under.text(key));
        forms.add(Long.toString(under.number(key)));
      }
    }
    return forms;
  }

  /**
   * A delete policy's SQL: keeping wins, so a row goes only when every delete policy on the table
   * lets it go.
   */
  static MariaSql deleting(
      MariaDbStore store, MariaTable table, Policy policy, RetentionScope scope) {
    var cutoffs = new ArrayList<MariaSql.Cutoff>();
    cutoffs.add(
        MariaSql.Cutoff.of(policy, policy.deleteStage().orElseThrow().after(), scope.now()));
    for (var other : scope.allPolicies()) {
      if (other != policy && other.deleteStage().isPresent() && store.isOn(other, table)) {
        cutoffs.add(MariaSql.Cutoff.of(other, other.deleteStage().get().after(), scope.now()));
      }
    }
    return new MariaSql(table, policy, cutoffs, store::related);
  }
}
