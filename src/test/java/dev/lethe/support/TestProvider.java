package dev.lethe.support;

import java.util.UUID;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

/**
 * An OpenID Connect provider for the console's tests: Spring Authorization Server on a port of its
 * own, at {@code http://localhost:PORT} (a host of its own for the browser's cookies, beside the
 * console's 127.0.0.1). Its users, all with {@link #PASSWORD}: {@code anna.dpo} (compliance),
 * {@code bert.analyst} (analyst), {@code nobody} (no Lethe role), {@code dpo} (the name of a
 * configured console user), {@code dpо} (the same with a Cyrillic o). Lethe's client is {@code
 * lethe} with {@link #SECRET}.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration(exclude = DataSourceAutoConfiguration.class)
public class TestProvider {

  public static final String PASSWORD = "provider password 42";
  public static final String SECRET = "lethe-client-secret-" + UUID.randomUUID();

  /** Starts the provider, which sends signed-in users back to the console on {@code port}. */
  public static ConfigurableApplicationContext start(int consolePort) {
    return new SpringApplicationBuilder(TestProvider.class)
        .web(WebApplicationType.SERVLET)
        .properties("lethe.test.console-port=" + consolePort)
        .run(
            // none of Lethe's own settings (application.yml): this is another application
            "--spring.config.name=lethe-test-provider",
            "--spring.main.web-application-type=servlet",
            "--server.port=0",
            "--server.address=127.0.0.1",
            "--spring.main.banner-mode=off",
            "--springdoc.api-docs.enabled=false",
            "--logging.level.root=warn");
  }

  /** The provider's issuer, as the console is configured with it. */
  public static String issuer(ConfigurableApplicationContext provider) {
    return "http://localhost:" + ((WebServerApplicationContext) provider).getWebServer().getPort();
  }

  @Bean
  @Order(1)
  SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
    var server = new OAuth2AuthorizationServerConfigurer();
    return http.securityMatcher(server.getEndpointsMatcher())
        .with(server, s -> s.oidc(Customizer.withDefaults()))
        .authorizeHttpRequests(a -> a.anyRequest().authenticated())
        .exceptionHandling(
            e ->
                e.defaultAuthenticationEntryPointFor(
                    new LoginUrlAuthenticationEntryPoint("/login"),
                    new MediaTypeRequestMatcher(MediaType.TEXT_HTML, MediaType.ALL)))
        .build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain signIn(HttpSecurity http) throws Exception {
    return http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
        .formLogin(Customizer.withDefaults())
        .build();
  }

  @Bean
  UserDetailsService users() {
    var password = "{noop}" + PASSWORD;
    return new InMemoryUserDetailsManager(
        User.withUsername("anna.dpo").password(password).authorities("lethe:compliance").build(),
        User.withUsername("bert.analyst").password(password).authorities("lethe:analyst").build(),
        User.withUsername("nobody").password(password).authorities("staff").build(),
        User.withUsername("dpo").password(password).authorities("lethe:compliance").build(),
        // "dpo" with a Cyrillic o: a name that would pass for the configured user's in the trail
        User.withUsername("dp\u043e").password(password).authorities("lethe:compliance").build());
  }

  @Bean
  RegisteredClientRepository clients(
      @org.springframework.beans.factory.annotation.Value("${lethe.test.console-port}") int port) {
    return new InMemoryRegisteredClientRepository(
        RegisteredClient.withId(UUID.randomUUID().toString())
            .clientId("lethe")
            .clientSecret("{noop}" + SECRET)
            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
            .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
            .redirectUri("http://127.0.0.1:" + port + "/login/oauth2/code/oidc")
            .scope(OidcScopes.OPENID)
            .scope(OidcScopes.PROFILE)
            .clientSettings(ClientSettings.builder().requireAuthorizationConsent(false).build())
            .build());
  }

  /** The Lethe roles of the signed-in user, in the ID token's {@code lethe_roles} claim. */
  @Bean
  OAuth2TokenCustomizer<JwtEncodingContext> letheRoles() {
    return context -> {
      if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
        var roles =
            context.getPrincipal().getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .filter(a -> a.startsWith("lethe:"))
                .map(a -> a.substring("lethe:".length()))
                .toList();
        context.getClaims().claim("lethe_roles", roles);
        context.getClaims().claim("preferred_username", context.getPrincipal().getName());
      }
    };
  }
}
