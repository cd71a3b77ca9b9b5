package dev.lethe.store.jdbc;

import dev.lethe.policy.Condition;
import dev.lethe.policy.Policy;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The SQL conditions of one policy on one table: which rows it covers, which have expired, which
 * must be spared. Identifiers come from the catalog ({@link Table}); every value is a bound
 * parameter cast to the column's catalog type.
 */
final class Predicates {

  private final Policy policy;
  private final Table table;
  private final ZonedDateTime now;

  Predicates(Policy policy, Table table, ZonedDateTime now) {
    this.policy = policy;
    this.table = table;
    this.now = now;
  }

  Policy policy() {
    return policy;
  }

  Table table() {
    return table;
  }

  private String col(String alias, String column) {
    return alias + "." + Sql.quote(column);
  }

  private String type(String column) {
    return table.columns().get(column).sqlType();
  }

  /** Rows the policy covers (its {@code where}), whatever their age. */
  Sql covers(String alias) {
    var parts = new ArrayList<Sql>();
    for (var condition : policy.where()) {
      parts.add(condition(alias, condition));
    }
    return Sql.and(parts);
  }

  private Sql condition(String alias, Condition c) {
    var column = col(alias, c.column());
    var cast = "CAST(? AS " + type(c.column()) + ")";
    return switch (c.operator()) {
      case EQUALS -> Sql.of(column + " = " + cast, c.values().get(0));
      case BEFORE -> Sql.of(column + " < " + cast, c.values().get(0));
      case AFTER -> Sql.of(column + " > " + cast, c.values().get(0));
      case IS_NULL -> Sql.of(column + " IS NULL");
      case IS_NOT_NULL -> Sql.of(column + " IS NOT NULL");
      case IN ->
          new Sql(
              column
                  + " IN ("
                  + String.join(", ", c.values().stream().map(v -> cast).toList())
                  + ")",
              List.copyOf(c.values()));
    };
  }

  /** Rows whose time is up: a clock before the cutoff. A row without a clock never expires. */
  Sql expired(String alias) {
    var clock = table.columns().get(policy.clock());
    var cutoff = policy.retain().cutoff(now);
    String literal =
        switch (clock.family()) {
          case TIMESTAMPTZ -> cutoff.toOffsetDateTime().toString();
          case TIMESTAMP -> cutoff.toLocalDateTime().toString();
          // a day has expired only when the whole of it lies before the cutoff
          default -> cutoff.toLocalDate().toString();
        };
    return Sql.of(col(alias, policy.clock()) + " < CAST(? AS " + clock.sqlType() + ")", literal);
  }

  /** Rows this policy must keep now: covered and not yet expired (or with no clock). */
  Sql keeps(String alias) {
    var notExpired = expired(alias).wrap("coalesce(NOT (", "), true)");
    return covers(alias).wrap("coalesce((", ")").then(" AND ", notExpired).wrap("", ", false)");
  }

  /**
   * Expired rows this policy may take: covered, expired, and not kept by another policy on the same
   * table (keeping wins over deleting; so the longer retention wins).
   */
  Sql eligible(String alias, List<Predicates> others) {
    var parts = new ArrayList<Sql>();
    parts.add(expired(alias));
    parts.add(covers(alias));
    for (var other : others) {
      parts.add(other.keeps(alias).wrap("NOT (", ")"));
    }
    return Sql.and(parts);
  }

  /** The subject is one of {@code subjects} (false for rows without a subject). */
  Sql subjectIn(String alias, Set<String> subjects) {
    var array = subjectArray(subjects);
    return Sql.of(
        col(alias, policy.subject()) + " = ANY(CAST(? AS " + array.elementType() + "[]))", array);
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
            + col(alias, policy.subject())
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
    var family = table.columns().get(policy.subject()).family();
    return switch (family) {
      case INTEGER ->
          new Sql.ArrayParam(
              "int8",
              subjects.stream()
                  .map(Predicates::parseLong)
                  .flatMap(Optional::stream)
                  .mapToLong(Long::longValue)
                  .toArray());
      case UUID ->
          new Sql.ArrayParam(
              "uuid",
              subjects.stream()
                  .map(Predicates::parseUuid)
                  .flatMap(Optional::stream)
                  .toArray(UUID[]::new));
      default -> new Sql.ArrayParam("text", subjects.toArray(String[]::new));
    };
  }

  private static Optional<Long> parseLong(String s) {
    try {
      return Optional.of(Long.parseLong(s.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<UUID> parseUuid(String s) {
    try {
      return Optional.of(UUID.fromString(s.trim()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The row is still referenced through a foreign key that does not cascade (or whose cascade the
   * policy did not allow). {@code childGoes} gives, for a referencing table, the condition under
   * which its row would be gone by then (a dry-run, where earlier steps have not yet deleted).
   */
  Sql referenced(String alias, int depth, Function<Table.ForeignKey, Optional<Sql>> childGoes) {
    var parts = new ArrayList<Sql>();
    var child = "c" + depth;
    for (var fk : table.referencedBy()) {
      if (fk.cascades() && policy.allowCascade()) {
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
