package dev.lethe.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/** For all inputs: the same input gives the same output, and what must go is gone. */
class TransformProperties {

  private static final Tokens TOKENS =
      new Tokens(
          new HmacKey("k1", "property-test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
  private static final Tokens OTHER_KEY =
      new Tokens(
          new HmacKey(
              "k2", "another-test-key-0123456789abcdefgh".getBytes(StandardCharsets.UTF_8)));

  @Property
  void aTextTokenIsTheSameForTheSameValueAndHidesIt(@ForAll String value) {
    var token = TOKENS.text(value);
    assertThat(token).isEqualTo(TOKENS.text(new String(value))).hasSize(64).matches("[0-9a-f]{64}");
    assertThat(token).isNotEqualTo(OTHER_KEY.text(value));
    if (value.length() >= 4 && !value.matches("[0-9a-f]*")) {
      assertThat(token).doesNotContain(value);
    }
  }

  @Property
  void differentValuesGiveDifferentTokens(@ForAll String a, @ForAll String b) {
    Assume.that(!a.equals(b));
    assertThat(TOKENS.text(a)).isNotEqualTo(TOKENS.text(b));
    assertThat(TOKENS.number(a)).isNotEqualTo(TOKENS.number(b));
    assertThat(TOKENS.uuid(a)).isNotEqualTo(TOKENS.uuid(b));
  }

  @Property
  void numberAndUuidTokensAreShapedForTheirColumns(@ForAll String value) {
    assertThat(TOKENS.number(value)).isNotNegative().isEqualTo(TOKENS.number(value));
    var uuid = TOKENS.uuid(value);
    assertThat(uuid.version()).isEqualTo(8);
    assertThat(uuid.variant()).isEqualTo(2);
    assertThat(uuid).isEqualTo(TOKENS.uuid(value));
  }

  @Property
  void anIpv4AddressLosesItsHostPart(
      @ForAll("ipv4") String ip, @ForAll @IntRange(max = 32) int bits) {
    var prefix = Values.ipPrefix(ip, bits, 48);
    assertThat(prefix).isEqualTo(Values.ipPrefix(ip, bits, 48));
    assertThat(Values.ipPrefix(prefix, bits, 48)).as("idempotent").isEqualTo(prefix);
    long address = toLong(ip);
    long network = toLong(prefix);
    long hostMask = bits == 32 ? 0 : (1L << (32 - bits)) - 1;
    assertThat(network & hostMask).isZero();
    assertThat(network).isEqualTo(address & ~hostMask & 0xFFFFFFFFL);
    if (bits <= 24 && (address & 0xFF) != 0) {
      assertThat(prefix).isNotEqualTo(ip);
    }
  }

  @Property
  void anIpv6AddressKeepsOnlyItsPrefix(@ForAll("ipv6") String ip) {
    var prefix = Values.ipPrefix(ip, 24, 48);
    assertThat(prefix).isNotNull().endsWith(":0:0:0:0:0");
    assertThat(Values.ipPrefix(prefix, 24, 48)).isEqualTo(prefix);
    assertThat(prefix.split(":")[0])
        .isEqualTo(Integer.toHexString(Integer.parseInt(ip.split(":")[0], 16)));
  }

  @Property
  void whatIsNotAnAddressBecomesNull(@ForAll @StringLength(max = 30) String value) {
    Assume.that(!value.trim().matches("[0-9A-Fa-f:.]+"));
    assertThat(Values.ipPrefix(value, 24, 48)).isNull();
  }

  @Property
  void aBrowserFamilyIsShortAndNeverTheFullString(@ForAll("userAgents") String userAgent) {
    var family = Values.browserFamily(userAgent);
    assertThat(family).isEqualTo(Values.browserFamily(userAgent));
    assertThat(family.length()).isLessThanOrEqualTo(Values.BROWSER_FAMILY_LENGTH);
    assertThat(userAgent).isNotEqualTo(family);
  }

  @Property
  void keepFirstAndKeepLastMaskTheRestAndKeepTheLength(
      @ForAll @StringLength(max = 40) String value, @ForAll @IntRange(max = 10) int n) {
    var first = Values.keepFirst(value, n);
    var last = Values.keepLast(value, n);
    int length = value.codePointCount(0, value.length());
    assertThat(first.codePointCount(0, first.length())).isEqualTo(length);
    assertThat(last.codePointCount(0, last.length())).isEqualTo(length);
    assertThat(Values.keepFirst(first, n)).isEqualTo(first);
    assertThat(Values.keepLast(last, n)).isEqualTo(last);
    if (length > n && !value.contains("*")) {
      assertThat(first).isNotEqualTo(value).endsWith("*");
      assertThat(last).isNotEqualTo(value).startsWith("*");
    }
  }

  @Property
  void aNumberFallsInItsBand(
      @ForAll @IntRange(min = -1000, max = 1000) int value,
      @ForAll @IntRange(min = 1, max = 50) int width) {
    var label = Values.bandLabel(Integer.toString(value), width);
    var low = Math.floorDiv(value, width) * width;
    assertThat(label).isEqualTo(low + "-" + (low + width - 1));
    assertThat(low).isLessThanOrEqualTo(value);
    assertThat(value).isLessThan(low + width);
  }

  @Property
  void nullStaysNull() {
    assertThat(TOKENS.text(null)).isNull();
    assertThat(Values.ipPrefix(null, 24, 48)).isNull();
    assertThat(Values.browserFamily(null)).isNull();
    assertThat(Values.keepFirst(null, 2)).isNull();
    assertThat(Values.bandLabel(null, 10)).isNull();
  }

  @Provide
  Arbitrary<String> ipv4() {
    var octet = Arbitraries.integers().between(0, 255);
    return Combinators.combine(octet, octet, octet, octet)
        .as((a, b, c, d) -> a + "." + b + "." + c + "." + d);
  }

  @Provide
  Arbitrary<String> ipv6() {
    var group = Arbitraries.integers().between(1, 0xffff).map(Integer::toHexString);
    return group.list().ofSize(8).map(groups -> String.join(":", groups));
  }

  @Provide
  Arbitrary<String> userAgents() {
    var version = Arbitraries.integers().between(1, 200);
    var templates =
        Arbitraries.of(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:%d.0) Gecko/20100101 Firefox/%d.0",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " Chrome/%d.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko)"
                + " Version/%d.5 Safari/605.1.15",
            "Mozilla/5.0 (compatible; Googlebot/%d.1; +http://www.google.com/bot.html)");
    var browsers =
        Combinators.combine(templates, version).as((t, v) -> t.replace("%d", Integer.toString(v)));
    return Arbitraries.oneOf(browsers, Arbitraries.strings().ofMinLength(30).ofMaxLength(200));
  }

  private static long toLong(String ip) {
    long value = 0;
    for (var part : ip.split("\\.")) {
      value = (value << 8) | Integer.parseInt(part);
    }
    return value;
  }
}
