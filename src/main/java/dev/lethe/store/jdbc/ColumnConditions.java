package dev.lethe.store.jdbc;

import dev.lethe.policy.Condition;
import dev.lethe.policy.Retention;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * A condition on a PostgreSQL column, and a moment as a value of a column's type: what policies and
 * statistics both compare their rows with. Values are bound, cast to the column's type.
 */
final class ColumnConditions {

  private ColumnConditions() {}

  /**
   * One condition on a column expression of the given type; periods count back from {@code now}.
   */
  static Sql compare(String column, ColumnType type, Condition c, ZonedDateTime now) {
    var cast = "CAST(? AS " + type.sqlType() + ")";
    var values =
        c.values().stream()
            .map(v -> type.family() == ColumnType.Family.TIMESTAMPTZ ? moment(v, now) : v)
            .toList();
    return switch (c.operator()) {
      case EQUALS -> Sql.of(column + " = " + cast, values.get(0));
      case BEFORE -> Sql.of(column + " < " + cast, values.get(0));
      case AFTER -> Sql.of(column + " > " + cast, values.get(0));
      case NEWER_THAN ->
          Sql.of(
              column + " > " + cast,
              point(type, Retention.parse(c.values().get(0)).orElseThrow(), now));
      case OLDER_THAN ->
          Sql.of(
              column + " < " + cast,
              point(type, Retention.parse(c.values().get(0)).orElseThrow(), now));
      case IS_NULL -> Sql.of(column + " IS NULL");
      case IS_NOT_NULL -> Sql.of(column + " IS NOT NULL");
      case IN ->
          new Sql(
              column
                  + " IN ("
                  + String.join(", ", c.values().stream().map(v -> cast).toList())
                  + ")",
              List.copyOf(values));
    };
  }

  /**
   * A value compared with a timestamptz: where written without an offset, with Lethe's zone's (else
   * PostgreSQL would read it in the session's zone, the host's).
   */
  private static String moment(String value, ZonedDateTime now) {
    return dev.lethe.store.ZonelessValues.asMoment(value, now.getZone())
        .map(m -> m.toOffsetDateTime().toString())
        .orElse(value);
  }

  /** The moment {@code ago} before {@code now}, written as a value of the column's type. */
  static String point(ColumnType type, Retention ago, ZonedDateTime now) {
    var cutoff = ago.cutoff(now);
    return switch (type.family()) {
      case TIMESTAMPTZ -> cutoff.toOffsetDateTime().toString();
      case TIMESTAMP -> cutoff.toLocalDateTime().toString();
      // a day has passed only when the whole of it lies before the cutoff
      default -> cutoff.toLocalDate().toString();
    };
  }
}
