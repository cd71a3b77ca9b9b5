package dev.lethe.retention;

import dev.lethe.audit.AuditEntry;
import dev.lethe.audit.AuditTrail;
import dev.lethe.audit.OutboxSeal;
import dev.lethe.store.Outbox;
import dev.lethe.store.WindowOutcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a store's outbox keeps of one window (docs/decisions/0016): its audit entry's draft, and the
 * counts the window adds to its run, with the run and step they belong to, so that whichever run
 * takes the record appends the entry once and the run it belongs to counts the rows once.
 *
 * @param instance the job instance (job and as-of date): its restarts are the same run
 * @param store the store whose outbox the record was written into, as the record itself says: a
 *     copy found in another store's outbox is still this store's window
 */
record WindowRecord(
    UUID id,
    long instance,
    long execution,
    String job,
    String step,
    String store,
    long examined,
    long changed,
    long heldByHolds,
    long heldByRequests,
    long heldByRestrictions,
    long referenced,
    AuditEntry.Draft draft) {

  static WindowRecord of(
      long instance,
      long execution,
      String job,
      String step,
      String store,
      WindowOutcome w,
      AuditEntry.Draft d) {
    return new WindowRecord(
        UUID.randomUUID(),
        instance,
        execution,
        job,
        step,
        store,
        w.examined(),
        w.changed(),
        w.heldByHolds(),
        w.heldByRequests(),
        w.heldByRestrictions(),
        w.referenced(),
        d);
  }

  /** The window's counts, as a window outcome adds them. */
  WindowOutcome counts() {
    return new WindowOutcome(
        List.of(),
        false,
        examined,
        changed,
        heldByHolds,
        heldByRequests,
        heldByRestrictions,
        referenced,
        Map.of());
  }

  /**
   * The record as its store keeps it: the body, and Lethe's signature of it, so that a record
   * someone else wrote into the outbox is refused ({@link OutboxSeal}).
   */
  Outbox.Entry entry(AuditTrail audit) {
    return new Outbox.Entry(id, OutboxSeal.seal(audit, body()));
  }

  private Map<String, Object> body() {
    var map = new LinkedHashMap<String, Object>();
    map.put("id", id.toString());
    map.put("instance", instance);
    map.put("execution", execution);
    map.put("job", job);
    map.put("step", step);
    map.put("store", store);
    map.put("examined", examined);
    map.put("changed", changed);
    map.put("heldByHolds", heldByHolds);
    map.put("heldByRequests", heldByRequests);
    map.put("heldByRestrictions", heldByRestrictions);
    map.put("referenced", referenced);
    map.put("draft", draft.toMap());
    return map;
  }

  /** The window's record of an opened body ({@link OutboxSeal#open}). */
  @SuppressWarnings("unchecked")
  static WindowRecord of(UUID id, Map<String, Object> map) {
    return new WindowRecord(
        id,
        number(map, "instance"),
        number(map, "execution"),
        (String) map.get("job"),
        (String) map.get("step"),
        (String) map.get("store"), // null in records made before it was kept
        number(map, "examined"),
        number(map, "changed"),
        number(map, "heldByHolds"),
        number(map, "heldByRequests"),
        number(map, "heldByRestrictions"),
        number(map, "referenced"),
        AuditEntry.Draft.of((Map<String, Object>) map.get("draft")));
  }

  private static long number(Map<String, Object> map, String key) {
    return ((Number) map.get(key)).longValue();
  }
}
