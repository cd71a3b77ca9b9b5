package dev.lethe.store.mariadb;

/**
 * {@link dev.lethe.transform.Values#browserFamily} in MariaDB's SQL, rule for rule, as {@code
 * BrowserFamilySql} is in PostgreSQL's. The markers are looked for in the bytes of the value (CAST
 * AS BINARY): Java's {@code indexOf} is case-sensitive, and MariaDB's usual collations are not. A
 * test holds the two to the same answers.
 */
final class MariaBrowserFamilySql {

  private static final String[][] FAMILIES = {
    {"Edg/", "Edge"},
    {"OPR/", "Opera"},
    {"Firefox/", "Firefox"},
    {"Chrome/", "Chrome"},
    {"MSIE ", "Internet Explorer"},
  };

  private MariaBrowserFamilySql() {}

  /** The browser family of the user-agent expression {@code ua} (a catalog identifier). */
  static String of(String ua) {
    var bytes = "CAST(" + ua + " AS BINARY)";
    var lower = "LOWER(" + ua + ")";
    var sql = new StringBuilder("(CASE WHEN ").append(ua).append(" IS NULL THEN NULL");
    sql.append(" WHEN LOCATE('bot', ")
        .append(lower)
        .append(") > 0 OR LOCATE('spider', ")
        .append(lower)
        .append(") > 0 OR LOCATE('crawl', ")
        .append(lower)
        .append(") > 0 THEN 'Bot'");
    sql.append(" WHEN LEFT(").append(lower).append(", 5) = 'curl/' THEN 'curl'");
    sql.append(" WHEN LEFT(").append(lower).append(", 5) = 'wget/' THEN 'Wget'");
    for (var family : FAMILIES) {
      var at = "LOCATE('" + family[0] + "', " + bytes + ")";
      sql.append(" WHEN ")
          .append(at)
          .append(" > 0 THEN ")
          .append(
              withMajor(
                  family[1],
                  "SUBSTR(" + bytes + ", " + at + " + " + (family[0].length() - 1) + ")"));
    }
    var version = "LOCATE('Version/', " + bytes + ")";
    sql.append(" WHEN LOCATE('Safari/', ")
        .append(bytes)
        .append(") > 0 AND ")
        .append(version)
        .append(" > 0 THEN ")
        .append(withMajor("Safari", "SUBSTR(" + bytes + ", " + version + " + 7)"));
    sql.append(" WHEN LOCATE('Trident/', ").append(bytes).append(") > 0 THEN 'Internet Explorer'");
    return sql.append(" ELSE 'Other' END)").toString();
  }

  /** "Family N" when {@code rest} starts with '/' or ' ' and one to six digits, else "Family". */
  private static String withMajor(String family, String rest) {
    // REGEXP_SUBSTR gives '' where nothing matches (PostgreSQL's substring gives null)
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
}
