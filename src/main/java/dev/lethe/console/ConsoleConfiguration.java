package dev.lethe.console;

import dev.lethe.system.LetheProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.savedrequest.NullRequestCache;

/**
 * Who may reach what in {@code lethe serve}: the metrics port as before (health and Prometheus, no
 * sign-in); the console's pages after a sign-in, each by role; {@code /api} by HTTP Basic on each
 * request, never by the console's session cookie (so a page of another site cannot use a signed-in
 * browser to change anything). Without console users, nothing but the metrics answers.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@Import({
  SubjectTokens.class,
  ConsoleHolds.class,
  ConsoleStatistics.class,
  DashboardPage.class,
  HoldPages.class,
  HoldsApi.class,
  StatisticPages.class,
  StatisticsApi.class,
  AuditPages.class,
  RunPages.class,
  RequestPages.class,
  FlagPages.class,
  ConsoleErrors.class,
  PageErrors.class,
  SignedIn.class
})
public class ConsoleConfiguration {

  static final String OPERATOR = "OPERATOR";
  static final String COMPLIANCE = "COMPLIANCE";
  static final String ANALYST = "ANALYST";
  static final String VIEWER = "VIEWER";

  /**
   * The configured users (none where the console is off, and Spring makes up none either), their
   * passwords checked by bcrypt, behind a throttle of failed sign-ins.
   */
  @Bean
  SignInThrottle consoleSignIn(LetheProperties properties, java.time.Clock clock) {
    var users = new InMemoryUserDetailsManager();
    properties
        .console()
        .users()
        .forEach(
            (name, user) ->
                users.createUser(
                    User.withUsername(name)
                        .password(user.passwordHash())
                        .roles(
                            user.roles().stream()
                                .map(r -> r.toUpperCase(java.util.Locale.ROOT))
                                .toArray(String[]::new))
                        .build()));
    var checked =
        new org.springframework.security.authentication.dao.DaoAuthenticationProvider(users);
    // an unknown name is checked against a hash of the users' own cost: a wrong password takes as
    // long for a name that does not exist as for one that does, so timing tells no names
    int cost =
        properties.console().users().values().stream()
            .mapToInt(LetheProperties.ConsoleUser::cost)
            .max()
            .orElse(12);
    checked.setPasswordEncoder(new BCryptPasswordEncoder(cost));
    return new SignInThrottle(checked, clock, properties.console().users().keySet());
  }

  @Bean
  @Order(1)
  SecurityFilterChain metrics(HttpSecurity http) throws Exception {
    return http.securityMatcher(EndpointRequest.toAnyEndpoint())
        .authorizeHttpRequests(a -> a.anyRequest().permitAll())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(c -> c.disable()) // reads only, and no session to ride on
        .build();
  }

  /**
   * Whatever comes in on another port than the console's (the metrics port, where its endpoints are
   * not what is asked): refused, with no way to sign in there.
   */
  @Bean
  @Order(2)
  SecurityFilterChain elsewhere(
      HttpSecurity http,
      LetheProperties properties,
      org.springframework.context.ApplicationContext context)
      throws Exception {
    var console = new OnConsolePort(context, properties.console().on());
    return http.securityMatcher(request -> !console.matches(request))
        .authorizeHttpRequests(a -> a.anyRequest().denyAll())
        .logout(l -> l.disable())
        .requestCache(c -> c.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(c -> c.disable())
        .build();
  }

  @Bean
  @Order(3)
  SecurityFilterChain api(HttpSecurity http) throws Exception {
    http.securityMatcher("/api/**");
    return http.authorizeHttpRequests(
            a ->
                a.requestMatchers("/api/openapi", "/api/openapi/**", "/api/openapi.yaml")
                    .authenticated()
                    .requestMatchers("/api/holds", "/api/holds/**")
                    .hasRole(COMPLIANCE)
                    .requestMatchers("/api/statistics", "/api/statistics/**")
                    .hasRole(ANALYST)
                    .anyRequest()
                    .denyAll())
        .httpBasic(
            b -> b.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
        // each request signs in on its own: a console session's cookie opens nothing here
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .securityContext(
            c -> c.securityContextRepository(new RequestAttributeSecurityContextRepository()))
        .csrf(c -> c.disable())
        .headers(ConsoleConfiguration::headers)
        .addFilterBefore(
            new BodyLimit(),
            org.springframework.security.web.authentication.www.BasicAuthenticationFilter.class)
        .build();
  }

  @Bean
  @Order(4)
  SecurityFilterChain console(HttpSecurity http, LetheProperties properties) throws Exception {
    // a serve without console users never gets here: no port is the console's (elsewhere)
    var oidc = properties.console().oidc();
    if (oidc != null) {
      OidcSignIn.configure(http, oidc);
    }
    return http.authorizeHttpRequests(
            a ->
                a.requestMatchers("/login", "/console/**")
                    .permitAll()
                    .requestMatchers("/oauth2/authorization/*", "/login/oauth2/code/*")
                    .permitAll()
                    .requestMatchers(
                        "/holds",
                        "/holds/**",
                        "/audit",
                        "/audit/**",
                        "/requests",
                        "/requests/**",
                        "/restrictions",
                        "/restrictions/**",
                        "/objections",
                        "/objections/**")
                    .hasRole(COMPLIANCE)
                    .requestMatchers(org.springframework.http.HttpMethod.POST, "/runs/*/restart")
                    .hasRole(OPERATOR)
                    .requestMatchers("/runs", "/runs/**")
                    .hasAnyRole(OPERATOR, VIEWER)
                    .requestMatchers("/statistics", "/statistics/**")
                    .hasRole(ANALYST)
                    .requestMatchers("/", "/error")
                    .authenticated()
                    .anyRequest()
                    .denyAll())
        .formLogin(f -> f.loginPage("/login").defaultSuccessUrl("/", true).permitAll())
        // no session before a sign-in: the form's token is in a cookie, and where a signed-out
        // visitor was going is not remembered (the dashboard follows every sign-in)
        .requestCache(c -> c.requestCache(new NullRequestCache()))
        .csrf(
            c -> c.csrfTokenRepository(new SessionBoundCsrf(properties.console().secureCookies())))
        .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/login?signed-out"))
        .sessionManagement(s -> s.sessionFixation(f -> f.newSession()))
        .headers(ConsoleConfiguration::headers)
        .addFilterBefore(new OneValueEach(), org.springframework.security.web.csrf.CsrfFilter.class)
        .build();
  }

  /**
   * A checkpoint of the trail after each change made in the console or its API (a POST that
   * succeeded), as a command writes one as it ends: without it, entries the console appended could
   * be cut from the trail's tail unnoticed until the next run's checkpoint.
   */
  @Bean
  org.springframework.web.servlet.config.annotation.WebMvcConfigurer checkpointsAfterChanges(
      dev.lethe.audit.Checkpoints checkpoints) {
    return new org.springframework.web.servlet.config.annotation.WebMvcConfigurer() {
      @Override
      public void addInterceptors(
          org.springframework.web.servlet.config.annotation.InterceptorRegistry registry) {
        registry.addInterceptor(
            new org.springframework.web.servlet.HandlerInterceptor() {
              @Override
              public void afterCompletion(
                  jakarta.servlet.http.HttpServletRequest request,
                  jakarta.servlet.http.HttpServletResponse response,
                  Object handler,
                  Exception failure) {
                if ("POST".equals(request.getMethod())
                    && failure == null
                    && response.getStatus() < 400) {
                  try {
                    checkpoints.write(); // nothing where the trail has not grown
                  } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(ConsoleConfiguration.class)
                        .warn("the trail's checkpoint could not be written: {}", e.getMessage());
                  }
                }
              }
            });
      }
    };
  }

  /**
   * A JSON body with a field given twice is refused, as a form's is, and so is a field the endpoint
   * does not take: the last of two subjects was held, silently, where the first was meant. A number
   * or a boolean where a text belongs is refused too, not made into its text: a client that sends
   * {@code "reason": 5} has a bug, and a hold's reason is read in court.
   */
  @Bean
  org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer strictJson() {
    return builder ->
        builder
            .enable(tools.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(tools.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .withCoercionConfig(
                tools.jackson.databind.type.LogicalType.Textual,
                config -> {
                  for (var shape :
                      java.util.List.of(
                          tools.jackson.databind.cfg.CoercionInputShape.Integer,
                          tools.jackson.databind.cfg.CoercionInputShape.Float,
                          tools.jackson.databind.cfg.CoercionInputShape.Boolean)) {
                    config.setCoercion(shape, tools.jackson.databind.cfg.CoercionAction.Fail);
                  }
                });
  }

  /** Requests Tomcat refuses itself are answered by {@link PlainErrorValve}. */
  @Bean
  org.springframework.boot.web.server.WebServerFactoryCustomizer<
          org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory>
      plainTomcatErrors() {
    return factory ->
        factory.addContextCustomizers(
            context ->
                ((org.apache.catalina.core.StandardHost) context.getParent())
                    .setErrorReportValveClass(PlainErrorValve.class.getName()));
  }

  /**
   * A request the firewall refuses (an encoded slash, a semicolon, a line break in its path): 400
   * with the console's headers and without repeating the path.
   */
  @Bean
  org.springframework.security.web.firewall.RequestRejectedHandler refused() {
    return (request, response, rejected) -> {
      response.setStatus(HttpStatus.BAD_REQUEST.value());
      response.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
      response.setHeader("X-Content-Type-Options", "nosniff");
      response.setHeader("X-Frame-Options", "DENY");
      response.setHeader("Cache-Control", "no-store");
      response.setContentType("text/plain;charset=UTF-8");
      response.getWriter().write("Bad request: the address is not one the console takes.\n");
    };
  }

  /**
   * Headers for every console and API answer: no framing, no scripts or styles but the console's
   * own, no referrer (a URL may hold a statistic's name), nothing cached.
   */
  private static void headers(
      org.springframework.security.config.annotation.web.configurers.HeadersConfigurer<HttpSecurity>
          headers) {
    headers
        .contentSecurityPolicy(
            c ->
                c.policyDirectives(
                    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
                        + " frame-ancestors 'none'; base-uri 'none'"))
        .frameOptions(f -> f.deny())
        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER));
  }
}
