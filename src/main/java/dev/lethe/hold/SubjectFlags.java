package dev.lethe.hold;

import dev.lethe.policy.Policy;
import dev.lethe.store.SparedSubjects;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The subjects a purge must spare, read from the control database. A run asks before every window;
 * one cheap read of a version number tells whether anything changed, so a hold placed during a run
 * is honoured from the next window on without reloading every time.
 */
public class SubjectFlags {

  private final JdbcClient jdbc;
  private final TransactionTemplate snapshotRead;
  private volatile Snapshot snapshot =
      new Snapshot(-1, List.of(), Set.of(), Set.of(), new ConcurrentHashMap<>());

  public SubjectFlags(JdbcClient jdbc, PlatformTransactionManager transactions) {
    this.jdbc = jdbc;
    this.snapshotRead = new TransactionTemplate(transactions);
    snapshotRead.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    snapshotRead.setReadOnly(true);
  }

  /**
   * Called in the same transaction as every change to holds, restrictions and open access requests,
   * so that a running purge sees the change at its next window.
   */
  public static void bumpVersion(JdbcClient jdbc) {
    jdbc.sql("UPDATE lethe.subject_flags_version SET version = version + 1").update();
  }

  /** The subjects with an objection in force to {@code purpose}: statistics leave them out. */
  public Set<String> objectors(String purpose) {
    return Set.copyOf(
        jdbc.sql("SELECT subject FROM lethe.objection WHERE purpose = ? AND lifted_at IS NULL")
            .param(purpose)
            .query(String.class)
            .list());
  }

  /** See {@link SubjectGate#passWindows}: in the purge chunk's transaction, before its windows. */
  public SubjectGate.WindowsGate passWindowsGate() {
    return SubjectGate.passWindows(jdbc);
  }

  /**
   * The subjects {@code policy} must spare now: its holds, every subject with an open access or
   * export request, and every restricted subject. A policy whose deletes may cascade spares the
   * subjects of every hold, narrowed or not. {@code sameRows} are the other policies on the
   * policy's table: a hold on any of them keeps the subject's rows of that table for every policy
   * on it, as it does for requests. {@code all} are the policies the caller knows (a run's, loaded
   * when it began): a hold naming a policy or category none of them has was placed under a name
   * given since (a policy renamed while the run went on), and spares its subject in every policy
   * rather than in none (found by an outside attack).
   */
  public SparedSubjects sparedFor(
      Policy policy, java.util.Collection<Policy> sameRows, java.util.Collection<Policy> all) {
    var current = current();
    return current
        .byPolicy()
        .computeIfAbsent(policy.name(), name -> spared(current, policy, sameRows, all));
  }

  private static SparedSubjects spared(
      Snapshot snapshot, Policy policy, java.util.Collection<Policy> sameRows) {
    return spared(snapshot, policy, sameRows, java.util.List.of());
  }

  private static SparedSubjects spared(
      Snapshot snapshot,
      Policy policy,
      java.util.Collection<Policy> sameRows,
      java.util.Collection<Policy> all) {
    var held = new HashSet<String>();
    for (var hold : snapshot.holds()) {
      if (covers(hold, policy)
          || sameRows.stream().anyMatch(other -> covers(hold, other))
          || namesNoneOf(hold, all)) {
        held.add(hold.subject());
      }
    }
    return new SparedSubjects(
        snapshot.version(), Set.copyOf(held), snapshot.requested(), snapshot.restricted());
  }

  /** The subjects whose processing is restricted now. */
  public Set<String> restricted() {
    return current().restricted();
  }

  /**
   * Every subject {@code policy} spared at any time since {@code since}: holds, requests and
   * restrictions active then or placed since. Counting what a run held back with this set counts a
   * row kept by a hold released half-way through the run, and leaves out nothing that was still
   * there.
   */
  public SparedSubjects sparedSince(Policy policy, Instant since) {
    return sparedSince(policy, java.util.List.of(), since);
  }

