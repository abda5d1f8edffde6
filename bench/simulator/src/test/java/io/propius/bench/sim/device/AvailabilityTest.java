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

  /** The thinning as first written, with the floating-point remainder and a cosine on every draw. */
  private static double referenceNextOnline(Availability a, double now, double phaseS, SplittableRandom random) {
    double base = 1 / a.meanGapS();
    double max = base * (1 + a.amplitude());
    double t = now;
    while (true) {
      t += -Math.log(1 - random.nextDouble()) / max;
      double hour = (((t + phaseS) % DAY) + DAY) % DAY / 3600;
      double rate = base * (1 + a.amplitude() * Math.cos(2 * Math.PI * (hour - a.peakHour()) / 24));
      if (random.nextDouble() * max <= rate) {
        return t;
      }
    }
  }

  @Test
  void comebacksAreTheFirstThinningDrawForDraw() {
    for (Availability a : new Availability[] {Availability.defaults(), new Availability(0.3, 3600, 0.9, 0, 20),
        new Availability(0.5, 600, 0.5, 1, 3)}) {
      SplittableRandom ours = new SplittableRandom(11);
      SplittableRandom reference = new SplittableRandom(11);
      SplittableRandom times = new SplittableRandom(12);
      Availability.Comeback comeback = a.comeback();
      for (int i = 0; i < 100_000; i++) {
        double now = times.nextDouble() * 7 * DAY;
        double phase = (float) (times.nextDouble() * 6 - 3) * 3600;
        assertThat(comeback.next(now, phase, ours)).isEqualTo(referenceNextOnline(a, now, phase, reference));
      }
      // Both consumed the same draws.
      assertThat(ours.nextLong()).isEqualTo(reference.nextLong());
    }
  }

  @Test
  void secondOfDayIsTheDoubleRemainderToTheLastBit() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 500_000; i++) {
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
