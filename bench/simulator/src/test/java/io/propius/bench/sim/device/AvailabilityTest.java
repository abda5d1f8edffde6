package io.propius.bench.sim.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The availability draws must stay bit-for-bit what they were, so a seed keeps its results. */
class AvailabilityTest {
  private static final double DAY = 86_400;

  private static double reference(double x) {
    return ((x % DAY) + DAY) % DAY;
  }

  private static void assertSameBits(double x) {
    assertThat(Double.doubleToRawLongBits(Availability.secondOfDay(x)))
        .as("second of day of %s", x)
        .isEqualTo(Double.doubleToRawLongBits(reference(x)));
  }

  @Test
  void secondOfDayIsTheDoubleRemainderToTheLastBit() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 2_000_000; i++) {
      // Simulated times (up to a year) plus time-zone offsets, of either sign.
      assertSameBits((random.nextDouble() * 2 - 0.2) * 365 * DAY);
    }
    for (long k = -400; k <= 400; k++) {
      double m = k * DAY;
      // Multiples of a day and their neighbours, where a rounded quotient is one off.
      for (double x : new double[] {m, Math.nextUp(m), Math.nextDown(m), Math.nextUp(Math.nextUp(m)),
          Math.nextDown(Math.nextDown(m))}) {
        assertSameBits(x);
      }
    }
    for (double x : new double[] {0.0, -0.0, Math.nextUp(0.0), -Math.nextUp(0.0), DAY - 1e-9, -DAY + 1e-9,
        0x1p52, -0x1p52, 0x1p60, Double.MAX_VALUE}) {
      assertSameBits(x);
    }
  }
}
