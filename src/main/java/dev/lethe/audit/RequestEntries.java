package dev.lethe.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The trail's entries of data-subject requests: how their details name the request and its rows,
 * and what the entries of some runs record per request. A run's report counts each request's rows
 * from them, so that it says what that run did: runs that take up the same requests at once each
 * listed every request's totals so far (found by an outside attack).
 *
 * <p>An entry records one action and its rows; a change that deleted some of a subject's rows and
 * pseudonymised others (a policy's {@code on-erasure}) is one entry whose action is "deleted" and
 * whose detail says both: "request 12: deleted 3, pseudonymised 2". The detail is part of the
 * entry's hash, so the split read from it is as good as the entry.
 */
public final class RequestEntries {

  private static final Pattern REQUEST = Pattern.compile("^request (\\d+)[: ]");
  private static final Pattern DELETED = Pattern.compile("\\bdeleted (\\d+)\\b");
  private static final Pattern PSEUDONYMISED = Pattern.compile("\\bpseudonymised (\\d+)\\b");

  /** The rows of requests' changes: deleted, pseudonymised, exported. */
  public record Rows(long deleted, long pseudonymised, long exported) {
    public static final Rows NONE = new Rows(0, 0, 0);

    Rows plus(Rows other) {
      return new Rows(
          deleted + other.deleted, pseudonymised + other.pseudonymised, exported + other.exported);
    }
  }

  /**
   * What the entries of some runs record: per request (in the order of their first entry), and in
   * all. A recovered entry's detail keeps the change's words first ("request 12: deleted 3;
   * recovered by run 40 ..."), as does that of a request no longer on record.
   */
  public record OfRuns(Map<Long, Rows> byRequest, Rows all) {}

  private final JdbcTemplate jdbc;

  public RequestEntries(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A request entry's detail: "request 12: deleted 3". */
  public static String detail(long request, String words) {
    return "request " + request + ": " + words;
  }

  /** A change's rows in words: "deleted 3, pseudonymised 2". */
  public static String changes(long deleted, long pseudonymised) {
    var parts = new java.util.ArrayList<String>();
    if (deleted > 0) {
      parts.add("deleted " + deleted);
    }
    if (pseudonymised > 0) {
      parts.add("pseudonymised " + pseudonymised);
    }
    return String.join(", ", parts);
  }

  /** The rows the request entries of these runs (a run's attempts) record. */
  public OfRuns ofRuns(List<Long> runIds) {
    var byRequest = new LinkedHashMap<Long, Rows>();
    var all = new Rows[] {Rows.NONE};
    jdbc.query(
        connection -> {
          var ps =
              connection.prepareStatement(
                  "SELECT action, total_rows, detail FROM lethe.audit_entry WHERE kind = 'request'"
                      + " AND action IN ('deleted', 'pseudonymised', 'exported') AND run_id ="
                      + " ANY(?) ORDER BY seq");
          ps.setArray(1, connection.createArrayOf("int8", runIds.toArray(Long[]::new)));
          return ps;
        },
        (RowCallbackHandler)
            rs -> {
              var detail = rs.getString(3);
              var rows = rows(rs.getString(1), rs.getLong(2), detail);
              all[0] = all[0].plus(rows);
              request(detail).ifPresent(id -> byRequest.merge(id, rows, Rows::plus));
            });
    return new OfRuns(byRequest, all[0]);
  }

  /** The request an entry's detail names. */
  static Optional<Long> request(String detail) {
    var m = detail == null ? null : REQUEST.matcher(detail);
    return m != null && m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
  }

  /**
   * An entry's rows by what happened to them: split as its detail says where the detail's counts
   * add up to the entry's, else all under its action.
   */
  static Rows rows(String action, long total, String detail) {
    if (action.equals("exported")) {
      return new Rows(0, 0, total);
    }
    long deleted = count(DELETED, detail);
    long pseudonymised = count(PSEUDONYMISED, detail);
    if (deleted + pseudonymised == total && deleted >= 0 && pseudonymised >= 0) {
      return new Rows(deleted, pseudonymised, 0);
    }
    return action.equals("deleted") ? new Rows(total, 0, 0) : new Rows(0, total, 0);
  }

  private static long count(Pattern words, String detail) {
    if (detail == null) {
      return 0;
    }
    // the change's own words come before any note on how the entry was recovered
    int end = detail.indexOf("; ");
    var m = words.matcher(end < 0 ? detail : detail.substring(0, end));
    try {
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
