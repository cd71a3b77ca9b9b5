package dev.lethe.subject;

import dev.lethe.policy.Definitions;
import dev.lethe.store.StoreRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The records of requests' changes in the stores' outboxes (docs/decisions/0021): taken into the
 * trail and the outcomes once the change is known to have happened, and taken from where an earlier
 * run left them. The carrying out of requests is {@link RequestRunner}'s.
 */
final class RequestRecords {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(RequestRecords.class);

  private final RequestOutcomes requests;
  private final StoreRegistry stores;
  private final dev.lethe.audit.AuditTrail audit;
  private final DataSource dataSource;

  RequestRecords(
      RequestOutcomes requests,
      StoreRegistry stores,
      dev.lethe.audit.AuditTrail audit,
      DataSource dataSource) {
    this.requests = requests;
    this.stores = stores;
    this.audit = audit;
    this.dataSource = dataSource;
  }

  /** Takes the records of changes that happened: each entry appended once, then forgotten. */
  void take(String store, List<RequestRecord> changes) {
    if (changes.isEmpty()) {
      return;
    }
    changes.forEach(requests::take);
    forget(store, changes.stream().map(RequestRecord::id).toList());
  }

  private void forget(String store, List<java.util.UUID> ids) {
    try {
      stores.store(store).outbox().taken(ids);
    } catch (RuntimeException e) {
      // the next run finds them in the trail already, and forgets them then
      LOG.warn("store {}: {}", store, e.getMessage());
    }
  }

  /**
   * Takes what earlier runs left in the outbox of every store a policy names, of any request: a
   * request cancelled after its run was cut off has no run of its own to take them. A store that
   * cannot be read now is tried again by the next run (a request that erases there fails first).
   */
  void recoverAll(Definitions definitions, Long runId) {
    var names = new TreeSet<String>();
    definitions.policies().values().forEach(p -> names.add(p.store()));
    for (var store : names) {
      try {
        recoverIn(store, -1, runId);
      } catch (RuntimeException e) {
        LOG.warn(
            "store {}: the records requests left there could not be taken now ({}); the next"
                + " run tries again",
            store,
            e.getMessage());
      }
    }
  }

  /**
   * Takes the records of requests' changes that an earlier run left in the store's outbox: it made
   * the change and ended (killed, its connection to the control database lost) before recording it.
   * A record of another request is taken only while no runner carries that request out; its own
   * runner takes it otherwise. Window records are the purge's, and so is refusing a record Lethe
   * did not seal.
   */
  void recoverIn(String store, long current, Long runId) {
    var outbox = stores.store(store).outbox();
    outbox.prepare();
    var taken = new ArrayList<java.util.UUID>();
    long rows = 0;
    var ofRequests = new TreeSet<Long>();
    for (var entry : outbox.pending()) {
      RequestRecord record;
      try {
        var body = dev.lethe.audit.OutboxSeal.open(audit, entry.id(), entry.payload());
        if (!dev.lethe.audit.OutboxSeal.isRequest(body)) {
          continue;
        }
        record = RequestRecord.of(entry.id(), body);
      } catch (dev.lethe.audit.OutboxSeal.Refused refused) {
        continue;
      }
      boolean took;
      if (record.request() == current) {
        took = requests.take(record.recoveredBy(runId));
      } else {
        var lock =
            dev.lethe.system.SessionLock.tryAcquire(
                dataSource, "lethe.request." + record.request());
        if (lock.isEmpty()) {
          continue;
        }
        try (var held = lock.get()) {
          took = requests.take(record.recoveredBy(runId));
        }
      }
      if (took) {
        rows += record.deleted() + record.pseudonymised();
        ofRequests.add(record.request());
      }
      taken.add(record.id());
    }
    forget(store, taken);
    if (rows > 0) {
      LOG.info(
          "store {}: recovered the records of {} row(s) that request(s) {} changed in an earlier"
              + " run which ended before recording them",
          store,
          rows,
          ofRequests);
    }
  }
}
