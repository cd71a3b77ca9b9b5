package dev.lethe.transform;

import dev.lethe.system.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * The secret behind every token, with the id that runs record. It comes from the environment
 * ({@value #VARIABLE}) or from a key file the configuration names, never from a policy or the
 * command line; its bytes appear in no message, log line or report. {@link #toString()} names only
 * the id.
 */
public final class HmacKey {

  /** The environment variable that holds the key when no key file is named. */
  public static final String VARIABLE = "LETHE_HMAC_KEY";

  /** Fewer bytes than SHA-256's output would weaken the HMAC. */
  static final int MINIMUM_BYTES = 32;

  private final String id;
  private final byte[] secret;

  HmacKey(String id, byte[] secret) {
    this.id = id;
    this.secret = secret.clone();
  }

  /**
   * The configured key: empty when no key id is configured. A key id without a key, or a key too
   * short to be safe, is bad configuration.
   */
  public static Optional<HmacKey> load(
      String keyId, Path keyFile, Map<String, String> environment) {
    if (keyId == null || keyId.isBlank()) {
      return Optional.empty();
    }
    byte[] secret;
    String source;
    if (keyFile != null) {
      source = "key file " + keyFile;
      try {
        secret = stripNewline(Files.readAllBytes(keyFile));
      } catch (IOException e) {
        throw new BadInputException(
            "lethe.pseudonymisation.key-file: "
                + keyFile
                + " cannot be read ("
                + e.getClass().getSimpleName()
                + "). Fix: name a readable file holding the key, such as one written by"
                + " 'openssl rand -hex 32 > FILE'");
      }
    } else {
      source = "environment variable " + VARIABLE;
      var value = environment.get(VARIABLE);
      if (value == null || value.isEmpty()) {
        throw new BadInputException(
            "lethe.pseudonymisation.key-id is '"
                + keyId
                + "' but there is no key. Fix: set the environment variable "
                + VARIABLE
                + " to the key, or name a file holding it in lethe.pseudonymisation.key-file");
      }
      secret = value.getBytes(StandardCharsets.UTF_8);
    }
    if (secret.length < MINIMUM_BYTES) {
      throw new BadInputException(
          "the key in "
              + source
              + " has "
              + secret.length
              + " bytes, fewer than the "
              + MINIMUM_BYTES
              + " a safe HMAC-SHA256 key needs. Fix: use a random key such as 'openssl rand -hex"
              + " 32' gives, under a new key id");
    }
    return Optional.of(new HmacKey(keyId, secret));
  }

  private static byte[] stripNewline(byte[] bytes) {
    int end = bytes.length;
    while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
      end--;
    }
    return Arrays.copyOf(bytes, end);
  }

  public String id() {
    return id;
  }

  byte[] secret() {
    return secret.clone();
  }

  @Override
  public String toString() {
    return "HmacKey[" + id + "]";
  }
}
