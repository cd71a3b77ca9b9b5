package dev.lethe.store;

import dev.lethe.policy.Definitions;
import dev.lethe.policy.Policy;
import dev.lethe.policy.Problems;
import dev.lethe.policy.Statistic;
import dev.lethe.store.jdbc.JdbcStore;
import dev.lethe.store.logs.LogStore;
import dev.lethe.store.mariadb.MariaDbStore;
import dev.lethe.system.BadInputException;
import dev.lethe.system.LetheProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.DisposableBean;

/** The configured stores, by name ({@code lethe.stores.NAME}). */
public class StoreRegistry implements DisposableBean {

  private final Map<String, Store> stores = new LinkedHashMap<>();

  public StoreRegistry(LetheProperties properties) {
    properties
        .stores()
        .forEach(
            (name, settings) -> {
              if (settings.logFiles()) {
                stores.put(name, LogStore.of(name, settings, properties.timeZone()));
                return;
              }
              if (!settings.kind().equals("jdbc")) {
                throw new BadInputException(
                    "configuration: lethe.stores."
                        + name
                        + ".kind '"
                        + settings.kind()
                        + "' is not a kind of store. Fix: leave it out for a database, or write"
                        + " logfiles for a directory of log files");
              }
              if (!settings.database().configured()) {
                throw new BadInputException(
                    "configuration: lethe.stores."
                        + name
                        + ".url is empty. Fix: give the JDBC URL"
                        + " of the store, such as jdbc:postgresql://host:5432/database");
              }
              if (settings.url().startsWith("jdbc:mariadb:")
                  || settings.url().startsWith("jdbc:mysql:")) {
                stores.put(
                    name,
                    new MariaDbStore(
                        name,
                        settings.database(),
                        properties.lockTimeout(),
                        properties.connectTimeout()));
                return;
              }
              if (!settings.url().startsWith("jdbc:postgresql:")) {
                throw new BadInputException(
                    "configuration: lethe.stores."
                        + name
                        + ".url '"
                        + settings.url()
                        + "' is not a JDBC URL Lethe knows. Fix: use jdbc:postgresql://host:port/db or jdbc:mariadb://host:port/db");
              }
              stores.put(
                  name,
                  new JdbcStore(
                      name,
                      settings.database(),
                      properties.lockTimeout(),
                      properties.connectTimeout()));
            });
  }

  public Store store(String name) {
    var store = stores.get(name);
    if (store == null) {
      throw new BadInputException(
          "no store named '" + name + "'. Fix: configure lethe.stores." + name + ".url");
    }
    return store;
  }

  /**
   * Why {@code key} can be the subject of none of {@code policies}, naming each policy's subject
   * column and what it takes; empty where at least one column could hold it, or where a store could
   * not be asked (a hold must not be refused because a store is down).
   */
  public java.util.Optional<String> takesNoSuchSubject(
      String key, java.util.Collection<Policy> policies, RetentionScope scope) {
    return subjectCheck(policies, scope).apply(key);
  }

  /**
   * As {@link #takesNoSuchSubject} for many keys: the stores are asked about their subject columns
   * once, and each key is then checked without a round trip.
   */
  public java.util.function.Function<String, java.util.Optional<String>> subjectCheck(
      java.util.Collection<Policy> policies, RetentionScope scope) {
    var datas = new java.util.LinkedHashMap<String, SubjectData>();
    for (var policy : policies) {
      var store = stores.get(policy.store());
      if (store == null) {
        continue;
      }
      try {
        datas.put(policy.name(), store.subjectData(policy, scope));
      } catch (RuntimeException unreachable) {
        // a store that cannot be asked cannot say no: every key may be its subject
        return key -> java.util.Optional.empty();
      }
    }
    return key -> {
      var columns = new java.util.TreeSet<String>();
      for (var data : datas.entrySet()) {
        if (data.getValue().fits(key)) {
          return java.util.Optional.empty();
        }
        columns.add(data.getKey() + ": " + data.getValue().subjectColumn());
      }
      return columns.isEmpty()
          ? java.util.Optional.empty()
          : java.util.Optional.of(String.join("; ", columns));
    };
  }

