package dev.lethe.demo;

import dev.lethe.hold.HoldService;
import dev.lethe.hold.RestrictionService;
import dev.lethe.system.SqlScripts;
import java.time.LocalDate;

/**
 * The demo's data: a back-end database and an analytics database for the worked example in {@code
 * retention-policies/}, generated deterministically up to {@link #AS_OF}, with some subjects under
 * legal hold and some restricted.
 */
public final class DemoData {

  /** The day the demo's history ends and its run treats as today. */
  public static final LocalDate AS_OF = LocalDate.of(2026, 11, 1);

  private DemoData() {}

  public static void loadApp(String jdbcUrl) {
    SqlScripts.run(jdbcUrl, "demo/app.sql");
  }

  public static void loadAnalytics(String jdbcUrl) {
    SqlScripts.run(jdbcUrl, "demo/analytics.sql");
  }

  /** Places the demo's holds and restrictions, as compliance would from the command line. */
  public static void flagSubjects(HoldService holds, RestrictionService restrictions) {
    holds.place("42", null, null, "LIT-2026-014", "Claim before the commercial court", "dpo");
    holds.place("1337", null, null, "LIT-2026-014", "Claim before the commercial court", "dpo");
    holds.place("99", null, "payment-data", "TAX-2026-003", "Tax audit of 2019", "dpo");
    restrictions.place("13", "accuracy contested (art. 18.1.a)", "dpo");
    restrictions.place("777", "objection pending (art. 18.1.d)", "dpo");
  }
}
