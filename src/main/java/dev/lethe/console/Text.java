package dev.lethe.console;

/** Text from a request, made safe to repeat in a message: printable, and not too long. */
final class Text {

  private Text() {}

  static String printable(String value) {
    if (value == null) {
      return "";
    }
    var cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
    return cut.codePoints()
        .map(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }
}
