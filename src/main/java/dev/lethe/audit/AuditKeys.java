package dev.lethe.audit;

import dev.lethe.system.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys that sign the audit trail and its checkpoints (Ed25519, from the JDK): a folder of
 * {@code KEY-ID.key} (the private key, PKCS#8 PEM, readable by Lethe's user only) and {@code
 * KEY-ID.pub} (the public key, X.509 PEM) files. Lethe signs with the configured key id; anyone
 * with the {@code .pub} files verifies, also where the control database and the private key are out
 * of reach. The control database holds neither key: whoever can write to it cannot sign.
 */
public class AuditKeys {

  /** What a signature covers besides the signed hash, so that it means nothing elsewhere. */
  static final String ENTRY = "lethe audit entry v1\n";

  static final String CHECKPOINT = "lethe audit checkpoint v1\n";

  static final String OUTBOX = "lethe outbox record v1\n";

  /** A signature as verified: good, bad, or under a key id whose public key is not at hand. */
  public enum Verdict {
    GOOD,
    BAD,
    UNKNOWN_KEY
  }

  private final String keyId;
  private final Path folder;
  private volatile PrivateKey signing;
  private final Map<String, Optional<PublicKey>> publicKeys = new ConcurrentHashMap<>();

  public AuditKeys(String keyId, Path folder) {
    this.keyId = keyId == null || keyId.isBlank() ? null : keyId.trim();
    this.folder = folder;
  }

  public String keyId() {
    return keyId;
  }

  /** Signs {@code text} under the configured key; bad input where no key is configured. */
  String sign(String purpose, String text) {
    try {
      var signature = Signature.getInstance("Ed25519");
      signature.initSign(signingKey());
      signature.update((purpose + text).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is part of every Java 17", e);
    }
  }

  /** Checks a signature of {@code text} under the public key of {@code id}. */
  Verdict verify(String id, String purpose, String text, String signed) {
    checkFolder();
    var key = publicKeys.computeIfAbsent(id, this::readPublic);
    if (key.isEmpty()) {
      return Verdict.UNKNOWN_KEY;
    }
    try {
      var signature = Signature.getInstance("Ed25519");
      signature.initVerify(key.get());
      signature.update((purpose + text).getBytes(StandardCharsets.UTF_8));
      var bytes = Base64.getDecoder().decode(signed);
      // Only the text Lethe wrote: the decoder also takes it without its padding, or with other
      // bits in its last character, and a stored signature changed so must not verify as unchanged
      if (!Base64.getEncoder().encodeToString(bytes).equals(signed)) {
        return Verdict.BAD;
      }
      return signature.verify(bytes) ? Verdict.GOOD : Verdict.BAD;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return Verdict.BAD;
    }
  }

  /**
   * Checks now what signing needs (the folder, the private key and its public key), for a command
   * that runs for long: serve started with a folder others may write, and every scheduled run
   * failed on it (found by an outside attack).
   */
  public void checkSigning() {
    signingKey();
  }

  private volatile boolean folderChecked;

  /**
   * Refuses a keys folder others may write, once: whoever may write it may put a public key of
   * their own there and sign entries with it, or replace the signing key.
   */
  private void checkFolder() {
    if (!folderChecked && folder != null) {
      dev.lethe.system.SecretFile.requirePrivateFolder(folder, "lethe.audit.keys");
      folderChecked = true;
    }
  }

  private PrivateKey signingKey() {
    var known = signing;
    if (known != null) {
      return known;
    }
    if (keyId == null || folder == null) {
      throw new BadInputException(
          "Lethe signs every entry of its audit trail, so that whoever can write to the control"
              + " database cannot add, edit or remove an entry unseen, and no signing key is"
              + " configured. Fix: run 'lethe audit keygen --key-id 2026-12 --folder"
              + " /etc/lethe/audit' once, then set lethe.audit.key-id: 2026-12 and"
              + " lethe.audit.keys: /etc/lethe/audit");
    }
    var file = folder.resolve(keyId + ".key");
    checkFolder();
    dev.lethe.system.SecretFile.requirePrivate(file, "lethe.audit.keys");
    try {
      var bytes = pem(Files.readString(file), "PRIVATE KEY");
      known = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(bytes));
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      // never the file's contents in a message
      throw new BadInputException(
          "lethe.audit.keys: "
              + file
              + " cannot be read as an Ed25519 private key ("
              + e.getClass().getSimpleName()
              + "). Fix: make the key pair with 'lethe audit keygen --key-id "
              + keyId
              + " --folder "
              + folder
              + "', and let only Lethe's user read the .key file");
    }
    if (readPublic(keyId).isEmpty()) {
      throw new BadInputException(
          "lethe.audit.keys: "
              + folder.resolve(keyId + ".pub")
              + " is missing. Fix: keep the public key beside the private one (lethe audit keygen"
              + " writes both): without it no one can check what this key signs");
    }
    signing = known;
    return known;
  }

  private Optional<PublicKey> readPublic(String id) {
    if (folder == null || id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
      return Optional.empty();
    }
    var file = folder.resolve(id + ".pub");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      var bytes = pem(Files.readString(file), "PUBLIC KEY");
      return Optional.of(
          KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(bytes)));
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new BadInputException(
          "lethe.audit.keys: "
              + file
              + " is not an Ed25519 public key ("
              + e.getClass().getSimpleName()
              + "). Fix: restore it from where the key pair was made");
    }
  }

  private static byte[] pem(String text, String type) {
    var begin = "-----BEGIN " + type + "-----";
    var end = "-----END " + type + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("not a PEM " + type);
    }
    return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
  }

  private static String pem(byte[] bytes, String type) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(bytes)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /**
   * Makes a key pair: {@code KEY-ID.key}, readable by its owner only, and {@code KEY-ID.pub}. An
   * existing key of that id is never replaced: entries signed with it must stay verifiable.
   */
  public static Path[] generate(String keyId, Path folder) {
    if (keyId == null || !keyId.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new BadInputException(
          "--key-id '"
              + keyId
              + "' is not a key id. Fix: use letters, digits, '.', '_' or '-', such as 2026-12");
    }
    var key = folder.resolve(keyId + ".key");
    var pub = folder.resolve(keyId + ".pub");
    if (Files.exists(key) || Files.exists(pub)) {
      throw new BadInputException(
          key
              + " or its .pub exists already, and entries signed with it must stay verifiable."
              + " Fix: give the new key a new id");
    }
    try {
      if (!Files.isDirectory(folder)) {
        // only Lethe's user may put keys there, whatever the umask
        Files.createDirectories(
            folder,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      Files.createFile(
          key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(key, pem(pair.getPrivate().getEncoded(), "PRIVATE KEY"));
      Files.writeString(pub, pem(pair.getPublic().getEncoded(), "PUBLIC KEY"));
      return new Path[] {key, pub};
    } catch (IOException | GeneralSecurityException e) {
      throw new BadInputException(
          "cannot write the key pair into " + folder + " (" + e.getClass().getSimpleName() + ")");
    }
  }
}
