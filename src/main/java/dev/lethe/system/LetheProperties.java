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
    @DefaultValue("PT10S") java.time.Duration connectTimeout,
    @DefaultValue Console console) {

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

  /**
   * The console of {@code lethe serve}: off unless {@code users} are configured, so that a fresh
   * serve exposes nothing by surprise; on {@code address} (this machine only, unless widened) and
   * {@code port}. Each user has a bcrypt hash of their password and roles: {@code operator} (runs),
   * {@code compliance} (holds, restrictions, objections, requests, the trail), {@code analyst}
   * (statistics), {@code viewer} (reports). A signed-in session ends after {@code session-timeout}
   * without a request. {@code secure-cookies}: where the console is reached over TLS (through a
   * proxy), its cookies are sent only over TLS.
   */
  public record Console(
      @DefaultValue("8080") int port,
      @DefaultValue("127.0.0.1") String address,
      @DefaultValue Map<String, ConsoleUser> users,
      @DefaultValue("PT30M") java.time.Duration sessionTimeout,
      @DefaultValue("false") boolean secureCookies,
      Oidc oidc) {

    /** The roles a console user may have. */
    public static final java.util.List<String> ROLES =
        java.util.List.of("operator", "compliance", "analyst", "viewer");

    private static final java.util.regex.Pattern BCRYPT =
        java.util.regex.Pattern.compile("\\$2[aby]?\\$[0-9]{2}\\$[./A-Za-z0-9]{53}");

    /**
     * A user name: lower-case letters, digits, - and _ (a map key in the settings: other characters
     * are dropped by the binding, and names are compared without case).
     */
    public static final java.util.regex.Pattern NAME =
        java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    /** The least bcrypt cost taken: 2^10 rounds; 'lethe hash-password' makes 2^12. */
    public static final int LEAST_COST = 10;

    public Console {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(
            "lethe.console.port " + port + " is not a port. Fix: give 0 to 65535");
      }
      if (sessionTimeout == null || sessionTimeout.isNegative() || sessionTimeout.isZero()) {
        throw new IllegalArgumentException(
            "lethe.console.session-timeout must be a positive duration, such as PT30M");
      }
      users = users == null ? Map.of() : Map.copyOf(users);
      for (var user : users.entrySet()) {
        var name = user.getKey();
        var where = "lethe.console.users." + name;
        if (!NAME.matcher(name).matches()) {
          throw new IllegalArgumentException(
              where
                  + ": a user name is lower-case letters, digits, - and _ (at most 64). Fix:"
                  + " rename the user");
        }
        var settings = user.getValue();
        if (settings == null
            || settings.passwordHash() == null
            || !BCRYPT.matcher(settings.passwordHash()).matches()) {
          throw new IllegalArgumentException(
              where
                  + ".password-hash is not a bcrypt hash (never a password in clear). Fix: make"
                  + " one with 'lethe hash-password' and put its output there");
        }
        if (settings.cost() < LEAST_COST) {
          throw new IllegalArgumentException(
              where
                  + ".password-hash has a bcrypt cost under "
                  + LEAST_COST
                  + ", too cheap to guess against. Fix: make one with 'lethe hash-password'");
        }
        if (settings.roles().isEmpty()) {
          throw new IllegalArgumentException(
              where + ".roles is empty. Fix: give one or more of " + String.join(", ", ROLES));
        }
        for (var role : settings.roles()) {
          if (!ROLES.contains(role)) {
            throw new IllegalArgumentException(
                where
                    + ".roles: '"
                    + role
                    + "' is not a role. Fix: give one or more of "
                    + String.join(", ", ROLES));
          }
        }
      }
    }

    /** Whether the console is served: only where users or an OpenID Connect provider are. */
    public boolean on() {
      return !users.isEmpty() || oidc != null;
    }
  }

  /**
   * Sign-in through the organisation's OpenID Connect provider, beside (or instead of) the
   * configured users. {@code issuer-uri} is the provider's issuer (its discovery document is read
   * at the first sign-in); {@code client-id} and the secret in {@code client-secret-file} are
   * Lethe's registration there, whose redirect URI is {@code
   * https://CONSOLE/login/oauth2/code/oidc}. A signed-in user's name is the ID token's {@code
   * name-claim}, their roles the values of its {@code roles-claim} that are Lethe's roles (a user
   * with none is refused).
   */
  public record Oidc(
      java.net.URI issuerUri,
      String clientId,
      java.nio.file.Path clientSecretFile,
      @DefaultValue("lethe_roles") String rolesClaim,
      @DefaultValue("preferred_username") String nameClaim,
      @DefaultValue("your organisation's sign-in") String label) {

    public Oidc {
      var where = "lethe.console.oidc";
      if (issuerUri == null || issuerUri.getHost() == null) {
        throw new IllegalArgumentException(
            where
                + ".issuer-uri is missing or not an address. Fix: give the provider's issuer, such"
                + " as https://login.example.org/realms/staff");
      }
      boolean loopback =
          java.util.Set.of("localhost", "127.0.0.1", "[::1]").contains(issuerUri.getHost());
      boolean https = "https".equals(issuerUri.getScheme());
      if (!https && !(loopback && "http".equals(issuerUri.getScheme()))) {
        throw new IllegalArgumentException(
            where
                + ".issuer-uri must be https (the provider's keys and tokens come from it; http"
                + " only on this machine, for a test). Fix: give its https address");
      }
      if (clientId == null || clientId.isBlank()) {
        throw new IllegalArgumentException(
            where + ".client-id is missing. Fix: give Lethe's client id at the provider");
      }
      if (clientSecretFile == null) {
        throw new IllegalArgumentException(
            where
                + ".client-secret-file is missing. Fix: name a file (mode 600) holding Lethe's"
                + " client secret at the provider; never the secret itself");
      }
      PlainText.check(label, where + ".label", PlainText.REFERENCE);
    }

    /** The client secret, read from its file (owner-only), checked before anything starts. */
    public String clientSecret() {
      var setting = "lethe.console.oidc.client-secret-file";
      SecretFile.requirePrivate(clientSecretFile, setting);
      try {
        var secret = java.nio.file.Files.readString(clientSecretFile).strip();
        if (secret.isEmpty()) {
          throw new BadInputException(
              setting + ": " + clientSecretFile + " is empty. Fix: put the client secret in it");
        }
        return secret;
      } catch (java.io.IOException e) {
        throw new BadInputException(
            setting
                + ": "
                + clientSecretFile
                + " cannot be read ("
                + e.getClass().getSimpleName()
                + "). Fix: name a readable file holding the client secret");
      }
    }
  }

  /** A console user: the bcrypt hash of their password, and their roles. */
  public record ConsoleUser(String passwordHash, @DefaultValue java.util.List<String> roles) {
    public ConsoleUser {
      roles = roles == null ? java.util.List.of() : java.util.List.copyOf(roles);
    }

    /** The hash's bcrypt cost (2 to the power of its rounds): {@code $2a$12$...} is 12. */
    public int cost() {
      return Integer.parseInt(passwordHash.substring(4, 6));
    }
  }

  public boolean hasControlDatabase() {
    return controlDatabase != null && controlDatabase.configured();
  }
}
