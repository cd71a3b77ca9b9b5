package dev.lethe.store.jdbc;

import dev.lethe.transform.Tokens;
import dev.lethe.transform.Transform;
import dev.lethe.transform.Values;
import java.time.ZoneId;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * How a transform applies to a PostgreSQL column of a given type: computed by the database in the
 * UPDATE itself where it can be (a date truncated, a number rounded, an inet cut to its network),
 * in Lethe where it cannot (a token needs the key, which stays in Lethe; a user-agent string needs
 * parsing), or not at all: a transform that cannot fit the column is a {@code validate} error,
 * never a failure half-way through a run.
 */
final class ColumnTransforms {

  private ColumnTransforms() {}

  /** One transform on one column: how, or why not. */
  sealed interface Way {}

  /** The database computes the new value from the row's column ({@code t."col"}). */
  record InSql(Function<String, Sql> expression) implements Way {}

  /** Lethe computes the new value from the old one's text; the text is cast to the column. */
  record InLethe(BiFunction<Tokens, String, String> function, boolean needsKey) implements Way {}

  /** The transform cannot fit the column. */
  record Unfit(String message, String fix) implements Way {}

  static Way of(Transform transform, ColumnType column, ZoneId zone) {
    var type = column.sqlType();
    var family = column.family();
    if (transform instanceof Transform.Hmac) {
      return hmac(column);
    }
    if (transform instanceof Transform.IpPrefix p) {
      if (family == ColumnType.Family.INET) {
        return new InSql(
            c ->
                Sql.of(
                    "CAST(network(set_masklen("
                        + c
                        + ", CASE WHEN family("
                        + c
                        + ") = 4 THEN least(?, masklen("
                        + c
                        + ")) ELSE least(?, masklen("
                        + c
                        + ")) END)) AS "
                        + type
                        + ")",
                    p.v4(),
                    p.v6()));
      }
      if (family == ColumnType.Family.TEXT) {
        return new InLethe((tokens, v) -> Values.ipPrefix(v, p.v4(), p.v6()), false);
      }
      return new Unfit(
          "ip-prefix needs an address, and column '" + column.name() + "' is " + type,
          "use it on an inet, cidr or text column");
    }
    if (transform instanceof Transform.BrowserFamily b) {
      if (family == ColumnType.Family.TEXT
          && column.maxLength().orElse(Integer.MAX_VALUE) >= Values.BROWSER_FAMILY_LENGTH) {
        return new InLethe((tokens, v) -> Values.browserFamily(v), false);
      }
      return new Unfit(
          "browser-family writes up to "
              + Values.BROWSER_FAMILY_LENGTH
              + " characters of text, and column '"
              + column.name()
              + "' is "
              + type,
          "use it on a text column, or varchar(" + Values.BROWSER_FAMILY_LENGTH + ") or wider");
    }
    if (transform instanceof Transform.Truncate t) {
      if (family.isTime()) {
        String unit = t.unit().yamlName();
        return new InSql(
            c ->
                family == ColumnType.Family.TIMESTAMPTZ
                    // the year of a moment depends on the zone: the run's, not the server's
                    ? Sql.of(
                        "CAST(date_trunc('" + unit + "', " + c + ", ?) AS " + type + ")",
                        zone.getId())
                    : Sql.of("CAST(date_trunc('" + unit + "', " + c + ") AS " + type + ")"));
      }
      return new Unfit(
          t.unit().yamlName()
              + " truncates a date or timestamp, and column '"
              + column.name()
              + "' is "
              + type,
          "use it on a date, timestamp or timestamptz column");
    }
    if (transform instanceof Transform.KeepFirst k) {
      if (family == ColumnType.Family.TEXT) {
        return new InSql(
            c ->
                Sql.of(
                    "CAST(left("
                        + c
                        + ", ?) || repeat('*', greatest(char_length("
                        + c
                        + ") - ?, 0)) AS "
                        + type
                        + ")",
                    k.characters(),
                    k.characters()));
      }
      return textOnly("keep-first", column);
    }
    if (transform instanceof Transform.KeepLast k) {
      if (family == ColumnType.Family.TEXT) {
        return new InSql(
            c ->
                Sql.of(
                    "CAST(repeat('*', greatest(char_length("
                        + c
                        + ") - ?, 0)) || right("
                        + c
                        + ", ?) AS "
                        + type
                        + ")",
                    k.characters(),
                    k.characters()));
      }
      return textOnly("keep-last", column);
    }
    if (transform instanceof Transform.Round r) {
      if (family.isNumber()) {
        return new InSql(
            c ->
                Sql.of("CAST(round(CAST(" + c + " AS numeric), ?) AS " + type + ")", r.decimals()));
      }
      return new Unfit(
          "round needs a number, and column '" + column.name() + "' is " + type,
          "use it on a numeric, real, double precision or integer column");
    }
    if (transform instanceof Transform.Nullify n) {
      if (!column.notNull()) {
        return new InSql(c -> Sql.of("NULL"));
      }
      return new Unfit(
          "column '" + column.name() + "' is NOT NULL, so its value cannot be removed",
          "use {constant: VALUE}, or a transform that keeps a value");
    }
    if (transform instanceof Transform.Constant k) {
      return new InSql(c -> Sql.of("CAST(? AS " + type + ")", k.value()));
    }
    if (transform instanceof Transform.Band b) {
      if (family.isNumber()) {
        return new InSql(
            c ->
                Sql.of(
                    "CAST(floor(CAST("
                        + c
                        + " AS numeric) / CAST(? AS numeric)) * CAST(? AS numeric) AS "
                        + type
                        + ")",
                    Long.toString(b.width()),
                    Long.toString(b.width())));
      }
      if (family == ColumnType.Family.TEXT) {
        return new InLethe((tokens, v) -> Values.bandLabel(v, b.width()), false);
      }
      return new Unfit(
          "band needs a number, and column '" + column.name() + "' is " + type,
          "use it on a number column (which gets the band's lower bound) or a text column"
              + " (which gets \"30-39\")");
    }
    throw new IllegalArgumentException("unknown transform " + transform.describe());
  }

