package dev.lethe.system;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The control database: Lethe's own tables, Spring Batch's job repository and, later, Quartz's
 * schedule. Configured with {@code lethe.control-database.*}. Absent, and with no store to clean
 * either, an embedded PostgreSQL stands in, so that a command can be tried on a bare machine (the
 * demo and the tests name embedded databases of their own). Absent while stores are configured, it
 * is an error: holds and restrictions live there, and a control database that vanishes with the
 * process would spare nobody and forget every run.
 */
@Configuration(proxyBeanMethods = false)
public class ControlDatabaseConfiguration {

  static final String EMBEDDED_DATABASE = "lethe";

  @Bean
  DataSource dataSource(LetheProperties properties) {
    if (!properties.hasControlDatabase() && !properties.stores().isEmpty()) {
      throw new BadInputException(
          "configuration: stores are configured but lethe.control-database.url is not. Holds,"
              + " restrictions and runs live in the control database; without it nothing would be"
              + " spared. Fix: configure lethe.control-database (url, username, password)");
    }
    var settings =
        properties.hasControlDatabase()
            ? properties.controlDatabase()
            : new LetheProperties.DatabaseSettings(
                EmbeddedPostgresServer.urlFor(EMBEDDED_DATABASE), null, null);
    var ds = new HikariDataSource();
    ds.setPoolName("lethe-control");
    ds.setJdbcUrl(settings.url());
    ds.setUsername(settings.username());
    ds.setPassword(settings.password());
    // a run's chunk, a request's lock and its gate, the job's lock, a check beside them
    ds.setMaximumPoolSize(8);
    // subjects are keys of Lethe's own tables: a duplicate key's detail line would quote one
    ds.addDataSourceProperty("logServerErrorDetail", "false");
    return ds;
  }

  /**
   * Migrations run as the owner role where one is configured ({@code
   * lethe.control-database.migration-username}), so that the role Lethe runs as owns nothing: it
   * cannot disable the trail's trigger, nor update, delete or truncate its entries. The runtime
   * role is named to the migrations, which grant it what it needs.
   */
  @Bean
  org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer ownerRunsMigrations(
      LetheProperties properties) {
    return configuration -> {
      var settings = properties.controlDatabase();
      var runtime = settings == null || settings.username() == null ? "" : settings.username();
      configuration.placeholders(java.util.Map.of("runtimeRole", runtime));
      if (settings != null && settings.ownedByAnotherRole()) {
        configuration.dataSource(
            settings.url(), settings.migrationUsername(), settings.migrationPassword());
      }
    };
  }
}
