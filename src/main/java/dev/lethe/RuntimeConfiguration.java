package dev.lethe;

import dev.lethe.hold.HoldService;
import dev.lethe.hold.ObjectionService;
import dev.lethe.hold.RestrictionService;
import dev.lethe.hold.SubjectFlags;
import dev.lethe.report.ReportService;
import dev.lethe.retention.PlanService;
import dev.lethe.retention.RetentionJobFactory;
import dev.lethe.retention.RunClock;
import dev.lethe.retention.RunHistory;
import dev.lethe.retention.RunLock;
import dev.lethe.retention.RunService;
import dev.lethe.retention.RunningRuns;
import dev.lethe.statistics.GeometricNoise;
import dev.lethe.statistics.StatisticsExport;
import dev.lethe.statistics.StatisticsService;
import dev.lethe.subject.ExportWriter;
import dev.lethe.subject.RequestIntake;
import dev.lethe.subject.RequestRunner;
import dev.lethe.subject.RequestService;
import dev.lethe.system.ControlDatabaseConfiguration;
import java.security.SecureRandom;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Everything a run needs on top of {@link CoreConfiguration}: the control database with its
 * migrations (Flyway), Spring Batch's job repository, holds, restrictions, objections, statistics
 * and reports.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import({
  CoreConfiguration.class,
  ControlDatabaseConfiguration.class,
  HoldService.class,
  RestrictionService.class,
  ObjectionService.class,
  StatisticsService.class,
  StatisticsExport.class,
  SubjectFlags.class,
  ReportService.class,
  RetentionJobFactory.class,
  RunningRuns.class,
  RunClock.class,
  RunLock.class,
  RunService.class,
  RunHistory.class,
  PlanService.class,
  RequestService.class,
  RequestIntake.class,
  RequestRunner.class,
  ExportWriter.class
})
public class RuntimeConfiguration {

  /** Noise for statistics: a strong source, never a seeded one, outside tests. */
  @Bean
  GeometricNoise geometricNoise() {
    return new GeometricNoise(new SecureRandom());
  }
}
