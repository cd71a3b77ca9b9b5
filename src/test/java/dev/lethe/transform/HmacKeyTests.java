package dev.lethe.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.system.BadInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HmacKeyTests {

  private static final String KEY = "a-key-of-thirty-two-bytes-or-more-0123";

  @TempDir Path dir;

  @Test
  void noKeyIdMeansNoKeyAndNoLookingForOne() {
    assertThat(HmacKey.load(null, null, Map.of(HmacKey.VARIABLE, KEY))).isEmpty();
  }

  @Test
  void theKeyComesFromTheEnvironmentOrAFileAndGivesTheSameTokens() throws IOException {
    var file = dir.resolve("k");
    dev.lethe.support.LetheTests.writeSecret(file, KEY + "\n");
    var fromEnvironment = HmacKey.load("k1", null, Map.of(HmacKey.VARIABLE, KEY)).orElseThrow();
    var fromFile = HmacKey.load("k1", file, Map.of()).orElseThrow();

    assertThat(new Tokens(fromFile).text("x")).isEqualTo(new Tokens(fromEnvironment).text("x"));
    assertThat(fromFile.id()).isEqualTo("k1");
    assertThat(fromFile.toString()).isEqualTo("HmacKey[k1]").doesNotContain(KEY);
    assertThat(new Tokens(fromFile).toString()).doesNotContain(KEY);
  }

  @Test
  void aKeyPastedWhereANameGoesIsRefusedAndNeverPrinted() {
    var hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    var base64 = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=";
    for (var key : java.util.List.of(hex, base64)) {
      // in key-file: with the directory it would be resolved against, as a relative path is
      assertThatThrownBy(() -> HmacKey.load("k1", java.nio.file.Path.of(key), Map.of()))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("looks like a key")
          .hasMessageNotContaining(key)
          .hasMessageNotContaining(key.substring(0, 12));
      // in key-id: printed in every report
      assertThatThrownBy(() -> HmacKey.load(key, null, Map.of(HmacKey.VARIABLE, KEY)))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("looks like a key")
          .hasMessageNotContaining(key.substring(0, 12));
    }
    // names are names
    assertThat(HmacKey.looksLikeAKey("lethe-2026-11-production-eu-west-1")).isFalse();
    assertThat(HmacKey.looksLikeAKey("/etc/lethe/keys/9f86d081884c7d659a2feaa0c55ad015")).isFalse();
    assertThat(HmacKey.load("2026-11", null, Map.of(HmacKey.VARIABLE, KEY))).isPresent();
  }

  @Test
  void aKeyIdWithoutAKeyIsAClearErrorThatNamesWhereToPutIt() {
    assertThatThrownBy(() -> HmacKey.load("k1", null, Map.of()))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("LETHE_HMAC_KEY")
        .hasMessageContaining("lethe.pseudonymisation.key-file");
    assertThatThrownBy(() -> HmacKey.load("k1", dir.resolve("missing"), Map.of()))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("missing")
        .hasMessageContaining("cannot be read");
  }

  @Test
  void aShortKeyIsRefusedWithoutBeingShown() {
    var shortKey = "tooshort-secret";
    assertThatThrownBy(() -> HmacKey.load("k1", null, Map.of(HmacKey.VARIABLE, shortKey)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("fewer than the 32")
        .message()
        .doesNotContain(shortKey);
  }
}
