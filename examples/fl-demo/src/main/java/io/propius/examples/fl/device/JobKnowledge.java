package io.propius.examples.fl.device;

import io.propius.client.allocation.DeviceBenchmark;

/**
 * What a device learned privately about one job from an earlier task: its Subset Benchmark on
 * the job's model, the plan size, the local epochs, and how much time a round left it.
 */
record JobKnowledge(DeviceBenchmark benchmark, long planBytes, int epochs, long roundBudgetMs) {
}
