package dev.lethe.transform;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.commons.codec.binary.Hex;

/**
 * Tokens under one key: HMAC-SHA256 of the value's text (UTF-8), shaped to the column. The same
 * value gives the same token in every store and run under the key, so pseudonymised data still
 * joins; without the key a token cannot be turned back. The text form is the lower-case hex of the
 * whole HMAC, which is what PostgreSQL's {@code encode(hmac(value, key, 'sha256'), 'hex')} gives.
 */
public final class Tokens {

  /** Characters of a text token. */
  public static final int TEXT_LENGTH = 64;

  private final HmacKey key;
  private final List<Tokens> earlier;
  private final PaddedKeyHmac mac;

  public Tokens(HmacKey key) {
    this(key, List.of());
  }

  /**
   * @param earlier the tokens of the keys used before this one (the key ring): new tokens are made
   *     with this key only, but a subject is looked for under every key
   */
  public Tokens(HmacKey key, List<Tokens> earlier) {
    this.key = key;
    this.earlier = List.copyOf(earlier);
    this.mac = new PaddedKeyHmac(key.secret());
  }

  public String keyId() {
    return key.id();
  }

  /**
   * These tokens and those of every earlier key: what a value may have become, whichever key made
   * its token. Holds, requests and the trail look under each.
   */
  public List<Tokens> everyKey() {
    var all = new java.util.ArrayList<Tokens>();
    all.add(this);
    all.addAll(earlier);
    return all;
  }

  private byte[] hmac(String value) {
    return mac.hmac(value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A subject key as a whole number, where it is one written in ASCII digits ({@code 08}, {@code
   * -0} and {@code +8} are; {@code ١٢} and {@code 1.0} are not): the value a number column holds.
   */
  private static final java.util.regex.Pattern WHOLE_NUMBER =
      java.util.regex.Pattern.compile("[+-]?[0-9]{1,19}");

  public static java.util.Optional<Long> wholeNumber(String key) {
    var text = key.trim();
    if (!WHOLE_NUMBER.matcher(text).matches()) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(Long.parseLong(text));
    } catch (NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * A key as a column that compares text whatever its case (citext) takes it: without the blanks
   * around it, each character in lower case by itself, as PostgreSQL's {@code lower()} does (İ is
   * i, a closing Σ is σ). Java's lower-casing of whole words made İ two characters and a closing Σ
   * ς, which citext takes for another value (found by an outside attack).
   */
  public static String caseFolded(String key) {
    var trimmed = key.trim();
    var folded = new StringBuilder(trimmed.length());
    trimmed.codePoints().map(Character::toLowerCase).forEach(folded::appendCodePoint);
    return folded.toString();
  }

  /**
   * The key in lower case as tokens of case-insensitive keys were made before {@link #caseFolded}
   * (by whole words): looked up too, so that rows tokenised then are still found.
   */
  public static String caseFoldedBefore(String key) {
    return key.trim().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The texts a stage may have made the key's token of: the key as given, and where it is a whole
   * number, as its column writes it ({@code 08} is 8 in a number column, whose token was made of
   * "8").
   */
  public static java.util.List<String> keyForms(String key) {
    var text = key.trim();
    var number = wholeNumber(text).map(n -> Long.toString(n));
    return number.isPresent() && !number.get().equals(text)
        ? java.util.List.of(text, number.get())
        : java.util.List.of(text);
  }

  /** The token's 32 bytes, whose hex is {@link #text}: how the audit trail records a subject. */
  public byte[] raw(String value) {
    return hmac(value);
  }

  /**
   * A text token of bytes that are not UTF-8 text (a log field in Latin-1, or damaged): the HMAC of
   * the bytes themselves, so that two such values never share a token.
   */
  public String textOfBytes(byte[] raw) {
    return Hex.encodeHexString(mac.hmac(raw));
  }

  /** A text token: 64 hex characters; null stays null. */
  public String text(String value) {
    return value == null ? null : Hex.encodeHexString(hmac(value));
  }

  /** A 63-bit number: the first eight bytes of the HMAC, never negative; null stays null. */
  public Long number(String value) {
    return value == null ? null : ByteBuffer.wrap(hmac(value)).getLong() & Long.MAX_VALUE;
  }

  /** A UUID made of the HMAC's first 16 bytes, marked version 8 (custom); null stays null. */
  public UUID uuid(String value) {
    if (value == null) {
      return null;
    }
    var bytes = hmac(value);
    bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x80);
    bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);
    var buffer = ByteBuffer.wrap(bytes);
    return new UUID(buffer.getLong(), buffer.getLong());
  }

  @Override
  public String toString() {
    return "Tokens[" + key.id() + "]";
  }
}
