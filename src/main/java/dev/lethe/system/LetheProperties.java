package dev.lethe.system;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Lethe's settings, bound from {@code lethe.*}: where the control database and the stores are, and
 * where policies, jobs and reports live. Scripts outside the project rely on these names.
 */
@ConfigurationProperties(prefix = "lethe", ignoreUnknownFields = false)
public record LetheProperties(
    DatabaseSettings controlDatabase,
    @DefaultValue Map<String, DatabaseSettings> stores,
    @DefaultValue("retention-policies") Path policies,
    @DefaultValue("jobs") Path jobs,
    @DefaultValue("reports") Path reports,
    @DefaultValue("UTC") ZoneId timeZone,
    @DefaultValue("100000") int chunkSize) {

  public LetheProperties {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("lethe.chunk-size (rows per window) must be at least 1");
    }
  }

  /** A JDBC connection: url, user and password (secrets come from the environment). */
  public record DatabaseSettings(String url, String username, String password) {

    public boolean configured() {
      return url != null && !url.isBlank();
    }
  }

  public boolean hasControlDatabase() {
    return controlDatabase != null && controlDatabase.configured();
  }
}
