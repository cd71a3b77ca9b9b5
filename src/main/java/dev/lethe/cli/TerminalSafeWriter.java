package dev.lethe.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * Error messages quote what they were given (a name, a path, an option's value). A control
 * character in it (an escape sequence that retitles the terminal or moves its cursor) is written as
 * {@code \\u001b}, never to the operator's terminal as it is. Lines and tabs pass.
 */
final class TerminalSafeWriter extends FilterWriter {

  TerminalSafeWriter(Writer out) {
    super(out);
  }

  @Override
  public void write(int c) throws IOException {
    if (isControl(c)) {
      out.write(String.format("\\u%04x", c));
    } else {
      out.write(c);
    }
  }

  @Override
  public void write(char[] buffer, int offset, int length) throws IOException {
    for (int i = offset; i < offset + length; i++) {
      write(buffer[i]);
    }
  }

  @Override
  public void write(String text, int offset, int length) throws IOException {
    for (int i = offset; i < offset + length; i++) {
      write(text.charAt(i));
    }
  }

  private static boolean isControl(int c) {
    return (c < 0x20 && c != '\n' && c != '\r' && c != '\t') || (c >= 0x7f && c <= 0x9f);
  }
}