  /** A token shaped to the column: hex text, a 63-bit number, or a UUID. */
  private static Way hmac(ColumnType column) {
    return switch (column.family()) {
      case TEXT -> {
        var length = column.maxLength();
        if (length.isPresent() && length.getAsInt() < Tokens.TEXT_LENGTH) {
          yield new Unfit(
              "a token is "
                  + Tokens.TEXT_LENGTH
                  + " characters and column '"
                  + column.name()
                  + "' is "
                  + column.sqlType(),
              "widen the column to varchar(" + Tokens.TEXT_LENGTH + ") or text");
        }
        yield new InLethe((tokens, v) -> tokens.text(v), true);
      }
      case BIGINT -> new InLethe((tokens, v) -> string(tokens.number(v)), true);
      case UUID -> new InLethe((tokens, v) -> string(tokens.uuid(v)), true);
      case INTEGER ->
          new Unfit(
              "a numeric token has 63 bits and column '"
                  + column.name()
                  + "' is "
                  + column.sqlType()
                  + ": tokens of different values would collide",
              "widen the column to bigint");
      default ->
          new Unfit(
              "hmac writes text, bigint or uuid tokens, and column '"
                  + column.name()
                  + "' is "
                  + column.sqlType(),
              "use it on a text, varchar(64 or more), bigint or uuid column");
    };
  }

  private static String string(Object value) {
    return value == null ? null : value.toString();
  }

  private static Way textOnly(String name, ColumnType column) {
    return new Unfit(
        name
            + " masks characters of text, and column '"
            + column.name()
            + "' is "
            + column.sqlType(),
        "use it on a text, varchar or char column");
  }
}
