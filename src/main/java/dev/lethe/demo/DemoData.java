package dev.lethe.demo;

import dev.lethe.hold.HoldService;
import dev.lethe.hold.RestrictionService;
import dev.lethe.system.SqlScripts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;

/**
 * The demo's data: a back-end database and an analytics database for the worked example in {@code
 * retention-policies/}, generated deterministically up to {@link #AS_OF}, with some subjects under
 * legal hold and some restricted.
 */
public final class DemoData {

  /** The day the demo's history ends and its run treats as today. */
  public static final LocalDate AS_OF = LocalDate.of(2026, 11, 1);

  /** The demo's own key id; its key is fixed and public, fit for nothing but the demo. */
  public static final String KEY_ID = "demo-not-secret";

  /** The demo's key: public, so that a test can show it is in none of the demo's output. */
  public static final String NOT_SECRET_KEY = "demo-key-everyone-knows-never-use-it-for-real-data";

  private DemoData() {}

  /** Writes the demo's key to a file readable only by its owner, as a real key file would be. */
  /** The id of the demo's throwaway audit signing key. */
  public static final String AUDIT_KEY_ID = "demo-audit";

  /** A folder with a fresh audit key pair of the demo's, gone with the process. */
  public static Path auditKeys() {
    try {
      var folder = Files.createTempDirectory("lethe-demo-audit");
      dev.lethe.audit.AuditKeys.generate(AUDIT_KEY_ID, folder);
      for (var f :
          new Path[] {
            folder.resolve(AUDIT_KEY_ID + ".key"), folder.resolve(AUDIT_KEY_ID + ".pub"), folder
          }) {
        f.toFile().deleteOnExit();
      }
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path writeKeyFile() {
    try {
      var file =
          Files.createTempFile(
              "lethe-demo",
              ".key",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      file.toFile().deleteOnExit();
      Files.writeString(file, NOT_SECRET_KEY + "\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void loadApp(String jdbcUrl) {
    SqlScripts.run(jdbcUrl, "demo/app.sql");
  }

  public static void loadAnalytics(String jdbcUrl) {
    SqlScripts.run(jdbcUrl, "demo/analytics.sql");
  }

  /**
   * An adult whose marketing consent still stands: withdrawing it changes nothing the demo's purge
   * would do, so the demo's plan still matches its run.
   */
  public static String consentingAdult(String appUrl) {
    try (var c = java.sql.DriverManager.getConnection(appUrl);
        var s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT c.account_id FROM marketing.contact c JOIN accounts.account a ON a.id ="
                    + " c.account_id WHERE c.withdrawn_at IS NULL AND a.birth_date < date"
                    + " '2000-01-01' ORDER BY c.account_id LIMIT 1")) {
      rs.next();
      return rs.getString(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(
          "the demo data has no consenting adult: " + e.getMessage(), e);
    }
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
