package io.propius.server.store;

/**
 * The outcome of an attempt to reserve a slot in a round for a device.
 *
 * @param job         the job after the attempt (null for UNKNOWN_JOB)
 * @param leaseUntil  the device's lease deadline (BOUND and ALREADY_BOUND)
 * @param filledNow   this reservation took the round to its demand
 */
public record Reservation(Outcome outcome, Job job, long leaseUntil, boolean filledNow) {
  public enum Outcome {
    /** A new slot was reserved. */
    BOUND,
    /** The device already holds a slot in this round; nothing changed. */
    ALREADY_BOUND,
    /** The round has all the devices it asked for. */
    FULL,
    /** The round is not open any more (ended, job finished or expired, or a newer round). */
    CLOSED,
    UNKNOWN_JOB
  }
}
