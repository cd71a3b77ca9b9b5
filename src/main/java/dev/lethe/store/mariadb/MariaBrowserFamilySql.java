package dev.lethe.store.mariadb;

import dev.lethe.store.BrowserFamilyRules;

/**
 * The browser-family rules ({@link BrowserFamilyRules}) in MariaDB's string functions. Markers are
 * looked for in the value's bytes (CAST AS BINARY): Java's {@code indexOf} is case-sensitive, and
 * MariaDB's usual collations are not.
 */
final class MariaBrowserFamilySql {

  private static final BrowserFamilyRules.Dialect MARIADB =
      new BrowserFamilyRules.Dialect() {
        @Override
        public String position(String text, String marker) {
          return "LOCATE('" + marker + "', CAST(" + text + " AS BINARY))";
        }

        @Override
        public String lower(String text) {
          return "LOWER(" + text + ")";
        }

        @Override
        public String from(String text, String from) {
          return "SUBSTR(CAST(" + text + " AS BINARY), " + from + ")";
        }

        @Override
        public String matches(String text, String regex) {
          // the bytes: case-sensitive as Java is
          return "(CAST(" + text + " AS BINARY) REGEXP '" + regex + "')";
        }

        @Override
        public String withMajor(String family, String rest) {
          // REGEXP_SUBSTR gives '' where nothing matches
          var digits = "SUBSTR(REGEXP_SUBSTR(" + rest + ", '^[/ ][0-9]+'), 2)";
          return "(CASE WHEN LENGTH("
              + digits
              + ") BETWEEN 1 AND 6 THEN CONCAT('"
              + family
              + " ', CAST(CAST("
              + digits
              + " AS UNSIGNED) AS CHAR)) ELSE '"
              + family
              + "' END)";
        }
      };

  private MariaBrowserFamilySql() {}

  /** The browser family of the user-agent expression {@code ua} (a catalog identifier). */
  static String of(String ua) {
    return BrowserFamilyRules.sql(ua, MARIADB);
  }
}
