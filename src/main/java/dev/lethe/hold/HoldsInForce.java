package dev.lethe.hold;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * What a run reads of the holds, over JDBC: the holds on a subject in force now, and the cases
 * holds kept data under during a run. A run starts no JPA (docs/decisions/0004); placing and
 * releasing holds is {@link HoldService}'s.
 */
@Transactional(readOnly = true)
public class HoldsInForce {

  private final JdbcClient jdbc;

  public HoldsInForce(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * The holds on a subject that are active now. A number is the same subject however it is written:
   * a hold on "0200" keeps what an erasure of "200" would take, as the purge, which compares keys
   * as the column's numbers, already held it.
   */
  public List<Hold> activeOn(String subject) {
    var key = subject.trim();
    var number = SubjectGate.number(key);
    if (number == null) {
      return jdbc.sql(
              "SELECT * FROM lethe.legal_hold WHERE subject = ? AND released_at IS NULL ORDER BY"
                  + " id")
          .param(key)
          .query(HoldsInForce::hold)
          .list();
    }
    return jdbc.sql(
            // CASE: the cast only of what is a number (AND leaves PostgreSQL the order)
            "SELECT * FROM lethe.legal_hold WHERE released_at IS NULL AND (subject = ? OR CASE"
                + " WHEN length(subject) <= 1000 AND btrim(subject) ~ '^[+-]?[0-9]+$' THEN"
                + " CAST(btrim(subject) AS numeric) END = CAST(? AS numeric)) ORDER BY id")
        .params(key, number)
        .query(HoldsInForce::hold)
        .list();
  }

  /**
   * The holds active now on the subject's key in any case ("Alice" for "alice"): a column that
   * compares text whatever its case takes them for one subject. Every hold {@link #activeOn} finds
   * is among them (a number's, however written, where the key is one).
   */
  public List<Hold> activeOnAnyCase(String subject) {
    if (SubjectGate.number(subject) != null) {
      return activeOn(subject);
    }
    return jdbc.sql(
            "SELECT * FROM lethe.legal_hold WHERE lower(subject) = lower(?) AND released_at IS NULL"
                + " ORDER BY id")
        .param(subject.trim())
        .query(HoldsInForce::hold)
        .list();
  }

  /**
   * What the holds in force at any time since {@code since} cover, with their case references: one
   * row per distinct scope and case, however many subjects are held (a report needs no more).
   */
  public List<HoldCase> casesSince(Instant since) {
    return jdbc.sql(
            "SELECT DISTINCT policy, category, case_reference FROM lethe.legal_hold"
                + " WHERE released_at IS NULL OR released_at >= ?")
        .param(java.sql.Timestamp.from(since))
        .query(
            (rs, n) ->
                new HoldCase(
                    rs.getString("policy"),
                    rs.getString("category"),
                    rs.getString("case_reference")))
        .list();
  }

  /** A case under which holds keep data: the scope they are narrowed to, if any. */
  /**
   * Refuses definitions under which a hold in force covers nothing it was placed on: its policy is
   * not defined, or no policy has its category. Renaming or removing a policy (or a category) left
   * the hold naming nothing, and the policy's rows under a new name went with no hold in the way
   * (found by an outside attack).
   */
  public void checkScopes(dev.lethe.policy.Definitions definitions) {
    var categories = new java.util.HashSet<String>();
    definitions.policies().values().forEach(p -> categories.add(p.category()));
    var orphans = new ArrayList<String>();
    jdbc.sql(
            "SELECT policy, category, count(*) AS holds, min(case_reference) AS first_case,"
                + " count(DISTINCT case_reference) AS cases FROM lethe.legal_hold WHERE"
                + " released_at IS NULL AND (policy IS NOT NULL OR category IS NOT NULL) GROUP BY"
                + " policy, category ORDER BY policy, category")
        .query(
            (rs, n) -> {
              var policy = rs.getString("policy");
              var category = rs.getString("category");
              boolean lost =
                  policy != null
                      ? !definitions.policies().containsKey(policy)
                      : !categories.contains(category);
              if (lost) {
                orphans.add(
                    rs.getLong("holds")
                        + " hold(s) on "
                        + (policy != null
                            ? "policy '" + policy + "'"
                            : "category '" + category + "'")
                        + " (case "
                        + rs.getString("first_case")
                        + (rs.getLong("cases") > 1
                            ? " and " + (rs.getLong("cases") - 1) + " more"
                            : "")
                        + ")");
              }
              return null;
            })
        .list();
    if (!orphans.isEmpty()) {
      throw new dev.lethe.system.BadInputException(
          "legal holds in force cover what no policy is now: "
              + String.join("; ", orphans)
              + ". The data they keep would go under another policy's name with no hold in the"
              + " way; nothing was run. Fix: define the policy or category again, or place the"
              + " holds again under the new name ('lethe hold place ... --policy NAME') and then"
              + " release the old ones ('lethe hold release ID')");
    }
  }

  public record HoldCase(String policy, String category, String caseReference) {

    public boolean covers(dev.lethe.policy.Policy covered) {
      return Hold.covers(policy, category, covered);
    }
  }

  private static Hold hold(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
    return new Hold(
        rs.getLong("id"),
        rs.getString("subject"),
        rs.getString("policy"),
        rs.getString("category"),
        rs.getString("case_reference"),
        rs.getString("reason"),
        rs.getString("placed_by"),
        instant(rs.getTimestamp("placed_at")),
        rs.getString("released_by"),
        instant(rs.getTimestamp("released_at")),
        rs.getString("release_reason"));
  }

  private static Instant instant(java.sql.Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