  /** As {@link #sparedSince(Policy, Instant)}, with the other policies on the policy's table. */
  public SparedSubjects sparedSince(
      Policy policy, java.util.Collection<Policy> sameRows, Instant since) {
    var at = Timestamp.from(since);
    var holds =
        jdbc.sql(
                "SELECT subject, policy, category FROM lethe.legal_hold"
                    + " WHERE released_at IS NULL OR released_at >= ?")
            .param(at)
            .query((rs, n) -> new ActiveHold(rs.getString(1), rs.getString(2), rs.getString(3)))
            .list();
    var restricted =
        jdbc.sql("SELECT subject FROM lethe.restriction WHERE lifted_at IS NULL OR lifted_at >= ?")
            .param(at)
            .query(String.class)
            .set();
    var requested =
        jdbc.sql(
                "SELECT subject FROM lethe.subject_request WHERE kind = 'export'"
                    + " AND (completed_at IS NULL OR completed_at >= ?)")
            .param(at)
            .query(String.class)
            .set();
    return spared(
        new Snapshot(-1, holds, Set.copyOf(requested), Set.copyOf(restricted), Map.of()),
        policy,
        sameRows);
  }

  /**
   * The subjects the holds of one case kept from {@code policy} at any time since {@code since}:
   * what a run's report counts that case's rows by.
   */
  public SparedSubjects heldUnderCase(
      Policy policy, java.util.Collection<Policy> sameRows, Instant since, String caseReference) {
    var holds =
        jdbc.sql(
                "SELECT subject, policy, category FROM lethe.legal_hold WHERE case_reference = ?"
                    + " AND (released_at IS NULL OR released_at >= ?)")
            .params(caseReference, Timestamp.from(since))
            .query((rs, n) -> new ActiveHold(rs.getString(1), rs.getString(2), rs.getString(3)))
            .list();
    return spared(new Snapshot(-1, holds, Set.of(), Set.of(), Map.of()), policy, sameRows);
  }

  private static boolean namesNoneOf(ActiveHold hold, java.util.Collection<Policy> all) {
    if (all.isEmpty()) {
      return false;
    }
    if (hold.policy() != null) {
      return all.stream().noneMatch(p -> p.name().equals(hold.policy()));
    }
    return hold.category() != null
        && all.stream().noneMatch(p -> p.category().equals(hold.category()));
  }

  private static boolean covers(ActiveHold hold, Policy policy) {
    return Hold.covers(hold.policy(), hold.category(), policy);
  }

  private Snapshot current() {
    long version =
        jdbc.sql("SELECT version FROM lethe.subject_flags_version").query(Long.class).single();
    var known = snapshot;
    if (known.version() == version) {
      return known;
    }
    var fresh = snapshotRead.execute(status -> load());
    snapshot = fresh;
    return fresh;
  }

  private Snapshot load() {
    long version =
        jdbc.sql("SELECT version FROM lethe.subject_flags_version").query(Long.class).single();
    var holds =
        jdbc.sql("SELECT subject, policy, category FROM lethe.legal_hold WHERE released_at IS NULL")
            .query((rs, n) -> new ActiveHold(rs.getString(1), rs.getString(2), rs.getString(3)))
            .list();
    var restricted =
        jdbc.sql("SELECT subject FROM lethe.restriction WHERE lifted_at IS NULL")
            .query(String.class)
            .set();
    return new Snapshot(
        version, holds, openAccessRequests(), Set.copyOf(restricted), new ConcurrentHashMap<>());
  }

  /**
   * Subjects who asked to see their data and have not yet been sent it: their rows must still be
   * there when the export is made. Read from the requests' table in the control database; the
   * requests' module depends on this one, not the other way round.
   */
  private Set<String> openAccessRequests() {
    return Set.copyOf(
        jdbc.sql(
                "SELECT subject FROM lethe.subject_request WHERE kind = 'export' AND status NOT IN ('done', 'cancelled')")
            .query(String.class)
            .set());
  }

  private record ActiveHold(String subject, String policy, String category) {}

  /** The flags at one version, with each policy's spared subjects worked out once. */
  private record Snapshot(
      long version,
      List<ActiveHold> holds,
      Set<String> requested,
      Set<String> restricted,
      Map<String, SparedSubjects> byPolicy) {}
}
