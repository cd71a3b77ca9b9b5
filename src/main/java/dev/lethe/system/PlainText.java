package dev.lethe.system;

/**
 * What Lethe takes as a short text from a person (a case reference, a reason, grounds, a request's
 * reference): one line of plain text of bounded length. A line break or an escape in it would forge
 * lines in Lethe's log and its reports' text, a bidirectional mark would make it read other than it
 * is, and a megabyte of it would fill every list it appears in.
 */
public final class PlainText {

  /** The longest reference (a case, a ticket): an identifier, not a document. */
  public static final int REFERENCE = 200;

  /** The longest reason or grounds. */
  public static final int REASON = 2000;

  private PlainText() {}

  /**
   * Refuses {@code value} where it is longer than {@code most} characters or holds a control
   * character or an invisible formatting one (bidirectional marks, zero-width characters).
   *
   * @param option how the value was given (an option, or a field), for the message
   */
  public static void check(String value, String option, int most) {
    if (value == null) {
      return;
    }
    if (value.codePointCount(0, value.length()) > most) {
      throw new BadInputException(
          option + " is longer than " + most + " characters. Fix: shorten it");
    }
    if (value.codePoints().anyMatch(PlainText::unseen)) {
      throw new BadInputException(
          option
              + " holds a control or invisible character (a line break, a tab, an escape, a"
              + " bidirectional or zero-width mark, a blank that is no space). Fix: give it as"
              + " plain text on one line");
    }
  }

  /**
   * A character that breaks a line, steers the terminal or the text's direction, or shows as
   * nothing or as a blank while it is not one: line breaks and every control character, format
   * characters (bidirectional and zero-width marks), line and paragraph separators, half a
   * surrogate pair (stored as '?'), and the fillers that look like blanks (Hangul fillers, the
   * blank Braille pattern, the combining grapheme joiner).
   */
  static boolean unseen(int c) {
    int type = Character.getType(c);
    return Character.isISOControl(c)
        || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SURROGATE
        || c == 0x115F
        || c == 0x1160
        || c == 0x3164
        || c == 0xFFA0
        || c == 0x2800
        || c == 0x034F;
  }

  /** A text from outside, safe to repeat in a message: printable, at most 80 characters. */
  public static String shown(String value) {
    if (value == null) {
      return "";
    }
    var cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
    return cut.codePoints()
        .map(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }

  /**
   * Refuses a subject key that is longer than {@code most} characters or holds a control character,
   * at an end too: a key is an identifier as the stores hold it (plain spaces around it are trimmed
   * where it is used).
   */
  public static void checkKey(String key, String option, int most) {
    if (key == null) {
      return;
    }
    var trimmed = key.trim();
    if (trimmed.length() > most) {
      throw new BadInputException(
          option
              + " is not a subject key: longer than "
              + most
              + " characters. Fix: give the key as the stores hold it, such as 42");
    }
    if (trimmed.isEmpty()) {
      // "\u0000" is not blank to Java, yet trims to nothing: a hold on the empty key holds no one
      throw new BadInputException(
          option
              + " is not a subject key: nothing is left of it once the blanks and control"
              + " characters around it are taken. Fix: give the key as the stores hold it, such as"
              + " 42");
    }
    // the key as given, not trimmed: a tab or an escape at an end was taken away without a word
    // where the rule says it is refused (found by an outside attack); plain spaces around it stay
    // allowed, and a file of keys strips its lines' blanks before this
    if (key.codePoints().anyMatch(PlainText::unseen)) {
      throw new BadInputException(
          option
              + " is not a subject key: it holds control or invisible characters. Fix: give the key"
              + " as the stores hold it, such as 42");
    }
    if (Character.isSpaceChar(trimmed.codePointAt(0))
        || Character.isSpaceChar(trimmed.codePointBefore(trimmed.length()))) {
      // A no-break space (or another blank past ASCII) at an end is not trimmed where keys are
      // matched: pasted from a web page, "s3" + U+00A0 was held, and s3's rows went
      throw new BadInputException(
          option
              + " is not a subject key: it begins or ends with a blank that is not a plain space"
              + " (a no-break space, as pasting from a web page or a spreadsheet leaves). Fix: give"
              + " the key as the stores hold it, such as 42, without it");
    }
  }
}
