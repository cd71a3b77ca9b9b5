package dev.lethe;

import dev.lethe.audit.AuditKeys;
import dev.lethe.audit.AuditTrail;
import dev.lethe.audit.AuditVerifier;
import dev.lethe.audit.CheckpointAtExit;
import dev.lethe.audit.Checkpoints;
import dev.lethe.audit.KeyFingerprints;
import dev.lethe.hold.HoldsInForce;
import dev.lethe.hold.SubjectFlags;
import dev.lethe.hold.TokenisedRows;
import dev.lethe.report.ReportService;
import dev.lethe.retention.PlanService;
import dev.lethe.retention.RetentionJobFactory;
import dev.lethe.retention.RunClock;
import dev.lethe.retention.RunHistory;
import dev.lethe.retention.RunLock;
import dev.lethe.retention.RunMetrics;
import dev.lethe.retention.RunService;
import dev.lethe.retention.RunningRuns;
import dev.lethe.statistics.GeometricNoise;
import dev.lethe.statistics.StatisticsExport;
import dev.lethe.statistics.StatisticsService;
import dev.lethe.subject.ExportWriter;
import dev.lethe.subject.RequestIntake;
import dev.lethe.subject.RequestRunner;
import dev.lethe.subject.RequestService;
import dev.lethe.subject.SuppressionList;
import dev.lethe.system.ControlDatabaseConfiguration;
import java.security.SecureRandom;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.batch.autoconfigure.BatchAutoConfiguration;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Everything a run needs on top of {@link CoreConfiguration}: the control database with its
 * migrations (Flyway), Spring Batch's job repository, what a run reads of holds, restrictions,
 * objections and requests, statistics and reports: all over JDBC, with no JPA, which only the
 * commands and the console that edit those records start ({@link RecordsConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
// Only what a run needs, named: evaluating every auto-configuration on the class path (the
// web server, Actuator and metrics that only serve uses) would add seconds to every command.
@ImportAutoConfiguration({
  PropertyPlaceholderAutoConfiguration.class,
  DataSourceAutoConfiguration.class,
  DataSourceTransactionManagerAutoConfiguration.class,
  TransactionAutoConfiguration.class,
  JdbcTemplateAutoConfiguration.class,
  JdbcClientAutoConfiguration.class,
  FlywayAutoConfiguration.class,
  BatchAutoConfiguration.class,
  BatchJdbcAutoConfiguration.class
})
@Import({
  CoreConfiguration.class,
  ControlDatabaseConfiguration.class,
  HoldsInForce.class,
  StatisticsService.class,
  dev.lethe.statistics.PurgeReach.class,
  dev.lethe.retention.PurgeReachRecorder.class,
  StatisticsExport.class,
  SubjectFlags.class,
  TokenisedRows.class,
  ReportService.class,
  RetentionJobFactory.class,
  RunningRuns.class,
  RunClock.class,
  RunLock.class,
  RunService.class,
  RunHistory.class,
  RunMetrics.class,
  PlanService.class,
  RequestService.class,
  dev.lethe.subject.RequestOutcomes.class,
  SuppressionList.class,
  AuditTrail.class,
  AuditVerifier.class,
  dev.lethe.audit.Verifications.class,
  KeyFingerprints.class,
  RequestIntake.class,
  RequestRunner.class,
  ExportWriter.class
})
public class RuntimeConfiguration {

  /** The keys that sign the trail and its checkpoints. */
  @Bean
  AuditKeys auditKeys(dev.lethe.system.LetheProperties properties) {
    return new AuditKeys(properties.audit().keyId(), properties.audit().keys());
  }

  /** Signed checkpoints of the trail: in the reports folder, and every further folder named. */
  @Bean
  Checkpoints checkpoints(
      org.springframework.jdbc.core.JdbcTemplate jdbc,
      AuditKeys keys,
      java.time.Clock clock,
      dev.lethe.system.LetheProperties properties) {
    var folders = new java.util.ArrayList<java.nio.file.Path>();
    folders.add(properties.reports().resolve("checkpoints"));
    folders.addAll(properties.audit().checkpoints());
    return new Checkpoints(jdbc, keys, clock, folders);
  }

  /**
   * A checkpoint when the process ends, where the trail grew while it ran (a hold placed, a request
   * received): the last entries are then out of reach of a quiet cut too.
   */
  @Bean
  CheckpointAtExit checkpointAtExit(Checkpoints checkpoints) {
    return new CheckpointAtExit(checkpoints);
  }

  /** Noise for statistics: a strong source, never a seeded one, outside tests. */
  @Bean
  GeometricNoise geometricNoise() {
    return new GeometricNoise(new SecureRandom());
  }
}
