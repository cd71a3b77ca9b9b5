package dev.lethe.store.jdbc;

import dev.lethe.policy.Condition;
import dev.lethe.policy.Policy;
import dev.lethe.policy.PolicyStep;
import dev.lethe.policy.Retention;
import dev.lethe.transform.Tokens;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
  private final Cascades cascades;
  private final Optional<Set<Long>> within;

  /**
   * What a cascade from this table reaches: the tables below it, and the policies on each, which
   * keep rows a cascade must not take.
   */
  interface Cascades {
    Cascades NONE =
        new Cascades() {
          @Override
          public Optional<Table> table(String qualified) {
            return Optional.empty();
          }

          @Override
          public List<Predicates> policiesOn(long oid) {
            return List.of();
          }
        };

    /** A table by its schema and name. */
    Optional<Table> table(String qualified);

    /** The policies on the table of this oid (any of their steps). */
    List<Predicates> policiesOn(long oid);
  }

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
      Optional<Tokens> subjectTokens,
      Cascades cascades) {
    this(step, table, related, now, subjectTokens, cascades, Optional.empty());
  }

  private Predicates(
      PolicyStep step,
      Table table,
      Function<String, Table> related,
      ZonedDateTime now,
      Optional<Tokens> subjectTokens,
      Cascades cascades,
      Optional<Set<Long>> within) {
    this.cascades = cascades;
    this.step = step;
    this.table = table;
    this.related = related;
    this.now = now;
    this.subjectTokens = subjectTokens;
    this.within = within;
  }

  /**
   * This policy's conditions on the rows of {@code queried}, a table that shares rows with this
   * policy's (the same, a partition of it, or a table it is a partition of): as they are where
   * every row of {@code queried} is this policy's too; confined to this policy's table and the
   * partitions below it where {@code queried} is above it (a query on the parent reads rows of
   * every partition, and this policy covers only its own). Empty where the two share no rows.
   */
  Optional<Predicates> seenFrom(Table queried) {
    if (queried.oid() == table.oid() || queried.lineage().above().containsKey(table.oid())) {
      return Optional.of(this);
    }
    if (!queried.lineage().below().containsKey(table.oid())) {
      return Optional.empty();
    }
    return Optional.of(
        new Predicates(
            step, table, related, now, subjectTokens, cascades, Optional.of(table.withBelow())));
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
    if (within.isPresent()) {
      parts.add(confinement(alias));
    }
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
   * Whether every row of a range partition of the clock whose upper bound is {@code upper} has come
   * to this step: the bound at or before the cutoff (every row lies below the bound). Empty where
   * the clock is another table's column.
   */
  java.util.Optional<Sql> dueBelow(String upper) {
    var clock = policy().clock();
    if (clock.related()) {
      return java.util.Optional.empty();
    }
    var type = table.columns().get(clock.column());
    return java.util.Optional.of(
        Sql.of(
            "CAST(? AS " + type.sqlType() + ") <= CAST(? AS " + type.sqlType() + ")",
            upper,
            point(type, step.stage().after())));
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
   * Rows this policy keeps against an erasure: all of its rows it has not let go itself ({@link
   * #released}). Where the policy is seen from a table above its own, only its own partitions' rows
   * (a row of another partition is not its to keep).
   */
  Sql notReleased(String alias) {
    var notReleased = released(alias).wrap("NOT (", ")");
    return within.isPresent() ? Sql.and(List.of(confinement(alias), notReleased)) : notReleased;
  }

  private Sql confinement(String alias) {
    return Sql.of(
        alias
            + ".tableoid = ANY ('{"
            + String.join(",", within.orElseThrow().stream().map(String::valueOf).toList())
            + "}'::oid[])");
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

  /**
   * Rows of this policy's table that a cascade from another table must not take: those it keeps
   * (covered, its delete stage not come), and, for a policy the law keeps rows under (legal
   * obligation, or {@code on-erasure: pseudonymise}), every row it has not let go itself.
   */
  Sql keepsFromCascade(String alias) {
    var policy = policy();
    if (policy.legalBasis() == dev.lethe.policy.LegalBasis.LEGAL_OBLIGATION
        || policy.onErasure().keepsRows()) {
      return notReleased(alias);
    }
    return keeps(alias);
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

  /**
   * The subject is one of {@code subjects} (false for rows without a subject): {@link
   * SubjectMatch}.
   */
  Sql subjectIn(String alias, Set<String> subjects) {
    return SubjectMatch.in(col(alias, policy().subject()), subjectType(), subjectArray(subjects));
  }

  /** The subject is none of {@code subjects} (true for rows without one): {@link SubjectMatch}. */
  Sql subjectNotIn(String alias, Set<String> subjects) {
    return SubjectMatch.notIn(
        col(alias, policy().subject()), subjectType(), subjectArray(subjects));
  }

  /** The subject column as the catalog gives it. */
  ColumnType subjectType() {
    return table.columns().get(policy().subject());
  }

  /**
   * Whether the subject column compares text whatever its case (citext): its rows are recorded in
   * the trail under {@link dev.lethe.audit.AuditTrail#anyCase}.
   */
  boolean subjectAnyCase() {
    return SubjectMatch.caseInsensitiveType(subjectType());
  }

  /** A key of the subject column as the trail records its rows ({@code anyCase}: see above). */
  static String recordedKey(String key, boolean anyCase) {
    return anyCase ? dev.lethe.audit.AuditTrail.anyCase(key) : key;
  }

  /** What kind of value the subject column holds. */
  ColumnType.Family subjectFamily() {
    return table.columns().get(policy().subject()).family();
  }

  /**
   * Subject keys as an array of the subject column's kind. A key that cannot be of that kind (text
   * under an integer column) matches no row, so it is left out rather than failing.
   */
  private Sql.ArrayParam subjectArray(Set<String> subjects) {
    synchronized (arrays) {
      var known = arrays.get(subjects);
      if (known != null) {
        return known;
      }
    }
    var array = SubjectArrays.of(subjectFamily(), subjectAnyCase(), subjects, subjectTokens);
    synchronized (arrays) {
      arrays.put(Set.copyOf(subjects), array);
    }
    return array;
  }

  /**
   * The arrays of the last few sets of spared subjects: every window of a run binds the same ones,
   * and making them (each key parsed, and tokenised under every key of the ring) took a tenth of a
   * window's time with fifteen thousand spared subjects. Sets are compared by their contents.
   */
  private final Map<Set<String>, Sql.ArrayParam> arrays =
      new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Set<String>, Sql.ArrayParam> eldest) {
          return size() > 8;
        }
      };

  /**
   * The row is still referenced through a foreign key that does not cascade (or whose cascade the
   * policy did not allow): {@link References}.
   */
  Sql referenced(String alias, int depth, Function<Table.ForeignKey, Optional<Sql>> childGoes) {
    return new References(this, cascades).referenced(alias, depth, childGoes);
  }
}
