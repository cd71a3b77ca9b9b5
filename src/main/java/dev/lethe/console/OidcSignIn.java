package dev.lethe.console;

import dev.lethe.system.LetheProperties;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * Sign-in through the organisation's OpenID Connect provider ({@code lethe.console.oidc}), beside
 * the configured users: the authorization code flow, the ID token checked against the provider's
 * keys, the user named by one of its claims and given the Lethe roles another claim lists.
 */
final class OidcSignIn {

  /** The registration's id: its callback is {@code /login/oauth2/code/oidc}. */
  static final String REGISTRATION = "oidc";

  /**
   * How a provider's user is named in the console and the trail: {@code oidc:} and the name claim,
   * which no configured user (letters, digits, - and _) and no OS user (no colon in a user name)
   * can be, so the trail tells them apart.
   */
  static final String PREFIX = "oidc:";

  /**
   * A name claim taken: ASCII letters, digits and {@code . _ @ + -}, as user names and e-mail
   * addresses are; no look-alike letters, no blanks, no colon (the trail's "by NAME: reason").
   */
  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9._@+-]{1,100}");

  private static final Logger LOG = LoggerFactory.getLogger(OidcSignIn.class);

  private OidcSignIn() {}

  /** Adds the provider's sign-in to the console's chain. */
  static void configure(HttpSecurity http, LetheProperties.Oidc oidc) throws Exception {
    var registrations = new Discovered(oidc, oidc.clientSecret());
    var requests =
        new DefaultOAuth2AuthorizationRequestResolver(registrations, "/oauth2/authorization");
    http.oauth2Login(
        o ->
            o.loginPage("/login")
                .clientRegistrationRepository(registrations)
                .authorizationEndpoint(
                    a -> a.authorizationRequestResolver(whileReachable(requests)))
                .userInfoEndpoint(u -> u.oidcUserService(roles(oidc)))
                .defaultSuccessUrl("/", true)
                .failureUrl("/login?error"));
  }

  /**
   * The provider's registration, from its discovery document, read at the first sign-in rather than
   * at start-up: a provider that is down must not keep {@code serve} (and its schedule) from
   * starting. One read at a time, in the background: a sign-in waits for it at most {@link #WAIT},
   * and after a failed read the next waits {@link #PAUSE}, so a provider that hangs holds no more
   * than one thread, and the configured users still sign in.
   */
  private static final class Discovered implements ClientRegistrationRepository {

    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(3);
    private static final java.time.Duration PAUSE = java.time.Duration.ofSeconds(30);

    private final LetheProperties.Oidc oidc;
    private final String secret;
    private java.util.concurrent.CompletableFuture<ClientRegistration> reading;
    private long pausedUntil;

    Discovered(LetheProperties.Oidc oidc, String secret) {
      this.oidc = oidc;
      this.secret = secret;
    }

    @Override
    public ClientRegistration findByRegistrationId(String id) {
      if (!REGISTRATION.equals(id)) {
        return null;
      }
      var read = reading();
      if (read == null) {
        return null; // paused after a failed read
      }
      try {
        return read.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        return null; // still reading: this sign-in is told the provider cannot be reached now
      } catch (java.util.concurrent.ExecutionException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }

    private synchronized java.util.concurrent.CompletableFuture<ClientRegistration> reading() {
      if (reading != null && reading.isCompletedExceptionally()) {
        if (System.nanoTime() - pausedUntil < 0) {
          return null;
        }
        reading = null;
      }
      if (reading == null) {
        var read = new java.util.concurrent.CompletableFuture<ClientRegistration>();
        var thread = new Thread(() -> discoverInto(read), "lethe-oidc-discovery");
        thread.setDaemon(true);
        thread.start();
        reading = read;
      }
      return reading;
    }

    private void discoverInto(java.util.concurrent.CompletableFuture<ClientRegistration> read) {
      try {
        read.complete(
            ClientRegistrations.fromOidcIssuerLocation(oidc.issuerUri().toString())
                .registrationId(REGISTRATION)
                .clientId(oidc.clientId())
                .clientSecret(secret)
                .scope("openid", "profile")
                // the token's subject, always there: the name claim is checked by Lethe itself
                .userNameAttributeName("sub")
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                .build());
      } catch (RuntimeException e) {
        LOG.warn(
            "lethe.console.oidc: the provider's discovery document at {} could not be read ({});"
                + " sign-in through it is tried again in {} s",
            oidc.issuerUri(),
            e.getClass().getSimpleName(),
            PAUSE.toSeconds());
        synchronized (this) {
          pausedUntil = System.nanoTime() + PAUSE.toNanos();
        }
        read.completeExceptionally(e);
      }
    }
  }

  /**
   * The request that sends the browser to the provider, or none where the provider cannot be
   * reached: the console then answers that page itself (503, the sign-in page saying so).
   */
  private static OAuth2AuthorizationRequestResolver whileReachable(
      OAuth2AuthorizationRequestResolver resolver) {
    return new OAuth2AuthorizationRequestResolver() {
      @Override
      public OAuth2AuthorizationRequest resolve(jakarta.servlet.http.HttpServletRequest request) {
        try {
          return resolver.resolve(request);
        } catch (IllegalArgumentException unknownOrUnreachable) {
          return null;
        }
      }

      @Override
      public OAuth2AuthorizationRequest resolve(
          jakarta.servlet.http.HttpServletRequest request, String registrationId) {
        try {
          return resolver.resolve(request, registrationId);
        } catch (IllegalArgumentException unknownOrUnreachable) {
          return null;
        }
      }
    };
  }

  /**
   * The signed-in user as Lethe knows them: named by the ID token's name claim (one line of plain
   * text, not a configured user's name), with the Lethe roles its roles claim lists; refused where
   * it lists none.
   */
  private static OAuth2UserService<OidcUserRequest, OidcUser> roles(LetheProperties.Oidc oidc) {
    var provider = new OidcUserService();
    return request -> {
      var user = provider.loadUser(request);
      var name = user.getClaims().get(oidc.nameClaim());
      if (!(name instanceof String text) || text.isBlank()) {
        throw refused("the ID token has no claim '" + oidc.nameClaim() + "' to name the user by");
      }
      if (!NAME.matcher(text).matches()) {
        throw refused(
            "the user's name (claim '"
                + oidc.nameClaim()
                + "') is not 1 to 100 of the letters a-z, A-Z, digits and . _ @ + -");
      }
      var authorities = new ArrayList<SimpleGrantedAuthority>();
      for (var role : values(user.getClaims().get(oidc.rolesClaim()))) {
        if (LetheProperties.Console.ROLES.contains(role)) {
          authorities.add(new SimpleGrantedAuthority("ROLE_" + role.toUpperCase(Locale.ROOT)));
        }
      }
      if (authorities.isEmpty()) {
        throw refused(
            "user '" + text + "' has no Lethe role in its claim '" + oidc.rolesClaim() + "'");
      }
      return new ProviderUser(authorities, user, PREFIX + text);
    };
  }

  /** A provider's user, named as Lethe names them ({@code oidc:NAME}) in the console and trail. */
  private static final class ProviderUser extends DefaultOidcUser {

    private static final long serialVersionUID = 1L;

    private final String name;

    ProviderUser(Collection<SimpleGrantedAuthority> authorities, OidcUser user, String name) {
      super(authorities, user.getIdToken(), user.getUserInfo(), "sub");
      this.name = name;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof ProviderUser that && super.equals(that) && name.equals(that.name);
    }

    @Override
    public int hashCode() {
      return 31 * super.hashCode() + name.hashCode();
    }
  }

  /** A claim's values: a list of strings, or one string of words (as some providers send). */
  private static Collection<String> values(Object claim) {
    var values = new ArrayList<String>();
    if (claim instanceof Collection<?> many) {
      many.forEach(v -> values.add(String.valueOf(v)));
    } else if (claim instanceof String words) {
      values.addAll(java.util.List.of(words.trim().split("[\\s,]+")));
    }
    return values;
  }

  private static OAuth2AuthenticationException refused(String why) {
    // told whole: it quotes only a checked name or none (a name that failed its check is not
    // repeated)
    LOG.warn("console sign-in through the provider refused: {}", why);
    return new OAuth2AuthenticationException(new OAuth2Error("access_denied", why, null));
  }
}
