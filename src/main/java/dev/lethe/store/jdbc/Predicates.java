package dev.lethe.store.jdbc;

import dev.lethe.policy.Condition;
import dev.lethe.policy.Policy;
import dev.lethe.policy.PolicyStep;
import dev.lethe.policy.Retention;
import dev.lethe.transform.Tokens;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The SQL conditions of one policy on one table: which rows it covers, which have expired, which
 * must be spared. Identifiers come from the catalog ({@link Table}); every value is a bound
 * parameter cast to the column's catalog type.
 */
final class Predicates {

  private final PolicyStep step;
  private final Table table;
  private final Function<String, Table> related;
  private final ZonedDateTime now;
  private final Optional<Tokens> subjectTokens;

  /**
   * @param related the other tables the policy's clock and conditions name, by the name written
   * @param subjectTokens the run's tokens where a policy on the table turns the subject column into
   *     tokens: spared subjects are then spared under their tokens too
   */
  Predicates(
      PolicyStep step,
      Table table,
      Function<String, Table> related,
      ZonedDateTime now,
      Optional<Tokens> subjectTokens) {
    this.step = step;
    this.table = table;
    this.related = related;
    this.now = now;
    this.subjectTokens = subjectTokens;
  }

  Policy policy() {
    return step.policy();
  }

  PolicyStep step() {
    return step;
  }

  Table table() {
    return table;
  }

  ZonedDateTime now() {
    return now;
  }

  private static String col(String alias, String column) {
    return alias + "." + Sql.quote(column);
  }

  /** Rows the policy covers (its {@code where}), whatever their age. */
  Sql covers(String alias) {
    var parts = new ArrayList<Sql>();
    for (var condition : policy().where()) {
      parts.add(condition(alias, condition));
    }
    return Sql.and(parts);
  }

  private Sql condition(String alias, Condition c) {
    if (!c.related()) {
      return compare(col(alias, c.column()), table.columns().get(c.column()), c);
    }
    var other = related.apply(c.table());
    var r = alias + "_w";
    return compare(col(r, c.column()), other.columns().get(c.column()), c)
        .wrap(relatedRow(other, r, alias, c.via()) + " AND ", ")");
  }

  /** {@code EXISTS (SELECT 1 FROM other r WHERE r.key = alias.via}, left open for more. */
  private static String relatedRow(Table other, String r, String alias, String via) {
    return "EXISTS (SELECT 1 FROM "
        + other.qualified()
        + " "
        + r
        + " WHERE "
        + col(r, other.singleKey().orElseThrow())
        + " = "
        + col(alias, via);
  }

  private Sql compare(String column, ColumnType type, Condition c) {
    return ColumnConditions.compare(column, type, c, now);
  }

  /** The moment {@code ago} before now, written as a value of the column's type. */
  private String point(ColumnType type, Retention ago) {
    return ColumnConditions.point(type, ago, now);
  }

  /**
   * Rows whose stage has come: a clock before the cutoff. A row without a clock (null, or no
   * related row) has not started to age.
   */
  Sql expired(String alias, Retention after) {
    var clock = policy().clock();
    if (!clock.related()) {
      var type = table.columns().get(clock.column());
      return Sql.of(
          col(alias, clock.column()) + " < CAST(? AS " + type.sqlType() + ")", point(type, after));
    }
    var other = related.apply(clock.table());
    var r = alias + "_c";
    var type = other.columns().get(clock.column());
    return Sql.of(
        relatedRow(other, r, alias, clock.via())
            + " AND "
            + col(r, clock.column())
            + " < CAST(? AS "
            + type.sqlType()
            + "))",
        point(type, after));
  }

  /**
   * Rows this policy must keep now: covered and not yet at its delete stage (or with no clock). A
   * policy that never deletes sets no retention, and so protects no row from another's delete.
   */
  Sql keeps(String alias) {
    var delete = policy().deleteStage();
    if (delete.isEmpty()) {
      return Sql.of("FALSE");
    }
    var covered = covers(alias).wrap("coalesce((", "), false)");
    var notExpired = expired(alias, delete.get().after()).wrap("coalesce(NOT (", "), true)");
    return covered.then(" AND ", notExpired);
  }

  /**
   * Rows this policy has let go now: covered and past its delete stage. A policy that never deletes
   * lets none go.
   */
  Sql released(String alias) {
    var delete = policy().deleteStage();
    if (delete.isEmpty()) {
      return Sql.of("FALSE");
    }
    return Sql.and(List.of(covers(alias), expired(alias, delete.get().after())))
        .wrap("coalesce((", "), false)");
  }

