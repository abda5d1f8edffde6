package io.propius.server.store;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.grpc.JobState;
import io.propius.policy.med.plan.DataWork;

/**
 * The job state machine, as pure functions from one {@link Job} to the next. Every store applies
 * exactly these rules (the Redis store in its scripts), and the contract tests hold them to it.
 *
 * <pre>
 *   IDLE --requestRound--> REQUESTING --last slot reserved--> FILLED --lease expired--> REQUESTING
 *   REQUESTING|FILLED --endRound--> IDLE;   live --finish--> FINISHED;   live --silent--> EXPIRED
 * </pre>
 */
public final class JobTransitions {
  private JobTransitions() {
  }

  /** A newly registered job: idle, no round yet, heard from now. */
  public static Job register(long id, JobSpec spec, long now) {
    return new Job(id, spec.tenant(), spec.name(), JobState.IDLE, now, 0, 0, 0, spec.jobAddress(),
        spec.estDemand(), spec.totalRound(), 0, 0, 0, 0, 0, spec.publicConstraints(), spec.privateConstraints(),
        0, 0, now, spec.reducer(), spec.dataPlaneAddress(), spec.dataPlaneAudience(), "",
        null);
  }

  /** @throws PropiusException when the job is finished or expired */
  public static Job requireLive(Job j) {
    if (j.state() == JobState.FINISHED) {
      throw new PropiusException(ErrorCode.FAILED_PRECONDITION, "job " + j.id() + " is finished"
          + (j.reason() == null || j.reason().isEmpty() ? "" : ": " + j.reason()));
    }
    if (j.state() == JobState.EXPIRED) {
      throw new PropiusException(ErrorCode.JOB_EXPIRED, "job " + j.id() + " was expired: " + j.reason());
    }
    return j;
  }

  public static Job heard(Job j, long now) {
    JobDraft d = new JobDraft(j);
    d.lastHeartbeat = Math.max(d.lastHeartbeat, now);
    return d.build();
  }

  /**
   * Opens the next round. With {@code expectedRound > 0} the call names the round it opens: a
   * retry of an open round's request (same demand) is acknowledged again without change.
   */
  public static Job requestRound(Job j, int demand, int expectedRound, long now) {
    return requestRound(j, demand, null, expectedRound, now);
  }

  /** {@link #requestRound(Job, int, int, long)}, the round declaring this data work (null: none). */
  public static Job requestRound(Job j, int demand, DataWork dataWork, int expectedRound, long now) {
    requireLive(j);
    if (expectedRound > 0) {
      if (j.roundOpen() && expectedRound == j.round() && demand == j.demand()) {
        return heard(j, now);
      }
      if (expectedRound != j.round() + 1) {
        throw new PropiusException(ErrorCode.FAILED_PRECONDITION, "cannot open round " + expectedRound + " of job "
            + j.id() + ": the next round is " + (j.round() + 1) + (j.roundOpen() ? " and round " + j.round() + " is still open" : ""));
      }
    }
    if (j.roundOpen()) {
      throw new PropiusException(ErrorCode.FAILED_PRECONDITION,
          "round " + j.round() + " of job " + j.id() + " is still open; end it before requesting another");
    }
    if (j.round() >= j.totalRound()) {
      throw new PropiusException(ErrorCode.FAILED_PRECONDITION,
          "job " + j.id() + " has run all " + j.totalRound() + " rounds it registered for");
    }
    JobDraft d = new JobDraft(j);
    d.round = j.round() + 1;
    d.demand = demand;
    d.dataWork = dataWork;
    d.amount = 0;
    d.startSched = now;
    d.filledAt = 0;
    d.state = JobState.REQUESTING;
    d.lastHeartbeat = Math.max(d.lastHeartbeat, now);
    return d.build();
  }

  public static Job endRound(Job j, int expectedRound, long now) {
    if (!j.roundOpen()) {
      if (j.round() > 0 && (expectedRound == 0 || expectedRound == j.round())) {
        return heard(j, now); // already ended: acknowledge again
      }
      throw new PropiusException(ErrorCode.FAILED_PRECONDITION, j.round() == 0
          ? "job " + j.id() + " has not requested a round yet"
          : "round " + expectedRound + " is not job " + j.id() + "'s current round (" + j.round() + ")");
    }
    if (expectedRound > 0 && expectedRound != j.round()) {
      throw new PropiusException(ErrorCode.FAILED_PRECONDITION,
          "round " + expectedRound + " is not job " + j.id() + "'s open round (" + j.round() + ")");
    }
    JobDraft d = new JobDraft(closeRound(j, now));
    d.state = JobState.IDLE;
    d.lastHeartbeat = Math.max(d.lastHeartbeat, now);
    return d.build();
  }

  public static Job finish(Job j, long now) {
    JobDraft d = new JobDraft(j.roundOpen() ? closeRound(j, now) : j);
    d.state = JobState.FINISHED;
    d.lastHeartbeat = Math.max(d.lastHeartbeat, now);
    return d.build();
  }

  /** An operator's finish: like {@link #finish}, with the reason the job is told on its next call. */
  public static Job cancel(Job j, String reason, long now) {
    JobDraft d = new JobDraft(finish(j, now));
    d.reason = "cancelled by an operator: " + reason;
    return d.build();
  }

  public static Job expire(Job j, long now) {
    JobDraft d = new JobDraft(j.roundOpen() ? closeRound(j, now) : j);
    d.state = JobState.EXPIRED;
    d.reason = "no heartbeat for " + (now - j.lastHeartbeat()) / 1000 + " s (last at " + j.lastHeartbeat() + " ms)";
    return d.build();
  }

  /** One more device bound in the open round; fills the round when it reaches the demand. */
  public static Job bind(Job j, long now) {
    JobDraft d = new JobDraft(j);
    d.amount = j.amount() + 1;
    d.attainedService = j.attainedService() + 1;
    if (d.amount >= d.demand) {
      d.state = JobState.FILLED;
      d.filledAt = now;
    }
    return d.build();
  }

  /** A bound device's lease expired: its slot and the service it was counted for are given back. */
  public static Job unbind(Job j) {
    JobDraft d = new JobDraft(j);
    d.amount = Math.max(0, j.amount() - 1);
    d.attainedService = Math.max(0, j.attainedService() - 1);
    if (d.state == JobState.FILLED && d.amount < d.demand) {
      d.state = JobState.REQUESTING;
      d.filledAt = 0;
    }
    return d.build();
  }

  public static Job score(Job j, double score) {
    JobDraft d = new JobDraft(j);
    d.score = score;
    return d.build();
  }

  /** Scheduling delay and round duration accounting when a round ends. */
  private static Job closeRound(Job j, long now) {
    JobDraft d = new JobDraft(j);
    long waitedUntil = j.filledAt() > 0 ? j.filledAt() : now;
    d.totalSched = j.totalSched() + Math.max(0, waitedUntil - j.startSched());
    d.roundTimeTotal = j.roundTimeTotal() + Math.max(0, now - j.startSched());
    d.roundsCompleted = j.roundsCompleted() + 1;
    d.startSched = 0;
    d.filledAt = 0;
    d.state = JobState.IDLE;
    return d.build();
  }
}
