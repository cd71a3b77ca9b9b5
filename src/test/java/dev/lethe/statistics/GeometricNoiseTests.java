package dev.lethe.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Noise too large to draw is refused, never drawn as none: bounds of 1e300 made every draw of a
 * sum's noise zero, and one person's exact sums were published (found by an outside attack).
 */
class GeometricNoiseTests {

  private final GeometricNoise noise = new GeometricNoise(new Random(7));

  @Test
  void noiseBeyondWhatCanBeDrawnIsRefusedNotLeftOut() {
    for (double sensitivity : new double[] {1e300, 1e17, Double.POSITIVE_INFINITY, Double.NaN}) {
      assertThatThrownBy(() -> noise.sample(1.0, sensitivity))
          .as("sensitivity %s", sensitivity)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("nothing is published without its noise");
    }
  }

  @Test
  void noiseAtTheLargestScaleIsDrawnAndIsNotZero() {
    int zero = 0;
    for (int i = 0; i < 100; i++) {
      if (noise.sample(1.0, GeometricNoise.MAX_SCALE) == 0) {
        zero++;
      }
    }
    assertThat(zero).isLessThan(5);
    // and a sum one subject cannot move has none
    assertThat(noise.sample(1.0, 0)).isZero();
  }
}
