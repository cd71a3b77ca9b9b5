package dev.lethe.store.mariadb;

import dev.lethe.transform.Tokens;
import dev.lethe.transform.Transform;
import dev.lethe.transform.Values;
import java.util.Optional;

/**
 * The transforms a MariaDB column takes, all computed in Lethe from the value as text: hmac (a text
 * column of 64 characters or more, or a bigint), ip-prefix, browser-family, keep-first, keep-last
 * (text), year, month, day (dates and times), round (numbers), band (numbers, text), null (a
 * nullable column) and constant.
 */
final class MariaTransforms {

  private MariaTransforms() {}

  private static final java.time.format.DateTimeFormatter HH_MM_SS =
      java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss");

  /** Why the transform does not fit the column; empty when it fits. */
  static Optional<String> unfit(Transform transform, MariaTable.Column column) {
    if (transform instanceof Transform.Hmac) {
      if (column.type().equals("bigint")) {
        return Optional.empty();
      }
      if (column.isText()
          && (column.maxLength() == 0 || column.maxLength() >= Tokens.TEXT_LENGTH)) {
        return Optional.empty();
      }
      return Optional.of(
          "a token is 64 characters (or a bigint) and the column is " + column.columnType());
    }
    if (transform instanceof Transform.IpPrefix
        || transform instanceof Transform.BrowserFamily
        || transform instanceof Transform.KeepFirst
        || transform instanceof Transform.KeepLast) {
      return column.isText()
          ? Optional.empty()
          : Optional.of("it takes text, and the column is " + column.columnType());
    }
    if (transform instanceof Transform.Nullify) {
      return column.nullable() ? Optional.empty() : Optional.of("the column is NOT NULL");
    }
    if (transform instanceof Transform.Constant) {
      return Optional.empty();
    }
    if (transform instanceof Transform.Truncate) {
      return column.isTime()
          ? Optional.empty()
          : Optional.of("it takes a date or time, and the column is " + column.columnType());
    }
    if (transform instanceof Transform.Round) {
      return column.isNumber()
          ? Optional.empty()
          : Optional.of("it takes a number, and the column is " + column.columnType());
    }
    if (transform instanceof Transform.Band) {
      return column.isNumber() || column.isText()
          ? Optional.empty()
          : Optional.of("it takes a number or text, and the column is " + column.columnType());
    }
    return Optional.of("this transform is not done on MariaDB stores yet (issue #8)");
  }

  /**
   * The new value of {@code old} (text as the server wrote it; null stays null). Year, month and
   * day are the start of that period in {@code zone}, Lethe's, as {@link MariaTime} reads the
   * column.
   */
  static String apply(
      Transform transform,
      MariaTable.Column column,
      String old,
      Tokens tokens,
      java.time.ZoneId zone) {
    if (transform instanceof Transform.Constant constant) {
      return constant.value();
    }
    if (old == null || transform instanceof Transform.Nullify) {
      return null;
    }
    if (transform instanceof Transform.Hmac) {
      return column.type().equals("bigint") ? Long.toString(tokens.number(old)) : tokens.text(old);
    }
    if (transform instanceof Transform.IpPrefix ip) {
      var cut = Values.ipPrefix(old, ip.v4(), ip.v6());
      return cut == null ? old : cut;
    }
    if (transform instanceof Transform.BrowserFamily) {
      return Values.browserFamily(old);
    }
    if (transform instanceof Transform.KeepFirst first) {
      return Values.keepFirst(old, first.characters());
    }
    if (transform instanceof Transform.KeepLast last) {
      return Values.keepLast(old, last.characters());
    }
    if (transform instanceof Transform.Truncate truncate) {
      // the server writes a DATE as 2025-05-17, a DATETIME or TIMESTAMP as 2025-05-17 10:05:03
      // (a TIMESTAMP in UTC, as the session is): the period's start is a midnight in Lethe's zone
      var day =
          column.type().equals("date")
              ? java.time.LocalDate.parse(old.substring(0, 10))
              : MariaTime.day(
                  column,
                  java.time.LocalDateTime.parse(old.substring(0, 19).replace(' ', 'T')),
                  zone);
      var start =
          switch (truncate.unit()) {
            case YEAR -> day.withDayOfYear(1);
            case MONTH -> day.withDayOfMonth(1);
            case DAY -> day;
          };
      if (column.type().equals("date")) {
        return start.toString();
      }
      var value = (java.time.LocalDateTime) MariaTime.value(column, start.atStartOfDay(zone));
      return value.toLocalDate() + " " + value.toLocalTime().withNano(0).format(HH_MM_SS);
    }
    if (transform instanceof Transform.Round round) {
      return new java.math.BigDecimal(old)
          .setScale(round.decimals(), java.math.RoundingMode.HALF_UP)
          .toPlainString();
    }
    if (transform instanceof Transform.Band band) {
      return column.isText()
          ? Values.bandLabel(old, band.width())
          : Values.lowerBound(old, band.width())
              .map(java.math.BigDecimal::toPlainString)
              .orElse(null);
    }
    throw new IllegalStateException("validate refuses " + transform + " first");
  }
}
