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
    if (value
        .codePoints()
        .anyMatch(
            c ->
                Character.isISOControl(c)
                    || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR)) {
      throw new BadInputException(
          option
              + " holds a control or invisible formatting character (a line break, a tab, an"
              + " escape, a bidirectional or zero-width mark). Fix: give it as plain text on one"
              + " line");
    }
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
   * Refuses a subject key that is longer than {@code most} characters or holds a control character:
   * a key is an identifier as the stores hold it (blanks around it are trimmed where it is used).
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
    if (trimmed
        .chars()
        .anyMatch(
            c ->
                Character.isISOControl(c)
                    || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR)) {
      throw new BadInputException(
          option
              + " is not a subject key: it holds control characters. Fix: give the key as the"
              + " stores hold it, such as 42");
    }
  }
}
