package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lethe.retention.ProgressListener;
import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The console in Debian's headless Chromium, driven through chromedriver, as its users meet it: a
 * compliance officer signs in, places a hold, sees it in the list and in the trail under their
 * name, and releases it; an analyst downloads a statistic's CSV and is refused the holds page.
 */
class ConsoleBrowserTests extends LetheTests {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private WebDriver browser;

  @BeforeEach
  void browser() {
    // .ci/run installs chromium and chromedriver and sets LETHE_REQUIRE_CHROMIUM: there it must run
    if ("1".equals(System.getenv("LETHE_REQUIRE_CHROMIUM"))) {
      assertThat(CHROMIUM).as("LETHE_REQUIRE_CHROMIUM is set").isExecutable();
      assertThat(CHROMEDRIVER).as("LETHE_REQUIRE_CHROMIUM is set").isExecutable();
    }
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Debian's chromium and chromium-driver are not installed (.ci/run installs them)");
    var options =
        new ChromeOptions()
            .setBinary(CHROMIUM.toFile())
            .addArguments(
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
    var service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().implicitlyWait(Duration.ofSeconds(5));
  }

  @AfterEach
  void close() {
    if (browser != null) {
      browser.quit();
    }
  }

  /**
   * Through the organisation's provider, in a browser that keeps its cookies by site: the provider
   * (localhost) sends it back to the console (127.0.0.1), another site, and the console must still
   * find the sign-in it started.
   */
  @Test
  void aComplianceOfficerSignsInThroughTheProvider() throws Exception {
    int port = OidcSignInTests.freePort();
    try (var provider = dev.lethe.support.TestProvider.start(port);
        var context =
            Contexts.serve(
                OidcSignInTests.oidcConsole(
                    port,
                    dev.lethe.support.TestProvider.issuer(provider),
                    "console-browser-oidc-" + schema),
                null)) {
      browser.get("http://127.0.0.1:" + port + "/holds");
      assertThat(browser.getCurrentUrl()).endsWith("/login");
      browser.findElement(By.id("sign-in-oidc")).click();
      assertThat(browser.getCurrentUrl())
          .startsWith(dev.lethe.support.TestProvider.issuer(provider));
      browser.findElement(By.id("username")).sendKeys("anna.dpo");
      browser.findElement(By.id("password")).sendKeys(dev.lethe.support.TestProvider.PASSWORD);
      browser.findElement(By.cssSelector("button[type=submit]")).click();

      new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(10))
          .until(
              org.openqa.selenium.support.ui.ExpectedConditions.urlToBe(
                  "http://127.0.0.1:" + port + "/"));
      assertThat(browser.findElement(By.id("signed-in")).getText()).isEqualTo("oidc:anna.dpo");
      browser.get("http://127.0.0.1:" + port + "/holds");
      assertThat(browser.findElement(By.tagName("h1")).getText()).containsIgnoringCase("holds");
    }
  }

