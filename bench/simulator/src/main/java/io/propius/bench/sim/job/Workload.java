package io.propius.bench.sim.job;

/**
 * How simulated jobs are drawn. Ranges are inclusive and drawn log-uniformly (many small jobs, a
 * few big ones), except the requirement class, which is uniform over 1..4.
 *
 * @param jobs              number of jobs
 * @param firstArrivalS     arrival of the first job, seconds (the paper: at 1 h)
 * @param meanInterArrivalS mean of the exponential gaps between arrivals (the paper: 30 min)
 * @param minDemand         smallest per-round demand
 * @param maxDemand         largest per-round demand
 * @param minRounds         fewest rounds
 * @param maxRounds         most rounds
 * @param minSteps          fewest local training steps per task
 * @param maxSteps          most local training steps per task
 * @param minModelMb        smallest model, MB (downloaded and uploaded once per task)
 * @param maxModelMb        largest model, MB
 * @param deadlineS         per-round deadline from the round's request
 * @param requiredFraction  results needed to complete a round, as a fraction of the demand
 * @param overSelection     devices asked for, as a multiple of the demand
 * @param maxRoundFailures  consecutive failed attempts of one round after which the job gives up
 */
public record Workload(int jobs, double firstArrivalS, double meanInterArrivalS, int minDemand, int maxDemand,
    int minRounds, int maxRounds, int minSteps, int maxSteps, double minModelMb, double maxModelMb, double deadlineS,
    double requiredFraction, double overSelection, int maxRoundFailures) {

  public Workload {
    check(jobs > 0, "jobs must be positive");
    check(minDemand > 0 && minDemand <= maxDemand, "demand range must be 0 < min <= max");
    check(minRounds > 0 && minRounds <= maxRounds, "rounds range must be 0 < min <= max");
    check(minSteps > 0 && minSteps <= maxSteps, "steps range must be 0 < min <= max");
    check(minModelMb > 0 && minModelMb <= maxModelMb, "model size range must be 0 < min <= max");
    check(deadlineS > 0, "deadline must be positive");
    check(requiredFraction > 0 && requiredFraction <= 1, "required fraction must be in (0, 1]");
    check(overSelection >= 1, "over-selection must be at least 1");
    check(maxRoundFailures > 0, "max round failures must be positive");
  }

  /** The experiments' workload: the paper's arrivals, demand 20-1500, 80% to complete a round. */
  public static Workload defaults(int jobs) {
    return new Workload(jobs, 3600, 1800, 20, 1500, 20, 200, 50, 500, 5, 50, 900, 0.8, 1.3, 10);
  }

  public Workload withJobs(int n) {
    return new Workload(n, firstArrivalS, meanInterArrivalS, minDemand, maxDemand, minRounds, maxRounds, minSteps,
        maxSteps, minModelMb, maxModelMb, deadlineS, requiredFraction, overSelection, maxRoundFailures);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
