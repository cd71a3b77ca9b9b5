package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A misspelt LETHE_ variable would silently not apply: it is refused, with the name meant. */
class EnvironmentNamesTests {

  @Test
  void settingsOfEveryKindAreKnownAndMisspellingsAreNot() {
    var known =
        Map.of(
            "LETHE_CHUNKSIZE", "1",
            "LETHE_CHUNK_SIZE", "1",
            "LETHE_STORES_APP_PASSWORD", "x",
            "LETHE_STORES_SALES_EU_URL", "x",
            "LETHE_CONTROLDATABASE_URL", "x",
            "LETHE_CONTROL_DATABASE_MIGRATION_PASSWORD", "x",
            "LETHE_AUDIT_CHECKPOINTS_0", "x",
            "LETHE_HMAC_KEY", "x",
            "LETHE_TEST_DATABASE_URL", "x",
            "PATH", "/bin");
    assertThat(EnvironmentNames.unknown(known)).isEmpty();

    var problems =
        EnvironmentNames.unknown(
            Map.of("LETHE_CHUNK_SIZ", "1", "LETHE_STORES_APP_PASWORD", "x", "LETHE_TIMEZONE", "x"));
    assertThat(problems)
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("LETHE_CHUNK_SIZ ", "LETHE_CHUNK_SIZE", "Fix:"))
        .anySatisfy(p -> assertThat(p).contains("LETHE_STORES_APP_PASWORD", "Fix:"))
        .noneSatisfy(p -> assertThat(p).contains("LETHE_TIMEZONE "));
  }
}
