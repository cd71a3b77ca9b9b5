package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.transform.HmacKey;
import dev.lethe.transform.Tokens;
import org.junit.jupiter.api.Test;

/**
 * The prefixes a purge keeps across whole partitions are those of the key the trail records under
 * now: a key changed between two partitions starts them afresh, so no entry records a subject under
 * a key the trail no longer uses.
 */
class KnownPrefixesTests {

  private static Tokens tokens(String id, String secret) {
    return new Tokens(
        HmacKey.load(id, null, java.util.Map.of(HmacKey.VARIABLE, secret)).orElseThrow());
  }

  @Test
  void aSubjectsPrefixIsItsKeysAndAChangedKeyStartsAfresh() {
    var first = tokens("k1", "known-prefixes-first-key-0123456789");
    var second = tokens("k2", "known-prefixes-second-key-012345678");
    var known = new KnownPrefixes();

    assertThat(known.get(first, "s7")).isEqualTo(AuditTrail.prefix(first, "s7"));
    // asked again under the same key: the same prefix, kept
    assertThat(known.get(first, "s7")).isEqualTo(AuditTrail.prefix(first, "s7"));
    // under another key: that key's prefix, not the one kept
    assertThat(known.get(second, "s7"))
        .isEqualTo(AuditTrail.prefix(second, "s7"))
        .isNotEqualTo(AuditTrail.prefix(first, "s7"));
    // the key as the trail writes it: trimmed
    assertThat(known.get(second, " s7\t")).isEqualTo(AuditTrail.prefix(second, "s7"));
  }
}
