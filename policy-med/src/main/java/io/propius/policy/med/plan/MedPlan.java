package io.propius.policy.med.plan;

import java.util.List;
import java.util.Map;

/**
 * One small-batch tick's MED decision.
 *
 * @param assignments held device id → the job it serves and its shard count
 * @param fallbacks   rounds MED could not plan this tick, with the reason; they are scheduled by
 *                    device count through the usual job groups
 * @param solveMs     wall time of the solve(s)
 * @param gap         relative optimality gap of the allocation used (0: proven optimal)
 * @param overran     the solve did not finish within the tick: every round falls back this tick
 */
public record MedPlan(Map<String, Assignment> assignments, List<Fallback> fallbacks, double solveMs, double gap,
                      boolean overran) {
  /** A device's task: this job, this many shards. */
  public record Assignment(long jobId, int shards) {
  }

  /** A round left to device-count scheduling, and why. */
  public record Fallback(long jobId, String reason) {
  }

  public MedPlan {
    assignments = Map.copyOf(assignments);
    fallbacks = List.copyOf(fallbacks);
  }
}
