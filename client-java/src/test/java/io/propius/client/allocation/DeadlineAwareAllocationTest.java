package io.propius.client.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Eq. 3.5 of the thesis, checked against hand-computed cases and against Eq. 3.4. */
class DeadlineAwareAllocationTest {
  @Test
  void largestShardCountStrictlyBelowTheBound() {
    // D = 10 s, model 1 MB at 1 MB/s (2 s down and up), 2 shards/s, 1 iteration, local data:
    // a < (10 - 2) / (1/2) = 16, so 15.
    DeviceBenchmark b = new DeviceBenchmark(1_000_000, 2);
    assertThat(DeadlineAwareAllocation.maxShards(b, 10_000, 1_000_000, 0, 1)).isEqualTo(15);
    // Five iterations: a < 8 / 2.5 = 3.2, so 3.
    assertThat(DeadlineAwareAllocation.maxShards(b, 10_000, 1_000_000, 0, 5)).isEqualTo(3);
    // Shards downloaded too (0.5 MB each): a < 8 / (0.5 + 0.5) = 8, so 7.
    assertThat(DeadlineAwareAllocation.maxShards(b, 10_000, 1_000_000, 500_000, 1)).isEqualTo(7);
  }

  @Test
  void noShardWhenTheModelAloneMissesTheDeadline() {
    DeviceBenchmark slowLink = new DeviceBenchmark(100_000, 50);
    assertThat(DeadlineAwareAllocation.maxShards(slowLink, 10_000, 1_000_000, 0, 1)).isZero();
  }

  @Test
  void theAllocationFitsTheDeadlineAndOneMoreShardDoesNot() {
    DeviceBenchmark b = new DeviceBenchmark(3_000_000, 7.3);
    int a = DeadlineAwareAllocation.maxShards(b, 12_345, 2_000_000, 10_000, 3);
    assertThat(DeadlineAwareAllocation.predictedMs(b, a, 2_000_000, 10_000, 3)).isLessThan(12_345);
    assertThat(DeadlineAwareAllocation.predictedMs(b, a + 1, 2_000_000, 10_000, 3)).isGreaterThanOrEqualTo(12_345);
  }

  @Test
  void subsetBenchmarkTimesTheWorkItIsGiven() {
    DeviceBenchmark b = SubsetBenchmark.measure(() -> new byte[100_000], 4, shards -> {
      long until = System.nanoTime() + shards * 5_000_000L;
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
    });
    // 4 shards in about 20 ms: about 200 shards/s, never more.
    assertThat(b.shardsPerSecond()).isBetween(20.0, 201.0);
    assertThat(b.bytesPerSecond()).isPositive();
  }
}
