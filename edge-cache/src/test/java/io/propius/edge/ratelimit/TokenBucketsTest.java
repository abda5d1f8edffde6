package io.propius.edge.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenBucketsTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void aBurstGoesAheadThenTheNextCallWaitsForItsToken() {
    TokenBuckets buckets = new TokenBuckets(2, 3, 1_000, 0);
    for (int i = 0; i < 3; i++) {
      assertThat(buckets.take("d", 0)).isZero();
    }
    assertThat(buckets.take("d", 0)).isEqualTo(500);
    assertThat(buckets.take("d", SECOND / 4)).isEqualTo(250);
    assertThat(buckets.take("d", SECOND / 2)).isZero();
    assertThat(buckets.take("other", SECOND / 2)).as("keys have their own buckets").isZero();
  }

  @Test
  void aBucketInUseKeepsItsStateAcrossAGenerationTurn() {
    // refill time 2 s: the first generation turns at 2 s
    TokenBuckets buckets = new TokenBuckets(1, 2, 1_000, 0);
    assertThat(buckets.take("d", 0)).isZero();
    assertThat(buckets.take("d", 0)).isZero();
    assertThat(buckets.take("d", 19 * SECOND / 10)).isZero(); // 1.9 tokens, 0.9 left
    // a forgotten bucket would be full again here; the carried one has 1.1 tokens
    assertThat(buckets.take("d", 21 * SECOND / 10)).isZero();
    assertThat(buckets.take("d", 21 * SECOND / 10)).isEqualTo(900);
  }

  @Test
  void keysUnusedForTwoRefillTimesAreForgotten() {
    TokenBuckets buckets = new TokenBuckets(1, 1, 1_000, 0);
    for (int i = 0; i < 100; i++) {
      buckets.take("idle-" + i, 0);
    }
    assertThat(buckets.size()).isEqualTo(100);
    buckets.take("busy", SECOND + 1);
    buckets.take("busy", 2 * SECOND + 2);
    assertThat(buckets.size()).as("only the busy key, in both generations").isEqualTo(2);
  }

  @Test
  void aFloodOfNewKeysStaysWithinMaxKeys() {
    TokenBuckets buckets = new TokenBuckets(0.001, 1, 1_000, 0);
    for (int i = 0; i < 100_000; i++) {
      assertThat(buckets.take("flood-" + i, 0)).isZero();
      assertThat(buckets.size()).isLessThanOrEqualTo(1_000);
    }
    assertThat(buckets.take("flood-99999", 0)).as("a recent key is still limited").isGreaterThan(0);
  }

  @Test
  void concurrentCallersShareOneBurstExactly() throws Exception {
    TokenBuckets buckets = new TokenBuckets(0.001, 500, 1_000_000, 0);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Integer>> callers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        String own = "own-" + t + "-";
        callers.add(() -> {
          int admitted = 0;
          for (int i = 0; i < 1_000; i++) {
            admitted += buckets.take("shared", 0) == 0 ? 1 : 0;
            admitted += buckets.take(own + i, 0) == 0 ? 0 : 1_000_000; // a key of its own: never refused
          }
          return admitted;
        });
      }
      int admitted = 0;
      for (Future<Integer> f : pool.invokeAll(callers)) {
        admitted += f.get();
      }
      assertThat(admitted).isEqualTo(500);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void refusesAnUnusableConfiguration() {
    assertThatThrownBy(() -> new TokenBuckets(0, 1, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBuckets(1, 0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBuckets(1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
