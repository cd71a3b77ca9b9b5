package dev.lethe.store.mariadb;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which servers the MariaDB store works with. It relies on DELETE ... RETURNING (MariaDB 10.0 on)
 * and, for statistics, common table expressions and window functions (10.2 on). MySQL has no
 * RETURNING, and no MySQL server was at hand to build and test another way against: a MySQL server
 * is refused with that said, rather than failing in the middle of a run.
 */
final class MariaServer {

  private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)");

  private MariaServer() {}

  /**
   * What is wrong with the server for Lethe, if anything, from the driver's product name and
   * version (MariaDB's driver names a MariaDB server "MariaDB", a MySQL one "MySQL").
   */
  static Optional<String> unsupported(String productName, String productVersion) {
    if (!productName.toLowerCase(java.util.Locale.ROOT).contains("mariadb")
        && !productVersion.toLowerCase(java.util.Locale.ROOT).contains("mariadb")) {
      return Optional.of(
          "the server is "
              + productName
              + " "
              + productVersion
              + ", and Lethe's MariaDB store needs MariaDB 10.2 or later (it deletes with"
              + " DELETE ... RETURNING, which MySQL does not have)");
    }
    // MariaDB before 11 may prefix its version with 5.5.5- for old MySQL clients
    var version =
        VERSION.matcher(
            productVersion.startsWith("5.5.5-") ? productVersion.substring(6) : productVersion);
    if (version.find()) {
      int major = Integer.parseInt(version.group(1));
      int minor = Integer.parseInt(version.group(2));
      if (major < 10 || (major == 10 && minor < 2)) {
        return Optional.of(
            "the server is MariaDB "
                + productVersion
                + ", and Lethe needs 10.2 or later (common table expressions, window functions)");
      }
    }
    return Optional.empty();
  }
}