  /**
   * Rows this step may act on now. A delete takes covered rows whose delete stage has come and that
   * no other policy on the table still keeps (keeping wins over deleting; so the longer retention
   * wins). A pseudonymise step takes covered rows whose stage has come and that it has not
   * transformed before: its marker is still unset.
   */
  Sql eligible(String alias, List<Predicates> others) {
    var parts = new ArrayList<Sql>();
    parts.add(expired(alias, step.stage().after()));
    parts.add(covers(alias));
    if (step.action() == Policy.Action.PSEUDONYMISE) {
      parts.add(notYetTransformed(alias));
    } else {
      for (var other : others) {
        parts.add(other.keeps(alias).wrap("NOT (", ")"));
      }
    }
    return Sql.and(parts);
  }

  /** The marker says the row has not been transformed: unset, or false. */
  Sql notYetTransformed(String alias) {
    var marker = policy().marker();
    var type = table.columns().get(marker);
    return Sql.of(
        col(alias, marker)
            + (type.family() == ColumnType.Family.BOOLEAN ? " IS NOT TRUE" : " IS NULL"));
  }

  /** The value the marker gets: the run's now, or true. */
  Sql markerValue() {
    var type = table.columns().get(policy().marker());
    return switch (type.family()) {
      case BOOLEAN -> Sql.of("TRUE");
      case TIMESTAMPTZ -> Sql.of("CAST(? AS timestamptz)", now.toOffsetDateTime().toString());
      case TIMESTAMP -> Sql.of("CAST(? AS timestamp)", now.toLocalDateTime().toString());
      default -> Sql.of("CAST(? AS date)", now.toLocalDate().toString());
    };
  }

  /** The subject is one of {@code subjects} (false for rows without a subject). */
  Sql subjectIn(String alias, Set<String> subjects) {
    var array = subjectArray(subjects);
    return Sql.of(
        col(alias, policy().subject()) + " = ANY(CAST(? AS " + array.elementType() + "[]))", array);
  }

  /**
   * The subject is none of {@code subjects} (true for rows without a subject). Wrapped in coalesce
   * so that the planner does not estimate the selectivity of every element of a large array;
   * PostgreSQL still hashes the array once per statement when it executes.
   */
  Sql subjectNotIn(String alias, Set<String> subjects) {
    var array = subjectArray(subjects);
    return Sql.of(
        "coalesce("
            + col(alias, policy().subject())
            + " <> ALL(CAST(? AS "
            + array.elementType()
            + "[])), true)",
        array);
  }

  /**
   * Subject keys as an array of the subject column's kind. A key that cannot be of that kind (text
   * under an integer column) matches no row, so it is left out rather than failing.
   */
  private Sql.ArrayParam subjectArray(Set<String> subjects) {
    return SubjectArrays.of(
        table.columns().get(policy().subject()).family(), subjects, subjectTokens);
  }

  /**
   * The row is still referenced through a foreign key that does not cascade (or whose cascade the
   * policy did not allow). {@code childGoes} gives, for a referencing table, the condition under
   * which its row would be gone by then (a dry-run, where earlier steps have not yet deleted).
   */
  Sql referenced(String alias, int depth, Function<Table.ForeignKey, Optional<Sql>> childGoes) {
    if (step.action() != Policy.Action.DELETE) {
      return Sql.of("FALSE"); // a pseudonymised row stays, and its keys with it
    }
    var parts = new ArrayList<Sql>();
    var child = "c" + depth;
    for (var fk : table.referencedBy()) {
      if (fk.cascades() && policy().allowCascade()) {
        continue;
      }
      var join = new ArrayList<String>();
      for (int i = 0; i < fk.childColumns().size(); i++) {
        join.add(
            child
                + "."
                + Sql.quote(fk.childColumns().get(i))
                + " = "
                + col(alias, fk.parentColumns().get(i)));
      }
      var exists =
          Sql.of(
              "EXISTS (SELECT 1 FROM "
                  + fk.childQualified()
                  + " "
                  + child
                  + " WHERE "
                  + String.join(" AND ", join));
      var goes = childGoes.apply(fk);
      exists = goes.isPresent() ? exists.then(" AND NOT ", goes.get().wrap("(", ")")) : exists;
      parts.add(exists.wrap("", ")"));
    }
    if (parts.isEmpty()) {
      return Sql.of("FALSE");
    }
    var text = new StringBuilder();
    var params = new ArrayList<Object>();
    for (var part : parts) {
      text.append(text.isEmpty() ? "" : " OR ").append(part.text());
      params.addAll(part.params());
    }
    return new Sql("(" + text + ")", params);
  }
}
