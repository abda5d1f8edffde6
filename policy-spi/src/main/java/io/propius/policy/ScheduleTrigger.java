package io.propius.policy;

/** Why the scheduler runs the policy now. */
public enum ScheduleTrigger {
  JOB_REGISTERED,
  ROUND_REQUESTED,
  ROUND_FILLED,
  ROUND_ENDED,
  JOB_FINISHED,
  /** The periodic tick (and any event that changes no ordering input, such as an expired job). */
  TICK
}
