package io.propius.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.device.Attributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SlidingWindowTest {
  private static Attributes attrs(double cpu) {
    return Attributes.of(Map.of("cpu_cores", cpu, "ram_gb", 4.0));
  }

  @Test
  void countsDistinctDevicesAndForgetsOldOnes() {
    SlidingWindow w = new SlidingWindow(1_000, 100, 4);
    w.record("a", attrs(1), 0);
    w.record("b", attrs(2), 10);
    w.record("a", attrs(3), 50); // a again: still one device, with its new attributes
    assertThat(w.size()).isEqualTo(2);
    List<Attributes> all = w.sample(10, new SplittableRandom(1), 60);
    assertThat(all).extracting(a -> a.valueOf("cpu_cores")).containsExactlyInAnyOrder(2.0, 3.0);
    w.expire(111); // b (seen at 10) is out, a (seen at 50) stays
    assertThat(w.size()).isEqualTo(1);
    w.expire(151);
    assertThat(w.size()).isZero();
  }

  @Test
  void capacityEvictsTheOldest() {
    SlidingWindow w = new SlidingWindow(3, 1_000_000, 2);
    for (int i = 0; i < 5; i++) {
      w.record("d" + i, attrs(i), i);
    }
    assertThat(w.size()).isEqualTo(3);
    assertThat(w.sample(10, new SplittableRandom(1), 10)).extracting(a -> a.valueOf("cpu_cores"))
        .containsExactlyInAnyOrder(2.0, 3.0, 4.0);
  }

  @Test
  void keepsAtMostStrideAttributes() {
    SlidingWindow w = new SlidingWindow(10, 1_000, 1);
    w.record("x", Attributes.of(Map.of("a", 1.0, "b", 2.0)), 0);
    Attributes kept = w.sample(1, new SplittableRandom(1), 0).get(0);
    assertThat(kept.size()).isEqualTo(1);
    assertThat(kept.valueOf("a")).isEqualTo(1.0);
  }

  @Test
  void matchesAReferenceModelUnderRandomChurn() {
    SplittableRandom random = new SplittableRandom(7);
    SlidingWindow w = new SlidingWindow(100_000, 1_000, 2);
    Map<String, Long> lastSeen = new HashMap<>();
    long now = 0;
    for (int step = 0; step < 50_000; step++) {
      now += random.nextInt(3);
      String id = "dev" + random.nextInt(2_000);
      w.record(id, attrs(1), now);
      lastSeen.put(id, now);
      if (step % 997 == 0) {
        long t = now;
        // Reference: the distinct devices seen within the window.
        w.expire(t);
        long expected = lastSeen.values().stream().filter(s -> s >= t - 1_000).count();
        assertThat(w.size()).isEqualTo((int) expected);
      }
    }
    assertThat(w.size()).isPositive();
    // A million devices in the window stay under 300 bytes each (the arrays grow with the window).
    SlidingWindow big = new SlidingWindow(1_000_000, Long.MAX_VALUE / 2, 16);
    Attributes a = attrs(2);
    for (int i = 0; i < 1_000_000; i++) {
      big.record("device-" + i, a, 1);
    }
    assertThat(big.size()).isEqualTo(1_000_000);
    assertThat(big.footprint() / 1_000_000).isLessThan(300);
  }
}
