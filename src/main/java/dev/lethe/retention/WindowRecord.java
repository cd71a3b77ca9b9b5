package dev.lethe.retention;

import dev.lethe.audit.AuditEntry;
import dev.lethe.audit.AuditTrail;
import dev.lethe.store.Outbox;
import dev.lethe.store.WindowOutcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a store's outbox keeps of one window (docs/decisions/0016): its audit entry's draft, and the
 * counts the window adds to its run, with the run and step they belong to, so that whichever run
 * takes the record appends the entry once and the run it belongs to counts the rows once.
 *
 * @param instance the job instance (job and as-of date): its restarts are the same run
 */
record WindowRecord(
    UUID id,
    long instance,
    long execution,
    String job,
    String step,
    long examined,
    long changed,
    long heldByHolds,
    long heldByRequests,
    long heldByRestrictions,
    long referenced,
    AuditEntry.Draft draft) {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  static WindowRecord of(
      long instance, long execution, String job, String step, WindowOutcome w, AuditEntry.Draft d) {
    return new WindowRecord(
        UUID.randomUUID(),
        instance,
        execution,
        job,
        step,
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
   * someone else wrote into the outbox is refused (version 2; version 1 had none).
   */
  Outbox.Entry entry(AuditTrail audit) {
    var body = body();
    var seal = audit.seal(body);
    var map = new LinkedHashMap<String, Object>();
    map.put("version", 2);
    map.put("body", java.util.Base64.getEncoder().encodeToString(body));
    map.put("keyId", seal.keyId());
    map.put("signature", seal.signature());
    return new Outbox.Entry(id, JSON.writeValueAsBytes(map));
  }

  private byte[] body() {
    var map = new LinkedHashMap<String, Object>();
    map.put("id", id.toString());
    map.put("instance", instance);
    map.put("execution", execution);
    map.put("job", job);
    map.put("step", step);
    map.put("examined", examined);
    map.put("changed", changed);
    map.put("heldByHolds", heldByHolds);
    map.put("heldByRequests", heldByRequests);
    map.put("heldByRestrictions", heldByRestrictions);
    map.put("referenced", referenced);
    map.put("draft", draft.toMap());
    return JSON.writeValueAsBytes(map);
  }

  /** A record found in an outbox that Lethe did not write as it is: not appended, not counted. */
  static final class Refused extends Exception {
    Refused(String why) {
      super(why);
    }
  }

  /**
   * The record of an outbox entry, if Lethe sealed it as it is and under its own id.
   *
   * @throws Refused where it is not signed by a key of the trail's, or not a record at all
   */
  @SuppressWarnings("unchecked")
  static WindowRecord of(Outbox.Entry entry, AuditTrail audit) throws Refused {
    Map<String, Object> map;
    byte[] body;
    try {
      var wrapper = JSON.readValue(entry.payload(), new TypeReference<Map<String, Object>>() {});
      if (!Integer.valueOf(2).equals(wrapper.get("version"))) {
        throw new Refused("not sealed by Lethe (version " + wrapper.get("version") + ")");
      }
      body = java.util.Base64.getDecoder().decode((String) wrapper.get("body"));
      var seal =
          new AuditTrail.Seal((String) wrapper.get("keyId"), (String) wrapper.get("signature"));
      if (!audit.sealed(body, seal)) {
        throw new Refused("its signature is not Lethe's under key id '" + seal.keyId() + "'");
      }
      map = JSON.readValue(body, new TypeReference<Map<String, Object>>() {});
    } catch (RuntimeException e) {
      throw new Refused("not a record (" + e.getClass().getSimpleName() + ")");
    }
    if (!entry.id().toString().equals(map.get("id"))) {
      // a genuine record copied under another id would be appended twice
      throw new Refused("sealed under id " + map.get("id") + ", kept under another");
    }
    return new WindowRecord(
        entry.id(),
        number(map, "instance"),
        number(map, "execution"),
        (String) map.get("job"),
        (String) map.get("step"),
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
