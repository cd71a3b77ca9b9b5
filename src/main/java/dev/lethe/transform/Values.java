package dev.lethe.transform;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The transforms that work on a value's text, for stores that cannot compute them themselves (a
 * text column holding IP addresses, a user-agent string, a log line's field). Null stays null; a
 * value that is not what the transform expects becomes null rather than pass through unchanged,
 * since what cannot be read cannot be known to be harmless.
 */
public final class Values {

  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final Pattern VERSION = Pattern.compile("[/ ]([0-9]+)");

  /**
   * What {@link #browserFamily} gives, which it gives back as it is: a value a stage already
   * reduced ("Firefox 128") is its own family, not "Other".
   */
  public static final String BROWSER_FAMILY =
      "^(Bot|curl|Wget|Other|(Edge|Opera|Firefox|Chrome|Internet Explorer|Safari)"
          + "( (0|[1-9][0-9]{0,5}))?)$";

  private static final Pattern A_BROWSER_FAMILY = Pattern.compile(BROWSER_FAMILY);

  /** Longest output of {@link #browserFamily}. */
  public static final int BROWSER_FAMILY_LENGTH = 24;

  private Values() {}

  /** The network part of an IPv4 or IPv6 address, as an address: 192.0.2.77 to 192.0.2.0. */
  public static String ipPrefix(String value, int v4Bits, int v6Bits) {
    if (value == null) {
      return null;
    }
    var text = value.trim();
    var v4 = IPV4.matcher(text);
    if (v4.matches()) {
      long address = 0;
      for (int i = 1; i <= 4; i++) {
        int octet = Integer.parseInt(v4.group(i));
        if (octet > 255) {
          return null;
        }
        address = (address << 8) | octet;
      }
      long mask = v4Bits == 0 ? 0 : (0xFFFFFFFFL << (32 - v4Bits)) & 0xFFFFFFFFL;
      long network = address & mask;
      return (network >> 24)
          + "."
          + ((network >> 16) & 0xFF)
          + "."
          + ((network >> 8) & 0xFF)
          + "."
          + (network & 0xFF);
    }
    if (text.indexOf(':') >= 0 && IPV6_LITERAL.matcher(text).matches()) {
      try {
        // a literal of hex digits, colons and dots: parsed, never looked up
        var bytes = InetAddress.getByName(text).getAddress();
        if (bytes.length == 4) {
          return ipPrefix(InetAddress.getByAddress(bytes).getHostAddress(), v4Bits, v6Bits);
        }
        var masked = Arrays.copyOf(bytes, 16);
        for (int bit = v6Bits; bit < 128; bit++) {
          masked[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
        }
        return InetAddress.getByAddress(masked).getHostAddress();
      } catch (UnknownHostException e) {
        return null;
      }
    }
    return null;
  }

  /**
   * The browser family and major version of a user-agent string ("Firefox 128", "Chrome 126",
   * "Safari 17"), "Bot" for crawlers, "Other" for the rest: what analytics need, without the
   * details that single a visitor out.
   */
  public static String browserFamily(String userAgent) {
    if (userAgent == null) {
      return null;
    }
    if (A_BROWSER_FAMILY.matcher(userAgent).matches()) {
      return userAgent; // reduced before: applying it again changes nothing
    }
    var lower = userAgent.toLowerCase(Locale.ROOT);
    if (lower.contains("bot") || lower.contains("spider") || lower.contains("crawl")) {
      return "Bot";
    }
    if (lower.startsWith("curl/")) {
      return "curl";
    }
    if (lower.startsWith("wget/")) {
      return "Wget";
    }
    for (var family :
        new String[][] {
          {"Edg/", "Edge"},
          {"OPR/", "Opera"},
          {"Firefox/", "Firefox"},
          {"Chrome/", "Chrome"},
          {"MSIE ", "Internet Explorer"},
        }) {
      int at = userAgent.indexOf(family[0]);
      if (at >= 0) {
        return withMajor(family[1], userAgent.substring(at + family[0].length() - 1));
      }
    }
    int version = userAgent.indexOf("Version/");
    if (userAgent.contains("Safari/") && version >= 0) {
      return withMajor("Safari", userAgent.substring(version + "Version".length()));
    }
    if (userAgent.contains("Trident/")) {
      return "Internet Explorer";
    }
    return "Other";
  }

  private static String withMajor(String family, String rest) {
    Matcher m = VERSION.matcher(rest);
    if (m.lookingAt() && m.group(1).length() <= 6) {
      return family + " " + Integer.parseInt(m.group(1));
    }
    return family;
  }

  /** The first {@code n} characters kept, every later one replaced by {@code *}. */
  public static String keepFirst(String value, int n) {
    if (value == null) {
      return null;
    }
    int cut = value.offsetByCodePoints(0, Math.min(n, value.codePointCount(0, value.length())));
    return value.substring(0, cut) + "*".repeat(value.codePointCount(cut, value.length()));
  }

  /** The last {@code n} characters kept, every earlier one replaced by {@code *}. */
  public static String keepLast(String value, int n) {
    if (value == null) {
      return null;
    }
    int length = value.codePointCount(0, value.length());
    int masked = Math.max(length - n, 0);
    return "*".repeat(masked) + value.substring(value.offsetByCodePoints(0, masked));
  }

  /** The band of {@code width} a number falls in, as text: 37 in bands of 10 is "30-39". */
  public static String bandLabel(String value, long width) {
    return lowerBound(value, width)
        .map(
            low ->
                low.scale() <= 0 || low.stripTrailingZeros().scale() <= 0
                    ? low.toBigInteger()
                        + "-"
                        + low.toBigInteger().add(BigDecimal.valueOf(width - 1).toBigInteger())
                    : low.toPlainString())
        .orElse(null);
  }

  /** The lower bound of the band of {@code width} a number falls in; empty for non-numbers. */
  public static Optional<BigDecimal> lowerBound(String value, long width) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      var number = new BigDecimal(value.trim());
      var w = BigDecimal.valueOf(width);
      var bands = number.divide(w, 0, java.math.RoundingMode.FLOOR);
      return Optional.of(bands.multiply(w));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
