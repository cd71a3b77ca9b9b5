package dev.lethe;

import dev.lethe.hold.HoldService;
import dev.lethe.hold.RestrictionService;
import dev.lethe.hold.SubjectFlags;
import dev.lethe.report.ReportService;
import dev.lethe.retention.PlanService;
import dev.lethe.retention.RetentionJobFactory;
import dev.lethe.retention.RunClock;
import dev.lethe.retention.RunHistory;
import dev.lethe.retention.RunLock;
import dev.lethe.retention.RunService;
import dev.lethe.system.ControlDatabaseConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Everything a run needs on top of {@link CoreConfiguration}: the control database with its
 * migrations (Flyway), Spring Batch's job repository, holds, restrictions and reports.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import({
  CoreConfiguration.class,
  ControlDatabaseConfiguration.class,
  HoldService.class,
  RestrictionService.class,
  SubjectFlags.class,
  ReportService.class,
  RetentionJobFactory.class,
  RunClock.class,
  RunLock.class,
  RunService.class,
  RunHistory.class,
  PlanService.class
})
public class RuntimeConfiguration {}
