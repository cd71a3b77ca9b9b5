package dev.lethe.audit;

import java.nio.charset.StandardCharsets;
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

  /**
   * The payload the store keeps: {@code body} (which holds {@code id}) and its seal. Byte arrays in
   * the body or in a map directly inside it (a draft's subjects and rows, a window's most of it) go
   * beside the JSON as they are (version 3): as base64 inside JSON (version 2) they were encoded
   * twice and a window's record grew to twice its size, which the window's transaction then wrote.
   */
  public static byte[] seal(AuditTrail audit, Map<String, Object> body) {
    var sections = new LinkedHashMap<String, byte[]>();
    var json = JSON.writeValueAsBytes(withoutBytes(body, "", sections));
    var signed = new java.io.ByteArrayOutputStream(json.length + 64 + size(sections));
    var out = new java.io.DataOutputStream(signed);
    try {
      out.write(MAGIC);
      out.writeInt(json.length);
      out.write(json);
      out.writeShort(sections.size());
      for (var section : sections.entrySet()) {
        out.writeUTF(section.getKey());
        out.writeInt(section.getValue().length);
        out.write(section.getValue());
      }
      var seal = audit.seal(signed.toByteArray());
      out.writeUTF(seal.keyId());
      out.writeUTF(seal.signature());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // not from an array
    }
    return signed.toByteArray();
  }

  /** The start of a version 3 payload; a version 2 one starts with a brace. */
  private static final byte[] MAGIC = "LETHE-OUTBOX-3\n".getBytes(StandardCharsets.US_ASCII);

  /** More sections than a record of Lethe's has are not Lethe's. */
  private static final int MOST_SECTIONS = 8;

  private static Map<String, Object> withoutBytes(
      Map<String, Object> map, String path, Map<String, byte[]> sections) {
    var copy = new LinkedHashMap<String, Object>();
    for (var e : map.entrySet()) {
      if (e.getValue() instanceof byte[] bytes) {
        sections.put(path + e.getKey(), bytes);
      } else if (path.isEmpty() && e.getValue() instanceof Map<?, ?> inner) {
        @SuppressWarnings("unchecked")
        var nested = (Map<String, Object>) inner;
        copy.put(e.getKey(), withoutBytes(nested, e.getKey() + ".", sections));
      } else {
        copy.put(e.getKey(), e.getValue());
      }
    }
    return copy;
  }

  private static int size(Map<String, byte[]> sections) {
    return sections.values().stream().mapToInt(b -> b.length + 16).sum();
  }

  /**
   * The body of a payload, if Lethe sealed it as it is and under {@code id}.
   *
   * @throws Refused where it is not signed by a key of the trail's, or not a record at all
   */
  public static Map<String, Object> open(AuditTrail audit, UUID id, byte[] payload) throws Refused {
    Map<String, Object> body;
    try {
      body = startsWithMagic(payload) ? openVersion3(audit, payload) : openVersion2(audit, payload);
    } catch (RuntimeException | java.io.IOException e) {
      throw new Refused("not a record (" + e.getClass().getSimpleName() + ")");
    }
    if (!id.toString().equals(body.get("id"))) {
      // a genuine record copied under another id would be appended twice
      throw new Refused("sealed under id " + body.get("id") + ", kept under another");
    }
    return body;
  }

  private static boolean startsWithMagic(byte[] payload) {
    return payload.length >= MAGIC.length
        && java.util.Arrays.equals(payload, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  /** Nothing in the payload is read as a record before its seal is found to be Lethe's. */
  private static Map<String, Object> openVersion3(AuditTrail audit, byte[] payload)
      throws Refused, java.io.IOException {
    var in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(payload));
    in.skipNBytes(MAGIC.length);
    var json = in.readNBytes(length(in.readInt(), in));
    int count = in.readUnsignedShort();
    if (count > MOST_SECTIONS) {
      throw new Refused("not a record (" + count + " sections)");
    }
    var sections = new LinkedHashMap<String, byte[]>();
    for (int i = 0; i < count; i++) {
      var name = in.readUTF();
      sections.put(name, in.readNBytes(length(in.readInt(), in)));
    }
    int signedLength = payload.length - in.available();
    var seal = new AuditTrail.Seal(in.readUTF(), in.readUTF());
    if (in.available() != 0) {
      throw new Refused("not a record (bytes after its seal)");
    }
    if (!audit.sealed(java.util.Arrays.copyOf(payload, signedLength), seal)) {
      throw new Refused("its signature is not Lethe's under key id '" + seal.keyId() + "'");
    }
    var body = JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    for (var section : sections.entrySet()) {
      var path = section.getKey().split("\\.", -1);
      if (path.length == 1) {
        body.put(path[0], section.getValue());
      } else if (path.length == 2 && body.get(path[0]) instanceof Map<?, ?> inner) {
        @SuppressWarnings("unchecked")
        var nested = (Map<String, Object>) inner;
        nested.put(path[1], section.getValue());
      } else {
        throw new Refused("not a record (section " + section.getKey() + ")");
      }
    }
    return body;
  }

  /** A length read from the payload, which must fit in what is left of it. */
  private static int length(int length, java.io.DataInputStream in) throws java.io.IOException {
    if (length < 0 || length > in.available()) {
      throw new java.io.EOFException("a length past the payload's end");
    }
    return length;
  }

  /** Records written by Lethe before version 3: a JSON wrapper, the body in base64 inside it. */
  private static Map<String, Object> openVersion2(AuditTrail audit, byte[] payload) throws Refused {
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
    return JSON.readValue(bytes, new TypeReference<Map<String, Object>>() {});
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
