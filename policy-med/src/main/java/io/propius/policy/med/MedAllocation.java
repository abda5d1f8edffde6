package io.propius.policy.med;

/**
 * A solution of a {@link MedProblem}.
 *
 * @param shards    shards of each task per learner, {@code shards[task][learner]}
 * @param objective Eq. 4.4a, the sum over tasks of the largest expected delay, in seconds
 * @param optimal   whether the solver proved it optimal (otherwise the best it found in its limits)
 */
public record MedAllocation(int[][] shards, double objective, boolean optimal) {
}
