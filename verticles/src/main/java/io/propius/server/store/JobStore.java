package io.propius.server.store;

import io.propius.api.PropiusException;
import io.propius.policy.med.plan.DataWork;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The job database (paper §3.1): hard state shared by the job manager, the scheduler and the
 * client managers. Every operation is atomic for the job it touches and never blocks the caller's
 * thread. Failures are {@link io.propius.api.PropiusException}s: NOT_FOUND for an unknown job,
 * FAILED_PRECONDITION or JOB_EXPIRED when the job's state does not allow the operation,
 * ADMISSION_DENIED, UNAVAILABLE when the store cannot be reached.
 */
public interface JobStore {
  /** Registers a job with a new id, unless that would exceed a limit. */
  Future<Job> register(JobSpec spec, AdmissionLimits limits, long now);

  /** A job in any state, until finished and expired jobs are purged. */
  Future<Job> get(long jobId);

  /** All live jobs (idle, requesting, filled), highest priority first ({@link Job#BY_PRIORITY}). */
  Future<List<Job>> listLive();

  /**
   * Opens the next round asking for {@code demand} devices. With {@code expectedRound > 0}, a
   * retry of the request that opened that round (same demand) succeeds without change.
   */
  default Future<JobChange> requestRound(long jobId, int demand, int expectedRound, long now) {
    return requestRound(jobId, demand, expectedRound, now, tenant -> RoundQuota.NONE);
  }

  /**
   * Opens the next round, checking the job's tenant's quota ({@code quotas} by tenant) atomically
   * with the opening: ADMISSION_DENIED naming the quota and the current use when it would be exceeded.
   */
  default Future<JobChange> requestRound(long jobId, int demand, int expectedRound, long now,
                                         Function<String, RoundQuota> quotas) {
    return requestRound(jobId, demand, null, expectedRound, now, quotas);
  }

  /**
   * Opens the next round like {@link #requestRound(long, int, int, long, Function)}, storing the
   * data work it declares for MED with it (null: none; the round is then scheduled by demand only).
   */
  Future<JobChange> requestRound(long jobId, int demand, DataWork dataWork, int expectedRound, long now,
                                 Function<String, RoundQuota> quotas);

  /**
   * Ends the open round. With {@code expectedRound > 0} it must be that round; ending a round
   * that already ended succeeds without change.
   */
  Future<JobChange> endRound(long jobId, int expectedRound, long now);

  /** Finishes the job, ending its open round; finishing twice succeeds. */
  Future<JobChange> finish(long jobId, long now);

  /**
   * An operator finishes a live job, ending its open round; the reason is kept for the job's next
   * call.
   *
   * @throws PropiusException (as a failed future) NOT_FOUND for an unknown job,
   *     FAILED_PRECONDITION for a finished one, JOB_EXPIRED for an expired one
   */
  Future<JobChange> cancel(long jobId, String reason, long now);

  /** Records that the job is alive. */
  Future<Job> heartbeat(long jobId, long now);

  /**
   * Reserves one slot of {@code round} for a device, only while fewer than the round's demand are
   * bound; the slot is held until {@code leaseUntil} unless confirmed. Counts attained service.
   */
  Future<Reservation> reserve(long jobId, int round, String deviceId, long now, long leaseUntil);

  /**
   * Small-batch mode: records offers of an open round and answers the devices they were granted for,
   * in the order asked (see {@link OfferClaim}). None when the round is no longer requesting devices.
   * A device already offered this round is granted again without counting twice; a bound one is not.
   */
  Future<List<String>> claimOffers(OfferClaim claim, long now);

  /**
   * Records that a client manager instance plans the data work of a job's open round, unless another
   * instance already does: whichever instance a scheduler (old or new leader) names, one instance
   * hands out a round's shards. Atomic across instances and nodes; the winner asking again is told
   * yes again.
   *
   * @param planner the claiming client manager instance
   * @return whether {@code planner} plans the round; false when another instance does, or the round
   *     is not the job's open requesting round
   */
  Future<Boolean> claimRoundPlan(long jobId, int round, String planner, long now);

  /** Marks a device's binding as started: its lease no longer expires. Idempotent. */
  Future<Confirmation> confirm(long jobId, int round, String deviceId, long now);

  /** Gives back the slots of open rounds whose devices did not confirm by {@code now}. */
  Future<List<ExpiredLease>> expireLeases(long now);

  /** Expires live jobs not heard from since {@code silentSince}, ending their open rounds. */
  Future<List<Job>> expireSilentJobs(long silentSince, long now);

  /** Forgets finished and expired jobs that ended before {@code endedBefore}. */
  Future<Integer> purgeEnded(long endedBefore);

  /** Sets priority scores of live jobs (unknown ids are skipped). */
  Future<Void> setScores(Map<Long, Double> scores);

  /**
   * Sets scores only while the scheduler lease carries {@code fencingToken} (0: unfenced, the one
   * scheduler of a single process); fails with {@code FAILED_PRECONDITION} and writes nothing when
   * the lease is lost. Only a store that holds the lease fences.
   */
  default Future<Void> setScores(Map<Long, Double> scores, long fencingToken) {
    return setScores(scores);
  }

  /**
   * Connects and checks the store before first use.
   *
   * @return a failed future whose message is one line saying what is wrong (unreachable, bad password)
   */
  default Future<Void> open() {
    return Future.succeededFuture();
  }

  /** Releases connections; the store is unusable afterwards. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
