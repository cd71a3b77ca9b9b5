package dev.lethe.statistics;

import java.util.Random;

/**
 * The two-sided geometric mechanism (discrete Laplace): integer noise with P(k) proportional to
 * alpha^|k|, alpha = exp(-epsilon / sensitivity). Added to a count whose value one subject changes
 * by at most {@code sensitivity}, it gives epsilon-differential privacy for that count. Sampled as
 * the difference of two geometric variables from a {@link java.security.SecureRandom}.
 *
 * <p>Limits, as the README says: the samples come from floating-point logarithms, which are close
 * to but not exactly the ideal distribution; and the guarantee covers what one run publishes per
 * bucket, with budgets adding up over the statistics that read the same rows.
 */
public final class GeometricNoise {

  private final Random random;

  public GeometricNoise(Random random) {
    this.random = random;
  }

  /**
   * The largest scale (sensitivity / epsilon) whose noise this draws: beyond it the draws no longer
   * fit a number, and came out as no noise at all (bounds of 1e300 published exact sums of one
   * person: found by an outside attack). validate refuses bounds that would need more.
   */
  public static final double MAX_SCALE = 1e12;

  /** The largest scale of a statistic's noise (0 without noise): validate holds it to MAX_SCALE. */
  public static double largestScaleOf(dev.lethe.policy.Statistic statistic) {
    return Publication.noise(statistic).stream().mapToDouble(NoiseBound::scale).max().orElse(0);
  }

  /** Noise for a value one subject changes by at most {@code sensitivity}. */
  public long sample(double epsilon, double sensitivity) {
    if (sensitivity == 0) {
      return 0; // nothing one subject does moves it
    }
    double scale = sensitivity / epsilon;
    if (!(scale > 0 && scale <= MAX_SCALE)) {
      throw new IllegalArgumentException(
          "noise of scale "
              + scale
              + " cannot be drawn (at most "
              + MAX_SCALE
              + "): nothing is published without its noise");
    }
    double logAlpha = -1 / scale; // log(exp(-epsilon / sensitivity)), without its rounding
    return geometric(logAlpha) - geometric(logAlpha);
  }

  /** P(k) = (1 - alpha) alpha^k for k = 0, 1, 2, ... */
  private long geometric(double logAlpha) {
    double u = 1 - random.nextDouble(); // in (0, 1]
    return (long) Math.floor(Math.log(u) / logAlpha);
  }

  /** The variance of {@link #sample}: 2 alpha / (1 - alpha)^2. */
  public static double variance(double epsilon, double sensitivity) {
    double alpha = Math.exp(-epsilon / sensitivity);
    return 2 * alpha / ((1 - alpha) * (1 - alpha));
  }

  /**
   * The bound the noise stays within 95 times in 100: the least k with P(|noise| > k) at most 0.05,
   * where P(|noise| >= j) = 2 alpha^j / (1 + alpha) for j >= 1.
   */
  public static long bound95(double epsilon, double sensitivity) {
    double alpha = Math.exp(-epsilon / sensitivity);
    if (alpha <= 0) {
      return 0;
    }
    double j = Math.log(0.025 * (1 + alpha)) / Math.log(alpha);
    return Math.max(0, (long) Math.ceil(j) - 1);
  }
}
