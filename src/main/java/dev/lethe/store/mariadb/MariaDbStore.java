package dev.lethe.store.mariadb;

import com.zaxxer.hikari.HikariDataSource;
import dev.lethe.policy.Policy;
import dev.lethe.policy.PolicyStep;
import dev.lethe.policy.Problems;
import dev.lethe.policy.Statistic;
import dev.lethe.store.PolicyOverlaps;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.RetentionTarget;
import dev.lethe.store.StatisticCatalogChecks;
import dev.lethe.store.StatisticSource;
import dev.lethe.store.Store;
import dev.lethe.store.StoreException;
import dev.lethe.store.StorePools;
import dev.lethe.store.SubjectData;
import dev.lethe.system.LetheProperties.DatabaseSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A MariaDB database as a store, reached by the MariaDB JDBC driver ({@link MariaServer} refuses a
 * MySQL server). Its sessions work in UTC, so that a DATETIME clock and the run's cutoff mean the
 * same moment.
 */
public final class MariaDbStore implements Store {

  private final String name;
  private final DatabaseSettings settings;
  private final Map<String, Optional<MariaTable>> tables = new ConcurrentHashMap<>();
  private volatile HikariDataSource dataSource;

  private final java.time.Duration lockTimeout;
  private final java.time.Duration connectTimeout;

  public MariaDbStore(
      String name,
      DatabaseSettings settings,
      java.time.Duration lockTimeout,
      java.time.Duration connectTimeout) {
    this.lockTimeout = lockTimeout;
    this.connectTimeout = connectTimeout;
    this.name = name;
    this.settings = settings;
  }

  @Override
  public String name() {
    return name;
  }

  private volatile MariaOutbox outbox;

  @Override
  public synchronized dev.lethe.store.Outbox outbox() {
    if (outbox == null) {
      outbox = new MariaOutbox(name, dataSource());
    }
    return outbox;
  }

  synchronized HikariDataSource dataSource() {
    if (dataSource == null) {
      // a jdbc:mysql: URL may name a MariaDB server: the MariaDB driver takes it under its own
      // scheme (and MariaServer refuses the server if it is MySQL)
      var ds =
          StorePools.pool(
              name,
              settings.url().replaceFirst("^jdbc:mysql:", "jdbc:mariadb:"),
              settings,
              connectTimeout);
      ds.addDataSourceProperty("connectTimeout", Long.toString(connectTimeout.toMillis()));
      // every statement waits for a row lock at most lock-timeout (whole seconds, at least one):
      // a window that meets a lock an application holds rolls back and is tried again later
      ds.setConnectionInitSql(
          "SET time_zone = '+00:00', SESSION innodb_lock_wait_timeout = "
              + Math.max(1, (lockTimeout.toMillis() + 999) / 1000)
              + ", SESSION lock_wait_timeout = "
              + Math.max(1, (lockTimeout.toMillis() + 999) / 1000));
      dataSource = ds;
    }
    return dataSource;
  }

  Optional<MariaTable> table(String tableName) {
    return tables.computeIfAbsent(
        tableName,
        t -> {
          try (var c = dataSource().getConnection()) {
            return MariaTable.read(c, t);
          } catch (SQLException e) {
            throw new StoreException(
                "store '"
                    + name
                    + "' cannot be read: "
                    + MariaErrors.describe(e)
                    + ". Fix: check lethe.stores."
                    + name
                    + ".url, username and password",
                e);
          }
        });
  }

  /**
   * Whether {@code policy} is on this store and on {@code table}, under whatever name it writes (a
   * policy on a table that is gone is on none).
   */
  boolean isOn(Policy policy, MariaTable table) {
    return policy.store().equals(name)
        && policy.table() != null
        && table(policy.table()).map(t -> t.qualified().equals(table.qualified())).orElse(false);
  }

