package io.propius.bench.sim.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Availability draws from {@link DrawPairs} must be those of the random stream read one by one, bit
 * for bit, whether the pairs are drawn in the reading thread or ahead by the helper, and across the
 * switch from one to the other.
 */
class DrawPairsTest {

  @Test
  void drawsAreThoseOfTheStreamReadOneByOneBeforeAndAfterDrawingAhead() {
    Availability a = Availability.defaults();
    Availability.Comeback comeback = a.comeback();
    SplittableRandom reference = new SplittableRandom(5);
    SplittableRandom choices = new SplittableRandom(6);
    DrawPairs pairs = new DrawPairs(new SplittableRandom(5), a::sessionOfPair);
    try (pairs) {
      for (int i = 0; i < 300_000; i++) {
        if (i == 100_003) {
          pairs.drawAhead();
        }
        double now = choices.nextDouble() * 7 * 86_400;
        if (choices.nextBoolean()) {
          assertThat(a.sessionLength(pairs)).as("session %d", i).isEqualTo(a.sessionLength(reference));
        } else {
          double phase = (float) (choices.nextDouble() * 6 - 3) * 3600;
          assertThat(comeback.next(now, phase, pairs)).as("comeback %d", i)
              .isEqualTo(comeback.next(now, phase, reference));
        }
      }
    }
    assertThat(pairs.helperCpuNanos()).as("the helper drew the later pairs").isPositive();
  }
}
