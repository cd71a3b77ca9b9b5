package dev.lethe.store;

import dev.lethe.policy.Policy;
import dev.lethe.policy.PolicyStep;
import dev.lethe.policy.Problems;
import dev.lethe.policy.Statistic;
import java.util.List;
import java.util.Optional;

/**
 * A named place where personal data lives. The policy engine knows stores only through this
 * interface, so that a directory of log files can join the relational databases without the engine
 * changing: a store checks policies against what it holds, orders them, and gives each policy a
 * {@link RetentionTarget} that does the work in windows.
 */
public interface Store extends AutoCloseable {

  String name();

  /**
   * Forgets what the store has read of its catalog, so that the next check reads it afresh: a
   * long-running process (serve) sees a column added or a table recreated since.
   */
  default void forgetCatalog() {}

  /**
   * What the store is, whatever name the configuration gives it: two store entries whose URLs reach
   * one database have one identity, so that policies on one table cannot escape "keeping wins" by
   * naming it through two stores. Empty where the store cannot be reached (its check says so).
   */
  Optional<String> identity();

  /**
   * What a policy's rows are, whatever store name reaches them: the table in its database (its oid,
   * or its schema and name on a server), or for log files every file the policy's pattern takes,
   * links resolved. Two policies through two store names whose identities meet are on the same
   * rows. Empty where the store cannot be reached (its check says so).
   */
  java.util.Set<String> rowsIdentity(Policy policy);

  /**
   * The identities of every table a policy's rows are also rows of, or whose rows its table holds
   * (a partition and its parent): its own {@link #rowsIdentity}, and those of its partitions and
   * parents where the store has them. Two policies where one's identity is among the other's rows
   * reached share rows: a hold on one keeps the subject's rows for the other, and tokens one makes
   * may be in the other's rows.
   */
  default java.util.Set<String> rowsReached(Policy policy) {
    return rowsIdentity(policy);
  }

  /**
   * A table's name as the store's catalog knows it ("public.events" for a policy's "events"): where
   * a request must reach, which must not change with how a policy spells it. Empty where the store
   * has no tables or cannot tell.
   */
  default Optional<String> catalogName(String table) {
    return Optional.empty();
  }

  /**
   * What a delete of the table's rows reaches, whatever name a policy or statistic gives the table:
   * for a partitioned table, its root (a partition's rows are its parent's), in its database. A
   * purge records it before it deletes, and a statistic on a table of the same identity does not
   * compute the buckets it reached. Empty where the store cannot tell (names are compared then).
   */
  default Optional<String> reachIdentity(String table) {
    return Optional.empty();
  }

  /**
   * What rows a statistic of the table counts, whatever store name reaches it: its reach identity,
   * or where the store has none, its server and table. Two statistics (or a statistic and a policy)
   * that meet here count the same rows. Empty where the store cannot tell.
   */
  default Optional<String> rowsOfTable(String table) {
    return reachIdentity(table);
  }

  /**
   * The {@link #reachIdentity} of every table whose rows meet {@code table}'s: its own, and where
   * tables hold rows of others (inheritance), those above and below it. A purge recorded on any of
   * them may have taken rows a query of {@code table} reads. By default its own; empty where
   * unknown.
   */
  default java.util.Set<String> reachIdentities(String table) {
    return reachIdentity(table).map(java.util.Set::of).orElse(java.util.Set.of());
  }

  /**
   * Every table whose rows a query of {@code table} reads, as identities: two statistics share rows
   * where these meet (a parent of inheritance children and one child, or a partitioned table and a
   * partition). By default the table's own rows ({@link #rowsOfTable}); empty where unknown.
   */
  default java.util.Set<String> rowsReadThrough(String table) {
    return rowsOfTable(table).map(java.util.Set::of).orElse(java.util.Set.of());
  }

  /**
   * Refuses a statistic whose buckets a delete in this store could leave partial without a cutoff
   * in the statistic's own time: a delete on its table by another clock than the statistic's time
   * (unless the store proves a row's time never comes after its clock), or one whose foreign keys
   * cascade into its table. By default: a delete on a table of the same name by another clock.
   */
  default void checkStatisticsBesideDeletes(
      List<Statistic> statistics, List<Policy> policies, Problems problems) {
    for (var statistic : statistics) {
      for (var policy : policies) {
        if (policy.deleteStage().isPresent()
            && dev.lethe.policy.PolicyCatalogue.sameTable(policy.table(), statistic.table())
            && (policy.clock().related() || !policy.clock().column().equals(statistic.time()))) {
          StatisticBesideDelete.otherClock(statistic, policy, Optional.empty(), problems);
        }
      }
    }
  }

  /**
   * What Lethe's statements in this store are waiting for now, as an operator reads it ("a lock
   * held by billing-app", "the disk"), for a run that makes no progress; empty where none waits or
   * the store cannot tell.
   */
  default Optional<String> waiting() {
    return Optional.empty();
  }

  /** Where the store keeps its windows' audit records until the control database has them. */
  Outbox outbox();

  /** Checks the policies on this store against its catalog, recording every problem. */
  void check(List<Policy> policies, Problems problems);

  /** Checks the statistics on this store against its catalog, recording every problem. */
  void checkStatistics(List<Statistic> statistics, Problems problems);

  /** A statistic's rows in this store; buckets start in {@code zone}. */
  StatisticSource statistic(Statistic statistic, java.time.ZoneId zone);

  /**
   * The order in which policies on this store must run: a table that references another is cleaned
   * before the table it references. Otherwise the given order is kept.
   */
  List<Policy> executionOrder(List<Policy> policies);

  /**
   * The work of one stage of one policy in one run.
   *
   * @param scope the moment the run treats as now, and the policies around this one
   */
  RetentionTarget target(PolicyStep step, RetentionScope scope);

  /**
   * A subject's rows under one policy, for requests; {@code scope} gives now, every policy and the
   * run's tokens.
   */
  SubjectData subjectData(Policy policy, RetentionScope scope);

  @Override
  void close();
}
