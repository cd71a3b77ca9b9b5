package dev.lethe.cli;

import dev.lethe.hold.HoldsInForce;
import dev.lethe.policy.Definitions;
import dev.lethe.system.BadInputException;
import dev.lethe.system.LetheProperties;
import java.util.Optional;
import java.util.Properties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@code lethe validate} on definitions that runs would refuse: a hold in force that names a policy
 * or category the definitions no longer have (renamed or removed). Validate starts no control
 * database of its own (it stays fast and runs where only the stores are reachable), so it reads the
 * holds over one plain connection where a control database is configured; one it cannot read is a
 * warning, not a pass: the runs still check.
 */
final class HoldsAgainstDefinitions {

  /** What the check found: an error (the runs would refuse), a warning, or nothing. */
  record Finding(boolean error, String message) {}

  private HoldsAgainstDefinitions() {}

  static Optional<Finding> check(LetheProperties properties, Definitions definitions) {
    if (!properties.hasControlDatabase()) {
      return Optional.empty(); // an embedded control database holds no one's holds
    }
    var settings = properties.controlDatabase();
    var connection = new Properties();
    if (settings.username() != null) {
      connection.setProperty("user", settings.username());
    }
    if (settings.password() != null) {
      connection.setProperty("password", settings.password());
    }
    long seconds = Math.max(1, properties.connectTimeout().toSeconds());
    connection.setProperty("connectTimeout", Long.toString(seconds));
    // a server that takes the connection and never answers: given up within twice the timeout
    connection.setProperty("socketTimeout", Long.toString(seconds));
    connection.setProperty("logServerErrorDetail", "false");
    var dataSource = new DriverManagerDataSource(settings.url(), connection);
    var jdbc = JdbcClient.create(dataSource);
    try {
      var table =
          jdbc.sql("SELECT to_regclass('lethe.legal_hold') IS NOT NULL").query(Boolean.class);
      if (!table.single()) {
        // a control database no command has used yet (or another database): no hold to check
        return Optional.of(
            new Finding(
                false,
                "the control database holds no Lethe records yet (no command has used it; is"
                    + " lethe.control-database the right database?): no legal hold was checked"));
      }
      new HoldsInForce(jdbc).checkScopes(definitions);
      return Optional.empty();
    } catch (BadInputException orphans) {
      return Optional.of(new Finding(true, orphans.getMessage()));
    } catch (RuntimeException unreadable) {
      return Optional.of(
          new Finding(
              false,
              "the legal holds in force were not checked against these policies: the control"
                  + " database could not be read ("
                  + unreadable.getClass().getSimpleName()
                  + "). Runs and plans check them and refuse while a hold names a policy or"
                  + " category that is no longer defined"));
    }
  }
}
