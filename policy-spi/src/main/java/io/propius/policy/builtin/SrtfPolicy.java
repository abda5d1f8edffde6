package io.propius.policy.builtin;

import io.propius.policy.ClientPortal;
import io.propius.policy.JobFields;
import io.propius.policy.JobPortal;
import io.propius.policy.ScheduleTrigger;
import io.propius.policy.SchedulingPolicy;
import java.util.List;

/**
 * Shortest remaining time first. A job's remaining time is its remaining rounds
 * ({@code total_round - rounds_completed}, at least 0) times its mean observed round duration
 * ({@code round_time_total / rounds_completed}). A job that has not completed a round yet is
 * estimated with the mean round duration of all jobs that have, or 1 ms when none has (the order
 * then falls back to remaining rounds). Less remaining time, higher score.
 */
public final class SrtfPolicy implements SchedulingPolicy {
  @Override
  public String name() {
    return "srtf";
  }

  @Override
  public void schedule(ScheduleTrigger trigger, JobPortal jobs, ClientPortal clients) {
    List<Long> ids = jobs.ids();
    double observedTime = 0;
    double observedRounds = 0;
    for (long id : ids) {
      observedTime += jobs.field(id, JobFields.ROUND_TIME_TOTAL);
      observedRounds += jobs.field(id, JobFields.ROUNDS_COMPLETED);
    }
    double fallback = observedRounds > 0 ? observedTime / observedRounds : 1;
    for (long id : ids) {
      double completed = jobs.field(id, JobFields.ROUNDS_COMPLETED);
      double meanRound = completed > 0 ? jobs.field(id, JobFields.ROUND_TIME_TOTAL) / completed : fallback;
      double remainingRounds = Math.max(0, jobs.field(id, JobFields.TOTAL_ROUND) - completed);
      jobs.setScore(id, -(remainingRounds * meanRound));
    }
  }
}
