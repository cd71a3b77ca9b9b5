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
 * The console's first page: each job's last runs, and for compliance the holds in force and the
 * requests overdue or due this week. The sign-in page too.
 */
@Controller
class DashboardPage {

  private final RunHistory runs;
  private final HoldService holds;
  private final RequestService requests;
  private final Clock clock;
  private final LetheProperties properties;

  DashboardPage(
      RunHistory runs,
      HoldService holds,
      RequestService requests,
      Clock clock,
      LetheProperties properties) {
    this.runs = runs;
    this.holds = holds;
    this.requests = requests;
    this.clock = clock;
    this.properties = properties;
  }

  @GetMapping("/login")
  String login() {
    return "console/login";
  }

  @GetMapping("/")
  String dashboard(Authentication user, Model model) {
    model.addAttribute("runs", runs.latest(20));
    if (Roles.has(user, ConsoleConfiguration.COMPLIANCE)) {
      var today = LocalDate.now(clock.withZone(properties.timeZone()));
      var open = requests.list(true, false, today);
      model.addAttribute("holdsInForce", holds.list(false).size());
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
