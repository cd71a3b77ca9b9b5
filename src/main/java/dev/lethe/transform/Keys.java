package dev.lethe.transform;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The run's key, and the earlier keys of the key ring, read once when first needed: commands that
 * tokenise nothing never look for them, so a machine that only deletes needs no key. Before the
 * keys are used they are checked against the fingerprints the control database recorded at each key
 * id's first use ({@link KeyCheck}): a different key under a known id would make different tokens,
 * and a hold matched through tokens would then protect nothing.
 */
public class Keys {

  /**
   * Checks keys before their first use; it refuses one that is not the key its id was used with.
   */
  @FunctionalInterface
  public interface KeyCheck {

    KeyCheck NONE = keys -> {};

    void verify(List<HmacKey> keys);
  }

  private final String keyId;
  private final Path keyFile;
  private final Path keyRing;
  private final Map<String, String> environment;
  private final Supplier<KeyCheck> check;
  private volatile Optional<Tokens> tokens;

  public Keys(String keyId, Path keyFile, Map<String, String> environment) {
    this(keyId, keyFile, null, environment, () -> KeyCheck.NONE);
  }

  /**
   * @param keyRing a folder of {@code KEY-ID.key} files: the earlier keys, and the current one
   *     where no key file is named and the environment holds none
   */
  public Keys(
      String keyId,
      Path keyFile,
      Path keyRing,
      Map<String, String> environment,
      Supplier<KeyCheck> check) {
    this.keyId = keyId;
    this.keyFile = keyFile;
    this.keyRing = keyRing;
    this.environment = environment;
    this.check = check;
  }

  /** The tokens under the configured key; empty when no key id is configured. */
  public Optional<Tokens> tokens() {
    var known = tokens;
    if (known == null) {
      known = load();
      tokens = known;
    }
    return known;
  }

  private synchronized Optional<Tokens> load() {
    if (tokens != null) {
      return tokens;
    }
    var ring = HmacKey.ring(keyRing);
    var file = keyFile;
    var setting = "lethe.pseudonymisation.key-file";
    if (file == null
        && keyRing != null
        && !environment.containsKey(HmacKey.VARIABLE)
        && keyId != null
        && ring.stream().anyMatch(k -> k.id().equals(keyId))) {
      file = keyRing.resolve(keyId + ".key");
      setting = HmacKey.KEY_RING;
    }
    var current = HmacKey.load(keyId, file, environment, setting);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    for (var key : ring) {
      if (key.id().equals(keyId) && !key.fingerprint().equals(current.get().fingerprint())) {
        throw new dev.lethe.system.BadInputException(
            "the key ring's "
                + keyId
                + ".key is another key than the one configured for key id "
                + keyId
                + ". Fix: keep one key per key id: remove one of them, or give the new key a new"
                + " key id");
      }
    }
    var all = new ArrayList<HmacKey>();
    all.add(current.get());
    var earlier = new ArrayList<Tokens>();
    for (var key : ring) {
      if (!key.id().equals(keyId)) {
        all.add(key);
        earlier.add(new Tokens(key));
      }
    }
    check.get().verify(List.copyOf(all));
    return Optional.of(new Tokens(current.get(), earlier));
  }

  /** The configured key id, without loading the key (null: none). */
  public String keyId() {
    return keyId == null || keyId.isBlank() ? null : keyId;
  }
}
