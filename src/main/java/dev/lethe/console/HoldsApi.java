package dev.lethe.console;

import dev.lethe.hold.HoldService;
import java.security.Principal;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Legal holds over HTTP, for a ticketing or case system: list, place, release (compliance). */
@RestController
class HoldsApi {

  private final HoldService holds;
  private final ConsoleHolds placing;
  private final SubjectTokens tokens;

  HoldsApi(HoldService holds, ConsoleHolds placing, SubjectTokens tokens) {
    this.holds = holds;
    this.placing = placing;
    this.tokens = tokens;
  }

  /** What placing a hold takes: the subject's key, the case and why; a policy or a category. */
  record NewHold(
      String subject, String caseReference, String reason, String policy, String category) {}

  /** Why a hold is released. */
  record Release(String reason) {}

  @GetMapping("/api/holds")
  List<HoldView> list(@RequestParam(name = "released", defaultValue = "false") boolean released) {
    return holds.list(released).stream().map(h -> HoldView.of(h, tokens)).toList();
  }

  @PostMapping("/api/holds")
  @ResponseStatus(HttpStatus.CREATED)
  HoldView place(@RequestBody NewHold hold, Principal user) {
    return HoldView.of(
        placing.place(
            hold.subject(),
            hold.policy(),
            hold.category(),
            hold.caseReference(),
            hold.reason(),
            user.getName()),
        tokens);
  }

  @PostMapping("/api/holds/{id}/release")
  HoldView release(@PathVariable long id, @RequestBody Release release, Principal user) {
    return HoldView.of(holds.release(id, release.reason(), user.getName()), tokens);
  }
}