  /** The other policies on the same rows as {@code policy} (its table, or its log files). */
  public List<Policy> sameRows(Policy policy, java.util.Collection<Policy> all) {
    var store = stores.get(policy.store());
    if (store == null) {
      return List.of();
    }
    // a partition's rows are its parent's too: a hold on the one keeps them for the other
    var mine = store.rowsReached(policy);
    var same = new ArrayList<Policy>();
    for (var other : all) {
      if (other != policy
          && other.store().equals(policy.store())
          && !java.util.Collections.disjoint(mine, store.rowsIdentity(other))) {
        same.add(other);
      }
    }
    return same;
  }

  /** Checks every policy against its store; a policy naming an unknown store is an error. */
  public void check(Definitions definitions, Problems problems) {
    // every validation (so every run and plan) reads the catalogs as they are now
    stores.values().forEach(Store::forgetCatalog);
    var byStore = new LinkedHashMap<String, List<Policy>>();
    for (var policy : definitions.policies().values()) {
      if (!stores.containsKey(policy.store())) {
        problems.error(
            policy.file(),
            policy.lineOf("store"),
            "store",
            "no store named '" + policy.store() + "' is configured",
            stores.isEmpty()
                ? "configure it under lethe.stores." + policy.store() + " (url, username, password)"
                : "use one of " + stores.keySet() + " or configure lethe.stores." + policy.store());
        continue;
      }
      byStore.computeIfAbsent(policy.store(), s -> new ArrayList<>()).add(policy);
    }
    checkOneNamePerDatabase(byStore, problems);
    checkOneNamePerRows(byStore, problems);
    byStore.forEach((store, policies) -> stores.get(store).check(policies, problems));
    var statisticsByStore = new LinkedHashMap<String, List<Statistic>>();
    for (var statistic : definitions.statistics().values()) {
      if (!stores.containsKey(statistic.store())) {
        problems.error(
            statistic.file(),
            statistic.lineOf("store"),
            "store",
            "no store named '" + statistic.store() + "' is configured",
            "use one of " + stores.keySet() + " or configure lethe.stores." + statistic.store());
        continue;
      }
      statisticsByStore.computeIfAbsent(statistic.store(), s -> new ArrayList<>()).add(statistic);
    }
    statisticsByStore.forEach(
        (store, statistics) -> {
          stores.get(store).checkStatistics(statistics, problems);
          stores
              .get(store)
              .checkStatisticsBesideDeletes(
                  statistics, byStore.getOrDefault(store, List.of()), problems);
        });
    var statistics = statisticsByStore.values().stream().flatMap(List::stream).toList();
    // each statistic's rows looked up once, for both checks
    var rows = new java.util.HashMap<Statistic, String>();
    statistics.forEach(st -> rows.put(st, rowsOf(st.store(), st.table())));
    var readThrough = new java.util.HashMap<Statistic, java.util.Set<String>>();
    statistics.forEach(
        st -> {
          var tables = readThrough(st.store(), st.table());
          readThrough.put(st, tables.isEmpty() ? java.util.Set.of(rows.get(st)) : tables);
        });
    StatisticOverlaps.check(statistics, readThrough::get, problems);
    checkSubjects(statistics, rows, byStore, problems);
  }

  /**
   * A statistic counts the subjects its table's policies know: restrictions, objections and
   * requests are kept by that key, and minimum-subjects counts people by it. With another column
   * (the row's id), an objector was counted and a cell of one person's many rows was published
   * (found by an outside attack).
   */
  private void checkSubjects(
      List<Statistic> statistics,
      Map<Statistic, String> statisticRows,
      Map<String, List<Policy>> byStore,
      Problems problems) {
    var policyRows = new LinkedHashMap<Policy, String>();
    byStore.values().stream()
        .flatMap(List::stream)
        .filter(p -> p.table() != null && p.subject() != null)
        .forEach(p -> policyRows.put(p, rowsOf(p.store(), p.table())));
    for (var statistic : statistics) {
      var rows = statisticRows.get(statistic);
      var subjects = new java.util.TreeSet<String>();
      policyRows.forEach(
          (policy, policyTable) -> {
            if (policyTable.equals(rows)) {
              subjects.add(policy.subject());
            }
          });
      if (!subjects.isEmpty()
          && subjects.stream().noneMatch(s -> s.equalsIgnoreCase(statistic.subject()))) {
        problems.error(
            statistic.file(),
            statistic.lineOf("subject"),
            "subject",
            "'"
                + statistic.subject()
                + "' is not the subject column of the policies of its table, "
                + subjects
                + ": restrictions and objections are kept by that key, and minimum-subjects would"
                + " count something else than people",
            "write subject: " + subjects.first());
      }
    }
  }

