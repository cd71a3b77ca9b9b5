package dev.lethe.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;

/** The throttle of failed sign-ins, on a clock of its own. */
class SignInThrottleTests {

  private final AtomicInteger checks = new AtomicInteger();

  /** A password check that refuses all but "right", counting how often it was asked. */
  private final AuthenticationProvider passwords =
      new AuthenticationProvider() {
        @Override
        public org.springframework.security.core.Authentication authenticate(
            org.springframework.security.core.Authentication a) {
          checks.incrementAndGet();
          if ("right".equals(a.getCredentials())) {
            return UsernamePasswordAuthenticationToken.authenticated(
                a.getName(), null, java.util.List.of());
          }
          throw new BadCredentialsException("wrong");
        }

        @Override
        public boolean supports(Class<?> type) {
          return true;
        }
      };

  private static UsernamePasswordAuthenticationToken attempt(String name, String password) {
    return UsernamePasswordAuthenticationToken.unauthenticated(name, password);
  }

  @Test
  void aLockedNameIsRefusedEvenWithTheRightPasswordAfterAFullCheckAndOpensAgainLater() {
    var now =
        new java.util.concurrent.atomic.AtomicReference<>(Instant.parse("2026-12-06T10:00:00Z"));
    var clock =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    var throttle = new SignInThrottle(passwords, clock, Set.of("dpo"));
    for (int i = 0; i < SignInThrottle.FREE; i++) {
      var name = i % 2 == 0 ? "dpo" : "DPO"; // one user, whatever the case
      assertThatThrownBy(() -> throttle.authenticate(attempt(name, "guess")))
          .isInstanceOf(BadCredentialsException.class);
    }
    assertThat(checks).hasValue(SignInThrottle.FREE);
    assertThatThrownBy(() -> throttle.authenticate(attempt("dpo", "right")))
        .isInstanceOf(LockedException.class);
    // the password was checked all the same: a lock answers no faster than a wrong password
    assertThat(checks).hasValue(SignInThrottle.FREE + 1);

    now.set(now.get().plusSeconds(61));
    assertThat(throttle.authenticate(attempt("dpo", "right")).isAuthenticated()).isTrue();
  }

  @Test
  void unknownNamesAreNotKept() {
    var throttle = new SignInThrottle(passwords, Clock.systemUTC(), Set.of("dpo"));
    for (int i = 0; i < 50; i++) {
      var name = "ghost" + i;
      assertThatThrownBy(() -> throttle.authenticate(attempt(name, "guess")))
          .isInstanceOf(BadCredentialsException.class);
    }
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(() -> throttle.authenticate(attempt("ghost", "guess")))
          .isInstanceOf(BadCredentialsException.class); // never "locked": no such user to lock
    }
  }
}