  /**
   * The run's tokens where a policy on the table turns {@code policy}'s subject column into tokens:
   * a subject must then be looked for under its tokens too. Empty otherwise.
   */
  Optional<dev.lethe.transform.Tokens> subjectTokens(
      Policy policy, MariaTable table, dev.lethe.store.RetentionScope scope) {
    boolean mayBeToken =
        scope.allPolicies().stream().anyMatch(p -> isOn(p, table) && p.tokenises(policy.subject()))
            || scope.mayHoldTokens(rowsIdentity(policy));
    return mayBeToken ? scope.tokens() : Optional.empty();
  }

  /** A table a clock or condition names (validate has made sure it is there). */
  MariaTable related(String name) {
    return table(name).orElseThrow(() -> new StoreException("table " + name + " is gone", null));
  }

  @Override
  public Optional<String> catalogName(String table) {
    return table(table).map(t -> t.schema() + "." + t.name());
  }

  MariaTable existing(Policy policy) {
    return table(policy.table())
        .orElseThrow(() -> new StoreException("table " + policy.table() + " is gone", null));
  }

  @Override
  public void forgetCatalog() {
    tables.clear();
  }

  /** What keeps the store from being used, and what to do about it. */
  private record Unusable(String message, String fix) {}

  /** Empty where the server answers and is one Lethe works with. */
  private Optional<Unusable> server() {
    try (Connection c = dataSource().getConnection()) {
      var meta = c.getMetaData();
      return MariaServer.unsupported(
              meta.getDatabaseProductName(), meta.getDatabaseProductVersion())
          .map(
              problem ->
                  new Unusable(
                      "store '" + name + "': " + problem,
                      "point lethe.stores." + name + ".url at a MariaDB server"));
    } catch (SQLException e) {
      return Optional.of(
          new Unusable(
              "store '" + name + "' cannot be reached: " + MariaErrors.describe(e),
              "check lethe.stores."
                  + name
                  + ".url, username and password, and that the server runs"));
    }
  }

