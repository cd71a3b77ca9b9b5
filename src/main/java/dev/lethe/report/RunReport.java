package dev.lethe.report;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What one run did, per policy: what was deleted, under which legal basis, and what was held back
 * and why. Counts only: no subject key or other value from a store appears in a report.
 *
 * @param auditHash the hash of the run's last audit entry (of any attempt; where it recorded none,
 *     the last entry before the report): the report and the trail vouch for each other
 */
public record RunReport(
    long run,
    String job,
    LocalDate asOf,
    String status,
    String exitMessage,
    String startedBy,
    Instant startedAt,
    Instant endedAt,
    String keyId,
    String auditHash,
    List<DefinitionFile> definitionFiles,
    List<RequestReport> requests,
    List<StatisticReport> statistics,
    List<PolicyReport> policies,
    List<Attempt> attempts,
    long requestRowsDeleted,
    long requestRowsPseudonymised) {

  /**
   * One attempt of the run: the first, and each restart, with its own start, end and the definition
   * files it ran with (a restart may run with changed files: each attempt's are its own). The
   * counts above are all attempts' together.
   */
  public record Attempt(
      long run,
      String status,
      Instant startedAt,
      Instant endedAt,
      List<DefinitionFile> definitionFiles) {}

  /** The attempts, the first first; none in reports written before they were kept. */
  public List<Attempt> attemptsOrNone() {
    return attempts == null ? List.of() : attempts;
  }

  /** Rows the run deleted: its policies' stages, and the requests it carried out. */
  public long deleted() {
    return policies.stream().mapToLong(PolicyReport::deleted).sum() + requestRowsDeleted;
  }

  /** Rows the run pseudonymised: its policies' stages, and the requests it carried out. */
  public long pseudonymised() {
    return policies.stream().mapToLong(PolicyReport::pseudonymised).sum()
        + requestRowsPseudonymised;
  }

  /**
   * A data-subject request the run carried out, or one past its deadline. The subject appears only
   * as its token.
   *
   * @param handled whether this run carried it out (else it is listed as overdue)
   * @param heldBy the case references of the holds that keep it partly done
   */
  public record RequestReport(
      long request,
      String kind,
      String subjectToken,
      String status,
      LocalDate deadline,
      boolean overdue,
      boolean handled,
      long deleted,
      long pseudonymised,
      long exported,
      String heldBy) {}

  /**
   * A policy, statistic or job file the run used, with its SHA-256: a reviewer can tell that the
   * files in front of them are the ones that ran.
   */
  public record DefinitionFile(String file, String sha256) {}

  /**
   * One statistic in a run: buckets added, cells published and suppressed (with the rows in those),
   * totals withheld, and the privacy budget spent.
   */
  public record StatisticReport(
      String statistic,
      String status,
      long bucketsAdded,
      long cellsPublished,
      long cellsSuppressed,
      long rowsSuppressed,
      long totalsWithheld,
      double epsilonSpent,
      String error,
      String notComputed,
      List<TrendPoint> trend) {}

  /**
   * One bucket of a statistic's trend: its first day and the first measure of its published total
   * (null where the total was withheld).
   */
  public record TrendPoint(String bucket, java.math.BigDecimal total) {}

  /**
   * One stage of one policy in a run: {@code examined} rows had reached the stage; each was deleted
   * or pseudonymised (per the action) or held back for one reason. {@code holdCases}: the case
   * references of the legal holds on the policy in force during the run, where holds kept rows.
   * {@code unparsable}: lines of log files that did not parse, the first hundred named as file:line
   * in {@code unparsableLines}. {@code waitedWindows}: windows that met a lock they could not get
   * within the lock timeout (rolled back, tried again later in the run); {@code leftWaiting}: those
   * still waiting then, whose rows are left for the next run, {@code leftWaitingRows} of them due
   * (-1: not counted); {@code waitedOn}: on what (the table, and the holding sessions' application
   * names).
   */
  public record PolicyReport(
      String policy,
      String step,
      String category,
      String legalBasis,
      String store,
      String table,
      String after,
      String action,
      String status,
      long examined,
      long deleted,
      long pseudonymised,
      long heldByHolds,
      List<String> holdCases,
      long heldByRequests,
      long heldByRestrictions,
      long referenced,
      long unparsable,
      List<String> unparsableLines,
      long windows,
      long waitedWindows,
      long leftWaiting,
      long leftWaitingRows,
      List<String> waitedOn,
      String error,
      String cutoff,
      List<String> conditions,
      String guard) {

    /**
     * What made a row due and the guards the step ran under, in words: "before 2025-01-01T00:00Z
     * (P1Y); where status is one of done; guards: max-rows 400: deleted 317".
     */
    public String dueText() {
      return "before "
          + cutoff
          + (after == null ? "" : " (" + after + ")")
          + (conditions == null || conditions.isEmpty()
              ? ""
              : "; where " + String.join(" and ", conditions))
          + (guard == null ? "" : "; guards: " + guard);
    }

    /**
     * What the step's windows met of applications' locks, in words (null where none waited): "2
     * window(s) waited on a lock (app.event: billing-app) and were tried again; 1 still waited:
     * their 100 due row(s) are left for the next run".
     */
    public String waitedText() {
      if (waitedWindows <= 0) {
        return null;
      }
      return waitedWindows
          + " window(s) waited on a lock ("
          + String.join("; ", waitedOn == null ? List.of() : waitedOn)
          + ") and were tried again"
          + (leftWaiting > 0
              ? "; "
                  + leftWaiting
                  + " still waited: their "
                  + (leftWaitingRows < 0 ? "rows (not counted)" : leftWaitingRows + " due row(s)")
                  + " are left for the next run"
              : "");
    }

    /**
     * Where the step did not complete (a guard tripped, a store failed, the run was stopped), that
     * its counts are of the windows it did, in words; null where it completed. Rows held back are
     * counted once for the whole table after the last window, so a stopped step's "held 0" and
     * "due" equal to "deleted" read as the table's (found by an outside attack).
     */
    public String partialText() {
      if ("COMPLETED".equals(status)) {
        return null;
      }
      return "the step stopped before its last window: due, held, requested, restricted and"
          + " referenced count only the windows it did, not the rest of the table (lethe plan"
          + " counts it all, as does the report of the run that goes on with it)";
    }

    /** This step's report with what {@code told} says of its policy: category, basis, table. */
    public PolicyReport withDefinition(PolicyReport told) {
      return new PolicyReport(
          policy,
          step,
          told.category(),
          told.legalBasis(),
          told.store(),
          told.table(),
          told.after(),
          told.action(),
          status,
          examined,
          deleted,
          pseudonymised,
          heldByHolds,
          holdCases,
          heldByRequests,
          heldByRestrictions,
          referenced,
          unparsable,
          unparsableLines,
          windows,
          waitedWindows,
          leftWaiting,
          leftWaitingRows,
          waitedOn,
          error,
          told.cutoff(),
          told.conditions(),
          guard);
    }
  }
}
