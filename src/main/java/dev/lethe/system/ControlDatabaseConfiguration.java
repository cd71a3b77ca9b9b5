package dev.lethe.system;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The control database: Lethe's own tables, Spring Batch's job repository and, later, Quartz's
 * schedule. Configured with {@code lethe.control-database.*}; absent, an embedded PostgreSQL is
 * started so that the demo and the tests need no server.
 */
@Configuration(proxyBeanMethods = false)
public class ControlDatabaseConfiguration {

  static final String EMBEDDED_DATABASE = "lethe";

  @Bean
  DataSource dataSource(LetheProperties properties) {
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
    ds.setMaximumPoolSize(4);
    return ds;
  }
}
