package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.LetheTests;
import dev.lethe.support.TestProvider;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Sign-in to the console through an OpenID Connect provider (Spring Authorization Server, in this
 * JVM), as a browser goes through it: the console sends it to the provider, the provider's sign-in
 * form sends it back with a code, the console checks the ID token and takes the user's name and
 * Lethe roles from it.
 */
class OidcSignInTests extends LetheTests {

  private HttpClient browser = freshBrowser();

  /** A browser with no cookies: signed in nowhere, at the console or at the provider. */
  private static HttpClient freshBrowser() {
    return HttpClient.newBuilder()
        .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
        .followRedirects(HttpClient.Redirect.ALWAYS)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  @Test
  void aProvidersUserSignsInWithTheTokensRolesAndTheirChangesAreRecordedUnderTheirName()
      throws Exception {
    int port = freePort();
    try (var provider = TestProvider.start(port);
        var console = Contexts.serve(options(port, TestProvider.issuer(provider), "oidc"), null)) {
      var signedIn = signInThroughProvider(port, "anna.dpo");

      assertThat(signedIn.uri()).hasHost("127.0.0.1").hasPath("/");
      assertThat(signedIn.body())
          .contains("id=\"signed-in\">oidc:anna.dpo<")
          .contains("id=\"holds-in-force\"");
      assertThat(get(port, "/holds").statusCode()).isEqualTo(200);
      assertThat(get(port, "/statistics").statusCode()).isEqualTo(403);

      var holds = get(port, "/holds");
      var placed =
          post(
              URI.create("http://127.0.0.1:" + port + "/holds"),
              "subject=910901&case=LIT-OIDC&reason=claim&_csrf=" + csrf(holds.body()));
      assertThat(placed.statusCode()).isEqualTo(200);
      assertThat(holdsOn("910901")).isEqualTo(1);
      assertThat(
              control
                  .sql(
                      "SELECT count(*) FROM lethe.audit_entry WHERE kind = 'hold'"
                          + " AND action = 'placed' AND detail LIKE '%case LIT-OIDC%, by oidc:anna.dpo'")
                  .query(Long.class)
                  .single())
          .isEqualTo(1);
    }
  }

  @Test
  void aProvidersUserWithoutALetheRoleOrWithALookAlikeNameIsRefused() throws Exception {
    int port = freePort();
    try (var provider = TestProvider.start(port);
        var console =
            Contexts.serve(options(port, TestProvider.issuer(provider), "oidc-refused"), null)) {
      for (var user : java.util.List.of("nobody", "dp\u043e")) {
        browser = freshBrowser();
        var refused = signInThroughProvider(port, user);
        assertThat(refused.uri()).hasHost("127.0.0.1").hasPath("/login").hasQuery("error");
        assertThat(refused.body()).contains("The sign-in failed");
        // not signed in: the dashboard sends to the sign-in page
        assertThat(get(port, "/").uri()).hasPath("/login");
      }
      // an analyst of the provider reaches the statistics, not the holds
      browser = freshBrowser();
      var analyst = signInThroughProvider(port, "bert.analyst");
      assertThat(analyst.body()).contains("id=\"signed-in\">oidc:bert.analyst<");
      assertThat(get(port, "/statistics").statusCode()).isEqualTo(200);
      assertThat(get(port, "/holds").statusCode()).isEqualTo(403);
      // the provider's "dpo" is not the configured dpo: the console and the trail say oidc:dpo
      browser = freshBrowser();
      assertThat(signInThroughProvider(port, "dpo").body()).contains("id=\"signed-in\">oidc:dpo<");
    }
  }

  @Test
  void aProviderThatCannotBeReachedKeepsNothingFromStartingAndTheSignInPageSaysSo()
      throws Exception {
    int port = freePort();
    int nobodyListens = freePort();
    try (var console =
        Contexts.serve(options(port, "http://localhost:" + nobodyListens, "oidc-down"), null)) {
      var login = get(port, "/login");
      assertThat(login.body()).contains("id=\"sign-in-oidc\"").contains("id=\"username\"");
      var down = get(port, "/oauth2/authorization/oidc");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).contains("cannot be reached now");
      // the configured users still sign in
      var signedIn =
          post(
              URI.create("http://127.0.0.1:" + port + "/login"),
              "username=dpo&password="
                  + URLEncoder.encode(ConsoleTests.PASSWORD, StandardCharsets.UTF_8)
                  + "&_csrf="
                  + csrf(login.body()));
      assertThat(signedIn.body()).contains("id=\"signed-in\">dpo<");
    }
  }

