package dev.lethe.transform;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The run's key, read once when first needed: commands that tokenise nothing never look for it, so
 * a machine that only deletes needs no key.
 */
public class Keys {

  private final String keyId;
  private final Path keyFile;
  private final Map<String, String> environment;
  private volatile Optional<Tokens> tokens;

  public Keys(String keyId, Path keyFile, Map<String, String> environment) {
    this.keyId = keyId;
    this.keyFile = keyFile;
    this.environment = environment;
  }

  /** The tokens under the configured key; empty when no key id is configured. */
  public Optional<Tokens> tokens() {
    var known = tokens;
    if (known == null) {
      known = HmacKey.load(keyId, keyFile, environment).map(Tokens::new);
      tokens = known;
    }
    return known;
  }

  /** The configured key id, without loading the key (null: none). */
  public String keyId() {
    return keyId == null || keyId.isBlank() ? null : keyId;
  }
}
