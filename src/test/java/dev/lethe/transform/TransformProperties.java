package dev.lethe.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For all inputs: the same input gives the same output, and what must go is gone. The inputs are
 * drawn from fixed seeds (the same every run, so a failure is repeatable) over the shapes that
 * break transforms: empty, long, every Unicode plane, controls, surrogates, and look-alikes of the
 * values a transform expects.
 */
class TransformProperties {

  private static final Tokens TOKENS =
      new Tokens(
          new HmacKey("k1", "property-test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
  private static final Tokens OTHER_KEY =
      new Tokens(
          new HmacKey(
              "k2", "another-test-key-0123456789abcdefgh".getBytes(StandardCharsets.UTF_8)));

  /** Strings of every kind: edge cases first, then 500 drawn from a fixed seed. */
  static List<String> strings() {
    var all =
        new ArrayList<>(
            List.of(
                "",
                " ",
                "a",
                "\u0000",
                "\uD83D\uDE00",
                "\uFFFF",
                "é",
                "0",
                "-1",
                "192.168.1.1",
                "::1",
                "Firefox 128",
                "x".repeat(10_000),
                "line\nbreak\r\n",
                "\t\u202E\u200B"));
    var random = new Random(20261206L);
    for (int i = 0; i < 500; i++) {
      all.add(randomString(random, random.nextInt(60)));
    }
    return all;
  }

  private static String randomString(Random random, int length) {
    var out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(4);
      int codePoint =
          switch (kind) {
            case 0 -> 32 + random.nextInt(95); // printable ASCII
            case 1 -> random.nextInt(32); // controls
            case 2 -> 0xA0 + random.nextInt(0xD7FF - 0xA0); // the rest of the BMP before surrogates
            default -> 0x10000 + random.nextInt(0x10FFFF - 0x10000); // the other planes
          };
      out.appendCodePoint(codePoint);
    }
    return out.toString();
  }

  static Stream<String> values() {
    return strings().stream();
  }

  @ParameterizedTest
  @MethodSource("values")
  void aTextTokenIsTheSameForTheSameValueAndHidesIt(String value) {
    var token = TOKENS.text(value);
    assertThat(token).isEqualTo(TOKENS.text(new String(value))).hasSize(64).matches("[0-9a-f]{64}");
    assertThat(token).isNotEqualTo(OTHER_KEY.text(value));
    if (value.length() >= 4 && !value.matches("[0-9a-f]*")) {
      assertThat(token).doesNotContain(value);
    }
  }

  @Test
  void differentValuesGiveDifferentTokens() {
    var values = strings().stream().distinct().toList();
    var texts = new java.util.HashSet<String>();
    var numbers = new java.util.HashSet<Long>();
    var uuids = new java.util.HashSet<java.util.UUID>();
    for (var value : values) {
      assertThat(texts.add(TOKENS.text(value))).as(value).isTrue();
      assertThat(numbers.add(TOKENS.number(value))).as(value).isTrue();
      assertThat(uuids.add(TOKENS.uuid(value))).as(value).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("values")
  void numberAndUuidTokensAreShapedForTheirColumns(String value) {
    assertThat(TOKENS.number(value)).isNotNegative().isEqualTo(TOKENS.number(value));
    var uuid = TOKENS.uuid(value);
    assertThat(uuid.version()).isEqualTo(8);
    assertThat(uuid.variant()).isEqualTo(2);
    assertThat(uuid).isEqualTo(TOKENS.uuid(value));
  }

  /** 300 addresses from a fixed seed, each with a prefix length from 0 to 32. */
  static Stream<org.junit.jupiter.params.provider.Arguments> ipv4() {
    var random = new Random(4L);
    return IntStream.range(0, 300)
        .mapToObj(
            i ->
                org.junit.jupiter.params.provider.Arguments.of(
                    random.nextInt(256)
                        + "."
                        + random.nextInt(256)
                        + "."
                        + random.nextInt(256)
                        + "."
                        + random.nextInt(256),
                    i % 33));
  }

  @ParameterizedTest
  @MethodSource("ipv4")
  void anIpv4AddressLosesItsHostPart(String ip, int bits) {
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

  static Stream<String> ipv6() {
    var random = new Random(6L);
    return IntStream.range(0, 300)
        .mapToObj(
            i -> {
              var groups = new ArrayList<String>();
              for (int g = 0; g < 8; g++) {
                groups.add(Integer.toHexString(1 + random.nextInt(0xffff)));
              }
              return String.join(":", groups);
            });
  }

  @ParameterizedTest
  @MethodSource("ipv6")
  void anIpv6AddressKeepsOnlyItsPrefix(String ip) {
    var prefix = Values.ipPrefix(ip, 24, 48);
    assertThat(prefix).isNotNull().endsWith(":0:0:0:0:0");
    assertThat(Values.ipPrefix(prefix, 24, 48)).isEqualTo(prefix);
    assertThat(prefix.split(":")[0])
        .isEqualTo(Integer.toHexString(Integer.parseInt(ip.split(":")[0], 16)));
  }

  @ParameterizedTest
  @MethodSource("values")
  void whatIsNotAnAddressBecomesNull(String value) {
    if (!value.trim().matches("[0-9A-Fa-f:.]+")) {
      assertThat(Values.ipPrefix(value, 24, 48)).isNull();
    }
  }

  static Stream<String> userAgents() {
    var random = new Random(8L);
    var templates =
        List.of(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:%d.0) Gecko/20100101 Firefox/%d.0",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " Chrome/%d.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko)"
                + " Version/%d.5 Safari/605.1.15",
            "Mozilla/5.0 (compatible; Googlebot/%d.1; +http://www.google.com/bot.html)");
    return IntStream.range(0, 400)
        .mapToObj(
            i ->
                i % 2 == 0
                    ? templates
                        .get(random.nextInt(templates.size()))
                        .replace("%d", Integer.toString(1 + random.nextInt(200)))
                    : randomString(random, 30 + random.nextInt(170)));
  }

  @ParameterizedTest
  @MethodSource("userAgents")
  void aBrowserFamilyIsShortAndNeverTheFullString(String userAgent) {
    var family = Values.browserFamily(userAgent);
    assertThat(family).isEqualTo(Values.browserFamily(userAgent));
    assertThat(family.length()).isLessThanOrEqualTo(Values.BROWSER_FAMILY_LENGTH);
    assertThat(userAgent).isNotEqualTo(family);
    assertThat(Values.browserFamily(family)).as("idempotent").isEqualTo(family);
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> masks() {
    var random = new Random(10L);
    return strings().stream()
        .filter(s -> s.length() <= 40)
        .map(s -> org.junit.jupiter.params.provider.Arguments.of(s, random.nextInt(11)));
  }

  @ParameterizedTest
  @MethodSource("masks")
  void keepFirstAndKeepLastMaskTheRestAndKeepTheLength(String value, int n) {
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

  @Test
  void aNumberFallsInItsBand() {
    for (int value = -1000; value <= 1000; value += 7) {
      for (int width = 1; width <= 50; width += 3) {
        var label = Values.bandLabel(Integer.toString(value), width);
        var low = Math.floorDiv(value, width) * width;
        assertThat(label).isEqualTo(low + "-" + (low + width - 1));
        assertThat(low).isLessThanOrEqualTo(value);
        assertThat(value).isLessThan(low + width);
      }
    }
  }

  @Test
  void nullStaysNull() {
    assertThat(TOKENS.text(null)).isNull();
    assertThat(Values.ipPrefix(null, 24, 48)).isNull();
    assertThat(Values.browserFamily(null)).isNull();
    assertThat(Values.keepFirst(null, 2)).isNull();
    assertThat(Values.bandLabel(null, 10)).isNull();
  }

  private static long toLong(String ip) {
    long value = 0;
    for (var part : ip.split("\\.")) {
      value = (value << 8) | Integer.parseInt(part);
    }
    return value;
  }
}
