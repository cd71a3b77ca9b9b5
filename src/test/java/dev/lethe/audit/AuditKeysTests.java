package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.system.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trail's private key signs only while no one but Lethe's user may read it. */
class AuditKeysTests {

  @TempDir Path folder;

  @Test
  void keygenWritesAnOwnerOnlyKeyAndAKeyOthersMayReadIsRefused() throws IOException {
    AuditKeys.generate("k1", folder);
    var key = folder.resolve("k1.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(new AuditKeys("k1", folder).sign(AuditKeys.ENTRY, "x")).isNotBlank();

    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    var keys = new AuditKeys("k1", folder);
    assertThatThrownBy(() -> keys.sign(AuditKeys.ENTRY, "x"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("lethe.audit.keys")
        .hasMessageContaining(key.toString())
        .hasMessageContaining("chmod 600")
        .hasMessageNotContaining("PRIVATE KEY");
  }

  @Test
  void aSignatureVerifiesOnlyAsLetheWroteIt() throws IOException {
    AuditKeys.generate("k2", folder);
    var keys = new AuditKeys("k2", folder);
    var signed = keys.sign(AuditKeys.ENTRY, "x");
    assertThat(keys.verify("k2", AuditKeys.ENTRY, "x", signed)).isEqualTo(AuditKeys.Verdict.GOOD);
    assertThat(keys.verify("k2", AuditKeys.CHECKPOINT, "x", signed))
        .isEqualTo(AuditKeys.Verdict.BAD);

    // an Ed25519 signature is 64 bytes: 86 characters and "==", the last one's low bits zero
    assertThat(signed).endsWith("==");
    var unpadded = signed.substring(0, signed.length() - 2);
    assertThat(keys.verify("k2", AuditKeys.ENTRY, "x", unpadded)).isEqualTo(AuditKeys.Verdict.BAD);
    var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    var last = alphabet.indexOf(signed.charAt(signed.length() - 3));
    var otherBits = signed.substring(0, signed.length() - 3) + alphabet.charAt(last ^ 1) + "==";
    assertThat(java.util.Base64.getDecoder().decode(otherBits))
        .isEqualTo(java.util.Base64.getDecoder().decode(signed));
    assertThat(keys.verify("k2", AuditKeys.ENTRY, "x", otherBits)).isEqualTo(AuditKeys.Verdict.BAD);
  }

  /**
   * A keys folder others may write is refused for signing and for checking: anyone could put a
   * public key of their own there and sign entries with it. keygen makes the folder owner-only.
   */
  @Test
  void aKeysFolderOthersMayWriteIsRefusedAndKeygenMakesItOwnerOnly() throws IOException {
    var keysFolder = folder.resolve("made-by-keygen");
    AuditKeys.generate("k3", keysFolder);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keysFolder)))
        .isEqualTo("rwx------");
    var signed = new AuditKeys("k3", keysFolder).sign(AuditKeys.ENTRY, "x");

    for (var mode : java.util.List.of("rwxrwxrwx", "rwxrwxr-x")) {
      Files.setPosixFilePermissions(keysFolder, PosixFilePermissions.fromString(mode));
      var keys = new AuditKeys("k3", keysFolder);
      assertThatThrownBy(() -> keys.sign(AuditKeys.ENTRY, "x"))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("lethe.audit.keys: " + keysFolder)
          .hasMessageContaining("chmod 700");
      // checked at once where a command runs for long (serve)
      assertThatThrownBy(keys::checkSigning).isInstanceOf(BadInputException.class);
      assertThatThrownBy(() -> keys.verify("k3", AuditKeys.ENTRY, "x", signed))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining(mode);
    }
    Files.setPosixFilePermissions(keysFolder, PosixFilePermissions.fromString("rwxr-x---"));
    assertThat(new AuditKeys("k3", keysFolder).verify("k3", AuditKeys.ENTRY, "x", signed))
        .isEqualTo(AuditKeys.Verdict.GOOD);
  }
}
