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
