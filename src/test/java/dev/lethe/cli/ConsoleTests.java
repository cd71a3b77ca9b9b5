package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.retention.ProgressListener;
import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The console of {@code lethe serve} over HTTP: who may reach what (roles on every page and API
 * endpoint), that a session's cookie opens nothing under {@code /api}, that a form needs its CSRF
 * token, that the console is off without users, and that bad console settings are refused.
 */
class ConsoleTests extends LetheTests {

  static final String PASSWORD = "correct horse battery";

  /** A configuration with three console users: compliance, analyst, operator and viewer. */
  static Path consoleConfig(String name) throws IOException {
    return consoleConfig(name, "");
  }

  /** As {@link #consoleConfig(String)}, with more settings under {@code lethe.console}. */
  static Path consoleConfig(String name, String moreConsoleSettings) throws IOException {
    var config = configFile(name);
    var hash = new BCryptPasswordEncoder(10).encode(PASSWORD);
    Files.writeString(
        config,
        """
          console:
            port: 0
            users:
              dpo:
                password-hash: "%s"
                roles: [compliance]
              ana:
                password-hash: "%s"
                roles: [analyst]
              op:
                password-hash: "%s"
                roles: [operator, viewer]
              view:
                password-hash: "%s"
                roles: [viewer]
        %s  pseudonymisation:
            key-id: %s
            key-file: %s
        """
            .formatted(hash, hash, hash, hash, moreConsoleSettings, TEST_KEY_ID, keyFile()),
        StandardOpenOption.APPEND);
    return config;
  }

  static int port(org.springframework.context.ConfigurableApplicationContext context) {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A JSON body posted, as an API client posts it. */
  private HttpResponse<String> postJson(HttpRequest.Builder request, String json) throws Exception {
    return send(
        request
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** The page a redirect goes to, as a browser follows it. */
  private HttpResponse<String> follow(int port, HttpResponse<String> redirect, String cookie)
      throws Exception {
    var location = redirect.headers().firstValue("Location").orElseThrow();
    return send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/").resolve(location))
            .timeout(Duration.ofSeconds(20))
            .header("Cookie", cookie));
  }

  /** A form posted, as a browser posts it. */
  private HttpResponse<String> postForm(HttpRequest.Builder request, String form) throws Exception {
    return send(
        request
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)));
  }

