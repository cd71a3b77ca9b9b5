package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.statistics.StatisticTasklet;
import dev.lethe.subject.RequestTasklet;
import org.junit.jupiter.api.Test;

/**
 * The steps verify leaves out of a run's purge counts are named as the job builds them: a requests
 * step counted as a purge would make a run without its report a false break.
 */
class RunsAgainstTheTrailTests {

  @Test
  void theStepsThatAreNotPurgesAreNamedAsTheJobNamesThem() {
    assertThat(RunsAgainstTheTrail.REQUESTS_STEP).isEqualTo(RequestTasklet.STEP);
    assertThat(RunsAgainstTheTrail.STATISTIC_STEPS).isEqualTo(StatisticTasklet.STEP_PREFIX + "%");
  }
}
