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
    return load(keyId, keyFile, environment, KEY_FILE);
  }

  private static final String KEY_FILE = "lethe.pseudonymisation.key-file";

  /** The setting that names a key ring, for messages. */
  static final String KEY_RING = "lethe.pseudonymisation.key-ring";

  /**
   * As above, {@code setting} naming where the key file came from (the key file, or the key ring),
   * for messages: a ring's file named as key-file sent operators to the wrong setting.
   */
  static Optional<HmacKey> load(
      String keyId, Path keyFile, Map<String, String> environment, String setting) {
    if (keyId == null || keyId.isBlank()) {
      return Optional.empty();
    }
    if (looksLikeAKey(keyId)) {
      // the id is printed in every report: a key pasted here must go no further, not even here
      throw new BadInputException(
          "lethe.pseudonymisation.key-id looks like a key, not a key's name (it is not shown)."
              + " Fix: give the key a short name such as 2026-11 as key-id, put the key itself in"
              + " a file named by key-file (or in "
              + VARIABLE
              + "), and replace the key: it has been written where names are kept");
    }
    byte[] secret;
    String source;
    if (keyFile != null) {
      if (!Files.exists(keyFile) && looksLikeAKey(keyFile.toString())) {
        throw new BadInputException(
            "lethe.pseudonymisation.key-file names no file, and its value looks like a key (it is"
                + " not shown). Fix: write the key into a file only Lethe's user can read, name"
                + " that file in key-file, and replace the key: it has been written in the"
                + " configuration");
      }
      source = "key file " + keyFile;
      dev.lethe.system.SecretFile.requirePrivate(keyFile, setting);
      try {
        secret = stripNewline(Files.readAllBytes(keyFile));
      } catch (IOException e) {
        throw new BadInputException(
            setting
                + ": "
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

  /**
   * Whether a value given as a name (a key id, a file name) is more likely a key: 32 characters or
   * more of hex, or of base64 with capitals, small letters and digits mixed, with no dot or leading
   * slash a file name would have. Such a value is never printed. (A name like
   * lethe-2026-11-production-eu-west is not taken for one.)
   */
  static boolean looksLikeAKey(String value) {
    var text = value.strip();
    if (text.length() < 32 || text.contains(".") || text.startsWith("/")) {
      return false;
    }
    if (text.matches("[0-9a-fA-F]+")) {
      return true;
    }
    return text.matches("[A-Za-z0-9+/=_-]+")
        && text.chars().anyMatch(Character::isUpperCase)
        && text.chars().anyMatch(Character::isLowerCase)
        && text.chars().anyMatch(Character::isDigit);
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

  /** What a fingerprint is an HMAC of: a fixed label, so that it tells keys apart and no more. */
  static final String FINGERPRINT_LABEL = "lethe key fingerprint v1";

  /**
   * A keyed digest of a fixed label: equal for the same key, different for another, and of no use
   * for finding the key or making a token. The control database keeps it per key id, so that a
   * different key under a known id is refused before it can void a hold.
   */
  public String fingerprint() {
    return org.apache.commons.codec.binary.Hex.encodeHexString(
        org.apache.commons.codec.digest.HmacUtils.getInitializedMac(
                org.apache.commons.codec.digest.HmacAlgorithms.HMAC_SHA_256, secret)
            .doFinal(FINGERPRINT_LABEL.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The keys of a key ring: a folder of files named {@code KEY-ID.key}, each holding one key. Where
   * earlier keys stay so that rows tokenised under them are still found (holds, requests, the
   * trail). A file of another name, or a key too short, is bad configuration naming it.
   */
  public static java.util.List<HmacKey> ring(Path folder) {
    if (folder == null) {
      return java.util.List.of();
    }
    if (!Files.isDirectory(folder)) {
      throw new BadInputException(
          KEY_RING
              + ": "
              + folder
              + " is not a folder. Fix: name the folder that holds one KEY-ID.key file per key");
    }
    // whoever may write the folder may put a key file of their own there, or one that stops
    // every command
    dev.lethe.system.SecretFile.requirePrivateFolder(folder, KEY_RING);
    var keys = new java.util.ArrayList<HmacKey>();
    try (var files = Files.list(folder)) {
      for (var file : files.sorted().toList()) {
        var name = file.getFileName().toString();
        if (!name.endsWith(".key")
            || !name.substring(0, name.length() - ".key".length())
                .matches("[A-Za-z0-9._-]{1,64}")) {
          throw new BadInputException(
              "lethe.pseudonymisation.key-ring: "
                  + file
                  + " is not named KEY-ID.key (an id of letters, digits, '.', '_' or '-'). Fix: name"
                  + " each key file after its key id, such as 2026-11.key, and keep nothing else in"
                  + " the folder");
        }
        keys.add(
            load(name.substring(0, name.length() - ".key".length()), file, Map.of(), KEY_RING)
                .get());
      }
    } catch (IOException e) {
      throw new BadInputException(
          "lethe.pseudonymisation.key-ring: "
              + folder
              + " cannot be read ("
              + e.getClass().getSimpleName()
              + "). Fix: let the user running Lethe read it");
    }
    return java.util.List.copyOf(keys);
  }

  byte[] secret() {
    return secret.clone();
  }

  @Override
  public String toString() {
    return "HmacKey[" + id + "]";
  }
}
