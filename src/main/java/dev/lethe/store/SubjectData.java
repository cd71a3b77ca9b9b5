package dev.lethe.store;

import java.util.List;
import java.util.Map;

/**
 * One subject's rows under one policy, for the requests a subject makes: access and export,
 * erasure, withdrawal of consent. The rows are those of the policy's table whose subject column
 * holds the subject's key, or its token where a policy on the table turns that column into tokens;
 * a policy's {@code where} and clock play no part: a request is about all of a subject's data.
 */
public interface SubjectData {

  /** Whether the key can be a value of the subject column (an integer column takes no "abc"). */
  boolean fits(String subject);

  /**
   * Where the subject key is and what it takes, for a person who gave a key that fits nowhere:
   * {@code billing.payment.account_id (bigint)}.
   */
  String subjectColumn();

  /**
   * Whether the subject column compares text whatever its case (a PostgreSQL citext column): the
   * trail records every entry of a request under the policy by the key in every spelling, as the
   * rows' changes are ({@code AuditTrail.anyCase}).
   */
  default boolean anyCase() {
    return false;
  }

  /**
   * The table the rows are in, the same text for every policy on that table, so that a request
   * lists each table's rows once.
   */
  String tableIdentity();

  /** Every row of the subject, column by column: numbers and booleans as such, the rest as text. */
  List<Map<String, Object>> rows(String subject);

  /**
   * The values of the policy's contact column in the subject's rows a request reaches ({@link
   * RequestKeepers#reaches}); none where there is no contact column.
   */
  List<String> contacts(String subject, RequestKeepers keepers);

  /**
   * Erases the subject's rows: deletes them, but keeps those that {@code keepers} keep (transformed
   * where a keeping policy's {@code on-erasure} pseudonymises), and nothing at all where a policy
   * on the table is under a hold for the subject. Rows that kept rows elsewhere still reference get
   * the policy's {@code on-erasure.if-referenced} transform. Applying it twice changes nothing
   * more: a deleted row is gone, a pseudonymised one is marked.
   *
   * @param holds the policies under a legal hold on this subject, asked before the change and again
   *     just before it commits (a hold placed meanwhile rolls the change back)
   * @param keepers the policies whose rows the request leaves, and how far
   * @param recorder the records of the change, each written into the store's outbox with the change
   *     it records: in its transaction, or (log files) before the rewrite
   */
  ErasureOutcome erase(String subject, HoldCheck holds, RequestKeepers keepers, Recorder recorder);

  /**
   * Whether an erasure here commits in parts (a log store's files, each renamed on its own), each
   * keeping new holds out only while it is made ({@link HoldCheck#partBeforeCommit}); otherwise the
   * caller keeps them out for the whole change, which commits once.
   */
  default boolean commitsInParts() {
    return false;
  }

  /**
   * Where an erasure's record comes from (docs/decisions/0021). The store asks for it once it knows
   * what its change does and just before the change becomes lasting, and writes it into its outbox
   * with the change, so that no row leaves without its record, whatever fails next: the request's
   * run takes it from there, or the next run does.
   */
  interface Recorder {

    /** The record of a change about to be made; null where it changes no row. */
    default Outbox.Entry recordOf(ErasureOutcome change) {
      return recordOf(change, false);
    }

    /**
     * As above; {@code anyCase}: the table's subject column compares text whatever its case
     * (citext), so the change took the key's rows in every spelling, and the trail records them as
     * such ({@code AuditTrail.anyCase}).
     */
    Outbox.Entry recordOf(ErasureOutcome change, boolean anyCase);

    /** A change whose record was written did not happen after all (a file changed meanwhile). */
    void undone(java.util.UUID id);
  }

  /**
   * What one erasure did under one policy.
   *
   * @param kept the subject's rows left because a keeping policy keeps them (transformed or not)
   * @param keptBy the policies that kept them, with their rows: {@code invoices (legal-obligation):
   *     2} (null: none)
   * @param remaining the subject's rows in the table after the change, whatever kept them (-1: not
   *     counted)
   */
  record ErasureOutcome(
      long deleted,
      long pseudonymised,
      long referenced,
      String heldBy,
      long kept,
      String keptBy,
      long left,
      String leftBecause,
      long remaining) {

    /**
     * Why rows are left where a hold on another key keeps them: a text column may take two keys for
     * one value ("ALICE" and "alice" under citext or a case-insensitive collation).
     */
    public static final String HELD_UNDER_ANOTHER_KEY =
        "under a legal hold on another key that the table's subject column takes for the same"
            + " value (another spelling, as the column compares): left until the hold is released";

    public ErasureOutcome(
        long deleted,
        long pseudonymised,
        long referenced,
        String heldBy,
        long kept,
        String keptBy,
        long left,
        String leftBecause) {
      this(deleted, pseudonymised, referenced, heldBy, kept, keptBy, left, leftBecause, -1);
    }

    public ErasureOutcome(
        long deleted,
        long pseudonymised,
        long referenced,
        String heldBy,
        long kept,
        String keptBy) {
      this(deleted, pseudonymised, referenced, heldBy, kept, keptBy, 0, null);
    }

    /**
     * This outcome with the subject's rows still in the table after the change, counted in its
     * transaction (by key or token): what an outcome must never state less of.
     */
    public ErasureOutcome withRemaining(long rows) {
      return new ErasureOutcome(
          deleted, pseudonymised, referenced, heldBy, kept, keptBy, left, leftBecause, rows);
    }

    public static ErasureOutcome held(String heldBy) {
      return new ErasureOutcome(0, 0, 0, heldBy, 0, null);
    }

    /** Nothing to do: the table holds none of the subject's rows. */
    public static ErasureOutcome none() {
      return new ErasureOutcome(0, 0, 0, null, 0, null).withRemaining(0);
    }

    /**
     * An erasure's change in a database table; {@code heldUnderAnotherKey}: the subject's rows it
     * left because a hold on another spelling of the key keeps them ({@link
     * #HELD_UNDER_ANOTHER_KEY}).
     */
    public static ErasureOutcome changed(
        long deleted,
        long pseudonymised,
        long referenced,
        long kept,
        String keptBy,
        long heldUnderAnotherKey) {
      return new ErasureOutcome(
          deleted,
          pseudonymised,
          referenced,
          null,
          kept,
          keptBy,
          heldUnderAnotherKey,
          heldUnderAnotherKey > 0 ? HELD_UNDER_ANOTHER_KEY : null);
    }

    /**
     * Whether nothing more is left to do: no hold stands in the way, no row is still referenced,
     * nothing was left to be done at the next run ({@code left}, because {@code leftBecause}).
     */
    public boolean complete() {
      return heldBy == null && referenced == 0 && left == 0;
    }
  }
}
