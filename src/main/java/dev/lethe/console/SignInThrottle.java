package dev.lethe.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * Slows down guessing a console user's password: after {@value #FREE} failed sign-ins in a row
 * under one user name, further attempts under that name are refused without checking the password
 * for a while that doubles with each further failure (one minute, then two, up to fifteen), on this
 * node. A success clears it. Every failure is logged with the name and where it came from, never
 * with what was typed as the password.
 */
final class SignInThrottle implements AuthenticationProvider {

  static final int FREE = 5;
  private static final Duration FIRST = Duration.ofMinutes(1);
  private static final Duration LONGEST = Duration.ofMinutes(15);
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(SignInThrottle.class);

  private final AuthenticationProvider checked;
  private final Clock clock;
  private final java.util.Set<String> users;
  private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();

  private record Failures(int count, Instant until) {}

  /**
   * @param users the configured users' names: only their failures are kept (bounded by their
   *     number), so names tried at random neither fill memory nor push a real user's lock out
   */
  SignInThrottle(AuthenticationProvider checked, Clock clock, java.util.Set<String> users) {
    this.checked = checked;
    this.clock = clock;
    this.users = java.util.Set.copyOf(users);
  }

  @Override
  public Authentication authenticate(Authentication attempt) throws AuthenticationException {
    // names are compared without case (dpo and DPO are one user): so are their failures
    var name = String.valueOf(attempt.getName()).toLowerCase(java.util.Locale.ROOT);
    var now = clock.instant();
    var known = failures.get(name);
    if (known != null && known.until() != null && now.isBefore(known.until())) {
      LOG.warn(
          "console sign-in as '{}' refused: {} failed attempts in a row, locked until {}",
          dev.lethe.system.PlainText.shown(name),
          known.count(),
          known.until());
      // the password is checked all the same, its answer ignored: a refusal that came at once
      // would tell a configured name from an unknown one by its time
      try {
        checked.authenticate(attempt);
      } catch (AuthenticationException ignored) {
        // refused either way
      }
      throw new LockedException("too many failed sign-ins; try again later");
    }
    try {
      var result = checked.authenticate(attempt);
      failures.remove(name);
      return result;
    } catch (BadCredentialsException e) {
      if (!users.contains(name)) {
        LOG.warn("console sign-in as an unknown user failed");
        throw e;
      }
      var after = failures.compute(name, (n, f) -> failed(f, now));
      LOG.warn("console sign-in as '{}' failed ({} in a row)", name, after.count());
      throw e;
    }
  }

  private static Failures failed(Failures before, Instant now) {
    int count = before == null ? 1 : before.count() + 1;
    if (count < FREE) {
      return new Failures(count, null);
    }
    long factor = 1L << Math.min(count - FREE, 4);
    var wait = FIRST.multipliedBy(factor);
    return new Failures(count, now.plus(wait.compareTo(LONGEST) > 0 ? LONGEST : wait));
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return checked.supports(authentication);
  }
}
