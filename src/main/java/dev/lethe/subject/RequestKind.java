package dev.lethe.subject;

import dev.lethe.system.BadInputException;
import java.util.Arrays;
import java.util.Locale;

/** What a subject asked for. */
public enum RequestKind {
  /** Right to erasure (art. 17). */
  ERASE,
  /** Right of access and to portability (art. 15, 20): a machine-readable copy. */
  EXPORT,
  /** Consent withdrawn for a purpose (art. 7.3): that purpose's data goes. */
  WITHDRAW_CONSENT;

  public String text() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static RequestKind of(String text) {
    return Arrays.stream(values())
        .filter(k -> k.text().equals(text))
        .findFirst()
        .orElseThrow(
            () ->
                new BadInputException(
                    "unknown request kind '"
                        + text
                        + "'. Fix: use erase, export or withdraw-consent"));
  }
}
