package dev.lethe;

import dev.lethe.hold.HoldService;
import dev.lethe.hold.ObjectionService;
import dev.lethe.hold.RestrictionService;
import dev.lethe.schedule.ScheduledFire;
import dev.lethe.subject.RequestCancellation;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;

/**
 * The records people edit (holds, restrictions, objections, requests) as JPA entities on Hibernate,
 * with the fire times the scheduler handled (read only), on top of everything a run needs
 * (docs/decisions/0004): for the {@code hold}, {@code restrict}, {@code object} and {@code request}
 * commands, the demo and {@code serve}'s console. The tables are Flyway's; Hibernate only checks
 * that the entities match them. The trail's append and all work on stores stay JDBC, in the same
 * transactions (the JPA transaction manager shares its connection).
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({
  HibernateJpaAutoConfiguration.class,
  DataJpaRepositoriesAutoConfiguration.class
})
@EntityScan(
    basePackageClasses = {HoldService.class, RequestCancellation.class, ScheduledFire.class})
@EnableJpaRepositories(
    basePackageClasses = {HoldService.class, RequestCancellation.class, ScheduledFire.class})
@Import({
  RuntimeConfiguration.class,
  HoldService.class,
  RestrictionService.class,
  ObjectionService.class,
  RequestCancellation.class
})
public class RecordsConfiguration {}
