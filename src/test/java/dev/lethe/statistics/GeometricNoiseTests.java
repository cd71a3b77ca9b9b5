package dev.lethe.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The noise has the scale its epsilon asks for: over many draws from a fixed seed, its mean, its
 * variance and the share of zeros are those of the two-sided geometric distribution.
 */
class GeometricNoiseTests {

  private static SecureRandom seeded() throws NoSuchAlgorithmException {
    var random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(20261128L); // a fixed seed: the test gives the same draws every time
    return random;
  }

  @ParameterizedTest
  @CsvSource({"1.0, 1", "0.1, 1", "0.5, 500", "2.0, 1"})
  void drawsHaveTheMeanVarianceAndZerosOfTheirDistribution(double epsilon, double sensitivity)
      throws NoSuchAlgorithmException {
    var noise = new GeometricNoise(seeded());
    int n = 200_000;
    double sum = 0;
    double squares = 0;
    long zeros = 0;
    for (int i = 0; i < n; i++) {
      long x = noise.sample(epsilon, sensitivity);
      sum += x;
      squares += (double) x * x;
      zeros += x == 0 ? 1 : 0;
    }
    double alpha = Math.exp(-epsilon / sensitivity);
    double variance = GeometricNoise.variance(epsilon, sensitivity);
    double mean = sum / n;
    // the mean of n draws lies within 5 standard errors of 0
    assertThat(mean).isCloseTo(0, within(5 * Math.sqrt(variance / n)));
    // the variance within 3% (its own standard error is about 0.6% here)
    assertThat(squares / n - mean * mean).isCloseTo(variance, within(0.03 * variance));
    // P(0) = (1 - alpha) / (1 + alpha)
    double p0 = (1 - alpha) / (1 + alpha);
    assertThat((double) zeros / n).isCloseTo(p0, within(5 * Math.sqrt(p0 * (1 - p0) / n) + 1e-4));
  }

  @ParameterizedTest
  @CsvSource({"1.0, 1", "0.5, 10"})
  void theRatioOfNeighbouringProbabilitiesIsBoundedByEpsilon(double epsilon, double sensitivity)
      throws NoSuchAlgorithmException {
    // P(k) / P(k + sensitivity) = exp(epsilon): what makes a change of one subject deniable
    var noise = new GeometricNoise(seeded());
    int n = 400_000;
    var counts = new java.util.HashMap<Long, Integer>();
    for (int i = 0; i < n; i++) {
      counts.merge(noise.sample(epsilon, sensitivity), 1, Integer::sum);
    }
    long step = (long) sensitivity;
    double ratio = (double) counts.get(0L) / counts.get(step);
    assertThat(Math.log(ratio)).isCloseTo(epsilon, within(0.05));
  }

  /** The published 95% bound: at most 5% of draws fall outside it, and more outside one less. */
  @ParameterizedTest
  @CsvSource({"1.0, 1", "0.1, 1", "0.5, 500", "0.17, 1"})
  void theBoundPublishedWithTheNoiseHoldsNineteenTimesInTwenty(double epsilon, double sensitivity)
      throws NoSuchAlgorithmException {
    var noise = new GeometricNoise(seeded());
    long bound = GeometricNoise.bound95(epsilon, sensitivity);
    int n = 100_000;
    int outside = 0;
    int outsideOneLess = 0;
    for (int i = 0; i < n; i++) {
      long x = Math.abs(noise.sample(epsilon, sensitivity));
      outside += x > bound ? 1 : 0;
      outsideOneLess += x > bound - 1 ? 1 : 0;
    }
    assertThat((double) outside / n).isLessThanOrEqualTo(0.05 + 0.004);
    assertThat((double) outsideOneLess / n).isGreaterThan(0.05 - 0.004);
  }
}
