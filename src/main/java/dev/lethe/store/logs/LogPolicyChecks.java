package dev.lethe.store.logs;

import dev.lethe.policy.Policy;
import dev.lethe.policy.Problems;
import dev.lethe.transform.Transform;

/** What a policy on a log store may say: fields of the line format, and line transforms. */
final class LogPolicyChecks {

  private final LogStore store;
  private final Policy policy;
  private final Problems problems;

  LogPolicyChecks(LogStore store, Policy policy, Problems problems) {
    this.store = store;
    this.policy = policy;
    this.problems = problems;
  }

  void check() {
    if (policy.table() != null) {
      error("table", "a log store has no tables", "remove 'table'; the store's files are the data");
    }
    if (!policy.key().isEmpty()) {
      error("key", "a log store's lines have no key", "remove 'key'");
    }
    if (!policy.where().isEmpty()) {
      error("where", "conditions are not read from log lines yet", "remove 'where'");
    }
    if (policy.contact() != null) {
      error("contact", "a log store keeps no suppression list", "remove 'contact'");
    }
    if (policy.onErasure().keepsRows()) {
      error(
          "on-erasure",
          "an erasure removes the subject's lines from log files; it does not pseudonymise them",
          "remove 'on-erasure', or make its action delete");
    }
    field("subject", policy.subject());
    if (policy.clock() != null
        && (policy.clock().related()
            || !policy.clock().column().equals(store.format().timeField()))) {
      error(
          "clock",
          "a log line ages from its own time field, '" + store.format().timeField() + "'",
          "write 'clock: " + store.format().timeField() + "'");
    }
    for (var stage : policy.transformingStages()) {
      stage
          .transforms()
          .forEach(
              (field, transform) -> {
                if (!(transform instanceof Transform.IpPrefix
                    || transform instanceof Transform.Hmac
                    || transform instanceof Transform.Nullify)) {
                  problems.error(
                      policy.file(),
                      stage.lineOf(field),
                      "transform",
                      "field '" + field + "': a log field takes ip-prefix, hmac or null",
                      "use one of those");
                } else if (field.equals(store.format().timeField())) {
                  problems.error(
                      policy.file(),
                      stage.lineOf(field),
                      "transform",
                      "field '" + field + "' is the line's time, which ages it",
                      "leave it as it is");
                } else if (!store.fields().isEmpty() && !store.fields().contains(field)) {
                  problems.error(
                      policy.file(),
                      stage.lineOf(field),
                      "transform",
                      "no field '" + field + "' in the store's lines",
                      "use one of " + store.fields());
                }
              });
    }
    if (policy.marker() != null) {
      error(
          "marker",
          "log lines have no columns to mark; Lethe records what it transformed beside the logs",
          "remove 'marker'");
    }
  }

  private void field(String what, String field) {
    if (field != null && !store.fields().isEmpty() && !store.fields().contains(field)) {
      error(what, "no field '" + field + "' in the store's lines", "use one of " + store.fields());
    }
  }

  private void error(String field, String message, String fix) {
    problems.error(policy.file(), policy.lineOf(field), field, message, fix);
  }
}
