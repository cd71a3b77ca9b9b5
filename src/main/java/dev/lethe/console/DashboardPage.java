package dev.lethe.console;

import dev.lethe.hold.HoldService;
import dev.lethe.retention.RunHistory;
import dev.lethe.subject.RequestService;
import dev.lethe.system.LetheProperties;
import java.time.Clock;
import java.time.LocalDate;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The console's first page: the last runs and each scheduled job's next fire time; for compliance
 * the holds in force, the requests overdue or due this week, and the trail's last verification. The
 * sign-in page too.
 */
@Controller
class DashboardPage {

  private final RunHistory runs;
  private final HoldService holds;
  private final RequestService requests;
  private final Clock clock;
  private final LetheProperties properties;
  private final dev.lethe.audit.Verifications verifications;
  private final org.springframework.jdbc.core.simple.JdbcClient jdbc;
  private final dev.lethe.schedule.ScheduledFires fires;

  DashboardPage(
      RunHistory runs,
      HoldService holds,
      RequestService requests,
      Clock clock,
      LetheProperties properties,
      dev.lethe.audit.Verifications verifications,
      org.springframework.jdbc.core.simple.JdbcClient jdbc,
      dev.lethe.schedule.ScheduledFires fires) {
    this.verifications = verifications;
    this.jdbc = jdbc;
    this.fires = fires;
    this.runs = runs;
    this.holds = holds;
    this.requests = requests;
    this.clock = clock;
    this.properties = properties;
  }

  /**
   * A fire time as the dashboard shows it: the table is the scheduler's, but its job and node are
   * shown as any outside text is (printable, at most 80 characters), whatever a hand put there.
   */
  record FireView(
      String job,
      java.time.Instant fireTime,
      LocalDate asOf,
      String node,
      String outcome,
      Long runId) {

    static FireView of(dev.lethe.schedule.ScheduledFire fire) {
      return new FireView(
          dev.lethe.system.PlainText.shown(fire.getJob()),
          fire.getFireTime(),
          fire.getAsOf(),
          dev.lethe.system.PlainText.shown(fire.getNode()),
          dev.lethe.system.PlainText.shown(fire.getOutcome()),
          fire.getRunId());
    }
  }

  @GetMapping("/login")
  String login(Model model) {
    signInChoices(model);
    return "console/login";
  }

  /**
   * Where the sign-in through the OpenID Connect provider could not start (its discovery document
   * could not be read): the sign-in page, saying so, rather than an error.
   */
  @GetMapping("/oauth2/authorization/{registration}")
  String providerDown(Model model, jakarta.servlet.http.HttpServletResponse response) {
    if (properties.console().oidc() == null) {
      throw new org.springframework.web.server.ResponseStatusException(
          org.springframework.http.HttpStatus.NOT_FOUND);
    }
    response.setStatus(org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE.value());
    signInChoices(model);
    model.addAttribute("providerDown", true);
    return "console/login";
  }

  private void signInChoices(Model model) {
    var oidc = properties.console().oidc();
    model.addAttribute("oidcLabel", oidc == null ? null : oidc.label());
    model.addAttribute("passwords", !properties.console().users().isEmpty());
  }

  @GetMapping("/")
  String dashboard(Authentication user, Model model) {
    model.addAttribute("runs", runs.latest(20));
    model.addAttribute("nextFires", dev.lethe.schedule.Scheduling.nextFires(jdbc));
    model.addAttribute(
        "handledFires",
        fires.findTop20ByOrderByFireTimeDescJobAsc().stream().map(FireView::of).toList());
    if (Roles.has(user, ConsoleConfiguration.COMPLIANCE)) {
      var today = LocalDate.now(clock.withZone(properties.timeZone()));
      var open = requests.list(true, false, today);
      model.addAttribute("holdsInForce", holds.inForce());
      model.addAttribute("verification", verifications.last().orElse(null));
      model.addAttribute(
          "overdue", open.stream().filter(r -> r.deadline().isBefore(today)).count());
      model.addAttribute(
          "dueThisWeek",
          open.stream()
              .filter(
                  r -> !r.deadline().isBefore(today) && !r.deadline().isAfter(today.plusDays(7)))
              .count());
    }
    return "console/dashboard";
  }
}
