package dev.lethe.support;

import dev.lethe.demo.DemoData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The demo's data in two stores of the tests, as in production: the back-end tables in {@code app}
 * (in schemas of their own, beside the tests' t* schemas) and the page views in {@code analytics}.
 * Loaded once per test run; tests that change it each take subjects of their own.
 */
public final class DemoStores {

  public static final Sql ANALYTICS = new Sql(TestDatabases.url("analytics"));

  private static boolean loaded;

  private DemoStores() {}

  public static synchronized void load() {
    if (!loaded) {
      DemoData.loadApp(TestDatabases.url("app"));
      DemoData.loadAnalytics(TestDatabases.url("analytics"));
      loaded = true;
    }
  }

  /** Copies the worked example's policies into a test's policy folder. */
  public static void copyPolicies(Path folder) {
    try (Stream<Path> files = Files.list(Path.of("retention-policies"))) {
      for (var file : files.toList()) {
        Files.copy(file, folder.resolve(file.getFileName()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
