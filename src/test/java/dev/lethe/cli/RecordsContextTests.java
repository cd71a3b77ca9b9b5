package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.LetheTests;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Which commands start JPA (docs/decisions/0004): those that edit holds, restrictions, objections
 * and requests do, with Hibernate checking the entities against Flyway's tables; the commands that
 * run, list runs or validate start none, so that they stay fast.
 */
class RecordsContextTests extends LetheTests {

  @Test
  void theCommandsThatRunStartNoJpa() {
    var options = options();
    try (var context = Contexts.runtime(options)) {
      assertThat(context.getBeanNamesForType(EntityManagerFactory.class)).isEmpty();
      assertThat(context.getBean(PlatformTransactionManager.class))
          .isInstanceOf(DataSourceTransactionManager.class);
    }
    try (var context = Contexts.core(options)) {
      assertThat(context.getBeanNamesForType(EntityManagerFactory.class)).isEmpty();
    }
  }

  @Test
  void theCommandsThatEditRecordsCheckTheEntitiesAgainstTheTablesAndShareOneTransaction() {
    try (var context = Contexts.records(options())) {
      assertThat(context.getBeanNamesForType(EntityManagerFactory.class)).hasSize(1);
      // one transaction for the entity's change and the trail's entry (JDBC on its connection)
      assertThat(context.getBean(PlatformTransactionManager.class))
          .isInstanceOf(JpaTransactionManager.class);
      assertThat(context.getEnvironment().getProperty("spring.jpa.hibernate.ddl-auto"))
          .isEqualTo("validate");
      assertThat(context.getEnvironment().getProperty("spring.jpa.open-in-view"))
          .isEqualTo("false");
    }
  }

  private GlobalOptions options() {
    var options = new GlobalOptions();
    options.config = configFile("records-" + schema);
    return options;
  }
}
