package dev.lethe.transform;

import java.util.Locale;

/**
 * What a pseudonymise stage does to one column (or field) of a row, as a policy declares it. The
 * values are pure: how a store applies one to its own types is the store's business, with the
 * functions of this package where the store cannot compute it itself.
 */
public sealed interface Transform {

  /** The transform as a policy writes it, for reports and errors. */
  String describe();

  /** A keyed HMAC-SHA256 token: the same value gives the same token under one key. */
  record Hmac() implements Transform {
    @Override
    public String describe() {
      return "hmac";
    }
  }

  /** An IP address cut to its network: IPv4 to {@code v4} bits, IPv6 to {@code v6} bits. */
  record IpPrefix(int v4, int v6) implements Transform {
    public static final IpPrefix DEFAULT = new IpPrefix(24, 48);

    @Override
    public String describe() {
      return "ip-prefix {v4: " + v4 + ", v6: " + v6 + "}";
    }
  }

  /** A user-agent string reduced to its browser family and major version. */
  record BrowserFamily() implements Transform {
    @Override
    public String describe() {
      return "browser-family";
    }
  }

  /** A date or timestamp truncated to the start of its year, month or day. */
  record Truncate(Unit unit) implements Transform {
    /** How far a date is cut back. */
    public enum Unit {
      YEAR,
      MONTH,
      DAY;

      public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
      }
    }

    @Override
    public String describe() {
      return unit.yamlName();
    }
  }

  /** The first {@code characters} kept, the rest masked with {@code *}. */
  record KeepFirst(int characters) implements Transform {
    @Override
    public String describe() {
      return "{keep-first: " + characters + "}";
    }
  }

  /** The last {@code characters} kept, the rest masked with {@code *}. */
  record KeepLast(int characters) implements Transform {
    @Override
    public String describe() {
      return "{keep-last: " + characters + "}";
    }
  }

  /** A number rounded to {@code decimals} places (negative: to tens, hundreds). */
  record Round(int decimals) implements Transform {
    @Override
    public String describe() {
      return "{round: " + decimals + "}";
    }
  }

  /** The value removed: NULL. */
  record Nullify() implements Transform {
    @Override
    public String describe() {
      return "null";
    }
  }

  /** The value replaced by a constant of the column's type. */
  record Constant(String value) implements Transform {
    @Override
    public String describe() {
      return "{constant: ...}";
    }
  }

  /**
   * A number put in its band of {@code width}: 37 in bands of 10 is 30 in a numeric column and
   * "30-39" in a text one.
   */
  record Band(long width) implements Transform {
    @Override
    public String describe() {
      return "{band: " + width + "}";
    }
  }
}
