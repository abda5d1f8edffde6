package io.propius.policy;

import java.util.Set;

/**
 * Names of the numeric job fields a policy can read with {@link JobPortal#field} and use in
 * {@link JobPortal#query}: the paper's Table 2, plus a few the built-in policies need. Times are
 * ms since the epoch, durations ms.
 */
public final class JobFields {
  /** Registration time. */
  public static final String TIME_STAMP = "time_stamp";
  /** Total time spent waiting for devices over all rounds. */
  public static final String TOTAL_SCHED = "total_sched";
  /** When the current round was requested; 0 when none is open. */
  public static final String START_SCHED = "start_sched";
  /** Devices the job expects to need in total (est_demand × total_round). */
  public static final String TOTAL_DEMAND = "total_demand";
  public static final String TOTAL_ROUND = "total_round";
  /** Devices bound to the job over all rounds. */
  public static final String ATTAINED_SERVICE = "attained_service";
  /** Current (or last) round number, 0 before the first request. */
  public static final String ROUND = "round";
  /** Devices asked for in the current round. */
  public static final String DEMAND = "demand";
  /** Devices bound in the current round. */
  public static final String AMOUNT = "amount";
  public static final String SCORE = "score";
  public static final String EST_DEMAND = "est_demand";
  /** Rounds that were requested and ended. */
  public static final String ROUNDS_COMPLETED = "rounds_completed";
  /** Sum of the durations (request to end) of the completed rounds. */
  public static final String ROUND_TIME_TOTAL = "round_time_total";
  /** {@link #STATE_IDLE}, {@link #STATE_REQUESTING} or {@link #STATE_FILLED}. */
  public static final String STATE = "state";
  /** Prefix of the public constraint bounds: {@code public_constraint.cpu_cores}. */
  public static final String PUBLIC_CONSTRAINT = "public_constraint.";
  /** Prefix of the private constraint bounds: {@code private_constraint.dataset_size}. */
  public static final String PRIVATE_CONSTRAINT = "private_constraint.";

  public static final double STATE_IDLE = 1;
  public static final double STATE_REQUESTING = 2;
  public static final double STATE_FILLED = 3;

  /** Every plain field (constraint fields come with their prefixes). */
  public static final Set<String> ALL = Set.of(TIME_STAMP, TOTAL_SCHED, START_SCHED, TOTAL_DEMAND, TOTAL_ROUND,
      ATTAINED_SERVICE, ROUND, DEMAND, AMOUNT, SCORE, EST_DEMAND, ROUNDS_COMPLETED, ROUND_TIME_TOTAL, STATE);

  private JobFields() {
  }

  public static boolean isField(String name) {
    return ALL.contains(name) || name.startsWith(PUBLIC_CONSTRAINT) || name.startsWith(PRIVATE_CONSTRAINT);
  }
}
