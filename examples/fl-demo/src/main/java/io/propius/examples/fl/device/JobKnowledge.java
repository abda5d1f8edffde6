package io.propius.examples.fl.device;

import io.propius.client.allocation.DeviceBenchmark;

/**
 * What a device learned privately about one job from an earlier task: its Subset Benchmark on
 * the job's model, the plan size, the local epochs, and how much time a round left it.
 *
 * @param measuredAtMs when the benchmark was taken; an old one is retaken, since a device's speed
 *     drifts (load, battery, a cold start measured too slow)
 */
record JobKnowledge(DeviceBenchmark benchmark, long measuredAtMs, long planBytes, int epochs, long roundBudgetMs) {
  /** How long a benchmark is trusted. */
  static final long TRUSTED_MS = 10_000;

  boolean fresh(long nowMs) {
    return nowMs - measuredAtMs < TRUSTED_MS;
  }
}
