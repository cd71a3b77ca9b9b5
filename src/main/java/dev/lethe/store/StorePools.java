package dev.lethe.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.lethe.system.LetheProperties;
import dev.lethe.system.LetheProperties.DatabaseSettings;

/**
 * The connection pool of a database store, made when the store is first used: a few connections
 * (the windows, the survey beside them, a check), and no failure at start-up when the database is
 * away, so that commands that do not touch a store do not wait for it.
 */
public final class StorePools {

  private StorePools() {}

  public static HikariDataSource pool(
      String storeName, String url, DatabaseSettings settings, java.time.Duration connectTimeout) {
    var ds = new HikariDataSource();
    ds.setPoolName("lethe-store-" + storeName);
    ds.setJdbcUrl(url);
    ds.setUsername(settings.username());
    ds.setPassword(settings.password());
    // the windows purged at once, the survey beside them, a check. Four are opened in the
    // background when the store is first used (while the policies are checked), so that a run's
    // first windows do not wait for connections; more are opened as they are needed.
    ds.setMaximumPoolSize(LetheProperties.MAX_PARALLEL_WINDOWS + 2);
    ds.setMinimumIdle(4);
    ds.setInitializationFailTimeout(-1);
    // a store that does not answer, or refuses the login, fails within this, with the driver's
    // cause (Hikari's own wait of 30 s hid it behind "Connection is not available")
    ds.setConnectionTimeout(Math.max(250, connectTimeout.toMillis()));
    return ds;
  }
}