  @Test
  void badProviderSettingsAreRefusedBeforeAnythingStarts() throws Exception {
    var plainHttp = configWith("oidc-bad-http", "http://login.example.org", secretFile("600"));
    assertThat(serve(plainHttp)).contains("lethe.console.oidc.issuer-uri must be https");

    var openSecret = configWith("oidc-bad-secret", "https://login.example.org", secretFile("644"));
    assertThat(serve(openSecret))
        .contains("lethe.console.oidc.client-secret-file")
        .contains("chmod 600")
        .doesNotContain(TestProvider.SECRET);
  }

  private String serve(Path config) {
    var err = new java.io.StringWriter();
    int code =
        Lethe.execute(
            new String[] {"--config", config.toString(), "serve", "--metrics-port", "off"},
            new java.io.PrintWriter(new java.io.StringWriter(), true),
            new java.io.PrintWriter(err, true));
    assertThat(code).isEqualTo(Lethe.BAD_INPUT);
    return err.toString();
  }

  /** Goes to the provider from the console, signs in there as {@code user}, and comes back. */
  private HttpResponse<String> signInThroughProvider(int port, String user) throws Exception {
    var providerForm = get(port, "/oauth2/authorization/oidc");
    assertThat(providerForm.uri()).hasHost("localhost").hasPath("/login");
    return post(
        providerForm.uri(),
        "username="
            + URLEncoder.encode(user, StandardCharsets.UTF_8)
            + "&password="
            + URLEncoder.encode(TestProvider.PASSWORD, StandardCharsets.UTF_8)
            + "&_csrf="
            + csrf(providerForm.body()));
  }

  private GlobalOptions options(int port, String issuer, String name) throws Exception {
    return oidcConsole(port, issuer, name + "-" + schema);
  }

  /** The console on {@code port} with its users and the provider at {@code issuer}. */
  static GlobalOptions oidcConsole(int port, String issuer, String name) throws Exception {
    var config = configWith(name, issuer, secretFile("600", name));
    Files.writeString(
        config, Files.readString(config).replace("    port: 0\n", "    port: " + port + "\n"));
    var options = new GlobalOptions();
    options.config = config;
    return options;
  }

  /** The console's users (ConsoleTests) and the provider at {@code issuer}. */
  private static Path configWith(String name, String issuer, Path secret) throws Exception {
    return ConsoleTests.consoleConfig(
        name,
        """
            oidc:
              issuer-uri: %s
              client-id: lethe
              client-secret-file: %s
              label: the test provider
        """
            .formatted(issuer, secret));
  }

  private Path secretFile(String mode) throws Exception {
    return secretFile(mode, schema);
  }

  private static Path secretFile(String mode, String name) throws Exception {
    var file = WORKSPACE.resolve("oidc-secret-" + mode + "-" + name);
    Files.writeString(file, TestProvider.SECRET + "\n");
    Files.setPosixFilePermissions(
        file,
        PosixFilePermissions.fromString(
            mode.equals("600") ? "rw-------" : mode.equals("644") ? "rw-r--r--" : mode));
    return file;
  }

  private long holdsOn(String subject) {
    return control
        .sql("SELECT count(*) FROM lethe.legal_hold WHERE subject = ? AND released_at IS NULL")
        .param(subject)
        .query(Long.class)
        .single();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return browser.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(URI to, String form) throws Exception {
    return browser.send(
        HttpRequest.newBuilder(to)
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The CSRF token of a page's form (the console's, or the provider's sign-in form). */
  private static String csrf(String page) {
    var token =
        java.util.regex.Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page);
    assertThat(token.find()).as("a CSRF token in the page").isTrue();
    return URLEncoder.encode(token.group(1), StandardCharsets.UTF_8);
  }

  static int freePort() throws Exception {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
