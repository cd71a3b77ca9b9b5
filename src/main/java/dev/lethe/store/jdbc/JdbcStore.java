package dev.lethe.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.lethe.policy.Policy;
import dev.lethe.policy.PolicyStep;
import dev.lethe.policy.Problems;
import dev.lethe.policy.Retention;
import dev.lethe.policy.Stage;
import dev.lethe.policy.Statistic;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.RetentionTarget;
import dev.lethe.store.StatisticSource;
import dev.lethe.store.Store;
import dev.lethe.store.StoreException;
import dev.lethe.store.StorePools;
import dev.lethe.store.SubjectData;
import dev.lethe.system.LetheProperties.DatabaseSettings;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A PostgreSQL database holding personal data, reached with plain JDBC. */
public final class JdbcStore implements Store {

  private final String name;
  private final DatabaseSettings settings;
  private final Map<String, Optional<Table>> tables = new ConcurrentHashMap<>();
  private volatile HikariDataSource dataSource;

  private final java.time.Duration lockTimeout;
  private final java.time.Duration connectTimeout;

  public JdbcStore(
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

  private volatile PostgresOutbox outbox;

  @Override
  public synchronized dev.lethe.store.Outbox outbox() {
    if (outbox == null) {
      outbox = new PostgresOutbox(name, dataSource());
    }
    return outbox;
  }

  synchronized HikariDataSource dataSource() {
    if (dataSource == null) {
      var ds = StorePools.pool(name, settings.url(), settings, connectTimeout);
      // the driver gives up on a host that does not answer, or a login that hangs, as soon
      ds.addDataSourceProperty(
          "connectTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
      ds.addDataSourceProperty(
          "loginTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
      // Plans made for the bound subject arrays, never a generic plan that scans them row by
      // row; and no JIT compilation, which costs more than it saves on a window of rows.
      ds.addDataSourceProperty("prepareThreshold", "0");
      // Values go as text of no declared type, so that PostgreSQL types each from its CAST(? AS
      // type): the cutoff is then a constant of the column's type. Sent as varchar, the cast of
      // text to timestamptz (a stable function) would be done again for every row compared.
      ds.addDataSourceProperty("stringtype", "unspecified");
      // every statement waits for a lock at most lock-timeout: a window that meets a lock an
      // application holds rolls back and is tried again later, never waits for ever
      ds.setConnectionInitSql(
          "SET plan_cache_mode = force_custom_plan; SET jit = off; SET lock_timeout = "
              + Math.max(1, lockTimeout.toMillis()));
      ds.addDataSourceProperty("ApplicationName", "lethe-store-" + name);
      // the server's detail lines (key values, a statement's parameters) never enter an exception
      ds.addDataSourceProperty("logServerErrorDetail", "false");
      dataSource = ds;
    }
    return dataSource;
  }

  /** The table a policy names, from the catalog; empty when it does not exist. */
  Optional<Table> table(String tableName) {
    return tables.computeIfAbsent(
        tableName,
        t -> {
          try (var connection = dataSource().getConnection()) {
            return PostgresCatalog.table(connection, t);
          } catch (SQLException e) {
            throw new StoreException(
                "store '"
                    + name
                    + "' cannot be read: "
                    + StoreErrors.describe(e)
                    + ". Fix: check lethe.stores."
                    + name
                    + ".url, username and password",
                e);
          }
        });
  }

  @Override
  public Optional<String> catalogName(String table) {
    return table(table).map(Table::displayName);
  }

  private Table existing(Policy policy) {
    return table(policy.table())
        .orElseThrow(() -> new StoreException("table " + policy.table() + " is gone", null));
  }

  /**
   * The cluster's system identifier (the same on every URL that reaches the cluster, whatever host
   * name, address or port) and the database's oid.
   */
  private volatile Optional<String> identity;

  @Override
  public Optional<String> identity() {
    var known = identity;
    if (known == null || known.isEmpty()) {
      known = readIdentity();
      identity = known;
    }
    return known;
  }

  private Optional<String> readIdentity() {
    try (var c = dataSource().getConnection();
        var s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT (SELECT system_identifier FROM pg_control_system())::text,"
                    + " d.oid::text, d.datname FROM pg_database d"
                    + " WHERE d.datname = current_database()")) {
      rs.next();
      return Optional.of(
          "PostgreSQL cluster "
              + rs.getString(1)
              + ", database "
              + rs.getString(3)
              + " (oid "
              + rs.getString(2)
              + ")");
    } catch (SQLException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<String> reachIdentity(String table) {
    return deleteChecks().reachIdentity(table);
  }

  @Override
  public java.util.Set<String> reachIdentities(String tableName) {
    return identities().reachIdentities(tableName);
  }

  private TableIdentities identities() {
    return new TableIdentities(this::identity, this::table, this::reachIdentity);
  }

  @Override
  public void checkStatisticsBesideDeletes(
      List<Statistic> statistics, List<Policy> policies, Problems problems) {
    deleteChecks().check(statistics, policies, problems);
  }

  private StatisticDeleteChecks deleteChecks() {
    return new StatisticDeleteChecks(
        dataSource(),
        t -> {
          try {
            return table(t);
          } catch (StoreException e) {
            return Optional.empty();
          }
        },
        identity());
  }

  @Override
  public java.util.Set<String> rowsIdentity(Policy policy) {
    return identities().named(policy.table(), false);
  }

  /** The policy's table, and the partitions below it and the tables above it, as identities. */
  @Override
  public java.util.Set<String> rowsReached(Policy policy) {
    return identities().named(policy.table(), true);
  }

  @Override
  public java.util.Set<String> rowsReadThrough(String tableName) {
    return identities().readThrough(tableName);
  }

  @Override
  public Optional<String> waiting() {
    return SessionWaits.of(dataSource(), name);
  }

  @Override
  public void check(List<Policy> policies, Problems problems) {
    try (var connection = dataSource().getConnection()) {
      new PolicyChecks(this, connection, problems).check(policies);
    } catch (SQLException e) {
      for (var policy : policies) {
        problems.error(
            policy.file(),
            policy.lineOf("store"),
            "store",
            "store '" + name + "' cannot be reached: " + StoreErrors.describe(e),
            "check lethe.stores." + name + ".url, username and password, and that the server runs");
      }
    }
  }

  @Override
  public void forgetCatalog() {
    tables.clear();
    identity = null;
  }

  @Override
  public void checkStatistics(List<Statistic> statistics, Problems problems) {
    statistics().check(statistics, problems);
  }

  @Override
  public StatisticSource statistic(Statistic statistic, java.time.ZoneId zone) {
    return statistics().source(statistic, zone);
  }

  private JdbcStatistics statistics() {
    return new JdbcStatistics(name, this::dataSource, this::table, this::related);
  }

  @Override
  public List<Policy> executionOrder(List<Policy> policies) {
    var byPolicy = new HashMap<String, Table>();
    policies.forEach(p -> byPolicy.put(p.name(), existing(p)));
    return ReferenceOrder.sort(policies, p -> byPolicy.get(p.name()));
  }

  @Override
  public RetentionTarget target(PolicyStep step, RetentionScope scope) {
    // other policies on the table only protect what they keep; any of their steps tells that
    var policies = new HashMap<String, Predicates>();
    for (var p : scope.allPolicies()) {
      if (p.store().equals(name) && !p.steps().isEmpty()) {
        policies.put(p.name(), predicates(p.steps().get(0), scope));
      }
    }
    // a policy on a partition and one on its parent share that partition's rows: keeping wins
    // across the two as on one table
    var sameTable = new HashMap<String, List<Predicates>>();
    for (var p : policies.values()) {
      var others = new ArrayList<Predicates>();
      for (var q : policies.values()) {
        if (q != p) {
          q.seenFrom(p.table()).ifPresent(others::add);
        }
      }
      sameTable.put(p.policy().name(), others);
    }
    var jobOrder = new ArrayList<Predicates>();
    for (var earlier : scope.earlierInJob()) {
      if (earlier.policy().store().equals(name)) {
        jobOrder.add(predicates(earlier, scope));
      }
    }
    var self = predicates(step, scope);
    jobOrder.add(self);
    return new JdbcRetentionTarget(
        dataSource(),
        self,
        sameTable.getOrDefault(step.policy().name(), List.of()),
        new Plans(jobOrder, sameTable),
        scope.tokens());
  }

  @Override
  public SubjectData subjectData(Policy policy, RetentionScope scope) {
    var table = existing(policy);
    // as a delete, due at once, so that its predicates check what still references a row
    var deleteNow =
        new Stage(
            Retention.parseAllowingZero("P0D").orElseThrow(),
            Policy.Action.DELETE,
            Map.of(),
            policy.lineOf("on-erasure"),
            Map.of());
    var sameTable = new ArrayList<Predicates>();
    for (var p : scope.allPolicies()) {
      if (p != policy
          && p.store().equals(name)
          && table(p.table()).map(table::sharesRowsWith).orElse(false)) {
        predicates(new PolicyStep(p, deleteNow), scope).seenFrom(table).ifPresent(sameTable::add);
      }
    }
    return new JdbcSubjectData(
        dataSource(),
        predicates(new PolicyStep(policy, deleteNow), scope),
        policy
            .onErasure()
            .transform()
            .map(stage -> predicates(new PolicyStep(policy, stage), scope)),
        sameTable,
        scope.tokens());
  }

  private Predicates predicates(PolicyStep step, RetentionScope scope) {
    var policy = step.policy();
    var table = existing(policy);
    // Rows whose subject column a policy on this table turned into tokens carry the subject's
    // token: a hold on the subject must keep them too, under whichever policy deletes them.
    boolean subjectMayBeToken =
        scope.allPolicies().stream()
                .anyMatch(
                    p ->
                        p.store().equals(name)
                            && p.tokenises(policy.subject())
                            && table(p.table()).map(table::sharesRowsWith).orElse(false))
            || scope.mayHoldTokens(rowsReached(policy));
    return new Predicates(
        step,
        table,
        t -> related(policy, t).orElseThrow(),
        scope.now(),
        subjectMayBeToken ? scope.tokens() : Optional.empty(),
        cascades(scope));
  }

  /** What a cascade reaches: tables by name, and the policies of the run on each. */
  private Predicates.Cascades cascades(RetentionScope scope) {
    return new Predicates.Cascades() {
      @Override
      public Optional<Table> table(String qualified) {
        return JdbcStore.this.table(qualified);
      }

      @Override
      public List<Predicates> policiesOn(long oid) {
        var on = new ArrayList<Predicates>();
        for (var p : scope.allPolicies()) {
          if (p.store().equals(name)
              && !p.steps().isEmpty()
              && table(p.table()).map(t -> t.oid() == oid).orElse(false)) {
            var t = existing(p);
            on.add(
                new Predicates(
                    p.steps().get(0),
                    t,
                    n -> related(p, n).orElseThrow(),
                    scope.now(),
                    Optional.empty(),
                    Predicates.Cascades.NONE));
          }
        }
        return on;
      }
    };
  }

  /**
   * Another table a policy names in its clock or conditions: {@code schema.table}, or a table in
   * the policy's own table's schema, or on the search path.
   */
  Optional<Table> related(Policy policy, String tableName) {
    return related(policy.table(), tableName);
  }

  /** Another table named from {@code ownTable}: schema-qualified, in its schema, or on the path. */
  Optional<Table> related(String ownTable, String tableName) {
    if (!tableName.contains(".")) {
      var own = table(ownTable);
      if (own.isPresent()) {
        var sameSchema = table(own.get().schema() + "." + tableName);
        if (sameSchema.isPresent()) {
          return sameSchema;
        }
      }
    }
    return table(tableName);
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
