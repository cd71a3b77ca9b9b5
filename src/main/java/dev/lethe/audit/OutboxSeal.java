package dev.lethe.audit;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a record Lethe leaves in a store's outbox is sealed, and opened again (docs/decisions/0016):
 * its body, and Lethe's signature of it, so that a record someone else wrote into the outbox is
 * refused. A body names its own id, so that a genuine record copied under another id is refused
 * too, and its {@code type}: a window's record has none, a data-subject request's says {@value
 * #REQUEST}, and each is taken only by the step it belongs to.
 */
public final class OutboxSeal {

  /** The type of the record of a request's change. */
  public static final String REQUEST = "request";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private OutboxSeal() {}

  /** The payload the store keeps: {@code body} (which holds {@code id}) and its seal. */
  public static byte[] seal(AuditTrail audit, Map<String, Object> body) {
    var bytes = JSON.writeValueAsBytes(body);
    var seal = audit.seal(bytes);
    var map = new LinkedHashMap<String, Object>();
    map.put("version", 2);
    map.put("body", Base64.getEncoder().encodeToString(bytes));
    map.put("keyId", seal.keyId());
    map.put("signature", seal.signature());
    return JSON.writeValueAsBytes(map);
  }

  /**
   * The body of a payload, if Lethe sealed it as it is and under {@code id}.
   *
   * @throws Refused where it is not signed by a key of the trail's, or not a record at all
   */
  public static Map<String, Object> open(AuditTrail audit, UUID id, byte[] payload) throws Refused {
    Map<String, Object> body;
    try {
      var wrapper = JSON.readValue(payload, new TypeReference<Map<String, Object>>() {});
      if (!Integer.valueOf(2).equals(wrapper.get("version"))) {
        throw new Refused("not sealed by Lethe (version " + wrapper.get("version") + ")");
      }
      var bytes = Base64.getDecoder().decode((String) wrapper.get("body"));
      var seal =
          new AuditTrail.Seal((String) wrapper.get("keyId"), (String) wrapper.get("signature"));
      if (!audit.sealed(bytes, seal)) {
        throw new Refused("its signature is not Lethe's under key id '" + seal.keyId() + "'");
      }
      body = JSON.readValue(bytes, new TypeReference<Map<String, Object>>() {});
    } catch (RuntimeException e) {
      throw new Refused("not a record (" + e.getClass().getSimpleName() + ")");
    }
    if (!id.toString().equals(body.get("id"))) {
      // a genuine record copied under another id would be appended twice
      throw new Refused("sealed under id " + body.get("id") + ", kept under another");
    }
    return body;
  }

  /** Whether an opened body is a request's record, which a purge leaves to the requests step. */
  public static boolean isRequest(Map<String, Object> body) {
    return REQUEST.equals(body.get("type"));
  }

  /** A record found in an outbox that Lethe did not write as it is: not appended, not counted. */
  public static final class Refused extends Exception {
    Refused(String why) {
      super(why);
    }
  }
}
