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
}