  /**
   * The server as it knows itself (MariaDB has no server UUID: its host name, port and data
   * directory) and the schema the URL opens.
   */
  @Override
  public Optional<String> identity() {
    try (var c = dataSource().getConnection();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT @@hostname, @@port, @@datadir, DATABASE()")) {
      rs.next();
      return Optional.of(
          "MariaDB server "
              + rs.getString(1)
              + ":"
              + rs.getString(2)
              + " ("
              + rs.getString(3)
              + "), schema "
              + rs.getString(4));
    } catch (SQLException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The table on its server, as for a policy ({@link #rowsIdentity}): one database under two store
   * names let two statistics of one table both publish (found by an outside attack).
   */
  @Override
  public Optional<String> rowsOfTable(String table) {
    return rowsIdentityOf(table).stream().findFirst();
  }

  /** The table on its server: the schema it is in, whatever the store's URL opens. */
  @Override
  public java.util.Set<String> rowsIdentity(Policy policy) {
    return rowsIdentityOf(policy.table());
  }

  private java.util.Set<String> rowsIdentityOf(String tableName) {
    try (var c = dataSource().getConnection();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT @@hostname, @@port, @@datadir")) {
      rs.next();
      var server =
          "MariaDB server "
              + rs.getString(1)
              + ":"
              + rs.getString(2)
              + " ("
              + rs.getString(3)
              + ")";
      return table(tableName)
          .map(t -> java.util.Set.of(server + ", table " + t.displayName()))
          .orElse(java.util.Set.of());
    } catch (SQLException | RuntimeException e) {
      return java.util.Set.of();
    }
  }

  @Override
  public void check(List<Policy> policies, Problems problems) {
    var server = server();
    if (server.isPresent()) {
      for (var policy : policies) {
        problems.error(
            policy.file(),
            policy.lineOf("store"),
            "store",
            server.get().message(),
            server.get().fix());
      }
      return;
    }
    for (var policy : policies) {
      new MariaPolicyChecks(this, policy, problems).check();
    }
    PolicyOverlaps.report(
        policies.stream().filter(p -> p.table() != null && table(p.table()).isPresent()).toList(),
        p -> {
          var table = existing(p);
          return new PolicyOverlaps.Table(table.qualified(), table.displayName());
        },
        problems);
  }

  @Override
  public void checkStatistics(List<Statistic> statistics, Problems problems) {
    var server = server();
    if (server.isPresent()) {
      for (var statistic : statistics) {
        problems.error(
            statistic.file(),
            statistic.lineOf("store"),
            "store",
            server.get().message(),
            server.get().fix());
      }
      return;
    }
    var checks =
        new StatisticCatalogChecks(
            new StatisticCatalogChecks.Catalog() {
              @Override
              public String storeName() {
                return name;
              }

              @Override
              public Optional<MariaTable> table(String tableName) {
                return MariaDbStore.this.table(tableName);
              }

              @Override
              public Optional<MariaTable> related(
                  Statistic statistic, StatisticCatalogChecks.Table table, Statistic.Dimension d) {
                return relatedTable(statistic, (MariaTable) table, d);
              }
            },
            new StatisticCatalogChecks.Words(
                "a date, datetime or timestamp", "an integer or text", "database"),
            problems);
    statistics.forEach(checks::check);
  }

  @Override
  public StatisticSource statistic(Statistic statistic, java.time.ZoneId zone) {
    var table =
        table(statistic.table())
            .orElseThrow(() -> new StoreException("table " + statistic.table() + " is gone", null));
    var related = new java.util.HashMap<Statistic.Dimension, MariaTable>();
    for (var d : statistic.dimensions()) {
      relatedTable(statistic, table, d).ifPresent(t -> related.put(d, t));
    }
    return new MariaStatisticSource(dataSource(), statistic, table, related, zone);
  }

  /**
   * The other table a dimension reads, where it reads one: the table it names, else the one the
   * foreign key on its {@code via} column references.
   */
  Optional<MariaTable> relatedTable(Statistic statistic, MariaTable table, Statistic.Dimension d) {
    if (d.via() == null) {
      return Optional.empty();
    }
    if (d.table() != null) {
      return table(d.table().contains(".") ? d.table() : table.schema() + "." + d.table());
    }
    try (var c = dataSource().getConnection();
        var ps =
            c.prepareStatement(
                "SELECT referenced_table_schema, referenced_table_name"
                    + " FROM information_schema.key_column_usage WHERE table_schema = ?"
                    + " AND table_name = ? AND column_name = ?"
                    + " AND referenced_table_name IS NOT NULL")) {
      ps.setString(1, table.schema());
      ps.setString(2, table.name());
      ps.setString(3, d.via());
      try (var rs = ps.executeQuery()) {
        return rs.next() ? table(rs.getString(1) + "." + rs.getString(2)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException(
          "store '" + name + "' cannot be read: " + MariaErrors.describe(e), e);
    }
  }

  /** Tables that reference others are cleaned first, as on PostgreSQL. */
  @Override
  public List<Policy> executionOrder(List<Policy> policies) {
    var ordered = new java.util.ArrayList<>(policies);
    ordered.sort(
        (a, b) -> {
          var ta = existing(a);
          var tb = existing(b);
          boolean aReferencesB =
              tb.referencedBy().stream()
                  .anyMatch(r -> r.schema().equals(ta.schema()) && r.table().equals(ta.name()));
          boolean bReferencesA =
              ta.referencedBy().stream()
                  .anyMatch(r -> r.schema().equals(tb.schema()) && r.table().equals(tb.name()));
          return aReferencesB ? -1 : bReferencesA ? 1 : 0;
        });
    return ordered;
  }

  @Override
  public RetentionTarget target(PolicyStep step, RetentionScope scope) {
    return new MariaTarget(this, step, scope);
  }

  @Override
  public SubjectData subjectData(Policy policy, RetentionScope scope) {
    return new MariaSubjectData(this, policy, scope);
  }

  @Override
  public synchronized void close() {
    outbox = null;
    if (dataSource != null) {
      dataSource.close();
      dataSource = null;
    }
  }
}
