package dev.lethe.subject;

import dev.lethe.transform.Tokens;
import java.util.Locale;

/**
 * The token an address is suppressed under: the keyed HMAC of the address as written to any system,
 * trimmed and in lower case, so that "Ann@Example.org " and "ann@example.org" are one address. Only
 * the token is kept; without the key no one can tell which address it was.
 */
public final class Suppression {

  private Suppression() {}

  public static String token(Tokens tokens, String address) {
    return tokens.text(address.trim().toLowerCase(Locale.ROOT));
  }
}
