package io.propius.policy.builtin;

import io.propius.policy.ClientPortal;
import io.propius.policy.JobFields;
import io.propius.policy.JobPortal;
import io.propius.policy.PolicyContext;
import io.propius.policy.ScheduleTrigger;
import io.propius.policy.SchedulingPolicy;
import java.util.SplittableRandom;

/**
 * A random order, drawn afresh for every round of every job: a job's score is a uniform number in
 * [0, 1) derived from (seed, job, round), so the same seed gives the same order and the order stays
 * put while a round is open.
 */
public final class RandomPolicy implements SchedulingPolicy {
  private long seed;

  @Override
  public String name() {
    return "random";
  }

  @Override
  public void init(PolicyContext context) {
    seed = context.seed();
  }

  @Override
  public void schedule(ScheduleTrigger trigger, JobPortal jobs, ClientPortal clients) {
    for (long id : jobs.ids()) {
      long round = (long) jobs.field(id, JobFields.ROUND);
      jobs.setScore(id, new SplittableRandom(seed ^ (id * 0x9E3779B97F4A7C15L) ^ (round * 0xC2B2AE3D27D4EB4FL)).nextDouble());
    }
  }
}
