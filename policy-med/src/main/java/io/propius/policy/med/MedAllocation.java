package io.propius.policy.med;

/**
 * A solution of a {@link MedProblem}.
 *
 * @param shards     shards of each task per learner, {@code shards[task][learner]}
 * @param objective  Eq. 4.4a, the sum over tasks of the largest expected delay, in seconds
 * @param lowerBound no allocation has a smaller objective (proven); equal to it when optimal
 * @param nodes      branch-and-bound nodes the solver visited
 */
public record MedAllocation(int[][] shards, double objective, double lowerBound, long nodes) {
  /** Relative gap below which an allocation counts as proven optimal. */
  public static final double OPTIMAL_GAP = 1e-6;

  /** {@code (objective − lowerBound) / objective}; 0 when proven optimal. */
  public double gap() {
    return objective <= 0 ? 0 : Math.max(0, (objective - lowerBound) / objective);
  }

  /** Whether the solver proved it optimal (otherwise the best it found within its time limit). */
  public boolean optimal() {
    return gap() <= OPTIMAL_GAP;
  }
}
