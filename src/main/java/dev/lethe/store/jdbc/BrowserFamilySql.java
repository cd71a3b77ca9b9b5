package dev.lethe.store.jdbc;

/**
 * {@link dev.lethe.transform.Values#browserFamily} in SQL, rule for rule, so that a statistic can
 * group by browser family in the store, where a subject is counted once per family. A test holds
 * the two to the same answers.
 */
final class BrowserFamilySql {

  private static final String[][] FAMILIES = {
    {"Edg/", "Edge"},
    {"OPR/", "Opera"},
    {"Firefox/", "Firefox"},
    {"Chrome/", "Chrome"},
    {"MSIE ", "Internet Explorer"},
  };

  private BrowserFamilySql() {}

  /** The browser family of the user-agent expression {@code ua} (a catalog identifier). */
  static String of(String ua) {
    var sql = new StringBuilder("(CASE WHEN ").append(ua).append(" IS NULL THEN NULL");
    var lower = "lower(" + ua + ")";
    sql.append(" WHEN strpos(")
        .append(lower)
        .append(", 'bot') > 0 OR strpos(")
        .append(lower)
        .append(", 'spider') > 0 OR strpos(")
        .append(lower)
        .append(", 'crawl') > 0 THEN 'Bot'");
    sql.append(" WHEN left(").append(lower).append(", 5) = 'curl/' THEN 'curl'");
    sql.append(" WHEN left(").append(lower).append(", 5) = 'wget/' THEN 'Wget'");
    for (var family : FAMILIES) {
      var at = "strpos(" + ua + ", '" + family[0] + "')";
      sql.append(" WHEN ")
          .append(at)
          .append(" > 0 THEN ")
          .append(
              withMajor(
                  family[1], "substr(" + ua + ", " + at + " + " + (family[0].length() - 1) + ")"));
    }
    var version = "strpos(" + ua + ", 'Version/')";
    sql.append(" WHEN strpos(")
        .append(ua)
        .append(", 'Safari/') > 0 AND ")
        .append(version)
        .append(" > 0 THEN ")
        .append(withMajor("Safari", "substr(" + ua + ", " + version + " + 7)"));
    sql.append(" WHEN strpos(").append(ua).append(", 'Trident/') > 0 THEN 'Internet Explorer'");
    return sql.append(" ELSE 'Other' END)").toString();
  }

  /** "Family N" when {@code rest} starts with '/' or ' ' and up to six digits, else "Family". */
  private static String withMajor(String family, String rest) {
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
}
