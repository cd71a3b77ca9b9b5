package dev.lethe.console;

import dev.lethe.system.LetheProperties;
import dev.lethe.system.PlainText;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
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

  private static final Logger LOG = LoggerFactory.getLogger(OidcSignIn.class);

  private OidcSignIn() {}

  /**
   * Adds the provider's sign-in to the console's chain. {@code localUsers}: the configured users'
   * names, which no provider's user may take (the trail would not tell the two apart).
   */
  static void configure(HttpSecurity http, LetheProperties.Oidc oidc, Set<String> localUsers)
      throws Exception {
    var registrations = new Discovered(oidc, oidc.clientSecret());
    var requests =
        new DefaultOAuth2AuthorizationRequestResolver(registrations, "/oauth2/authorization");
    http.oauth2Login(
        o ->
            o.loginPage("/login")
                .clientRegistrationRepository(registrations)
                .authorizationEndpoint(
                    a -> a.authorizationRequestResolver(whileReachable(requests)))
                .userInfoEndpoint(u -> u.oidcUserService(roles(oidc, localUsers)))
                .defaultSuccessUrl("/", true)
                .failureUrl("/login?error"));
  }

  /**
   * The provider's registration, from its discovery document, read at the first sign-in rather than
   * at start-up: a provider that is down must not keep {@code serve} (and its schedule) from
   * starting. Read again at the next sign-in until it has been read once.
   */
  private static final class Discovered implements ClientRegistrationRepository {

    private final LetheProperties.Oidc oidc;
    private final String secret;
    private volatile ClientRegistration registration;

    Discovered(LetheProperties.Oidc oidc, String secret) {
      this.oidc = oidc;
      this.secret = secret;
    }

    @Override
    public ClientRegistration findByRegistrationId(String id) {
      if (!REGISTRATION.equals(id)) {
        return null;
      }
      var known = registration;
      if (known != null) {
        return known;
      }
      synchronized (this) {
        if (registration == null) {
          try {
            registration =
                ClientRegistrations.fromOidcIssuerLocation(oidc.issuerUri().toString())
                    .registrationId(REGISTRATION)
                    .clientId(oidc.clientId())
                    .clientSecret(secret)
                    .scope("openid", "profile")
                    .userNameAttributeName(oidc.nameClaim())
                    .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                    .build();
          } catch (RuntimeException e) {
            LOG.warn(
                "lethe.console.oidc: the provider's discovery document at {} could not be read"
                    + " ({}); sign-in through it waits until it can",
                oidc.issuerUri(),
                e.getClass().getSimpleName());
            return null;
          }
        }
        return registration;
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
  private static OAuth2UserService<OidcUserRequest, OidcUser> roles(
      LetheProperties.Oidc oidc, Set<String> localUsers) {
    var provider = new OidcUserService();
    return request -> {
      var user = provider.loadUser(request);
      var name = user.getClaims().get(oidc.nameClaim());
      if (!(name instanceof String text) || text.isBlank()) {
        throw refused("the ID token has no claim '" + oidc.nameClaim() + "' to name the user by");
      }
      try {
        PlainText.check(text, "the ID token's " + oidc.nameClaim(), PlainText.REFERENCE);
      } catch (dev.lethe.system.BadInputException e) {
        throw refused("the user's name is not one line of plain text");
      }
      if (localUsers.contains(text.toLowerCase(Locale.ROOT))) {
        throw refused(
            "user '" + text + "' of the provider has the name of a configured console user");
      }
      var authorities = new ArrayList<SimpleGrantedAuthority>();
      for (var role : values(user.getClaims().get(oidc.rolesClaim()))) {
        if (LetheProperties.Console.ROLES.contains(role)) {
          authorities.add(new SimpleGrantedAuthority("ROLE_" + role.toUpperCase(Locale.ROOT)));
        }
      }
      if (authorities.isEmpty()) {
        throw refused(
            "user '"
                + text
                + "' has no Lethe role in the claim '"
                + oidc.rolesClaim()
                + "' (one or more of "
                + String.join(", ", LetheProperties.Console.ROLES)
                + ")");
      }
      return new DefaultOidcUser(
          authorities, user.getIdToken(), user.getUserInfo(), oidc.nameClaim());
    };
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
    LOG.warn("console sign-in through the provider refused: {}", PlainText.shown(why));
    return new OAuth2AuthenticationException(new OAuth2Error("access_denied", why, null));
  }
}
