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
    @DefaultValue Map<String, StoreSettings> stores,
    @DefaultValue("retention-policies") Path policies,
    @DefaultValue("jobs") Path jobs,
    @DefaultValue("reports") Path reports,
    @DefaultValue("UTC") ZoneId timeZone,
    @DefaultValue("100000") int chunkSize,
    @DefaultValue("2") int parallelWindows,
    @DefaultValue Pseudonymisation pseudonymisation,
    @DefaultValue Requests requests,
    @DefaultValue Audit audit,
    @DefaultValue("PT10S") java.time.Duration lockTimeout,
    @DefaultValue("PT2M") java.time.Duration stallReport,
    @DefaultValue("false") boolean reportsGroupReadable,
    @DefaultValue("PT10S") java.time.Duration connectTimeout) {

  /** The most windows purged at once: each takes a connection of the store's pool. */
  public static final int MAX_PARALLEL_WINDOWS = 6;

  public LetheProperties {
    if (lockTimeout == null || lockTimeout.isNegative() || lockTimeout.isZero()) {
      throw new IllegalArgumentException(
          "lethe.lock-timeout (how long a statement waits for a lock) must be a positive"
              + " duration, such as PT10S");
    }
    if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException(
          "lethe.connect-timeout (how long a store's connection may take) must be a positive"
              + " duration, such as PT10S");
    }
    if (chunkSize < 1) {
      throw new IllegalArgumentException("lethe.chunk-size (rows per window) must be at least 1");
    }
    if (parallelWindows < 1 || parallelWindows > MAX_PARALLEL_WINDOWS) {
      throw new IllegalArgumentException(
          "lethe.parallel-windows (windows of one table purged at once) must be 1 to "
              + MAX_PARALLEL_WINDOWS);
    }
  }

  /**
   * The id of the HMAC key that tokens are made with, and the file holding the key. Without a file,
   * the key comes from the environment variable LETHE_HMAC_KEY: never from a policy, this file or
   * the command line.
   */
  public record Pseudonymisation(
      String keyId,
      Path keyFile,
      Path keyRing,
      @DefaultValue java.util.List<String> retiredKeyIds) {

    public Pseudonymisation(String keyId, Path keyFile, Path keyRing) {
      this(keyId, keyFile, keyRing, java.util.List.of());
    }

    @org.springframework.boot.context.properties.bind.ConstructorBinding
    public Pseudonymisation {}
  }

  /**
   * The keys that sign the audit trail and its checkpoints: {@code keys}, a folder of {@code
   * KEY-ID.key} and {@code KEY-ID.pub} files, {@code key-id} the one to sign with; and {@code
   * checkpoints}, folders besides the reports folder where each checkpoint is copied.
   */
  public record Audit(String keyId, Path keys, @DefaultValue java.util.List<Path> checkpoints) {}

  /**
   * Data-subject requests: how long after receipt a request is due (a month, GDPR art. 12.3), and
   * the folder exports are written to.
   */
  public record Requests(
      @DefaultValue("P1M") java.time.Period deadline, @DefaultValue("exports") Path exports) {}

  /**
   * Where a store's data is: a database reached by JDBC ({@code url}, {@code username}, {@code
   * password}), or, with {@code kind: logfiles}, a directory of log files: the files a name pattern
   * takes ({@code files}, such as {@code access.log*}) in a line {@code format} (combined, common,
   * json or regex; for regex a {@code pattern} with named groups), and for json and regex the field
   * that holds each line's time ({@code time-field}) and how it is written ({@code time-format},
   * default ISO-8601), and the name of the file being written ({@code active}: by default the
   * pattern without its last {@code *}; {@code none} where no file is being written), and the zone
   * that times written without an offset are in ({@code time-zone}, default {@code
   * lethe.time-zone}).
   */
  public record StoreSettings(
      String url,
      String username,
      String password,
      @DefaultValue("jdbc") String kind,
      Path directory,
      @DefaultValue("*") String files,
      @DefaultValue("combined") String format,
      String pattern,
      @DefaultValue("time") String timeField,
      String timeFormat,
      String active,
      java.time.ZoneId timeZone) {

    public boolean logFiles() {
      return "logfiles".equals(kind);
    }

    public DatabaseSettings database() {
      return new DatabaseSettings(url, username, password);
    }
  }

  /**
   * A JDBC connection: url, user and password (secrets come from the environment). For the control
   * database, also the role that owns Lethe's tables and runs the migrations, where it is not the
   * one Lethe runs as: the runtime role then may only read and append to the audit trail.
   */
  public record DatabaseSettings(
      String url,
      String username,
      String password,
      String migrationUsername,
      String migrationPassword) {

    @org.springframework.boot.context.properties.bind.ConstructorBinding
    public DatabaseSettings {}

    public DatabaseSettings(String url, String username, String password) {
      this(url, username, password, null, null);
    }

    /** Whether migrations run as an owner role of their own. */
    public boolean ownedByAnotherRole() {
      return migrationUsername != null && !migrationUsername.isBlank();
    }

    public boolean configured() {
      return url != null && !url.isBlank();
    }
  }

  public boolean hasControlDatabase() {
    return controlDatabase != null && controlDatabase.configured();
  }
}
