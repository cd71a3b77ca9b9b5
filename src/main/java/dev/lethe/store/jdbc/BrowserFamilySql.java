package dev.lethe.store.jdbc;

import dev.lethe.store.BrowserFamilyRules;

/** The browser-family rules ({@link BrowserFamilyRules}) in PostgreSQL's string functions. */
final class BrowserFamilySql {

  private static final BrowserFamilyRules.Dialect POSTGRES =
      new BrowserFamilyRules.Dialect() {
        @Override
        public String position(String text, String marker) {
          return "strpos(" + text + ", '" + marker + "')";
        }

        @Override
        public String lower(String text) {
          return "lower(" + text + ")";
        }

        @Override
        public String from(String text, String from) {
          return "substr(" + text + ", " + from + ")";
        }

        @Override
        public String matches(String text, String regex) {
          return "(" + text + " ~ '" + regex + "')";
        }

        @Override
        public String withMajor(String family, String rest) {
          // null where nothing matches
          var digits = "substring(" + rest + " from '^[/ ]([0-9]+)')";
          return "(CASE WHEN length("
              + digits
              + ") <= 6 THEN '"
              + family
              + " ' || CAST(CAST("
              + digits
              + " AS integer) AS text) ELSE '"
              + family
              + "' END)";
        }
      };

  private BrowserFamilySql() {}

  /** The browser family of the user-agent expression {@code ua} (a catalog identifier). */
  static String of(String ua) {
    return BrowserFamilyRules.sql(ua, POSTGRES);
  }
}
