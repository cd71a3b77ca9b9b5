package dev.lethe.store;

/**
 * {@link dev.lethe.transform.Values#browserFamily} as one SQL expression, rule for rule, so that a
 * statistic can group by browser family in the store, where a subject is counted once per family.
 * The rules are written once, here; each database store gives the few functions they need in its
 * own SQL ({@link Dialect}). Tests hold every store's expression to the Java answers.
 */
public final class BrowserFamilyRules {

  /** Markers looked for in order, and the family each one names. */
  private static final String[][] FAMILIES = {
    {"Edg/", "Edge"},
    {"OPR/", "Opera"},
    {"Firefox/", "Firefox"},
    {"Chrome/", "Chrome"},
    {"MSIE ", "Internet Explorer"},
  };

  /** The string functions the rules need, in one database's SQL. */
  public interface Dialect {

    /** Where {@code marker} (plain ASCII) first starts in {@code text}, from 1; 0 if nowhere. */
    String position(String text, String marker);

    String lower(String text);

    /** {@code text} from the character at {@code from} (1-based) on. */
    String from(String text, String from);

    /**
     * "Family N" when {@code rest} starts with '/' or ' ' and one to six digits (N without leading
     * zeros), else "Family".
     */
    String withMajor(String family, String rest);

    /** Whether all of {@code text} matches the POSIX-style {@code regex}, case-sensitively. */
    String matches(String text, String regex);
  }

  private BrowserFamilyRules() {}

  /** The browser family of the user-agent expression {@code ua} (a catalog identifier). */
  public static String sql(String ua, Dialect d) {
    var lower = d.lower(ua);
    var sql = new StringBuilder("(CASE WHEN ").append(ua).append(" IS NULL THEN NULL");
    // a value reduced before is its own family
    sql.append(" WHEN ")
        .append(d.matches(ua, dev.lethe.transform.Values.BROWSER_FAMILY))
        .append(" THEN ")
        .append(ua);
    sql.append(" WHEN ")
        .append(d.position(lower, "bot"))
        .append(" > 0 OR ")
        .append(d.position(lower, "spider"))
        .append(" > 0 OR ")
        .append(d.position(lower, "crawl"))
        .append(" > 0 THEN 'Bot'");
    sql.append(" WHEN ").append(d.position(lower, "curl/")).append(" = 1 THEN 'curl'");
    sql.append(" WHEN ").append(d.position(lower, "wget/")).append(" = 1 THEN 'Wget'");
    for (var family : FAMILIES) {
      var at = d.position(ua, family[0]);
      sql.append(" WHEN ")
          .append(at)
          .append(" > 0 THEN ")
          .append(d.withMajor(family[1], d.from(ua, at + " + " + (family[0].length() - 1))));
    }
    var version = d.position(ua, "Version/");
    sql.append(" WHEN ")
        .append(d.position(ua, "Safari/"))
        .append(" > 0 AND ")
        .append(version)
        .append(" > 0 THEN ")
        .append(d.withMajor("Safari", d.from(ua, version + " + 7")));
    sql.append(" WHEN ").append(d.position(ua, "Trident/")).append(" > 0 THEN 'Internet Explorer'");
    return sql.append(" ELSE 'Other' END)").toString();
  }
}
