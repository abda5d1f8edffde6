package io.propius.client.allocation;

/**
 * Deadline-aware data allocation, DAB (thesis §3.3): from its own benchmark, a device computes
 * the most data shards it can download, train {@code μ} iterations on, and upload before the
 * round deadline {@code D} — Eq. 3.5:
 *
 * <pre>
 *   a_k &lt; (D − 2·Ω_m / b_k) / (μ / c_k + Ω_d / b_k)
 * </pre>
 *
 * with {@code Ω_m} the model size (downloaded and uploaded once), {@code Ω_d} the bytes per shard
 * that must be downloaded (0 in federated learning, where the data already lives on the device).
 * Everything stays on the device: the server only learns whether it accepted.
 */
public final class DeadlineAwareAllocation {
  private DeadlineAwareAllocation() {
  }

  /**
   * The largest whole number of shards that satisfies Eq. 3.5 (strictly below the bound), or 0
   * (or less) when not even one shard fits: the device should decline.
   *
   * @param deadlineMs time left until the round deadline, {@code D}
   * @param modelBytes {@code Ω_m}
   * @param shardBytes {@code Ω_d}
   * @param iterations {@code μ}, local passes over the allocated data
   */
  public static int maxShards(DeviceBenchmark benchmark, long deadlineMs, long modelBytes, long shardBytes,
                              int iterations) {
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be at least 1, got " + iterations);
    }
    double d = deadlineMs / 1000.0;
    double b = benchmark.bytesPerSecond();
    double numerator = d - 2.0 * modelBytes / b;
    double perShard = iterations / benchmark.shardsPerSecond() + (double) shardBytes / b;
    double bound = numerator / perShard;
    if (!(bound > 0)) {
      return 0;
    }
    // Strict inequality: an integral bound itself is not allowed.
    double largest = Math.ceil(bound) - 1;
    return (int) Math.min(largest, Integer.MAX_VALUE);
  }

  /** The time Eq. 3.4 predicts for {@code shards} shards, in ms: download, train, upload. */
  public static double predictedMs(DeviceBenchmark benchmark, int shards, long modelBytes, long shardBytes,
                                   int iterations) {
    double b = benchmark.bytesPerSecond();
    return 1000.0 * ((modelBytes + (double) shardBytes * shards) / b + iterations * shards / benchmark.shardsPerSecond()
        + modelBytes / b);
  }
}
