package io.propius.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LongLongMapTest {
  @Test
  void behavesLikeAHashMapUnderRandomPutsAndRemoves() {
    SplittableRandom random = new SplittableRandom(3);
    LongLongMap map = new LongLongMap(4);
    Map<Long, Long> reference = new HashMap<>();
    for (int i = 0; i < 200_000; i++) {
      long key = 1 + random.nextInt(5_000); // a small key space forces collisions and reuse
      if (random.nextInt(3) == 0) {
        map.remove(key);
        reference.remove(key);
      } else {
        long value = random.nextLong();
        map.put(key, value);
        reference.put(key, value);
      }
    }
    assertThat(map.size()).isEqualTo(reference.size());
    for (long key = 1; key <= 5_000; key++) {
      Long expected = reference.get(key);
      assertThat(map.get(key)).isEqualTo(expected == null ? LongLongMap.MISSING : expected);
    }
  }
}
