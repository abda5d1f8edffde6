package io.propius.bench.sim.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link NearEvents} must take events in exactly the order of the {@link EventHeap} it replaces,
 * equal times included, since that order is part of a run's results.
 */
class NearEventsTest {

  @Test
  void takesEventsInTheHeapsOrderWithAndWithoutEqualTimes() {
    // A fine grid (no ties), a coarse one (ties in most buckets) and a mix.
    for (double grid : new double[] {0, 1e-3, 0.25, 5}) {
      for (long seed = 1; seed <= 30; seed++) {
        compare(new SplittableRandom(seed), grid);
      }
    }
  }

  private static void compare(SplittableRandom random, double grid) {
    EventHeap oracle = new EventHeap();
    NearEvents near = new NearEvents();
    long payload = 0;
    double now = 0;
    for (int step = 0; step < 400; step++) {
      int op = random.nextInt(10);
      if (op == 0 && (near.isEmpty() || random.nextInt(8) == 0)) {
        // A bucket: mostly into an empty structure, sometimes on top of pending events.
        int n = random.nextInt(4) == 0 ? random.nextInt(3) : random.nextInt(300);
        long[] bucket = new long[2 * n + 2 * random.nextInt(3)];
        for (int i = 0; i < n; i++) {
          double t = time(random, now, grid);
          bucket[2 * i] = Double.doubleToRawLongBits(t);
          bucket[2 * i + 1] = ++payload;
          oracle.push(t, payload);
        }
        near.load(bucket, 2 * n);
      } else if (op < 4) {
        double t = time(random, now, grid);
        oracle.push(t, ++payload);
        near.push(t, payload);
      } else if (!oracle.isEmpty()) {
        assertThat(near.isEmpty()).isFalse();
        assertThat(near.peekTime()).isEqualTo(oracle.peekTime());
        assertThat(near.peekPayload()).as("payload at step %d, grid %s", step, grid).isEqualTo(oracle.peekPayload());
        now = oracle.peekTime();
        oracle.pop();
        near.pop();
      }
      assertThat(near.isEmpty()).isEqualTo(oracle.isEmpty());
    }
    while (!oracle.isEmpty()) {
      assertThat(near.peekPayload()).isEqualTo(oracle.peekPayload());
      oracle.pop();
      near.pop();
    }
    assertThat(near.isEmpty()).isTrue();
  }

  private static double time(SplittableRandom random, double now, double grid) {
    double t = now + random.nextDouble() * 60;
    return grid == 0 ? t : Math.floor(t / grid) * grid;
  }
}