  private static HttpRequest.Builder as(String user, int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20))
        .header(
            "Authorization",
            "Basic "
                + Base64.getEncoder()
                    .encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
  }

  private static HttpRequest.Builder anonymous(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20));
  }

  @Test
  void theApiChecksRolesOnEveryEndpointAndRecordsTheUserInTheTrail() throws Exception {
    var statistic = statistic();
    var options = new GlobalOptions();
    options.config = consoleConfig("console-api-" + schema);
    try (var context = Contexts.serve(options, null)) {
      int port = port(context);

      // holds: compliance only
      assertThat(send(as("ana", port, "/api/holds")).statusCode()).isEqualTo(403);
      assertThat(send(as("op", port, "/api/holds")).statusCode()).isEqualTo(403);
      assertThat(send(anonymous(port, "/api/holds")).statusCode()).isEqualTo(401);
      var wrong =
          anonymous(port, "/api/holds")
              .header(
                  "Authorization",
                  "Basic " + Base64.getEncoder().encodeToString("dpo:guess".getBytes()));
      assertThat(send(wrong).statusCode()).isEqualTo(401);

      var placed =
          postJson(
              as("dpo", port, "/api/holds"),
              """
                          {"subject": "910301", "caseReference": "API-1", "reason": "litigation"}
                          """);
      assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
      // the key is never in an answer: the hold names its subject by token
      assertThat(placed.body()).contains("\"caseReference\":\"API-1\"").doesNotContain("910301");
      long id = Long.parseLong(placed.body().replaceAll("(?s).*\"id\":(\\d+).*", "$1"));
      assertThat(holds.find(id).placedBy()).isEqualTo("dpo");
      assertThat(trailAbout("910301"))
          .containsExactly("placed: hold " + id + ", case API-1, all data, by dpo");

      var listed = send(as("dpo", port, "/api/holds"));
      assertThat(listed.statusCode()).isEqualTo(200);
      assertThat(listed.body()).contains("\"id\":" + id).doesNotContain("910301");

      var missing = postJson(as("dpo", port, "/api/holds"), "{\"subject\": \"910302\"}");
      assertThat(missing.statusCode()).isEqualTo(400);
      assertThat(missing.body()).contains("case is missing");

      var release =
          postJson(as("dpo", port, "/api/holds/" + id + "/release"), "{\"reason\": \"settled\"}");
      assertThat(release.statusCode()).isEqualTo(200);
      assertThat(holds.find(id).releasedBy()).isEqualTo("dpo");
      assertThat(trailAbout("910301"))
          .last()
          .isEqualTo("released: hold " + id + ", case API-1, by dpo: settled");
      var again =
          postJson(as("dpo", port, "/api/holds/" + id + "/release"), "{\"reason\": \"twice\"}");
      assertThat(again.statusCode()).isEqualTo(400);
      assertThat(again.body()).contains("already released");

      // statistics: analyst only, as JSON and CSV
      assertThat(send(as("dpo", port, "/api/statistics")).statusCode()).isEqualTo(403);
      var names = send(as("ana", port, "/api/statistics"));
      assertThat(names.statusCode()).isEqualTo(200);
      assertThat(names.body()).contains(statistic);
      var csv = send(as("ana", port, "/api/statistics/" + statistic + ".csv"));
      assertThat(csv.statusCode()).isEqualTo(200);
      assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
      assertThat(csv.body()).contains("2025-11-01").contains("done");
      var json = send(as("ana", port, "/api/statistics/" + statistic));
      assertThat(json.statusCode()).isEqualTo(200);
      var tree = tools.jackson.databind.json.JsonMapper.builder().build().readTree(json.body());
      assertThat(tree.get("statistic").asString()).isEqualTo(statistic);
      assertThat(tree.get("cells").size()).isEqualTo(7);
      assertThat(send(as("ana", port, "/api/statistics/nope.csv")).statusCode()).isEqualTo(400);
      assertThat(send(as("op", port, "/api/statistics/" + statistic)).statusCode()).isEqualTo(403);

      // the API described for its users: every endpoint, and nothing of the pages
      assertThat(send(anonymous(port, "/api/openapi")).statusCode()).isEqualTo(401);
      var openapi = send(as("ana", port, "/api/openapi"));
      assertThat(openapi.statusCode()).isEqualTo(200);
      var paths =
          tools.jackson.databind.json.JsonMapper.builder()
              .build()
              .readTree(openapi.body())
              .get("paths")
              .propertyNames();
      assertThat(paths)
          .containsExactlyInAnyOrder(
              "/api/holds",
              "/api/holds/{id}/release",
              "/api/statistics",
              "/api/statistics/{name}",
              "/api/statistics/{name}.csv");
    }
  }

  @Test
  void pagesNeedASignInTheirRoleAndACsrfTokenAndASessionOpensNothingUnderApi() throws Exception {
    var options = new GlobalOptions();
    options.config = consoleConfig("console-pages-" + schema);
    try (var context = Contexts.serve(options, null)) {
      int port = port(context);
      var home = send(anonymous(port, "/"));
      assertThat(home.statusCode()).isEqualTo(302);
      assertThat(home.headers().firstValue("Location").orElse("")).endsWith("/login");

      var session = signIn(port, "ana");
      var holdsPage = send(anonymous(port, "/holds").header("Cookie", session));
      assertThat(holdsPage.statusCode()).isEqualTo(403);
      var statistics = send(anonymous(port, "/statistics").header("Cookie", session));
      assertThat(statistics.statusCode()).isEqualTo(200);
      assertThat(statistics.headers().firstValue("Content-Security-Policy").orElse(""))
          .contains("default-src 'none'");
      assertThat(statistics.headers().firstValue("X-Frame-Options")).contains("DENY");

      var dpo = signIn(port, "dpo");
      // a form posted without its token (another site's page) changes nothing
      var forged =
          postForm(
              anonymous(port, "/holds").header("Cookie", dpo),
              "subject=910311&case=FORGED&reason=csrf");
      assertThat(forged.statusCode()).isEqualTo(403);
      assertThat(holds.list(false)).noneMatch(h -> h.caseReference().equals("FORGED"));
      // a form that comes without a field: a page of the console saying which, nothing placed
      var holdsForm = send(anonymous(port, "/holds").header("Cookie", dpo));
      var incomplete =
          postForm(
              anonymous(port, "/holds").header("Cookie", dpo),
              "subject=910313&reason=r&_csrf=" + csrf(holdsForm.body()));
      assertThat(incomplete.statusCode()).isEqualTo(400);
      assertThat(incomplete.body())
          .contains("without its field &#39;case&#39;", "id=\"signed-in\">dpo<");
      assertThat(holds.list(false)).noneMatch(h -> h.subject().equals("910313"));
      // nor does the session's cookie under /api
      var viaCookie =
          postJson(
              anonymous(port, "/api/holds").header("Cookie", dpo),
              "{\"subject\": \"910312\", \"caseReference\": \"COOKIE\", \"reason\": \"x\"}");
      assertThat(viaCookie.statusCode()).isEqualTo(401);
      assertThat(holds.list(false)).noneMatch(h -> h.caseReference().equals("COOKIE"));
    }
  }

  @Test
  void eachSectionIsItsRolesAndARunsReportIsItsOwnPage() throws Exception {
    var job = eventsPurge("");
    var run = runs.run(job, AS_OF, "test", ProgressListener.SILENT).report().run();
    var options = new GlobalOptions();
    options.config = consoleConfig("console-roles-" + schema);
    try (var context = Contexts.serve(options, null)) {
      int port = port(context);
      var op = signIn(port, "op");
      var dpo = signIn(port, "dpo");
      var ana = signIn(port, "ana");
      for (var path : java.util.List.of("/runs", "/runs/" + run + "/report")) {
        assertThat(send(anonymous(port, path).header("Cookie", op)).statusCode())
            .as(path)
            .isEqualTo(200);
        assertThat(send(anonymous(port, path).header("Cookie", dpo)).statusCode())
            .as(path)
            .isEqualTo(403);
        assertThat(send(anonymous(port, path).header("Cookie", ana)).statusCode())
            .as(path)
            .isEqualTo(403);
      }
      for (var path : java.util.List.of("/holds", "/requests", "/restrictions", "/audit")) {
        assertThat(send(anonymous(port, path).header("Cookie", dpo)).statusCode())
            .as(path)
            .isEqualTo(200);
        assertThat(send(anonymous(port, path).header("Cookie", op)).statusCode())
            .as(path)
            .isEqualTo(403);
        assertThat(send(anonymous(port, path).header("Cookie", ana)).statusCode())
            .as(path)
            .isEqualTo(403);
      }
      assertThat(send(anonymous(port, "/statistics").header("Cookie", op)).statusCode())
          .isEqualTo(403);
      // the report as lethe report --format html writes it: inline styles, nothing that runs
      var report = send(anonymous(port, "/runs/" + run + "/report").header("Cookie", op));
      assertThat(report.body()).contains("<html").contains(job).doesNotContain("<script");
      assertThat(report.headers().firstValue("Content-Security-Policy").orElse(""))
          .contains("default-src 'none'", "style-src 'unsafe-inline'")
          .doesNotContain("script-src");
      assertThat(send(anonymous(port, "/runs").header("Cookie", op)).body()).contains(job);
    }
  }

  @org.springframework.beans.factory.annotation.Autowired dev.lethe.retention.Validator validator;

  @Test
  void theDashboardShowsTheNextFireTimesAndTheTrailsLastVerification() throws Exception {
    Events.create(APP, schema, 10, 5);
    policy("dash-" + schema, Events.policy("dash-" + schema, schema, ""));
    var job = jobName("nightly");
    job(
        job,
        "job: "
            + job
            + "\npolicies: [dash-"
            + schema
            + "]\nschedule:\n  cron: '0 0 3 1 1 ? 2099'\n  time-zone: UTC\n");
    var scheduler =
        dev.lethe.schedule.Scheduling.create(
            "lethe", "console-test", controlDataSource, runs, control);
    try {
      dev.lethe.schedule.Scheduling.synchronise(scheduler, validator.load());
      // a fire time the cluster handled: the dashboard shows on which node and how it went
      control
          .sql(
              "INSERT INTO lethe.scheduled_fire (job, fire_time, node, as_of, handled_at, outcome)"
                  + " VALUES (?, '2098-06-01T03:00:00Z', 'node-b', '2098-06-01', now(),"
                  + " 'skipped')")
          .param(job)
          .update();
      // and one a hand wrote: its node shown escaped and cut, never whole
      control
          .sql(
              "INSERT INTO lethe.scheduled_fire (job, fire_time, node, as_of, handled_at, outcome)"
                  + " VALUES (?, '2098-05-01T03:00:00Z', '<b>n</b>' || repeat('x', 5000),"
                  + " '2098-05-01', now(), 'skipped')")
          .param(job)
          .update();
      var options = new GlobalOptions();
      options.config = consoleConfig("console-dashboard-" + schema);
      try (var context = Contexts.serve(options, null)) {
        int port = port(context);
        var dpo = signIn(port, "dpo");
        var audit = send(anonymous(port, "/audit").header("Cookie", dpo));
        var token = csrf(audit.body());
        var verified =
            postForm(anonymous(port, "/audit/verify").header("Cookie", dpo), "_csrf=" + token);
        assertThat(verified.statusCode()).isEqualTo(200);
        // intact or not (other tests share this control database and remove reports), the
        // dashboard says what the verification found, and who made it
        boolean intact = verified.body().contains("The trail is intact");
        assertThat(verified.body()).containsAnyOf("The trail is intact", "The trail is NOT intact");

        var dashboard = send(anonymous(port, "/").header("Cookie", dpo)).body();
        assertThat(dashboard)
            .containsPattern(
                "last verified on [0-9T:.Z-]+ by dpo: "
                    + (intact ? "intact, [0-9]+ entries" : "NOT intact, [0-9]+ break"))
            .contains(job, "2099-01-01T03:00:00Z")
            .contains(
                "id=\"holds-in-force\">"
                    + control
                        .sql("SELECT count(*) FROM lethe.legal_hold WHERE released_at IS NULL")
                        .query(Long.class)
                        .single()
                    + "<")
            .contains(
                "id=\"requests-overdue\">"
                    + control
                        .sql(
                            "SELECT count(*) FROM lethe.subject_request WHERE status IN ('open',"
                                + " 'partly-done') AND deadline < current_date")
                        .query(Long.class)
                        .single()
                    + "<");
        // an operator sees the schedule and the fire times handled, not the compliance figures
        var op = signIn(port, "op");
        assertThat(send(anonymous(port, "/").header("Cookie", op)).body())
            .contains(job)
            .containsPattern(
                "<td>"
                    + job
                    + "</td><td>2098-06-01T03:00:00Z</td><td>2098-06-01</td>\\s*<td>node-b</td>"
                    + "<td>skipped</td>")
            .contains("&lt;b&gt;n&lt;/b&gt;xxx")
            .doesNotContain("<b>n</b>")
            .doesNotContain("x".repeat(100))
            .doesNotContain("last verified");
      }
    } finally {
      control.sql("DELETE FROM lethe.scheduled_fire WHERE job = ?").param(job).update();
      scheduler.clear();
      scheduler.shutdown();
    }
  }

  @org.springframework.beans.factory.annotation.Autowired dev.lethe.retention.RunHistory history;

  @Test
  void anOperatorRestartsAFailedRunAndAViewerCannot() throws Exception {
    var job = eventsPurge("");
    APP.run(
        "CREATE FUNCTION "
            + schema
            + ".refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no';"
            + " END $$; CREATE TRIGGER refuse BEFORE DELETE ON "
            + schema
            + ".event FOR EACH ROW EXECUTE FUNCTION "
            + schema
            + ".refuse()");
    var failed = runs.run(job, AS_OF, "test", ProgressListener.SILENT).report();
    assertThat(failed.status()).isEqualTo("FAILED");
    APP.run("DROP TRIGGER refuse ON " + schema + ".event");
    // the restart's windows take a moment each: a second click comes while it runs
    APP.run(
        "CREATE FUNCTION "
            + schema
            + ".slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.3);"
            + " RETURN NULL; END $$; CREATE TRIGGER slow AFTER DELETE ON "
            + schema
            + ".event FOR EACH STATEMENT EXECUTE FUNCTION "
            + schema
            + ".slow()");
    var options = new GlobalOptions();
    options.config = consoleConfig("console-restart-" + schema);
    try (var context = Contexts.serve(options, null)) {
      int port = port(context);
      var view = signIn(port, "view");
      var viewersPage = send(anonymous(port, "/runs").header("Cookie", view));
      assertThat(viewersPage.body()).contains(job).doesNotContain("restart-" + failed.run());
      var byViewer =
          postForm(
              anonymous(port, "/runs/" + failed.run() + "/restart").header("Cookie", view),
              "_csrf=" + csrf(viewersPage.body()));
      assertThat(byViewer.statusCode()).isEqualTo(403);

      var op = signIn(port, "op");
      var page = send(anonymous(port, "/runs").header("Cookie", op));
      assertThat(page.body()).contains("restart-" + failed.run());
      var restart =
          postForm(
              anonymous(port, "/runs/" + failed.run() + "/restart").header("Cookie", op),
              "_csrf=" + csrf(page.body()));
      assertThat(restart.statusCode()).isEqualTo(302);
      // a second click while it runs is told so, and starts nothing
      var twice =
          postForm(
              anonymous(port, "/runs/" + failed.run() + "/restart").header("Cookie", op),
              "_csrf=" + csrf(page.body()));
      assertThat(follow(port, twice, op).body())
          .contains("is under way already")
          .doesNotContain("started; its report appears here");
      // the restart's report, once recorded (after its run's status says COMPLETED)
      var done =
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () ->
                      history.latest(50).stream()
                          .filter(r -> r.job().equals(job) && r.status().equals("COMPLETED"))
                          .flatMap(r -> reports.find(r.run()).stream())
                          .findFirst(),
                  java.util.Optional::isPresent)
              .orElseThrow();
      assertThat(done.status()).isEqualTo("COMPLETED");
      assertThat(done.startedBy())
          .isEqualTo("op in the console (restart of run " + failed.run() + ")");

      // the failed run again: its job and day completed since, and nothing is restarted; its
      // Restart button is gone (a form of a page shown before still says so)
      var again = send(anonymous(port, "/runs").header("Cookie", op));
      assertThat(again.body())
          .doesNotContain("restart-" + failed.run() + "\"")
          .doesNotContain("restart-" + done.run() + "\"");
      var second =
          postForm(
              anonymous(port, "/runs/" + failed.run() + "/restart").header("Cookie", op),
              "_csrf=" + csrf(again.body()));
      assertThat(second.statusCode()).isEqualTo(302);
      assertThat(follow(port, second, op).body())
          .contains("has completed (run " + done.run() + "): nothing to restart.")
          .doesNotContain("started; its report appears here");
    }
  }

  @org.springframework.beans.factory.annotation.Autowired dev.lethe.report.ReportService reports;

  @Test
  void hashPasswordMakesAHashTheConsoleTakesAndRefusesAShortPassword() throws Exception {
    var in = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream((PASSWORD + "\n").getBytes()));
      var out = new java.io.StringWriter();
      assertThat(
              Lethe.execute(
                  new String[] {"hash-password"},
                  new java.io.PrintWriter(out, true),
                  new java.io.PrintWriter(new java.io.StringWriter(), true)))
          .isZero();
      var hash = out.toString().strip();
      assertThat(hash).startsWith("$2a$12$").hasSize(60).doesNotContain(PASSWORD);
      assertThat(new BCryptPasswordEncoder().matches(PASSWORD, hash)).isTrue();

      System.setIn(new java.io.ByteArrayInputStream("short\n".getBytes()));
      var err = new java.io.StringWriter();
      assertThat(
              Lethe.execute(
                  new String[] {"hash-password"},
                  new java.io.PrintWriter(new java.io.StringWriter(), true),
                  new java.io.PrintWriter(err, true)))
          .isEqualTo(Lethe.BAD_INPUT);
      assertThat(err.toString()).contains("fewer than 12 characters");
    } finally {
      System.setIn(in);
    }
  }

  @Test
  void guessingAPasswordIsRefusedAfterFiveFailuresInARow() throws Exception {
    var options = new GlobalOptions();
    options.config = consoleConfig("console-guess-" + schema);
    try (var context = Contexts.serve(options, null)) {
      int port = port(context);
      var guess =
          anonymous(port, "/api/holds")
              .header(
                  "Authorization",
                  "Basic " + Base64.getEncoder().encodeToString("dpo:guess".getBytes()));
      for (int i = 0; i < 4; i++) {
        assertThat(send(guess).statusCode()).isEqualTo(401);
      }
      // the same user under another case counts too
      var upper =
          anonymous(port, "/api/holds")
              .header(
                  "Authorization",
                  "Basic " + Base64.getEncoder().encodeToString("DPO:guess".getBytes()));
      assertThat(send(upper).statusCode()).isEqualTo(401);
      // now even the right password is refused for a while, through the API and the form
      assertThat(send(as("dpo", port, "/api/holds")).statusCode()).isEqualTo(401);
      var form = postSignIn(port, "dpo", PASSWORD);
      assertThat(form.headers().firstValue("Location").orElse("")).endsWith("/login?error");
      // another user is not held back
      assertThat(send(as("ana", port, "/api/statistics")).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void hostileHoldsAreRefusedWholeAndChangeNothing() throws Exception {
    var options = new GlobalOptions();
    options.config = consoleConfig("console-hostile-" + schema);
    try (var context = Contexts.serve(options, null)) {
      int port = port(context);
      long entries =
          control.sql("SELECT count(*) FROM lethe.audit_entry").query(Long.class).single();
      // a line break in a case reference would forge lines of the serve log
      var forged =
          postJson(
              as("dpo", port, "/api/holds"),
              "{\"subject\": \"910701\", \"caseReference\": \"LIT-1\\n18:00:00.000"
                  + " INFO  Forged\\u001b[31m\", \"reason\": \"r\"}");
      assertThat(forged.statusCode()).isEqualTo(400);
      assertThat(forged.body()).contains("case holds a control or invisible character");
      var nul =
          postJson(
              as("dpo", port, "/api/holds"),
              "{\"subject\": \"9107\\u000002\", \"caseReference\": \"LIT-1\","
                  + " \"reason\": \"r\"}");
      assertThat(nul.statusCode()).isEqualTo(400); // not a 500 from the database
      // a key that trims to nothing, or ends in a no-break space pasted from a web page: such a
      // hold would hold no one
      for (var key : List.of("\\u0000", "\\u0001\\t", "910709\\u00a0")) {
        var blank =
            postJson(
                as("dpo", port, "/api/holds"),
                "{\"subject\": \"" + key + "\", \"caseReference\": \"LIT-1\", \"reason\": \"r\"}");
        assertThat(blank.statusCode()).as(key).isEqualTo(400);
        assertThat(blank.body()).as(key).contains("is not a subject key");
      }
      // a field given twice: refused, not the last one taken
      var twice =
          postJson(
              as("dpo", port, "/api/holds"),
              "{\"subject\": \"910704\", \"subject\": \"910705\","
                  + " \"caseReference\": \"LIT-1\", \"reason\": \"r\"}");
      assertThat(twice.statusCode()).isEqualTo(400);
      assertThat(twice.body()).contains("a field given twice");
      // a number where a text belongs: refused, not made into "5"
      for (var body :
          List.of(
              "{\"subject\": 910706, \"caseReference\": \"LIT-1\", \"reason\": \"r\"}",
              "{\"subject\": \"910707\", \"caseReference\": \"LIT-1\", \"reason\": 5}",
              "{\"subject\": \"910708\", \"caseReference\": true, \"reason\": \"r\"}")) {
        var coerced = postJson(as("dpo", port, "/api/holds"), body);
        assertThat(coerced.statusCode()).as(body).isEqualTo(400);
        assertThat(coerced.body()).contains("where a text belongs");
      }
      // a body of megabytes is refused before it is read
      var huge =
          postJson(
              as("dpo", port, "/api/holds"),
              "{\"subject\": \"910703\", \"caseReference\": \"LIT-1\", \"reason\": \""
                  + "x".repeat(3_000_000)
                  + "\"}");
      assertThat(huge.statusCode()).isEqualTo(413);
      assertThat(holds.list(true)).noneMatch(h -> h.subject().startsWith("9107"));
      assertThat(control.sql("SELECT count(*) FROM lethe.audit_entry").query(Long.class).single())
          .isEqualTo(entries);
      // an address the firewall refuses: 400 with the console's headers, the path not repeated
      var refused = send(anonymous(port, "/holds;jsessionid=x%0d%0aSet-Cookie:%20a=b"));
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.headers().firstValue("Content-Security-Policy").orElse(""))
          .contains("default-src 'none'");
      assertThat(refused.body()).doesNotContain("Set-Cookie");
      // an address Tomcat refuses before the console sees it: the same, not Tomcat's HTML page
      var undecodable = rawGet(port, "/holds/%");
      assertThat(undecodable).startsWith("HTTP/1.1 400");
      assertThat(undecodable)
          .contains("Content-Security-Policy: default-src 'none'")
          .contains("X-Content-Type-Options: nosniff")
          .contains("Content-Type: text/plain")
          .doesNotContain("<html")
          .doesNotContain("Tomcat");
      // an HTTP version Tomcat does not speak (505) is the client's bad request, not the console's
      var version = rawRequest(port, "GET / HTTP/9.9");
      assertThat(version).startsWith("HTTP/1.1 505").contains("Bad request").doesNotContain("log");
      // TRACE echoes a request back: refused, with the console's headers, signed in or not
      for (var path : List.of("/holds", "/login", "/api/holds", "/nothing-here")) {
        var trace = rawRequest(port, "TRACE " + path + " HTTP/1.1");
        assertThat(trace)
            .as(path)
            .startsWith("HTTP/1.1 405")
            .contains("Content-Security-Policy: default-src 'none'")
            .contains("X-Content-Type-Options: nosniff")
            .doesNotContain("Host: 127.0.0.1");
      }
    }
  }

  /** A GET sent as bytes, past any client's checks of the address; the whole answer. */
  private static String rawGet(int port, String path) throws IOException {
    return rawRequest(port, "GET " + path + " HTTP/1.1");
  }

  /** A request line sent as bytes, with a Host header; the whole answer. */
  private static String rawRequest(int port, String requestLine) throws IOException {
    try (var socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              (requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aConsolePortInUseIsBadInputNamingIt() throws Exception {
    try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      var config = consoleConfig("console-taken-" + schema);
      Files.writeString(
          config, Files.readString(config).replace("port: 0", "port: " + taken.getLocalPort()));
      var err = new java.io.StringWriter();
      int code =
          Lethe.execute(
              new String[] {"--config", config.toString(), "serve", "--metrics-port", "off"},
              new java.io.PrintWriter(new java.io.StringWriter(), true),
              new java.io.PrintWriter(err, true));
      assertThat(code).isEqualTo(Lethe.BAD_INPUT);
      assertThat(err.toString())
          .contains("port " + taken.getLocalPort() + " is in use", "lethe.console.port");
    }
  }

  @org.springframework.beans.factory.annotation.Autowired dev.lethe.audit.Checkpoints checkpoints;

  @Test
  void theMetricsPortTakesNoSignInAndForgedTokensOpenNothing() throws Exception {
    int metrics;
    try (var free = new java.net.ServerSocket(0)) {
      metrics = free.getLocalPort();
    }
    var options = new GlobalOptions();
    options.config = consoleConfig("console-ports-" + schema);
    try (var context = Contexts.serve(options, metrics)) {
      int port = port(context);
      assertThat(send(anonymous(metrics, "/actuator/health")).statusCode()).isEqualTo(200);
      // on the metrics port, a right and a wrong password are answered alike, and lock no one
      for (int i = 0; i < 6; i++) {
        var wrong =
            anonymous(metrics, "/api/holds")
                .header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString("dpo:guess".getBytes()));
        assertThat(send(wrong).statusCode()).isEqualTo(403);
      }
      assertThat(send(as("dpo", metrics, "/api/holds")).statusCode()).isEqualTo(403);
      var login = send(anonymous(metrics, "/login"));
      assertThat(login.statusCode()).isEqualTo(403);
      assertThat(send(as("dpo", port, "/api/holds")).statusCode()).isEqualTo(200);

      // a token made up, or another user's, in a signed-in user's session: refused, nothing done
      var dpo = signIn(port, "dpo");
      var ana = signIn(port, "ana");
      var anasPage = send(anonymous(port, "/").header("Cookie", ana));
      var forged = "_csrf=" + Base64.getUrlEncoder().encodeToString(new byte[] {0, 0, 0, 0, 'e'});
      for (var token : java.util.List.of(forged, "_csrf=" + csrf(anasPage.body()))) {
        var change =
            postForm(
                anonymous(port, "/restrictions")
                    .header("Cookie", dpo + "; XSRF-TOKEN=e; LETHE-SIGN-IN-TOKEN=e"),
                "subject=910801&grounds=forged&" + token);
        assertThat(change.statusCode()).as(token).isEqualTo(403);
      }
      assertThat(restrictions.list(true)).noneMatch(r -> r.subject().equals("910801"));

      // a field given twice is refused, not joined into "a,b"
      var page = send(anonymous(port, "/restrictions").header("Cookie", dpo));
      var twice =
          postForm(
              anonymous(port, "/restrictions").header("Cookie", dpo),
              "subject=910802&subject=910803&grounds=g&_csrf=" + csrf(page.body()));
      assertThat(twice.statusCode()).isEqualTo(400);
      assertThat(restrictions.list(true)).noneMatch(r -> r.subject().contains("91080"));

      // a change made in the console is covered by a checkpoint at once
      var placed =
          postJson(
              as("dpo", port, "/api/holds"),
              "{\"subject\": \"910804\", \"caseReference\": \"CP-1\"," + " \"reason\": \"r\"}");
      assertThat(placed.statusCode()).isEqualTo(201);
      long head = checkpoints.head().orElseThrow().getKey();
      assertThat(checkpoints.all(new java.util.ArrayList<>())).anyMatch(c -> c.entries() == head);

      // an unknown statistic's download: a page saying so (400), not a server error
      var ana2 = signIn(port, "ana");
      var unknown = send(anonymous(port, "/statistics/nope.csv").header("Cookie", ana2));
      assertThat(unknown.statusCode()).isEqualTo(400);
      assertThat(unknown.body()).contains("no statistic named");
    }
  }

  @Test
  void restrictionsAndObjectionsArePlacedAndLiftedInTheConsoleUnderTheUsersName() throws Exception {
    var options = new GlobalOptions();
    options.config = consoleConfig("console-flags-" + schema);
    try (var context = Contexts.serve(options, null)) {
      int port = port(context);
      var dpo = signIn(port, "dpo");
      var token = csrf(send(anonymous(port, "/restrictions").header("Cookie", dpo)).body());
      for (var change :
          java.util.List.of(
              Map.entry("/restrictions", "subject=910901&grounds=accuracy+contested"),
              Map.entry("/objections", "subject=910901&purpose=analytics"),
              Map.entry("/objections/lift", "subject=910901&purpose=analytics"),
              Map.entry("/restrictions/lift", "subject=910901"))) {
        var done =
            postForm(
                anonymous(port, change.getKey()).header("Cookie", dpo),
                change.getValue() + "&_csrf=" + token);
        assertThat(done.statusCode()).as(change.getKey()).isEqualTo(302);
        assertThat(done.headers().firstValue("Location").orElse("")).contains("/restrictions?");
        // the page it goes back to says what was done (as a browser follows the redirect)
        assertThat(follow(port, done, dpo).body()).as(change.getKey()).contains("class=\"done\"");
      }
      var restriction =
          restrictions.list(true).stream()
              .filter(r -> r.subject().equals("910901"))
              .findFirst()
              .orElseThrow();
      assertThat(restriction.liftedBy()).isEqualTo("dpo");
      assertThat(trailAbout("910901"))
          .containsExactly(
              "placed: restriction " + restriction.id() + ", by dpo",
              "placed: to analytics, by dpo",
              "lifted: to analytics, by dpo",
              "lifted: restriction " + restriction.id() + ", by dpo");
      // lifting what is not there: said on the page, nothing recorded
      var again =
          postForm(
              anonymous(port, "/restrictions/lift").header("Cookie", dpo),
              "subject=910901&_csrf=" + token);
      assertThat(again.statusCode()).isEqualTo(302);
      assertThat(follow(port, again, dpo).body()).contains("no active restriction");
      assertThat(trailAbout("910901")).hasSize(4);

      // a change whose redirect is not followed (a double submit, a second tab): what it did is
      // said on its own redirect's page only, never on the page of another action (its message
      // was shown after the next change, as if of it)
      var unfollowed =
          postForm(
              anonymous(port, "/restrictions").header("Cookie", dpo),
              "subject=910902&grounds=accuracy+contested&_csrf=" + token);
      assertThat(unfollowed.statusCode()).isEqualTo(302);
      var next =
          postForm(
              anonymous(port, "/restrictions/lift").header("Cookie", dpo),
              "subject=910903&_csrf=" + token);
      assertThat(follow(port, next, dpo).body())
          .contains("no active restriction")
          .doesNotContain("class=\"done\"");
      assertThat(send(anonymous(port, "/restrictions").header("Cookie", dpo)).body())
          .doesNotContain("class=\"done\"")
          .doesNotContain("class=\"problem\"");
      assertThat(follow(port, unfollowed, dpo).body()).contains("placed.");
    }
  }

  @Test
  void withoutUsersServeAnswersOnlyOnItsMetricsPort() throws Exception {
    var options = new GlobalOptions();
    options.config = configFile("console-off-" + schema);
    try (var context = Contexts.serve(options, 0)) {
      int port = port(context);
      assertThat(send(anonymous(port, "/actuator/health")).statusCode()).isEqualTo(200);
      assertThat(send(anonymous(port, "/")).statusCode()).isEqualTo(403);
      assertThat(send(anonymous(port, "/login")).statusCode()).isEqualTo(403);
      assertThat(send(as("dpo", port, "/api/holds")).statusCode()).isEqualTo(403);
    }
  }

  @Test
  void badConsoleSettingsAreRefusedBeforeAnythingStarts() throws Exception {
    var config = configFile("console-bad-" + schema);
    Files.writeString(
        config,
        """
          console:
            users:
              dpo:
                password-hash: "secret"
                roles: [compliance]
        """,
        StandardOpenOption.APPEND);
    var err = new java.io.StringWriter();
    int code =
        Lethe.execute(
            new String[] {"--config", config.toString(), "serve", "--metrics-port", "off"},
            new java.io.PrintWriter(new java.io.StringWriter(), true),
            new java.io.PrintWriter(err, true));
    assertThat(code).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString())
        .contains("lethe.console.users.dpo.password-hash is not a bcrypt hash")
        .contains("lethe hash-password")
        .doesNotContain("secret\"");

    var roles = configFile("console-roles-" + schema);
    Files.writeString(
        roles,
        """
          console:
            users:
              dpo:
                password-hash: "%s"
                roles: [admin]
        """
            .formatted(new BCryptPasswordEncoder(10).encode(PASSWORD)),
        StandardOpenOption.APPEND);
    err.getBuffer().setLength(0);
    code =
        Lethe.execute(
            new String[] {"--config", roles.toString(), "serve", "--metrics-port", "off"},
            new java.io.PrintWriter(new java.io.StringWriter(), true),
            new java.io.PrintWriter(err, true));
    assertThat(code).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("'admin' is not a role");

    // a name Spring's binding would change (dpo@corp would sign in as dpocorp), or too cheap a hash
    for (var bad :
        java.util.List.of(
            Map.entry("\"dpo@corp\"", new BCryptPasswordEncoder(10).encode(PASSWORD)),
            Map.entry("\"[dpo@corp.be]\"", new BCryptPasswordEncoder(10).encode(PASSWORD)),
            Map.entry("Alice", new BCryptPasswordEncoder(10).encode(PASSWORD)),
            Map.entry("dpo", new BCryptPasswordEncoder(4).encode(PASSWORD)))) {
      var named = configFile("console-name-" + schema);
      Files.writeString(
          named,
          """
            console:
              users:
                %s:
                  password-hash: "%s"
                  roles: [compliance]
          """
              .formatted(bad.getKey(), bad.getValue()),
          StandardOpenOption.APPEND);
      err.getBuffer().setLength(0);
      code =
          Lethe.execute(
              new String[] {"--config", named.toString(), "serve", "--metrics-port", "off"},
              new java.io.PrintWriter(new java.io.StringWriter(), true),
              new java.io.PrintWriter(err, true));
      assertThat(code).as(bad.getKey()).isEqualTo(Lethe.BAD_INPUT);
      assertThat(err.toString())
          .as(bad.getKey())
          .containsAnyOf("is not a user name", "a bcrypt cost under 10");
    }
  }

  /**
   * The control database lost under a change (its connection cut while the release waits for the
   * hold's row): the API answers 503 saying so and what to do, the page likewise, with no stack
   * trace; nothing is half-recorded.
   */
  @Test
  void aControlDatabaseLostUnderAChangeIsAnsweredPlainlyAndRecordsNothing() throws Exception {
    var options = new GlobalOptions();
    options.config = consoleConfig("console-lost-" + schema);
    var hold = holds.place("910951", null, null, "LOST-1", "pending", "dpo");
    try (var context = Contexts.serve(options, null);
        var rowHolder = controlDataSource.getConnection()) {
      int port = port(context);
      rowHolder.setAutoCommit(false);
      try (var lock = rowHolder.createStatement()) {
        lock.execute("SELECT * FROM lethe.legal_hold WHERE id = " + hold.id() + " FOR UPDATE");
      }
      var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
      try {
        var release =
            pool.submit(
                () ->
                    postJson(
                        as("dpo", port, "/api/holds/" + hold.id() + "/release"),
                        "{\"reason\": \"settled\"}"));
        // the release waits for the hold's row: its connection is cut there
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    control
                            .sql(
                                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                    + " WHERE wait_event_type = 'Lock'"
                                    + " AND datname = current_database()"
                                    + " AND query LIKE 'update lethe.legal_hold%'")
                            .query(Long.class)
                            .single()
                        > 0);
        var answer = release.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.body())
            .contains("the control database failed while this was done")
            .contains("Fix:")
            .doesNotContain("Exception")
            .doesNotContain("910951");
      } finally {
        pool.shutdownNow();
        rowHolder.rollback();
      }
      assertThat(holds.find(hold.id()).active()).isTrue();
      assertThat(trailAbout("910951")).noneMatch(e -> e.startsWith("released"));
    }
  }

  /** Signs in through the form, as a browser does; returns the session's cookie. */
  private String signIn(int port, String user) throws Exception {
    var signedIn = postSignIn(port, user, PASSWORD);
    assertThat(signedIn.statusCode()).isEqualTo(302);
    assertThat(signedIn.headers().firstValue("Location").orElse("")).doesNotContain("login");
    // a new session after the sign-in (no fixation)
    assertThat(cookies(signedIn)).containsKey("JSESSIONID");
    return "JSESSIONID=" + cookies(signedIn).get("JSESSIONID");
  }

  /**
   * The sign-in form posted with its CSRF token, as a browser posts it: the token of the page's
   * form and its cookie (no session exists before the sign-in).
   */
  private HttpResponse<String> postSignIn(int port, String user, String password) throws Exception {
    var login = send(anonymous(port, "/login"));
    assertThat(cookies(login)).doesNotContainKey("JSESSIONID");
    return postForm(
        anonymous(port, "/login")
            .header("Cookie", "LETHE-SIGN-IN-TOKEN=" + cookies(login).get("LETHE-SIGN-IN-TOKEN")),
        "username="
            + user
            + "&password="
            + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8)
            + "&_csrf="
            + csrf(login.body()));
  }

  /** The cookies an answer sets, by name (those it clears left out). */
  private static java.util.Map<String, String> cookies(HttpResponse<String> answer) {
    var cookies = new java.util.HashMap<String, String>();
    for (var header : answer.headers().allValues("Set-Cookie")) {
      var pair = header.split(";", 2)[0].split("=", 2);
      if (pair.length == 2 && !pair[1].isEmpty()) {
        cookies.put(pair[0], pair[1]);
      }
    }
    return cookies;
  }

  /** The CSRF token of a page's forms. */
  private static String csrf(String page) {
    return page.replaceAll("(?s).*name=\"_csrf\" value=\"([^\"]+)\".*", "$1");
  }

  @org.springframework.beans.factory.annotation.Autowired dev.lethe.audit.AuditTrail audit;

  /** The trail's entries about a subject, as "action: detail". */
  private java.util.List<String> trailAbout(String subject) {
    return audit.about(audit.prefixes(subject)).stream()
        .map(e -> e.action() + ": " + e.detail())
        .toList();
  }

  private String statistic() {
    var name = monthlyStatistic("events");
    runs.run(jobName("stats"), AS_OF, "test", ProgressListener.SILENT);
    return name;
  }
}
