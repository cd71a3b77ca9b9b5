package dev.lethe.subject;

import dev.lethe.audit.AuditTrail;
import dev.lethe.hold.SubjectFlags;
import dev.lethe.system.BadInputException;
import dev.lethe.system.LetheProperties;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Records requests: received, found, listed, settled, cancelled, in the control database, each
 * change in one transaction. Checking a request against the policies and stores, and carrying it
 * out, is {@link RequestIntake}'s and {@link RequestRunner}'s; what was done for it under each
 * policy is {@link RequestOutcomes}'. Cancelling one, the change people make to a request, is
 * {@link RequestCancellation}'s, on its entity; a run starts no JPA (docs/decisions/0004), so what
 * it does here stays JDBC, and bumps the request's version as an entity's change does.
 */
@Transactional
public class RequestService {

  private final JdbcClient jdbc;
  private final Clock clock;
  private final LetheProperties properties;
  private final AuditTrail audit;

  public RequestService(
      JdbcClient jdbc, Clock clock, LetheProperties properties, AuditTrail audit) {
    this.audit = audit;
    this.jdbc = jdbc;
    this.clock = clock;
    this.properties = properties;
  }

  /** Records a checked request; an open export request spares the subject's rows from then on. */
  SubjectRequest insert(
      RequestKind kind,
      String subject,
      String purpose,
      String reference,
      String receivedBy,
      List<RequestReach.Place> reach) {
    if (kind == RequestKind.EXPORT) {
      // an export spares the subject's rows from the moment it is received: it waits, as a hold
      // does, for the windows in flight, which read the spared subjects before it (found by an
      // outside attack: a partition emptied seconds after the request took the subject's rows)
      dev.lethe.hold.SubjectGate.close(jdbc, subject);
    }
    var now = clock.instant();
    var deadline =
        LocalDate.ofInstant(now, properties.timeZone()).plus(properties.requests().deadline());
    var open = openOf(kind, subject, purpose);
    if (open != null) {
      throw duplicate(kind, purpose, open);
    }
    long id;
    try {
      id =
          jdbc.sql(
                  """
                  INSERT INTO lethe.subject_request
                    (kind, subject, purpose, reference, received_by, received_at, deadline, status,
                     reach, reach_identity)
                  VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id""")
              .params(
                  kind.text(),
                  subject,
                  purpose,
                  reference,
                  receivedBy,
                  Timestamp.from(now),
                  deadline,
                  reach.stream().map(RequestReach.Place::name).toArray(String[]::new),
                  reach.stream().map(RequestReach.Place::identity).toArray(String[]::new))
              .query(Long.class)
              .single();
    } catch (DuplicateKeyException e) {
      throw duplicate(kind, purpose, null); // received by another process just now
    }
    if (kind == RequestKind.EXPORT) {
      SubjectFlags.bumpVersion(jdbc);
    }
    audit.appendAbout(
        "request",
        "received",
        subject,
        "request "
            + id
            + ", "
            + kind.text()
            + (purpose == null ? "" : " " + purpose)
            + ", by "
            + receivedBy);
    return find(id);
  }

  private static BadInputException duplicate(RequestKind kind, String purpose, Long open) {
    return new BadInputException(
        "the subject already has an open "
            + kind.text()
            + " request"
            + (purpose == null ? "" : " for " + purpose)
            + (open == null ? "" : " (request " + open + ")")
            + ". Fix: see 'lethe request show "
            + (open == null ? "ID" : open)
            + "'; it is carried out by the next 'lethe run requests'");
  }

  private Long openOf(RequestKind kind, String subject, String purpose) {
    return jdbc.sql(
            "SELECT id FROM lethe.subject_request WHERE kind = ? AND subject = ?"
                + " AND coalesce(purpose, '') = coalesce(?, '') AND status NOT IN ('done', 'cancelled')")
        .params(kind.text(), subject, purpose)
        .query(Long.class)
        .optional()
        .orElse(null);
  }

  /**
   * Closes the request where every policy's outcome is final, else marks it partly done. A closed
   * export request no longer spares the subject's rows.
   */
  @Transactional(propagation = Propagation.REQUIRES_NEW)
  SubjectRequest settle(long id, String exportFile) {
    var request = find(id);
    if (SubjectRequest.CANCELLED.equals(request.status())) {
      return request; // cancelled while it was carried out: it stays cancelled
    }
    boolean complete = request.outcomes().stream().allMatch(SubjectRequest.Outcome::fin);
    jdbc.sql(
            "UPDATE lethe.subject_request SET status = ?, completed_at = ?,"
                + " export_file = coalesce(?, export_file), version = version + 1"
                + " WHERE id = ? AND status <> 'cancelled'")
        .params(
            complete ? SubjectRequest.DONE : SubjectRequest.PARTLY_DONE,
            complete ? Timestamp.from(clock.instant()) : null,
            exportFile,
            id)
        .update();
    if (complete && request.kind() == RequestKind.EXPORT) {
      SubjectFlags.bumpVersion(jdbc);
    }
    var status = complete ? SubjectRequest.DONE : SubjectRequest.PARTLY_DONE;
    if (status.equals(request.status())) {
      return find(id); // tried again, and still where it was: nothing new to record
    }
    audit.appendAbout(
        "request",
        complete ? "done" : "partly done",
        request.subject(),
        "request " + id + ", " + request.kind().text());
    return find(id);
  }