  /**
   * What rows a table of a store holds, whatever name reaches it (Store#rowsOfTable), or its store
   * and table names where the store cannot tell (or cannot be reached: its own check says so).
   */
  /**
   * Where a policy's rows are, as a request records what it must reach: its store, and its table by
   * the catalog's name where the store has tables (the policy's spelling where the store cannot be
   * reached).
   */
  public String placeOf(Policy policy) {
    if (policy.table() == null) {
      return policy.store();
    }
    try {
      var store = stores.get(policy.store());
      if (store != null) {
        return policy.store() + "/" + store.catalogName(policy.table()).orElse(policy.table());
      }
    } catch (RuntimeException e) {
      // the store cannot be reached now: the name as the policy spells it
    }
    return spelledPlaceOf(policy);
  }

  /**
   * A policy's place by what its store is (its identity, whatever name the configuration gives it)
   * and its table's catalog name; empty where the store cannot tell.
   */
  public java.util.Optional<String> identityPlaceOf(Policy policy) {
    try {
      var store = stores.get(policy.store());
      if (store == null) {
        return java.util.Optional.empty();
      }
      var table =
          policy.table() == null
              ? ""
              : "/" + store.catalogName(policy.table()).orElse(policy.table());
      return store.identity().map(identity -> identity + table);
    } catch (RuntimeException e) {
      return java.util.Optional.empty(); // the store cannot be reached now
    }
  }

  /** A policy's place as the policy spells its table: where the store cannot be asked. */
  public static String spelledPlaceOf(Policy policy) {
    return policy.table() == null ? policy.store() : policy.store() + "/" + policy.table();
  }

  private java.util.Set<String> readThrough(String store, String table) {
    try {
      return stores.get(store).rowsReadThrough(table);
    } catch (RuntimeException e) {
      return java.util.Set.of(); // the store's own check says it cannot be reached
    }
  }

  public String rowsOf(String store, String table) {
    var names = store + "/" + table;
    try {
      return stores.get(store).rowsOfTable(table).orElse(names);
    } catch (RuntimeException e) {
      return names; // the store's own check says it cannot be reached
    }
  }

  /**
   * Two store entries that reach one database would let two policies on one table escape "keeping
   * wins" (each store knows only its own policies): refused, naming both stores.
   */
  private void checkOneNamePerDatabase(Map<String, List<Policy>> byStore, Problems problems) {
    var firstByIdentity = new LinkedHashMap<String, String>();
    for (var store : byStore.keySet()) {
      var identity = stores.get(store).identity();
      if (identity.isEmpty()) {
        continue;
      }
      var first = firstByIdentity.putIfAbsent(identity.get(), store);
      if (first != null) {
        var policy = byStore.get(store).get(0);
        problems.error(
            policy.file(),
            policy.lineOf("store"),
            "store",
            "stores '"
                + first
                + "' and '"
                + store
                + "' are one and the same ("
                + identity.get()
                + "): policies on one table through two store names would not see each other, so"
                + " a shorter retention could delete what a longer one keeps",
            "configure that database once under lethe.stores, and name that one store in every"
                + " policy on it");
      }
    }
  }

  /**
   * Policies through two store names on the same rows (a MariaDB table named with another schema,
   * log files two patterns share) would not see each other: refused, naming both.
   */
  private void checkOneNamePerRows(Map<String, List<Policy>> byStore, Problems problems) {
    var first = new LinkedHashMap<String, Policy>();
    var named = new java.util.HashSet<String>();
    for (var entry : byStore.entrySet()) {
      for (var policy : entry.getValue()) {
        for (var identity : stores.get(entry.getKey()).rowsIdentity(policy)) {
          var earlier = first.putIfAbsent(identity, policy);
          if (earlier != null
              && !earlier.store().equals(policy.store())
              && named.add(earlier.name() + "/" + policy.name())) {
            problems.error(
                policy.file(),
                policy.lineOf("store"),
                "store",
                "policies '"
                    + earlier.name()
                    + "' (store '"
                    + earlier.store()
                    + "') and '"
                    + policy.name()
                    + "' (store '"
                    + policy.store()
                    + "') reach the same rows ("
                    + identity
                    + ") through two store names: they would not see each other, so a shorter"
                    + " retention could delete what a longer one keeps",
                "name one store for those rows in both policies, and let the other store's"
                    + " pattern or schema leave them out");
          }
        }
      }
    }
  }

  @Override
  public void destroy() {
    stores.values().forEach(Store::close);
  }
}