  @Test
  void aComplianceOfficerPlacesAndReleasesAHoldAndAnAnalystDownloadsAStatistic() throws Exception {
    var statistic = statistic();
    var options = new GlobalOptions();
    options.config = ConsoleTests.consoleConfig("console-browser-" + schema);
    try (var context = Contexts.serve(options, null)) {
      var base = "http://127.0.0.1:" + ConsoleTests.port(context);

      browser.get(base + "/holds");
      assertThat(browser.getCurrentUrl()).endsWith("/login"); // signed out: to the sign-in page
      signIn("dpo");
      browser.get(base + "/holds");
      browser.findElement(By.id("subject")).sendKeys("910401");
      browser.findElement(By.id("case")).sendKeys("LIT-2026-014");
      browser.findElement(By.id("reason")).sendKeys("pending litigation");
      browser.findElement(By.id("place")).click();

      var done = browser.findElement(By.className("done")).getText();
      assertThat(done).startsWith("Hold ").contains("placed (case LIT-2026-014)");
      long id = Long.parseLong(done.replaceAll("Hold (\\d+) .*", "$1"));
      var row = browser.findElement(By.id("hold-" + id)).getText();
      assertThat(row).contains("LIT-2026-014", "pending litigation", "dpo");
      // the page names the subject by its token, never by the key typed
      assertThat(browser.getPageSource()).doesNotContain("910401");
      assertThat(holds.find(id).subject()).isEqualTo("910401");

      browser.get(base + "/audit");
      browser.findElement(By.id("lookup-subject")).sendKeys("910401");
      browser.findElement(By.id("look-up")).click();
      assertThat(browser.findElement(By.id("entries")).getText())
          .contains("hold placed", "hold " + id + ", case LIT-2026-014, all data, by dpo");
      assertThat(browser.getCurrentUrl()).doesNotContain("910401"); // posted, never in a URL

      browser.get(base + "/holds");
      browser.findElement(By.id("release-reason-" + id)).sendKeys("case settled");
      browser.findElement(By.id("release-" + id)).click();
      assertThat(browser.findElement(By.className("done")).getText())
          .isEqualTo("Hold " + id + " released.");
      assertThat(browser.findElements(By.id("hold-" + id))).isEmpty();
      assertThat(holds.find(id).releasedBy()).isEqualTo("dpo");
      browser.get(base + "/audit");
      browser.findElement(By.id("lookup-subject")).sendKeys("910401");
      browser.findElement(By.id("look-up")).click();
      assertThat(browser.findElement(By.id("entries")).getText())
          .contains("hold released", "hold " + id + ", case LIT-2026-014, by dpo");

      browser.findElement(By.id("sign-out")).click();
      new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(10))
          .until(org.openqa.selenium.support.ui.ExpectedConditions.urlContains("/login"));
      signIn("ana");
      browser.get(base + "/statistics");
      var link = browser.findElement(By.id("csv-" + statistic)).getAttribute("href");
      // the download as the browser makes it: with the analyst's session
      var session = browser.manage().getCookieNamed("JSESSIONID").getValue();
      var csv = get(link, session);
      assertThat(csv.statusCode()).isEqualTo(200);
      assertThat(csv.headers().firstValue("Content-Disposition").orElse(""))
          .contains("attachment", statistic + ".csv");
      assertThat(csv.body())
          .startsWith("bucket,kind,status,rows,distinct_subjects,suppressed")
          .contains("2025-11-01,cell,done,30,30,false");
      // the statistic's page: a chart per measure of each bucket's published total
      browser.findElement(By.id("statistic-" + statistic)).click();
      var charts = browser.findElements(By.cssSelector("section.chart svg"));
      assertThat(charts).hasSize(2); // rows, distinct subjects
      assertThat(charts.get(0).findElements(By.tagName("rect"))).hasSize(4); // Sept. to Dec.
      assertThat(charts.get(0).getText()).contains("withheld"); // September: too few subjects
      assertThat(browser.findElement(By.id("series")).getText()).contains("current");
      assertThat(get(base + "/holds", session).statusCode()).isEqualTo(403);
      browser.get(base + "/holds");
      assertThat(browser.getPageSource()).doesNotContain("Place a hold");
      // and the analyst's header offers no holds
      browser.get(base + "/");
      assertThat(browser.findElement(By.tagName("header")).getText())
          .contains("Statistics", "ana")
          .doesNotContain("Holds");
    }
  }

  @Test
  void aRequestReceivedInTheConsoleIsCarriedOutByTheNextRun() throws Exception {
    Events.create(APP, schema, 100, 50);
    policy("console-events-" + schema, Events.policy("console-events-" + schema, schema, ""));
    long rows = APP.count("SELECT count(*) FROM " + schema + ".event WHERE subject_id = 37");
    assertThat(rows).isPositive();
    var options = new GlobalOptions();
    options.config = ConsoleTests.consoleConfig("console-request-" + schema);
    try (var context = Contexts.serve(options, null)) {
      var base = "http://127.0.0.1:" + ConsoleTests.port(context);
      browser.get(base + "/requests");
      signIn("dpo");
      long id = receiveErasure(base, "37", "DSR-CONSOLE-1");
      assertThat(browser.findElement(By.id("request-" + id)).getText())
          .contains("erase", "DSR-CONSOLE-1", "dpo", "open");

      // received under the signed-in user's name, in the trail as in the request
      assertThat(
              control
                  .sql(
                      "SELECT count(*) FROM lethe.audit_entry WHERE kind = 'request'"
                          + " AND action = 'received' AND detail = ?")
                  .param("request " + id + ", erase, by dpo")
                  .query(Long.class)
                  .single())
          .isOne();

      var report = runs.run("requests", AS_OF, "test", ProgressListener.SILENT).report();
      assertThat(report.status()).isEqualTo("COMPLETED");
      assertThat(APP.count("SELECT count(*) FROM " + schema + ".event WHERE subject_id = 37"))
          .isZero();

      browser.get(base + "/requests/" + id);
      assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("done");
      assertThat(browser.findElement(By.id("outcomes")).getText())
          .contains("console-events-" + schema, "deleted " + rows);
      assertThat(browser.findElement(By.id("response")).getText())
          .contains("Request " + id + ": erase");
    }
  }

  /**
   * A cancel decided on the page as it was before a run did part of the request (a hold kept the
   * subject's rows) is refused, and nothing is recorded; on the page as it is now, it is done.
   */
  @Test
  void aCancelFromAPageOlderThanTheLastRunIsRefused() throws Exception {
    Events.create(APP, schema, 100, 50);
    policy("console-stale-" + schema, Events.policy("console-stale-" + schema, schema, ""));
    holds.place("38", null, null, "LIT-STALE", "pending claim", "dpo");
    var options = new GlobalOptions();
    options.config = ConsoleTests.consoleConfig("console-stale-" + schema);
    try (var context = Contexts.serve(options, null)) {
      var base = "http://127.0.0.1:" + ConsoleTests.port(context);
      browser.get(base + "/requests");
      signIn("dpo");
      long id = receiveErasure(base, "38", "DSR-STALE-1");
      browser.get(base + "/requests"); // the page as the officer reads it

      var report = runs.run("requests", AS_OF, "test", ProgressListener.SILENT).report();
      assertThat(report.status()).isEqualTo("COMPLETED");

      var row = By.id("request-" + id);
      browser.findElement(row).findElement(By.name("reason")).sendKeys("withdrawn");
      browser.findElement(row).findElement(By.cssSelector("button[type=submit]")).click();
      assertThat(browser.findElement(By.className("problem")).getText())
          .contains("request " + id + " changed meanwhile");
      assertThat(
              control
                  .sql("SELECT status FROM lethe.subject_request WHERE id = ?")
                  .param(id)
                  .query(String.class)
                  .single())
          .isNotEqualTo("cancelled");

      browser.get(base + "/requests");
      browser.findElement(row).findElement(By.name("reason")).sendKeys("withdrawn");
      browser.findElement(row).findElement(By.cssSelector("button[type=submit]")).click();
      assertThat(browser.findElement(By.className("done")).getText())
          .isEqualTo("Request " + id + " cancelled.");
    }
  }

  /** Receives an erasure request on the requests page, as an officer does; returns its id. */
  private long receiveErasure(String base, String subject, String reference) {
    browser.get(base + "/requests");
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("kind")))
        .selectByValue("erase");
    browser.findElement(By.id("request-subject")).sendKeys(subject);
    browser.findElement(By.id("reference")).sendKeys(reference);
    browser.findElement(By.id("receive")).click();
    var done = browser.findElement(By.className("done")).getText();
    assertThat(done).startsWith("Request ").contains("(erase) received, due");
    return Long.parseLong(done.replaceAll("Request (\\d+) .*", "$1"));
  }

  private void signIn(String user) {
    browser.findElement(By.id("username")).sendKeys(user);
    browser.findElement(By.id("password")).sendKeys(ConsoleTests.PASSWORD);
    browser.findElement(By.id("sign-in")).click();
    assertThat(browser.findElement(By.id("signed-in")).getText()).isEqualTo(user);
  }

  private static HttpResponse<String> get(String url, String session) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Cookie", "JSESSIONID=" + session)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private String statistic() {
    var name = monthlyStatistic("browser");
    runs.run(jobName("stats"), AS_OF, "test", ProgressListener.SILENT);
    return name;
  }
}