  /** Requests not yet done, oldest first: what a run carries out. */
  @Transactional(readOnly = true)
  public List<Long> pending() {
    return jdbc.sql(
            "SELECT id FROM lethe.subject_request WHERE status NOT IN ('done', 'cancelled') ORDER BY id")
        .query(Long.class)
        .list();
  }

  /** Requests, newest first: all, those not done, or those past their deadline on {@code today}. */
  @Transactional(readOnly = true)
  public List<SubjectRequest> list(boolean openOnly, boolean overdueOnly, LocalDate today) {
    var sql = new StringBuilder("SELECT id FROM lethe.subject_request");
    if (overdueOnly) {
      sql.append(" WHERE status NOT IN ('done', 'cancelled') AND deadline < ?");
    } else if (openOnly) {
      sql.append(" WHERE status NOT IN ('done', 'cancelled')");
    }
    sql.append(" ORDER BY id DESC");
    var query = jdbc.sql(sql.toString());
    if (overdueOnly) {
      query = query.param(today);
    }
    return query.query(Long.class).list().stream().map(this::find).toList();
  }

  @Transactional(readOnly = true)
  public SubjectRequest find(long id) {
    return findIfAny(id)
        .orElseThrow(
            () ->
                new BadInputException(
                    "no request with id " + id + ". Fix: see 'lethe request list'"));
  }

  /**
   * The places the request had to reach when it was received ({@link RequestReach}); empty for a
   * request received before they were recorded.
   */
  @Transactional(readOnly = true)
  java.util.Optional<List<RequestReach.Place>> reachOf(long id) {
    return jdbc.sql("SELECT reach, reach_identity FROM lethe.subject_request WHERE id = ?")
        .param(id)
        .query(
            (rs, n) -> {
              var names = rs.getArray("reach");
              if (names == null) {
                return java.util.Optional.<List<RequestReach.Place>>empty();
              }
              var name = (String[]) names.getArray();
              var identities = rs.getArray("reach_identity");
              var identity = identities == null ? new String[0] : (String[]) identities.getArray();
              var places = new java.util.ArrayList<RequestReach.Place>();
              for (int i = 0; i < name.length; i++) {
                places.add(new RequestReach.Place(name[i], i < identity.length ? identity[i] : ""));
              }
              return java.util.Optional.of(List.copyOf(places));
            })
        .single();
  }

  /** The request, where the control database still has it. */
  @Transactional(readOnly = true)
  public java.util.Optional<SubjectRequest> findIfAny(long id) {
    var outcomes =
        jdbc.sql("SELECT * FROM lethe.request_outcome WHERE request_id = ? ORDER BY policy")
            .param(id)
            .query(RequestService::outcome)
            .list();
    return jdbc.sql("SELECT * FROM lethe.subject_request WHERE id = ?")
        .param(id)
        .query((rs, n) -> request(rs, outcomes))
        .optional();
  }

  private static SubjectRequest request(ResultSet rs, List<SubjectRequest.Outcome> outcomes)
      throws SQLException {
    return new SubjectRequest(
        rs.getLong("id"),
        RequestKind.of(rs.getString("kind")),
        rs.getString("subject"),
        rs.getString("purpose"),
        rs.getString("reference"),
        rs.getString("received_by"),
        instant(rs.getTimestamp("received_at")),
        rs.getObject("deadline", LocalDate.class),
        rs.getString("status"),
        instant(rs.getTimestamp("completed_at")),
        rs.getString("export_file"),
        outcomes,
        rs.getString("closed_by"),
        rs.getString("closed_reason"),
        rs.getLong("version"));
  }

  private static SubjectRequest.Outcome outcome(ResultSet rs, int row) throws SQLException {
    long run = rs.getLong("run_id");
    boolean noRun = rs.wasNull();
    return new SubjectRequest.Outcome(
        rs.getString("policy"),
        rs.getString("store"),
        rs.getBoolean("final"),
        rs.getString("outcome"),
        rs.getLong("deleted"),
        rs.getLong("pseudonymised"),
        rs.getLong("exported"),
        rs.getLong("referenced"),
        rs.getLong("kept"),
        rs.getString("held_by"),
        noRun ? null : run);
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
